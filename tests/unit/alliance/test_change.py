"""Reliable change and recovery from intake to the latest rating (Jacobson & Truax 1991)."""

from __future__ import annotations

from .builders import individual, outcome, signals, srs_series, walk


def test_six_points_worse_on_the_phq9_is_reliable_deterioration() -> None:
    history = individual(outcome("client-a", "phq9", [12, 14, 18]))
    [signal] = signals(history, "reliable_deterioration")
    assert signal.severity == "high"
    assert signal.session_number == 3
    assert signal.explanation.numbers["change"] == 6
    assert signal.explanation.numbers["reliable_change"] == 6


def test_five_points_worse_is_not_reliable() -> None:
    history = individual(outcome("client-a", "phq9", [12, 14, 17]))
    assert signals(history, "reliable_deterioration") == []


def test_reliable_improvement_that_leaves_the_clinical_range_is_recovery() -> None:
    history = individual(outcome("client-a", "phq9", [16, 13, 9]))
    assert {s.type for s in signals(history, "reliable_improvement", "recovery")} == {
        "reliable_improvement",
        "recovery",
    }


def test_reliable_improvement_that_stays_in_the_clinical_range_is_not_recovery() -> None:
    history = individual(outcome("client-a", "phq9", [22, 18, 15]))
    assert [s.type for s in signals(history, "reliable_improvement", "recovery")] == [
        "reliable_improvement"
    ]


def test_on_the_ors_a_rise_is_improvement_and_crossing_25_is_recovery() -> None:
    history = individual(outcome("client-a", "ors", [18, 22, 27]))
    assert {s.type for s in signals(history, "reliable_improvement", "recovery")} == {
        "reliable_improvement",
        "recovery",
    }


def test_the_signal_keeps_the_session_it_first_met_the_rule_while_it_still_holds() -> None:
    history = individual(outcome("client-a", "gad7", [15, 13, 10, 9, 10]))
    seen = walk(history, [3, 4, 5], "reliable_improvement")
    assert [s.session_number for s in seen[3]] == [3]
    assert [s.session_number for s in seen[5]] == [3]


def test_change_that_no_longer_holds_is_not_raised() -> None:
    history = individual(outcome("client-a", "gad7", [15, 10, 14]))
    assert signals(history, "reliable_improvement") == []


def test_alliance_measures_without_a_reliable_change_value_raise_no_change_signal() -> None:
    history = individual(srs_series("client-a", [20.0, 30.0, 39.0]))
    assert signals(history, "reliable_improvement", "reliable_deterioration", "recovery") == []
