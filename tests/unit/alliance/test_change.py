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


def test_good_news_never_advises_ending_while_the_alliance_is_in_trouble() -> None:
    from bordin.domain.alliance.advice import NEXT_STEP_GOOD_NEWS_WHILE_ALLIANCE_OPEN

    from .builders import sac_series

    rows = [(9, 9, 9, 9), (9, 9, 10, 9), (9, 9, 9, 9), (9, 9, 10, 9), (9, 9, 9, 9), (3, 3, 2, 2)]
    ratings = [*sac_series("client-a", rows), *outcome("client-a", "phq9", [18, 15, 12, 9, 6, 4])]
    found = signals(individual(ratings))
    assert [(s.type, s.status) for s in found if s.type == "rupture"] == [("rupture", "open")]
    good = [s for s in found if s.type in ("recovery", "reliable_improvement")]
    assert good
    for s in good:
        assert "how to end well" not in s.explanation.next_step
        assert s.explanation.next_step == NEXT_STEP_GOOD_NEWS_WHILE_ALLIANCE_OPEN


def test_good_news_keeps_its_own_advice_when_the_alliance_is_fine() -> None:
    from .builders import flat_sac

    ratings = [*flat_sac("client-a", [36] * 6), *outcome("client-a", "phq9", [18, 15, 12, 9, 6, 4])]
    [recovery] = signals(individual(ratings), "recovery")
    assert "how to end well" in recovery.explanation.next_step
