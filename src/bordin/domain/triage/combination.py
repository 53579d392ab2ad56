"""One decision from the rules and the learned model, safety first.

1. The **rules** (:mod:`~bordin.domain.triage.classifier`) and the **model**
   (:mod:`~bordin.domain.triage.model`) both read the canonical text; the model reads the whole
   text, each sentence on its own, and each two neighbouring sentences together.
2. **Crisis** if the rules find one, or if the model's crisis probability, of the whole text or
   of any one sentence, reaches the crisis threshold. The rules are a floor: the model can add a
   crisis, never remove one.
3. Otherwise **conduct** if the rules find a conduct concern (a floor too: conduct text never
   reaches the therapist concerned; a crisis text goes to the clinical lead only if the rules
   find a conduct concern in it or the model's likeliest class after crisis is conduct, and
   the client is told of a conduct concern only if the rules find one or the model gives
   conduct at least :data:`RULES_SUPPORT`); else the rules' misalignment or positive reading if the
   model gives it at least :data:`RULES_SUPPORT` (the rules understand negation); else the
   model's most likely class of the other four.
4. **Risk review**: a text that is not a crisis but whose review score reaches the review
   threshold (the mean of its crisis score and of the crisis probability of the whole text or
   of any two neighbouring sentences read together; ``Scores.review``), or in which the rules
   find a warning sign of suicide
   (:mod:`~bordin.domain.triage.lexicon.warning_signs`), is flagged; it also goes to the
   clinical lead, and the client sees crisis help.
5. **Evidence** is the client's own phrases that the rules matched for that class, or else the
   sentence that drove the model.

Both thresholds are stored in the model artifact; how they were chosen is in docs/triage.md.
With a second reader (:mod:`~bordin.domain.triage.second_reader`) the model's scores are its
average with the light model's, and the thresholds are the ones chosen for that average.
"""

from __future__ import annotations

from dataclasses import replace

from bordin.domain.triage import second_reader
from bordin.domain.triage.classifier import (
    SUBCATEGORY_ORDER,
    Triage,
    checked_canonical,
    decide,
    find_hits,
)
from bordin.domain.triage.model import Model, Scores, score, shipped_model
from bordin.domain.triage.normalisation import Canonical
from bordin.domain.triage.patterns import PRECEDENCE, Category
from bordin.domain.triage.repair import prompts_for
from bordin.domain.triage.routing import SEVERITY, client_message_for, route_for

#: The classes the model chooses among once crisis and conduct floors are settled.
_NOT_CRISIS: tuple[Category, ...] = ("conduct", "misalignment", "positive", "other")
#: The rules' misalignment or positive reading wins when the model gives it at least this
#: probability: the rules read negation ("I never felt judged") better than the model does.
RULES_SUPPORT = 0.2
_RULES_READ: tuple[Category, ...] = ("misalignment", "positive")
#: How much of a text is quoted as evidence when the model alone decided.
EVIDENCE_LIMIT = 240


def triage(
    text: str, *, model: Model | None = None, reader: second_reader.SecondReader | None = None
) -> Triage:
    """Classify one piece of client feedback with the rules and the model (``model``, else the
    shipped one; with ``reader``, averaged with that second reader), and explain it.

    >>> result = triage("I didn't feel listened to today")
    >>> result.category, result.route, result.risk_review
    ('misalignment', ('therapist',), False)
    """
    canon = checked_canonical(text)
    chosen = model or shipped_model()
    scores = score(chosen, canon)
    if reader is not None:
        readings = reader.probabilities(second_reader.pieces(canon))
        scores = second_reader.blended(scores, readings, reader.share)
        chosen = replace(
            chosen,
            crisis_threshold=reader.crisis_threshold,
            review_threshold=reader.review_threshold,
        )
    return combine(canon, decide(find_hits(canon)), scores, chosen)


def combine(canon: Canonical, rules: Triage, scores: Scores, model: Model | None) -> Triage:
    """The decision from the rules' answer and the model's scores (see the module docstring)."""
    chosen = model or shipped_model()
    probabilities = scores.text
    crisis_p = scores.crisis
    rules_conduct = rules.category == "conduct" or "conduct" in rules.also_detected
    model_choice = max(_NOT_CRISIS, key=lambda c: probabilities[c])
    by_model = crisis_p >= chosen.crisis_threshold
    category: Category
    if rules.category == "crisis" or by_model:
        category = "crisis"
        decided_by = _who(rules.category == "crisis", by_model)
    elif rules_conduct:
        category = "conduct"
        decided_by = _who(True, model_choice == "conduct")
    elif rules.category in _RULES_READ and probabilities[rules.category] >= RULES_SUPPORT:
        category = rules.category
        decided_by = _who(True, model_choice == category)
    else:
        category = model_choice
        decided_by = _who(rules.category == category and category != "other", True)
    signs = rules.warning_signs
    review = category != "crisis" and (scores.review >= chosen.review_threshold or bool(signs))
    also = _also(category, rules, model_choice)
    counting = [
        h for h in rules.hits if h.status == "counts" and h.category == category and h.subcategory
    ]
    order = SUBCATEGORY_ORDER[category]
    found = sorted(
        {h.subcategory for h in counting if h.subcategory},
        key=lambda s: order.index(s) if s in order else len(order),
    )
    evidence = rules.evidence if rules.category == category else ()
    if review and signs:
        evidence = (*evidence, *(s for s in signs if s not in evidence))
    if not evidence:
        evidence = _driving_evidence(canon, scores, "crisis" if review else category)
    confidence = crisis_p if category == "crisis" else probabilities[category]
    severity = SEVERITY[category]
    if review and severity == "routine":
        severity = "high"
    return Triage(
        category=category,
        severity=severity,
        route=route_for(category, also=also, risk_review=review),
        evidence=evidence,
        subcategory=found[0] if found else "none",
        repair_prompts=tuple(str(p) for p in prompts_for(tuple(found)))
        if category == "misalignment"
        else (),
        client_message=client_message_for(
            category,
            also=also,
            risk_review=review,
            conduct_raised=rules_conduct or probabilities["conduct"] >= RULES_SUPPORT,
        ),
        shows_crisis_help=category == "crisis" or review,
        also_detected=also,
        hits=rules.hits,
        risk_review=review,
        warning_signs=signs,
        confidence=confidence,
        decided_by=decided_by,
        probabilities=tuple((c, probabilities[c]) for c in PRECEDENCE),
    )


def _who(rules: bool, model: bool) -> str:
    if rules and model:
        return "rules and model"
    return "rules" if rules else "model"


def _also(category: Category, rules: Triage, model_choice: Category) -> tuple[Category, ...]:
    """Other classes noticed: the rules' own, and conduct when the model leans that way."""
    also = [c for c in (rules.category, *rules.also_detected) if c not in (category, "other")]
    if category == "crisis" and model_choice == "conduct":
        also.append("conduct")
    return tuple(c for c in PRECEDENCE if c in also)


def _driving_evidence(canon: Canonical, scores: Scores, category: Category) -> tuple[str, ...]:
    """The sentence that most drove the model towards ``category`` (or the text, if one)."""
    sentence = scores.driving_sentence(category)
    if sentence is not None:
        phrase = canon.original[sentence.start : sentence.end]
    else:
        phrase = canon.original.strip()
    if len(phrase) > EVIDENCE_LIMIT:
        phrase = phrase[:EVIDENCE_LIMIT].rsplit(" ", 1)[0]
    return (phrase,) if phrase else ()
