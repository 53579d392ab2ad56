"""The triage lexicon: every rule family, by category, and the guards.

``RULES`` lists every rule in precedence order (crisis, then the warning signs of suicide, which
count towards a risk review rather than a crisis, then conduct, misalignment, positive).
"""

from __future__ import annotations

from bordin.domain.triage.lexicon import conduct, crisis, misalignment, positive, warning_signs
from bordin.domain.triage.lexicon.guards import GUARDS
from bordin.domain.triage.patterns import Rule

RULES: tuple[Rule, ...] = (
    crisis.ALL + warning_signs.ALL + conduct.ALL + misalignment.ALL + positive.ALL
)

__all__ = ["GUARDS", "RULES"]


def _check_unique_ids() -> None:
    seen: set[str] = set()
    for rule in RULES:
        key = f"{rule.category}.{rule.id}"
        if key in seen:
            raise ValueError(f"duplicate triage rule id {key}")
        seen.add(key)


_check_unique_ids()
