"""Jacobson–Truax reliable change and clinically significant change."""

from __future__ import annotations

import math

import pytest

from bordin.domain.errors import InvalidInput
from bordin.domain.instruments import (
    classify_change,
    configured,
    criterion_c,
    get_instrument,
    jacobson_truax_threshold,
    reliable_change_index,
    reliable_change_threshold,
)
from bordin.domain.instruments.change import (
    criterion_a,
    criterion_b,
    standard_error,
    standard_error_of_difference,
)


def test_the_standard_error_and_its_difference_follow_the_formulas():
    assert standard_error(10, 0.75) == pytest.approx(5.0)
    assert standard_error_of_difference(10, 0.75) == pytest.approx(math.sqrt(50))


def test_the_threshold_is_196_standard_errors_of_the_difference():
    assert jacobson_truax_threshold(7.7, 0.90) == pytest.approx(1.96 * math.sqrt(2 * 0.1) * 7.7)
    assert jacobson_truax_threshold(7.7, 0.90) == pytest.approx(6.75, abs=0.01)


def test_the_rc_index_is_the_change_over_s_diff():
    assert reliable_change_index(20, 10, 10, 0.75) == pytest.approx(-10 / math.sqrt(50))


def test_criteria_a_b_and_c_from_the_core10_norms():
    norms = get_instrument("core10").norms
    assert norms is not None
    assert criterion_c(norms) == pytest.approx((7.7 * 4.7 + 4.8 * 19.7) / 12.5)
    assert criterion_a(norms, higher_is_worse=True) == pytest.approx(19.7 - 2 * 7.7)
    assert criterion_b(norms, higher_is_worse=True) == pytest.approx(4.7 + 2 * 4.8)


def test_without_a_published_value_the_threshold_is_computed_from_sd_and_reliability():
    core10 = configured(get_instrument("core10"), reliable_change=None)
    assert reliable_change_threshold(core10) == pytest.approx(6.75, abs=0.01)
    assert not classify_change(core10, 18, 11.5).reliable  # 6.5 < 6.75
    assert classify_change(get_instrument("core10"), 18, 11.5).reliable  # 6.5 >= 6


def test_a_change_reports_rci_where_sd_and_reliability_are_known():
    assert classify_change(get_instrument("core10"), 18, 8).rci == pytest.approx(-2.904, abs=1e-3)
    assert classify_change(get_instrument("phq9"), 18, 8).rci is None


def test_improvement_that_starts_below_the_threshold_is_not_recovery():
    change = classify_change(get_instrument("phq9"), 9, 2)
    assert change.classification == "reliably_improved"


def test_scores_outside_the_range_are_refused_naming_before_or_after():
    with pytest.raises(InvalidInput) as raised:
        classify_change(get_instrument("phq9"), 30, -1)
    assert [e.field for e in raised.value.errors] == ["before", "after"]


@pytest.mark.parametrize("instrument_id", ["srs", "wai_sr", "bordin_sac"])
def test_instruments_without_a_threshold_are_not_classified(instrument_id):
    with pytest.raises(InvalidInput, match="no reliable-change threshold"):
        classify_change(get_instrument(instrument_id), 30, 38)
