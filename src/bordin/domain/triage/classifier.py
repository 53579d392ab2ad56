"""The classifier: rules in, one explained decision out.

This module is the rule engine; :mod:`~bordin.domain.triage.combination` joins it with the
learned model.

1. Canonicalise the text (:mod:`~bordin.domain.triage.normalisation`).
2. Run every rule (:mod:`~bordin.domain.triage.lexicon`) and note each match as a
   :class:`Hit`, with the client's own words.
3. Decide what each hit counts as: a guard may discount it; a rule about the therapist's own
   actions does not count when the nearest person is the client or someone in their life; a
   negation may cancel it or turn it into its opposite (:mod:`~bordin.domain.triage.negation`).
4. The category is the first, in order of safety (crisis, conduct, misalignment, positive),
   that has a counting hit; with none the text is ``other``. A warning sign of suicide
   (:mod:`~bordin.domain.triage.lexicon.warning_signs`) does not make a crisis: it flags the
   text for a same-day **risk review**, unless it is told of someone else, in the past or as a
   supposition.
5. Route, severity, repair prompts and the message for the client follow from the category
   (:mod:`~bordin.domain.triage.routing`, :mod:`~bordin.domain.triage.repair`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from bordin.domain.errors import FieldError, InvalidInput
from bordin.domain.triage import negation
from bordin.domain.triage.lexicon import GUARDS, RULES
from bordin.domain.triage.lexicon.warning_signs import WARNING_SIGN
from bordin.domain.triage.normalisation import Canonical, canonical
from bordin.domain.triage.patterns import (
    FIRST_PERSON,
    OTHER_PERSON,
    PRECEDENCE,
    THIRD_PARTY,
    Category,
    Guard,
    Rule,
)
from bordin.domain.triage.prefilter import Prefilter
from bordin.domain.triage.repair import prompts_for
from bordin.domain.triage.routing import (
    SEVERITY,
    Role,
    Severity,
    client_message_for,
    route_for,
)

MAX_LENGTH = 20_000

#: Within a category, which subcategory names the text when several match.
SUBCATEGORY_ORDER: dict[Category, tuple[str, ...]] = {
    "crisis": ("suicidal_thoughts", "self_harm", "harm_to_others", "safeguarding"),
    "conduct": (
        "sexual_conduct",
        "exploitation",
        "money_or_gifts",
        "confidentiality",
        "discrimination",
        "dual_relationship",
        "impairment",
        "dishonesty",
        "competence",
        "boundaries",
    ),
    "misalignment": (
        "judged",
        "taking_sides",
        "cultural",
        "unheard",
        "goals",
        "tasks",
        "pace",
        "approach",
        "logistics",
    ),
    "positive": ("improvement", "appreciation", "reassurance"),
    "other": ("none",),
}

Status = Literal["counts", "negated", "discounted", "not_about_therapist", "doubtful"]


@dataclass(frozen=True)
class Hit:
    """One rule (or guard) matching one phrase, and what it was taken to mean.

    ``category``/``subcategory`` are what the hit *counts as* after negation (a negated
    "listened to" counts as misalignment/unheard); ``rule`` names the rule as
    ``category.rule_id`` of the rule that matched; ``status`` says whether it counted and if
    not, why; ``polarity`` is what the negation check found.
    """

    rule: str
    phrase: str
    start: int
    end: int
    status: Status
    polarity: negation.Polarity
    category: Category | None
    subcategory: str | None


@dataclass(frozen=True)
class Triage:
    """What a piece of client feedback is, who should see it, and why.

    ``evidence`` holds the client's own phrases that decided the category; ``hits`` every
    match, including the ones that did not count (for explanation and testing).
    ``also_detected`` lists other categories that matched (a crisis text that also raises a
    conduct concern). ``shows_crisis_help`` tells the form to show crisis numbers first.
    """

    category: Category
    severity: Severity
    route: tuple[Role, ...]
    evidence: tuple[str, ...]
    subcategory: str
    repair_prompts: tuple[str, ...]
    client_message: str
    shows_crisis_help: bool
    also_detected: tuple[Category, ...]
    hits: tuple[Hit, ...]
    risk_review: bool = False
    warning_signs: tuple[str, ...] = ()
    confidence: float = 1.0
    decided_by: str = "rules"
    probabilities: tuple[tuple[Category, float], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: the stable CLI keys first, then the details."""
        return {
            "class": self.category,
            "severity": self.severity,
            "route": list(self.route),
            "evidence": list(self.evidence),
            "risk_review": self.risk_review,
            "subcategory": self.subcategory,
            "confidence": round(self.confidence, 3),
            "decided_by": self.decided_by,
            "also_detected": list(self.also_detected),
            "shows_crisis_help": self.shows_crisis_help,
            "repair_prompts": list(self.repair_prompts),
            "client_message": self.client_message,
        }


