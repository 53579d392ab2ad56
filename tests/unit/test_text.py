"""``domain.text``: what text and record ids the edges accept."""

from __future__ import annotations

import unicodedata

import pytest

from bordin.domain.text import (
    MAX_NAME,
    MAX_RECORD_ID,
    clean_line,
    clean_text,
    excerpt,
    name_problems,
    parse_count,
    parse_record_id,
    shorten_at_sentence,
)


def test_it_drops_a_nul_and_keeps_the_words_around_it() -> None:
    assert clean_text("I want to kill\x00 myself") == "I want to kill myself"


@pytest.mark.parametrize(
    "control", ["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"]
)
def test_it_drops_every_c0_and_c1_control_character(control: str) -> None:
    assert clean_text(f"a{control}b") == "ab"


def test_it_keeps_newlines_and_tabs_and_turns_carriage_returns_into_newlines() -> None:
    assert clean_text("one\r\ntwo\rthree\tfour\n") == "one\ntwo\nthree\tfour\n"


def test_it_drops_halves_of_surrogate_pairs() -> None:
    assert clean_text("a\ud800b\udfffc") == "abc"


def test_it_puts_text_in_nfc_so_the_same_words_compare_the_same() -> None:
    decomposed = "cafe\u0301"
    assert clean_text(decomposed) == "café" == unicodedata.normalize("NFC", decomposed)


def test_a_line_is_trimmed_and_single_spaced() -> None:
    assert clean_line("  Ash\x00 \n Sample\t ") == "Ash Sample"


def test_a_name_must_be_there_and_not_too_long() -> None:
    assert name_problems("display_name", "Ash") == []
    assert [p.message for p in name_problems("display_name", "")] == ["is required"]
    assert name_problems("display_name", "x" * (MAX_NAME + 1))[0].field == "display_name"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (str(MAX_RECORD_ID), MAX_RECORD_ID),
        (str(MAX_RECORD_ID + 1), None),
        (str(2**63), None),
        ("9" * 5000, None),
        ("0", None),
        ("-3", None),
        ("", None),
        (None, None),
        ("4a", None),
        ("²", None),
        (12, 12),
        (2**31, None),
    ],
)
def test_a_record_id_is_a_positive_integer_the_database_can_hold(
    raw: str | int | None, expected: int | None
) -> None:
    assert parse_record_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", 0), (" 12 ", 12), ("²", None), ("9" * 5000, None), ("1e3", None), ("-1", None)],
)
def test_a_count_is_a_few_plain_digits(raw: str, expected: int | None) -> None:
    assert parse_count(raw) == expected


def test_a_short_text_is_kept_whole() -> None:
    assert shorten_at_sentence("  Missed two sessions.  ", 100) == "Missed two sessions."


def test_a_long_text_is_shortened_at_the_last_sentence_that_fits() -> None:
    text = (
        "Alliance dropped at session 5. It fell 4 points below her own baseline. Consider asking."
    )
    assert shorten_at_sentence(text, 75) == (
        "Alliance dropped at session 5. It fell 4 points below her own baseline."
    )


def test_a_first_sentence_longer_than_the_limit_is_kept_whole_not_cut() -> None:
    text = "I do not want to hurt myself but I keep thinking about it. Please call."
    assert shorten_at_sentence(text, 20) == (
        "I do not want to hurt myself but I keep thinking about it."
    )


def test_a_quoted_sentence_keeps_its_closing_quote() -> None:
    text = "The client wrote: “this is not working.” Read it today. More."
    assert (
        shorten_at_sentence(text, 60) == "The client wrote: “this is not working.” Read it today."
    )


def test_an_excerpt_keeps_the_whole_sentences_that_fit_and_marks_the_cut() -> None:
    text = "My therapist was late again. She laughed when I cried and I felt small."
    assert excerpt(text, 40) == "My therapist was late again. …"


@pytest.mark.parametrize("limit", range(8, 60))
def test_an_excerpt_is_never_cut_inside_a_word(limit: int) -> None:
    text = "Unprofessional comments about my relationship during the session yesterday"
    short = excerpt(text, limit)
    assert short.endswith("…")
    kept = short.removesuffix("…").split()
    assert kept == text.split()[: len(kept)]
    assert len(short) <= limit or len(kept) == 1


def test_a_short_concern_is_not_marked_as_cut() -> None:
    assert excerpt("  Missed   two sessions.  ", 160) == "Missed two sessions."
