"""Spelling: UK and US forms, contractions, text-speak and common typos meet the same rules."""

from __future__ import annotations

import pytest

from bordin.domain.triage import rules_triage as triage
from bordin.domain.triage.normalisation import canonical
from bordin.domain.triage.spelling import expand, repair_typo, uk_spelling


@pytest.mark.parametrize(
    ("us", "uk"),
    [
        ("judgmental", "judgemental"),
        ("criticized", "criticised"),
        ("patronizing", "patronising"),
        ("apologized", "apologised"),
        ("counselor", "counsellor"),
        ("counseling", "counselling"),
        ("canceled", "cancelled"),
        ("behavior", "behaviour"),
        ("color", "colour"),
        ("analyzed", "analysed"),
        ("size", "size"),
        ("citizen", "citizen"),
    ],
)
def test_us_spellings_become_uk_spellings(us: str, uk: str) -> None:
    assert uk_spelling(us) == uk


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("sucidal", "suicidal"),
        ("suicidle", "suicidal"),
        ("suiside", "suicide"),
        ("theripist", "therapist"),
        ("therpist", "therapist"),
        ("confidentality", "confidentiality"),
        ("condecending", "condescending"),
        ("inapropriate", "inappropriate"),
        ("listend", "listened"),
        ("myslef", "myself"),
        ("cuttin", "cutting"),
    ],
)
def test_common_typos_are_repaired(typed: str, meant: str) -> None:
    assert repair_typo(typed) == meant


@pytest.mark.parametrize(
    "word", ["comfortable", "appropriate", "overdone", "exercised", "glistening", "cousin"]
)
def test_real_words_near_a_rule_word_are_left_alone(word: str) -> None:
    assert repair_typo(word) == word


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("didnt", ["did", "not"]),
        ("don't", ["do", "not"]),
        ("can't", ["can", "not"]),
        ("won't", ["will", "not"]),
        ("i'm", ["i", "am"]),
        ("im", ["i", "am"]),
        ("she's", ["she", "is"]),
        ("husband's", ["husband's"]),
        ("wanna", ["want", "to"]),
        ("anymore", ["any", "more"]),
        ("selfharm", ["self", "harm"]),
        ("mom", ["mum"]),
    ],
)
def test_contractions_and_text_speak_are_spelt_out(typed: str, words: list[str]) -> None:
    assert expand(typed) == words


def test_canonical_text_keeps_punctuation_as_separate_marks() -> None:
    assert canonical("I didn’t feel listend to!").text == "i did not feel listened to !"


def test_evidence_is_the_clients_own_spelling() -> None:
    result = triage("Been having suicidle thoughts again")

    assert result.category == "crisis"
    assert result.evidence == ("suicidle",)


@pytest.mark.parametrize(
    ("uk_text", "us_text"),
    [
        ("She was a bit judgemental.", "She was a bit judgmental."),
        ("I felt criticised for how I parent.", "I felt criticized for how I parent."),
        ("My counsellor smelt of weed.", "My counselor smelled of weed."),
        ("The session was cancelled again.", "The session was canceled again."),
        ("A bit patronising at times.", "A bit patronizing at times."),
        ("My mum's carer takes her money.", "My mom's carer takes her money."),
    ],
)
def test_uk_and_us_spellings_get_the_same_result(uk_text: str, us_text: str) -> None:
    uk, us = triage(uk_text), triage(us_text)

    assert (uk.category, uk.subcategory) == (us.category, us.subcategory)
    assert uk.category != "other"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("im not sure i want to be alive anymore", "crisis"),
        ("Sucidal again. Don't know what else to write.", "crisis"),
        ("been cuttin again. pls dont tell my parents", "crisis"),
        ("my therpist doesnt listen, she just talks at me", "misalignment"),
        ("My theripist told my mom about my diagnosis without asking me.", "conduct"),
        ("i didnt feel judged at all, thank u", "positive"),
        ("Really apreciate the session", "positive"),
    ],
)
def test_typos_and_missing_apostrophes_still_classify(text: str, expected: str) -> None:
    assert triage(text).category == expected
