"""Not on track: expected recovery curves by intake severity (Finch, Lambert & Schaalje 2001)."""

from __future__ import annotations

import dataclasses
import math

from bordin.domain.alliance import DEFAULT_RECOVERY_MODELS, analyse_episode, evaluate_episode

from .builders import day, individual, outcome, signals, walk


def test_default_models_exist_for_phq9_gad7_core10_and_ors_and_say_they_are_defaults() -> None:
    assert set(DEFAULT_RECOVERY_MODELS) == {"phq9", "gad7", "core10", "ors"}
    for model in DEFAULT_RECOVERY_MODELS.values():
        assert model.source == "default"
        assert "default model" in model.label
        assert model.basis


def test_the_expected_curve_starts_at_intake_and_moves_toward_the_population_mean() -> None:
    phq9 = DEFAULT_RECOVERY_MODELS["phq9"]
    assert phq9.expected(18, 1) == 18
    assert phq9.expected(18, 12) == 18 - 0.5 * (18 - 3)
    assert phq9.expected(18, 4) < phq9.expected(18, 2) < 18
    ors = DEFAULT_RECOVERY_MODELS["ors"]
    assert ors.expected(15, 12) > 15


def test_more_severe_clients_are_expected_to_change_more() -> None:
    phq9 = DEFAULT_RECOVERY_MODELS["phq9"]
    assert 22 - phq9.expected(22, 8) > 12 - phq9.expected(12, 8)


def test_the_band_widens_with_the_individual_rate_of_change() -> None:
    phq9 = DEFAULT_RECOVERY_MODELS["phq9"]
    assert phq9.predictive_sd(12) > phq9.predictive_sd(2) > 0
    assert math.isclose(phq9.predictive_sd(40), phq9.predictive_sd(20))


def test_a_flat_phq9_goes_amber_then_red_and_shows_the_band_values() -> None:
    history = individual(outcome("client-a", "phq9", [18] * 12))
    seen = walk(history, [2, 6, 12], "not_on_track")
    assert seen[2] == []
    [amber] = seen[6]
    assert amber.explanation.numbers["level"] == "amber"
    assert amber.severity == "routine"
    [red] = seen[12]
    assert red.explanation.numbers["level"] == "red"
    assert red.severity == "high"
    numbers = red.explanation.numbers
    assert numbers["observed"] == 18
    assert (
        float(numbers["expected"])
        < float(numbers["amber_bound"])
        < float(numbers["red_bound"])
        < 18
    )
    assert "general one built from published figures" in red.explanation.citation


def test_a_client_improving_as_expected_stays_green() -> None:
    phq9 = DEFAULT_RECOVERY_MODELS["phq9"]
    totals = [round(phq9.expected(18, t)) for t in range(1, 13)]
    history = individual(outcome("client-a", "phq9", totals))
    assert signals(history, "not_on_track") == []
    analysis = analyse_episode(history, now=day(12))
    bands = analysis.trajectories[("client-a", "phq9")]
    assert [b.level for b in bands] == ["green"] * 11


def test_on_the_ors_higher_is_better_so_a_falling_score_is_off_track() -> None:
    history = individual(outcome("client-a", "ors", [18, 18, 16, 15, 14, 13, 12]))
    [signal] = signals(history, "not_on_track")
    assert signal.explanation.numbers["level"] == "red"
    assert float(signal.explanation.numbers["red_bound"]) > 12


def test_a_run_that_gets_back_on_track_is_resolved() -> None:
    phq9 = DEFAULT_RECOVERY_MODELS["phq9"]
    totals = [18, 18, 18, 18, 18, 18] + [round(phq9.expected(18, t)) - 3 for t in range(7, 10)]
    history = individual(outcome("client-a", "phq9", totals))
    [signal] = signals(history, "not_on_track")
    assert signal.status == "resolved"
    assert "Back on track in session 7" in signal.explanation.sentence


def test_a_single_rating_gives_no_level() -> None:
    history = individual(outcome("client-a", "phq9", [25]))
    assert analyse_episode(history, now=day(3)).trajectories[("client-a", "phq9")] == ()


def test_a_fitted_model_replaces_the_default_and_is_named_in_the_explanation() -> None:
    fitted = dataclasses.replace(
        DEFAULT_RECOVERY_MODELS["phq9"],
        source="fitted",
        label="fitted on 120 practice episodes",
        b0=0.0,
        b1=0.0,
    )
    history = individual(outcome("client-a", "phq9", [18] * 8))
    assert signals(history, "not_on_track")
    found = evaluate_episode(history, now=day(8), recovery_models={"phq9": fitted})
    assert [s for s in found if s.type == "not_on_track"] == []
    worse = individual(outcome("client-a", "phq9", [18, 20, 22, 24, 25, 26]))
    [signal] = [
        s
        for s in evaluate_episode(worse, now=day(8), recovery_models={"phq9": fitted})
        if s.type == "not_on_track"
    ]
    assert signal.explanation.numbers["model"] == "fitted on 120 practice episodes"
    assert signal.explanation.numbers["model_source"] == "fitted"
