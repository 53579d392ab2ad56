"""Triage of clients' free-text feedback: pure Python, explainable rules plus a learned model.

    >>> from bordin.domain.triage import triage
    >>> result = triage("I didn't feel listened to today")
    >>> result.category, result.route, result.risk_review
    ('misalignment', ('therapist',), False)

Classes, in order of precedence (the safest wins when a text matches several):

- ``crisis``: suicidal thoughts, self-harm, harm to others, a safeguarding concern. Urgent;
  goes to the therapist and the clinical lead; the client sees crisis help first.
- ``conduct``: a possible ethical breach by the therapist. Goes to the clinical lead only.
- ``misalignment``: strain in the alliance (goals, tasks, pace or approach, feeling unheard or
  judged, taking sides, cultural misattunement, logistics). Goes to the therapist with repair
  prompts.
- ``positive`` and ``other``: go to the therapist.

A text that is not a crisis but that the model thinks may be one is flagged ``risk_review``: it
also goes to the clinical lead ("possible risk: please read today") and the client is shown crisis
help. The rules are a floor under the model for crisis and conduct.

See ``docs/triage.md`` for the rule families, negation handling and measured accuracy.
"""

from bordin.domain.triage.classifier import MAX_LENGTH, Hit, Triage, rules_triage
from bordin.domain.triage.combination import triage
from bordin.domain.triage.patterns import PRECEDENCE, Category
from bordin.domain.triage.repair import RepairPrompt
from bordin.domain.triage.routing import CLINICAL_LEAD, THERAPIST, Role, Severity

__all__ = [
    "CLINICAL_LEAD",
    "MAX_LENGTH",
    "PRECEDENCE",
    "THERAPIST",
    "Category",
    "Hit",
    "RepairPrompt",
    "Role",
    "Severity",
    "Triage",
    "rules_triage",
    "triage",
]