def rules_triage(text: str) -> Triage:
    """Classify one piece of client feedback by the rules alone and explain the decision.

    >>> result = rules_triage("I never felt judged, and the homework really helped.")
    >>> result.category, result.route
    ('positive', ('therapist',))
    >>> rules_triage("Honestly I'm not sure I want to be alive.").severity
    'urgent'
    """
    return decide(find_hits(checked_canonical(text)))


def checked_canonical(text: str) -> Canonical:
    """The canonical form of ``text``, refused (naming the field) if empty or too long."""
    if not isinstance(text, str):
        raise InvalidInput(FieldError("text", "must be text"))
    if not text.strip():
        raise InvalidInput(FieldError("text", "is empty: there is nothing to triage"))
    if len(text) > MAX_LENGTH:
        raise InvalidInput(
            FieldError("text", f"is too long ({len(text)} characters; at most {MAX_LENGTH})")
        )
    return canonical(text)


def find_hits(canon: Canonical) -> tuple[Hit, ...]:
    """Every rule and guard match in ``canon``, with what each counts as."""
    guarded: list[tuple[int, int, tuple[Category, ...], str]] = []
    hits: list[Hit] = []
    # Guards come first in the prefilter's order, so every guard is known before any rule.
    for item in _PREFILTER.candidates(canon.text):
        if isinstance(item, Guard):
            _guard_hits(canon, item, guarded, hits)
            continue
        for match in item.compiled.finditer(canon.text):
            if match.end() > match.start():
                hits.append(_judge(canon, item, match.start(), match.end(), guarded))
    hits.sort(key=lambda hit: (hit.start, hit.end, hit.rule))
    return tuple(hits)


def _guard_hits(
    canon: Canonical,
    guard: Guard,
    guarded: list[tuple[int, int, tuple[Category, ...], str]],
    hits: list[Hit],
) -> None:
    """Note where ``guard`` matches, and add a hit where the guarded phrase counts itself."""
    for match in guard.compiled.finditer(canon.text):
        if match.end() <= match.start():
            continue
        guarded.append((match.start(), match.end(), guard.categories, guard.id))
        if guard.counts_as is not None:
            first, last = canon.word_range(match.start(), match.end())
            start, end = canon.original_span(first, last)
            hits.append(
                Hit(
                    f"guard.{guard.id}",
                    canon.phrase(first, last),
                    start,
                    end,
                    "counts",
                    negation.AS_WRITTEN,
                    guard.counts_as[0],
                    guard.counts_as[1],
                )
            )


#: Every guard, then every rule; only those whose literals are in a text are run on it.
_PREFILTER: Prefilter[Guard | Rule] = Prefilter.of((*GUARDS, *RULES))


