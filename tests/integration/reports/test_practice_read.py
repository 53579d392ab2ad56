"""The practice read model: one outcome record per client in an ended episode, built from the
stored administrations; the overview's figures; the interval chart's order. Both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bordin.domain.instruments import get_instrument
from bordin.reports.outcomes import TherapistEstimate
from bordin.reports.read.practice import (
    classify,
    feedback_completion,
    interval_chart,
    outcome_records,
    percent_of_scale,
    practice_overview,
)
from bordin.services.runtime import Runtime
from tests.fixtures.cast import Cast
from tests.integration.reports.helpers import ended_practice, rate


def test_each_client_in_an_ended_episode_gets_one_outcome_record(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    ended_practice(db, rt, cast)
    records = {o.pseudonym: o for o in outcome_records(db, practice_id=cast.practice.id)}
    assert set(records) == {p.pseudonym for p in (cast.ash, cast.birch, cast.cedar, cast.dale)}
    ash = records[cast.ash.pseudonym].record
    assert (ash.instrument_id, ash.intake, ash.final) == ("phq9", 18.0, 6.0)
    assert ash.classification == "recovered"
    assert ash.early_alliance == pytest.approx((90 + 80 + 90) / 3)
    assert ash.improvement == 12.0
    assert records[cast.birch.pseudonym].record.classification == "reliably_improved"
    assert records[cast.birch.pseudonym].kind == "couple"
    assert records[cast.cedar.pseudonym].record.classification == "not_case"


def test_a_dropout_with_a_single_score_counts_only_as_a_dropout(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    ended_practice(db, rt, cast)
    dale = next(
        o for o in outcome_records(db, practice_id=cast.practice.id) if o.client_id == cast.dale.id
    )
    assert dale.record.dropped_out is True
    assert (dale.record.final, dale.record.classification) == (None, "insufficient_data")
    assert dale.record.early_alliance is None and dale.alliance_instrument is None


def test_active_episodes_and_other_practices_give_no_records(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    rate(
        db,
        rt,
        client_id=cast.ash.id,
        episode_id=cast.ash_episode.id,
        sessions=cast.ash_sessions[:2],
        phq9=[15, 9],
    )
    assert outcome_records(db, practice_id=cast.practice.id) == []
    assert outcome_records(db, practice_id=cast.other_practice.id) == []


def test_records_can_be_narrowed_to_one_therapist_and_a_period(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    ended_practice(db, rt, cast)
    today = rt.now().date()
    bobs = outcome_records(db, practice_id=cast.practice.id, therapist_id=cast.bob.id)
    assert [o.client_id for o in bobs] == [cast.dale.id]
    before = outcome_records(
        db, practice_id=cast.practice.id, ended_between=(today - timedelta(days=30), today)
    )
    assert len(before) == 4
    earlier = outcome_records(
        db,
        practice_id=cast.practice.id,
        ended_between=(today - timedelta(days=30), today - timedelta(days=1)),
    )
    assert earlier == []


def test_the_overview_counts_episodes_and_rates_with_intervals(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    ended_practice(db, rt, cast)
    overview = practice_overview(db, practice_id=cast.practice.id)
    assert (overview.episodes, overview.active_episodes, overview.ended_episodes) == (3, 0, 3)
    summary = overview.summary
    assert (summary.episodes, summary.at_caseness) == (4, 2)
    assert (summary.recovery.count, summary.reliable_improvement.count) == (1, 2)
    assert (summary.dropout.count, summary.dropout.denominator) == (1, 4)
    assert summary.dropout.ci_lower is not None and summary.dropout.ci_lower < 0.25
    assert overview.association.r is None  # three finished clients: too few for r
    assert overview.association.benchmark.r == pytest.approx(0.278)


def test_the_overview_lists_therapists_alphabetically_without_estimates_for_tiny_caseloads(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    ended_practice(db, rt, cast)
    overview = practice_overview(db, practice_id=cast.practice.id)
    assert [t.display_name for t in overview.therapists] == ["Alice Therapist", "Bob Therapist"]
    assert all(t.adjusted_difference is None and t.note for t in overview.therapists)
    assert overview.chart is None


def test_an_empty_practice_has_an_overview_with_nothing_to_count(db: Session, cast: Cast) -> None:
    overview = practice_overview(db, practice_id=cast.practice.id)
    assert overview.summary.episodes == 0 and overview.summary.dropout.proportion is None
    assert overview.therapists == () and overview.records == ()


# --- pure parts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intake", "final", "expected"),
    [
        (18.0, 6.0, "recovered"),
        (22.0, 14.0, "reliably_improved"),
        (12.0, 20.0, "reliably_deteriorated"),
        (14.0, 12.0, "no_reliable_change"),
        (8.0, 3.0, "not_case"),
        (18.0, None, "insufficient_data"),
    ],
)
def test_an_episode_is_classified_by_the_measures_rules(
    intake: float, final: float | None, expected: str
) -> None:
    assert classify(get_instrument("phq9"), intake, final) == expected


def test_early_alliance_is_put_on_a_percent_of_scale() -> None:
    assert percent_of_scale(get_instrument("bordin_sac"), 30) == 75.0
    assert percent_of_scale(get_instrument("wai_sr"), 36) == 50.0


def _estimate(name: str, mean: float | None, lower: float, upper: float) -> TherapistEstimate:
    return TherapistEstimate(
        therapist_id=name,
        display_name=name,
        n=8,
        adjusted_difference=mean,
        ci_lower=None if mean is None else lower,
        ci_upper=None if mean is None else upper,
        overlaps_practice_mean=None if mean is None else lower <= 0 <= upper,
        unit="phq9 points",
    )


def test_the_interval_chart_keeps_the_given_alphabetical_order_around_the_practice_mean() -> None:
    chart = interval_chart(
        [
            _estimate("Ada", -1.0, -3.0, 1.0),
            _estimate("Ben", None, 0, 0),
            _estimate("Cy", 2.5, 0.5, 4.5),
        ]
    )
    assert chart is not None
    assert [r.name for r in chart.rows] == ["Ada", "Cy"]  # no estimate, no row
    ada, cy = chart.rows
    assert ada.y < cy.y
    assert ada.lower < ada.point < chart.zero_x < ada.upper
    assert chart.zero_x < cy.lower < cy.point < cy.upper <= chart.plot_right
    assert (ada.overlaps, cy.overlaps) == (True, False)
    assert "95% CI" in cy.text and any(label == "0" for _, label in chart.ticks)


def test_there_is_no_interval_chart_without_estimates() -> None:
    assert interval_chart([_estimate("Ada", None, 0, 0)]) is None


def test_the_feedback_completion_rate_counts_each_client_at_each_attended_session(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    # Northgate: Ash 4 attended sessions, the couple 4 (two partners: 8), Dale 4; Zed is elsewhere.
    rate(
        db, rt, client_id=cast.ash.id, episode_id=cast.ash_episode.id,
        sessions=cast.ash_sessions[:3], alliance=[8, 8, 8],
    )  # fmt: skip
    rate(
        db, rt, client_id=cast.birch.id, episode_id=cast.couple_episode.id,
        sessions=cast.couple_sessions[:2], alliance=[7, 7],
    )  # fmt: skip
    today = rt.now().date()
    completion = feedback_completion(db, practice_id=cast.practice.id, today=today)
    assert (completion.completed, completion.expected) == (5, 16)
    assert completion.rate == pytest.approx(5 / 16)
    recent = feedback_completion(db, practice_id=cast.practice.id, today=today, days=20)
    assert (recent.completed, recent.expected) == (1, 8)  # sessions 3 and 4 only
    assert practice_overview(db, practice_id=cast.practice.id, today=today).completion == completion


def test_with_no_attended_session_there_is_no_completion_rate(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    empty = feedback_completion(
        db, practice_id=cast.practice.id, today=rt.now().date() - timedelta(days=400)
    )
    assert (empty.completed, empty.expected, empty.rate) == (0, 0, None)
