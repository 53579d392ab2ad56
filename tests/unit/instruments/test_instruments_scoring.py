"""Scoring behaviour beyond the spec tables: answer shapes, error lists, configuration."""

from __future__ import annotations

import math

import pytest

from bordin.domain.errors import InvalidResponses
from bordin.domain.instruments import configured, get_instrument, score, validate_answers


def test_answers_can_be_given_by_link_id_with_missing_keys_counting_as_missing():
    result = score(get_instrument("core10"), {f"q{n}": 1 for n in range(1, 10)})
    assert result.prorated and result.missing == ("q10",)
    assert result.item_values["q10"] is None


def test_every_problem_is_reported_at_once_with_one_field_error_each():
    with pytest.raises(InvalidResponses) as raised:
        score(get_instrument("phq9"), [4, 0, -1, 0, 0, 0, 0, 0, 9])
    assert [e.field for e in raised.value.errors] == ["q1", "q3", "q9"]


@pytest.mark.parametrize("bad", [True, "2", math.nan, math.inf, [1]])
def test_values_that_are_not_numbers_are_refused(bad):
    with pytest.raises(InvalidResponses, match="not a number"):
        score(get_instrument("gad7"), [bad, 0, 0, 0, 0, 0, 0])


def test_a_string_is_not_taken_for_a_list_of_answers():
    with pytest.raises(InvalidResponses, match="list in item order"):
        score(get_instrument("gad7"), "0000000")


def test_a_whole_number_given_as_a_float_is_accepted():
    assert score(get_instrument("gad7"), [1.0, 0, 0, 0, 0, 0, 0]).total == 1


def test_validate_answers_lists_problems_without_raising():
    assert validate_answers(get_instrument("srs"), [9, 9, 9, 9]) == []
    assert validate_answers(get_instrument("srs"), [9, 9, 9, None])[0].field == "overall"


def test_the_score_summary_has_the_cli_contract_keys():
    summary = score(get_instrument("srs"), [9.1, 8.5, 9, 7.3]).as_dict()
    assert set(summary) == {
        "instrument",
        "total",
        "subscales",
        "band",
        "cutoff_exceeded",
        "risk_items",
        "prorated",
    }
    assert summary["subscales"] == {"goals": 8.5, "tasks": 9.0, "bond": 9.1, "overall": 7.3}


def test_a_practice_can_allow_prorating_the_phq9():
    phq9 = configured(get_instrument("phq9"), prorate=True, max_missing=1)
    result = score(phq9, [3, 3, 3, 3, None, 3, 3, 3, 3])
    assert (result.total, result.prorated, result.raw_total) == (27, True, 24)


def test_the_srs_cut_off_can_be_made_inclusive():
    srs = configured(get_instrument("srs"), cutoff_inclusive=True)
    assert score(srs, [9, 9, 9, 9]).cutoff_exceeded
    assert not score(get_instrument("srs"), [9, 9, 9, 9]).cutoff_exceeded


def test_the_alternative_core10_bands_can_be_chosen():
    from bordin.domain.instruments.core10 import ALTERNATIVE_BANDS

    core10 = configured(get_instrument("core10"), bands=ALTERNATIVE_BANDS)
    assert score(core10, [1, 3, 3, 1, 1, 0, 1, 1, 1, 1]).band == "low"


def test_the_score_records_the_instrument_version_it_used():
    result = score(get_instrument("ors"), [5, 5, 5, 5])
    assert (result.instrument_id, result.instrument_version) == ("ors", "1.0")
