"""Negation: plain denials cancel, hedges do not (for crisis), negated complaints reassure."""

from __future__ import annotations

import pytest

from bordin.domain.triage import rules_triage as triage
from bordin.domain.triage.negation import AS_WRITTEN, HEDGED, NEGATED, RESOLVED, polarity
from bordin.domain.triage.normalisation import canonical

NEGATION_CASES = [
    # (text, expected category, why)
    ("I'm not suicidal, just having a rough week.", "other", "plain denial"),
    ("I'm not suicidal, just exhausted, and the sessions feel rushed.", "misalignment", "denial"),
    ("To be clear, I'm not going to hurt myself.", "other", "plain denial"),
    ("I would never hurt myself.", "other", "never"),
    ("No thoughts of harming anyone, I know you have to ask.", "other", "no thoughts of"),
    ("I'm not sure I want to be alive.", "crisis", "hedge: not sure"),
    ("Not that I'm suicidal or anything, but I've stopped seeing the point.", "crisis", "hedge"),
    ("I don't think I'm suicidal exactly but I wish I wasn't alive.", "crisis", "hedge"),
    ("I'm not really suicidal.", "crisis", "hedge: not really"),
    ("I no longer feel suicidal. Thank you.", "positive", "resolved"),
    ("I'm not suicidal any more and I think the sessions helped.", "positive", "resolved"),
    ("I never felt judged, even about the affair.", "positive", "negated complaint"),
    ("Never once felt like you were taking sides.", "positive", "negated complaint"),
    ("I didn't feel rushed at all.", "positive", "negated complaint"),
    ("Thank you for not pushing me too hard today.", "positive", "negated complaint"),
    ("I didn't feel listened to today.", "misalignment", "negated praise"),
    ("It wasn't very helpful today.", "misalignment", "negated praise"),
    ("I don't think she gets me.", "misalignment", "hedged praise"),
    ("Not sure he heard me.", "misalignment", "hedged praise"),
    ("I'm not saying he was flirting, but it felt like it.", "conduct", "hedge keeps conduct"),
    ("She has never touched my hair or anything like that.", "other", "denied conduct"),
    ("I asked instead of assuming, and she liked that.", "positive", "instead of"),
]


@pytest.mark.parametrize(("text", "expected", "why"), NEGATION_CASES)
def test_negation_is_read_the_way_a_clinician_would(text: str, expected: str, why: str) -> None:
    assert triage(text).category == expected, why


def _polarity_of(text: str, phrase: str) -> str:
    canon = canonical(text)
    words = [w.text for w in canon.words]
    target = phrase.split()
    for i in range(len(words) - len(target) + 1):
        if words[i : i + len(target)] == target:
            return polarity(canon, i, i + len(target) - 1)
    raise AssertionError(f"{phrase!r} not in {words}")


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("I felt judged", "judged", AS_WRITTEN),
        ("I never felt judged", "judged", NEGATED),
        ("I didn't feel judged", "judged", NEGATED),
        ("I'm not sure I felt judged", "judged", HEDGED),
        ("I don't really know if I felt judged", "judged", AS_WRITTEN),
        ("No, I felt judged", "judged", AS_WRITTEN),
        ("Nothing was wrong but I felt judged", "judged", AS_WRITTEN),
        ("I don't feel judged any more", "judged", RESOLVED),
        ("I no longer feel judged", "judged", RESOLVED),
        ("Honestly it was not one bit rushed", "rushed", NEGATED),
        ("I'm not sure I felt judged any more", "judged", HEDGED),
    ],
)
def test_polarity_finds_denials_hedges_and_clause_ends(
    text: str, phrase: str, expected: str
) -> None:
    assert _polarity_of(text, phrase) == expected


def test_a_negation_more_than_six_words_back_does_not_reach() -> None:
    assert _polarity_of("not that I would ever say this but honestly felt judged", "judged") == (
        AS_WRITTEN
    )


def test_a_negated_crisis_phrase_is_kept_in_the_hits_as_negated() -> None:
    result = triage("I'm not suicidal.")

    assert [(h.rule, h.status) for h in result.hits] == [("crisis.suicidal", "negated")]
    assert result.evidence == ()
