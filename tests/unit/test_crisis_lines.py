"""Crisis lines by locale (clinical-facts §12): pure rules, no database."""

from __future__ import annotations

import pytest

from bordin.domain.crisis import default_lines, lines_for, parse_configured
from bordin.domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("locale", "numbers"),
    [
        ("UK", ["999", "111", "116 123", "85258"]),
        ("EU", ["112", "116 123"]),
        ("US", ["911", "988"]),
        ("AU", ["000", "13 11 14"]),
    ],
)
def test_each_locale_has_its_defaults_with_the_emergency_number_first(
    locale: str, numbers: list[str]
) -> None:
    lines = default_lines(locale)
    assert [line.number for line in lines] == numbers
    assert lines[0].emergency and not any(line.emergency for line in lines[1:])


def test_shout_is_a_text_line_and_988_takes_calls_and_texts() -> None:
    shout = default_lines("UK")[-1]
    assert (shout.can_call, shout.can_text, shout.text_body) == (False, True, "SHOUT")
    assert shout.spoken == "Shout: text SHOUT to 85258"
    lifeline = next(line for line in default_lines("US") if line.number == "988")
    assert lifeline.can_call and lifeline.can_text


def test_numbers_are_dialled_without_spaces() -> None:
    assert default_lines("UK")[2].dial == "116123"


def test_a_practices_own_lines_replace_the_defaults() -> None:
    own = [
        {"name": "Practice duty line", "number": "0123 456"},
        {"name": "Emergency", "number": "999", "emergency": True},
    ]
    lines = lines_for(own, "UK")
    assert [line.name for line in lines] == ["Emergency", "Practice duty line"]


def test_a_locale_without_defaults_falls_back_to_the_installations() -> None:
    assert lines_for(None, "FR", "EU")[0].number == "112"


def test_unreadable_configured_lines_never_leave_a_page_without_help() -> None:
    assert lines_for([{"name": "", "number": "call us"}], "US")[0].number == "911"


def test_each_problem_in_configured_lines_names_its_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_configured([{"name": "", "number": "abc", "how": "fax"}])
    assert {e.field for e in refused.value.errors} == {
        "crisis_lines[0].name",
        "crisis_lines[0].number",
        "crisis_lines[0].how",
    }
