"""Outcome rates, the alliance–outcome association and the unranked therapist comparison."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bordin.domain.errors import InvalidInput
from bordin.reports.examples import example_outcome_records
from bordin.reports.outcomes import (
    FLUCKIGER_2018,
    OutcomeRecord,
    alliance_outcome_association,
    fisher_ci,
    summarise_outcomes,
    therapist_comparison,
    wilson_rate,
)


def _record(
    i: int, therapist: str, intake: float, improvement: float, **kw: object
) -> OutcomeRecord:
    fields: dict[str, object] = {
        "episode_id": f"ep-{therapist}-{i}",
        "therapist_id": therapist,
        "client_id": f"cl-{therapist}-{i}",
        "instrument_id": "phq9",
        "intake": intake,
        "final": intake - improvement,
        "classification": "no_reliable_change",
        "dropped_out": False,
    }
    fields.update(kw)
    return OutcomeRecord(**fields)  # type: ignore[arg-type]


def _practice(
    seed: int, effects: dict[str, float], per_therapist: int = 20, alliance_effect: float = 2.0
) -> list[OutcomeRecord]:
    """Synthetic episodes: improvement = 0.4 * intake + alliance_effect * z(alliance) + therapist
    effect + noise (SD 2)."""
    rng = np.random.default_rng(seed)
    records = []
    for therapist, effect in effects.items():
        for i in range(per_therapist):
            intake = float(rng.uniform(10, 25))
            z = float(rng.normal())
            improvement = 0.4 * intake + alliance_effect * z + effect + float(rng.normal(0, 2))
            records.append(
                _record(i, therapist, intake, improvement, early_alliance=30.0 + 3.0 * z)
            )
    return records


# --- rates ------------------------------------------------------------------------------------


def test_wilson_interval_for_10_of_20_matches_the_published_value() -> None:
    rate = wilson_rate("Recovery", 10, 20, "episodes")
    assert rate.proportion == 0.5
    assert rate.ci_lower == pytest.approx(0.2993, abs=1e-4)
    assert rate.ci_upper == pytest.approx(0.7007, abs=1e-4)


def test_wilson_interval_for_0_of_20_is_not_degenerate() -> None:
    rate = wilson_rate("Deterioration", 0, 20, "episodes")
    assert rate.ci_lower == pytest.approx(0.0, abs=1e-9)
    assert rate.ci_upper == pytest.approx(0.1611, abs=1e-4)


def test_a_rate_with_nothing_to_count_has_no_proportion() -> None:
    rate = wilson_rate("Recovery", 0, 0, "finished episodes")
    assert rate.proportion is None
    assert rate.as_text() == "none to count (0 finished episodes)"


def test_a_rate_reads_as_count_of_denominator_with_its_interval() -> None:
    assert wilson_rate("Recovery", 10, 20, "x").as_text() == "10 of 20 (50%; 95% CI 30% to 70%)"


def test_the_summary_counts_recovery_improvement_deterioration_and_dropout() -> None:
    summary = summarise_outcomes(example_outcome_records())
    assert summary.episodes == 12
    assert summary.finished == 11
    assert summary.at_caseness == 10
    assert (summary.recovery.count, summary.recovery.denominator) == (5, 10)
    # Recovered episodes are reliably improved too (Jacobson & Truax 1991).
    assert summary.reliable_improvement.count == 7
    assert summary.reliable_deterioration.count == 1
    assert (summary.dropout.count, summary.dropout.denominator) == (3, 12)
    assert summary.instruments == ("phq9",)


def test_the_summary_notes_small_numbers_and_missing_final_scores() -> None:
    summary = summarise_outcomes(example_outcome_records())
    assert any("1 episode had no usable final score" in note for note in summary.notes)
    small = summarise_outcomes(example_outcome_records()[:4])
    assert any("read the intervals" in note for note in small.notes)


def test_it_refuses_an_unknown_classification_and_names_the_record() -> None:
    bad = [_record(1, "t", 15, 5, classification="cured")]
    with pytest.raises(InvalidInput, match=r"records\[0\]\.classification"):
        summarise_outcomes(bad)


def test_it_refuses_the_same_episode_twice() -> None:
    record = _record(1, "t", 15, 5)
    with pytest.raises(InvalidInput, match="appears twice"):
        summarise_outcomes([record, record])


def test_improvement_is_positive_when_the_client_got_better_on_either_kind_of_scale() -> None:
    symptoms = _record(1, "t", 18, 6)  # PHQ-9 18 -> 12
    ors = _record(2, "t", 20, 0, final=30.0, instrument_id="ors", higher_is_better=True)
    assert symptoms.improvement == 6
    assert ors.improvement == 10


# --- alliance and outcome ---------------------------------------------------------------------


def test_fisher_interval_for_r_05_with_28_pairs_matches_hand_calculation() -> None:
    # z = atanh(.5) = .5493, SE = 1/sqrt(25) = .2; z ± 1.96 SE back-transformed.
    lower, upper = fisher_ci(0.5, 28)
    assert lower == pytest.approx(0.1560, abs=5e-4)
    assert upper == pytest.approx(0.7357, abs=5e-4)


def test_fisher_interval_needs_four_pairs() -> None:
    with pytest.raises(ValueError, match="at least 4"):
        fisher_ci(0.3, 3)


def test_the_association_recovers_a_known_positive_effect_with_the_mixed_model() -> None:
    records = _practice(7, {f"t{i}": e for i, e in enumerate([-1.5, -0.5, 0.0, 0.5, 1.5, 1.0])})
    result = alliance_outcome_association(records)
    assert result.n == 120
    assert result.r is not None and result.r > 0.2
    assert result.ci_lower is not None and result.ci_lower > 0
    assert result.p_value is not None and result.p_value < 0.01
    mixed = result.mixed_model
    assert mixed is not None, result.mixed_model_reason
    assert mixed.therapists == 6
    assert mixed.alliance_coefficient > 0
    assert mixed.ci_lower > 0
    assert mixed.ci_lower <= 2.0 <= mixed.ci_upper + 0.5  # true effect: 2 points per SD
    assert mixed.intake_coefficient > 0


def test_the_association_always_carries_the_meta_analytic_benchmark() -> None:
    result = alliance_outcome_association(example_outcome_records())
    assert result.benchmark is FLUCKIGER_2018
    assert result.benchmark.r == pytest.approx(0.278)
    assert result.benchmark.studies == 295
    assert "r = 0.28" in result.summary


def test_the_association_explains_why_there_is_no_mixed_model_for_small_samples() -> None:
    result = alliance_outcome_association(example_outcome_records())
    assert result.mixed_model is None
    assert result.mixed_model_reason is not None and "at least 30" in result.mixed_model_reason
    assert result.r is not None  # r itself is still given, with its interval


def test_the_association_explains_why_there_is_no_mixed_model_with_two_therapists() -> None:
    records = _practice(3, {"t1": 0.0, "t2": 1.0}, per_therapist=30)
    result = alliance_outcome_association(records)
    assert result.mixed_model is None
    assert result.mixed_model_reason is not None and "3 therapists" in result.mixed_model_reason


def test_the_minimum_sample_for_the_mixed_model_is_configurable() -> None:
    records = _practice(5, {"a": 0.0, "b": 0.5, "c": -0.5}, per_therapist=8)
    result = alliance_outcome_association(records, min_n_for_mixed_model=20)
    assert result.mixed_model is not None


def test_the_association_says_why_r_is_missing_with_too_few_episodes() -> None:
    records = _practice(1, {"t": 0.0}, per_therapist=3)
    result = alliance_outcome_association(records)
    assert result.r is None
    assert result.reason is not None and "at least 4" in result.reason
    assert result.reason in result.summary


def test_episodes_without_an_early_alliance_are_left_out_of_the_association() -> None:
    records = _practice(2, {"t": 0.0}, per_therapist=10)
    records.append(_record(99, "t", 15, 5))  # no early alliance
    assert alliance_outcome_association(records).n == 10


# --- therapists -------------------------------------------------------------------------------


def test_therapists_come_back_in_name_order_not_effect_order() -> None:
    effects = {"t-a": -3.0, "t-b": 3.0, "t-c": 0.0, "t-d": 6.0}
    estimates = therapist_comparison(_practice(11, effects, alliance_effect=0.0))
    assert [e.therapist_id for e in estimates] == ["t-a", "t-b", "t-c", "t-d"]
    differences = [e.adjusted_difference for e in estimates]
    assert all(d is not None for d in differences)
    assert differences != sorted(differences, reverse=True)  # type: ignore[type-var]
    assert differences != sorted(differences)  # type: ignore[type-var]


def test_therapists_can_be_ordered_by_display_name() -> None:
    effects = {"t1": 0.0, "t2": 0.0}
    names = {"t1": "Zed Example", "t2": "Amy Example"}
    estimates = therapist_comparison(_practice(4, effects), display_names=names)
    assert [e.display_name for e in estimates] == ["Amy Example", "Zed Example"]


def test_an_interval_that_overlaps_the_practice_mean_is_flagged() -> None:
    effects = {"a": 0.0, "b": 0.0, "c": 0.0, "outlier": 8.0}
    estimates = {e.therapist_id: e for e in therapist_comparison(_practice(6, effects))}
    assert estimates["outlier"].overlaps_practice_mean is False
    assert estimates["a"].overlaps_practice_mean is True
    lo, hi = estimates["a"].ci_lower, estimates["a"].ci_upper
    assert lo is not None and hi is not None and lo < 0 < hi


def test_case_mix_adjustment_removes_the_advantage_of_severe_intakes() -> None:
    # Improvement depends on intake only; one therapist sees the most severe clients.
    records = []
    rng = np.random.default_rng(9)
    for therapist, (low, high) in {"mild": (10, 14), "severe": (20, 25), "mid": (14, 20)}.items():
        for i in range(25):
            intake = float(rng.uniform(low, high))
            records.append(_record(i, therapist, intake, 0.5 * intake + float(rng.normal(0, 1))))
    raw = {
        t: np.mean([r.improvement for r in records if r.therapist_id == t])
        for t in ("mild", "severe")
    }
    assert raw["severe"] - raw["mild"] > 4  # unadjusted, "severe" looks far better
    estimates = {e.therapist_id: e for e in therapist_comparison(records)}
    assert estimates["severe"].adjusted_difference is not None
    assert abs(estimates["severe"].adjusted_difference) < 1
    assert estimates["severe"].overlaps_practice_mean is True


def test_a_therapist_with_too_few_episodes_gets_no_estimate_and_a_reason() -> None:
    records = _practice(8, {"busy": 0.0, "new": 0.0}, per_therapist=12)
    records = [
        r for r in records if r.therapist_id == "busy" or r.episode_id.endswith(("-0", "-1"))
    ]
    estimates = {e.therapist_id: e for e in therapist_comparison(records)}
    assert estimates["new"].adjusted_difference is None
    assert estimates["new"].note is not None and "at least 5" in estimates["new"].note
    assert estimates["busy"].adjusted_difference is not None


def test_several_instruments_are_compared_in_intake_standard_deviations() -> None:
    records = _practice(12, {"a": 0.0, "b": 0.0, "c": 0.0}, alliance_effect=0.0)
    gad = [
        _record(i, r.therapist_id, r.intake * 0.7, (r.improvement or 0) * 0.7, instrument_id="gad7")
        for i, r in enumerate(records[:30], start=100)
    ]
    estimates = therapist_comparison(records + gad)
    assert {e.unit for e in estimates} == {"intake SDs"}
    assert all(
        e.adjusted_difference is None or math.isfinite(e.adjusted_difference) for e in estimates
    )