def _judge(
    canon: Canonical,
    rule: Rule,
    start: int,
    end: int,
    guarded: list[tuple[int, int, tuple[Category, ...], str]],
) -> Hit:
    first, last = canon.word_range(start, end)
    span_start, span_end = canon.original_span(first, last)
    phrase = canon.phrase(first, last)
    name = f"{rule.category}.{rule.id}"

    def hit(
        status: Status, polarity: negation.Polarity, counts_as: tuple[Category, str] | None
    ) -> Hit:
        category, subcategory = counts_as if counts_as else (None, None)
        if status == "counts" and counts_as is None:
            status = "negated"
        return Hit(name, phrase, span_start, span_end, status, polarity, category, subcategory)

    for g_start, g_end, categories, _guard_id in guarded:
        if rule.category in categories and g_start <= start and end <= g_end:
            return hit("discounted", negation.AS_WRITTEN, None)
    if rule.not_by_client:
        person = negation.nearest_person(canon, first)
        if person in FIRST_PERSON or person in THIRD_PARTY:
            return hit("not_about_therapist", negation.AS_WRITTEN, None)
    polarity = negation.polarity(canon, first, last) if rule.negatable else negation.AS_WRITTEN
    as_written: tuple[Category, str] = (rule.category, rule.subcategory)
    if rule.subcategory == WARNING_SIGN:
        return _judge_sign(canon, first, last, polarity, hit)
    if rule.category in ("crisis", "conduct"):
        # Err towards safety: only a plain denial cancels these.
        if polarity in (negation.AS_WRITTEN, negation.HEDGED):
            return hit("counts", polarity, as_written)
        if polarity == negation.RESOLVED and rule.category == "crisis":
            return hit("counts", polarity, ("positive", "improvement"))
        return hit("negated", polarity, None)
    if rule.category == "misalignment":
        if polarity in (negation.AS_WRITTEN, negation.HEDGED):
            return hit("counts", polarity, as_written)
        return hit("counts", polarity, rule.when_negated)
    # positive
    if polarity == negation.AS_WRITTEN:
        if negation.is_doubt(canon, first):
            return hit("doubtful", polarity, None)
        return hit("counts", polarity, as_written)
    return hit("counts", polarity, rule.when_negated)


def _judge_sign(
    canon: Canonical,
    first: int,
    last: int,
    polarity: negation.Polarity,
    hit: Callable[[Status, negation.Polarity, tuple[Category, str] | None], Hit],
) -> Hit:
    """A warning sign counts only as the client's own, present, stated act or feeling."""
    person = negation.nearest_person(canon, first, reach=negation.WINDOW + 2)
    if person is not None and (person in OTHER_PERSON or person in THIRD_PARTY):
        return hit("discounted", polarity, None)  # told of someone else
    if polarity not in (negation.AS_WRITTEN, negation.HEDGED):
        return hit("negated", polarity, None)  # denied, or stopped ("no longer")
    if negation.is_supposed(canon, first):
        return hit("doubtful", polarity, None)  # "if I ever made a will"
    if negation.is_past(canon, first, last):
        return hit("discounted", polarity, None)  # "years ago I gave my things away"
    return hit("counts", polarity, ("crisis", WARNING_SIGN))


def decide(hits: tuple[Hit, ...]) -> Triage:
    """Turn the hits into a decision (see the module docstring)."""
    signs = [h for h in hits if h.status == "counts" and h.subcategory == WARNING_SIGN]
    counting = [
        h
        for h in hits
        if h.status == "counts" and h.category is not None and h.subcategory != WARNING_SIGN
    ]
    present = [c for c in PRECEDENCE if any(h.category == c for h in counting)]
    category: Category = present[0] if present else "other"
    also = tuple(c for c in present[1:] if c != "other")
    winners = [h for h in counting if h.category == category]
    order = SUBCATEGORY_ORDER[category]
    found = sorted(
        {h.subcategory for h in winners if h.subcategory},
        key=lambda s: order.index(s) if s in order else len(order),
    )
    subcategory = found[0] if found else "none"
    prompts: tuple[str, ...] = ()
    if category == "misalignment":
        prompts = tuple(str(p) for p in prompts_for(tuple(found)))
    review = bool(signs) and category != "crisis"
    severity = SEVERITY[category]
    if review and severity == "routine":
        severity = "high"
    return Triage(
        category=category,
        severity=severity,
        route=route_for(category, also=also, risk_review=review),
        evidence=_evidence(winners),
        subcategory=subcategory,
        repair_prompts=prompts,
        client_message=client_message_for(category, also=also, risk_review=review),
        shows_crisis_help=category == "crisis" or review,
        also_detected=also,
        hits=hits,
        risk_review=review,
        warning_signs=_evidence(signs),
    )


def _evidence(hits: list[Hit]) -> tuple[str, ...]:
    """The phrases behind ``hits``, in text order, overlapping phrases merged."""
    spans: list[tuple[int, int, str]] = []
    for h in sorted(hits, key=lambda h: (h.start, -h.end)):
        if spans and h.start < spans[-1][1]:
            last_start, last_end, last_phrase = spans[-1]
            if h.end > last_end:
                merged = last_phrase + h.phrase[last_end - h.start :]
                spans[-1] = (last_start, h.end, merged)
            continue
        spans.append((h.start, h.end, h.phrase))
    return tuple(phrase for _, _, phrase in spans)
