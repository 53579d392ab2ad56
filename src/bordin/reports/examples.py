"""Synthetic example data for previews, docs and tests of the charts and the supervision report.

Every person here is invented and named so nobody could mistake them for a real client. The
instrument ids and cut-offs are Bordin's (PHQ-9 >= 10, GAD-7 >= 8, CORE-10 >= 11;
clinical-facts §4.2); the scores are made up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bordin.reports.outcomes import OutcomeRecord, summarise_outcomes
from bordin.reports.supervision_report import (
    ClientSection,
    ReportSignal,
    RuptureEntry,
    SupervisionReportData,
)
from bordin.reports.trajectory import (
    Band,
    Dimension,
    Marker,
    Series,
    Trajectory,
    TrajectoryPoint,
)

START = dt.date(2025, 1, 6)
ALLIANCE = "bordin_sac"
NAMES = {ALLIANCE: "Session Alliance Check", "phq9": "PHQ-9", "gad7": "GAD-7", "core10": "CORE-10"}


def _points(values: Sequence[float | None], start: dt.date = START) -> tuple[TrajectoryPoint, ...]:
    return tuple(
        TrajectoryPoint(i + 1, start + dt.timedelta(weeks=i), float(v))
        for i, v in enumerate(values)
        if v is not None
    )


def _alliance(
    dimension: Dimension, values: Sequence[float | None], client_label: str | None = None
) -> Series:
    return Series(
        dimension.capitalize(),
        ALLIANCE,
        "alliance",
        dimension,
        _points(values),
        client_label=client_label,
        scale=(0.0, 10.0),
    )


def example_trajectory() -> Trajectory:
    """An individual client with a V-shaped rupture at session 4, repaired by session 6."""
    return Trajectory(
        title="Example-Robin (synthetic client)",
        series=(
            _alliance("goals", [8, 9, 9, 6, 7, 9, 9, 9, 10, 10]),
            _alliance("tasks", [8, 8, 9, 5, 7, 8, 9, 9, 9, 10]),
            _alliance("bond", [9, 9, 9, 7, 8, 9, 9, 10, 10, 10]),
            _alliance("overall", [8, 9, 9, 6, 7, 9, 9, 9, 10, 10]),
            Series(
                "PHQ-9",
                "phq9",
                "outcome",
                "total",
                _points([18, 17, 15, 16, 14, 12, 11, 9, 8, 7]),
                scale=(0.0, 27.0),
            ),
            Series(
                "GAD-7",
                "gad7",
                "outcome",
                "total",
                _points([14, 13, 13, 12, 12, 10, 9, 8, 7, 6]),
                scale=(0.0, 21.0),
            ),
        ),
        cutoffs={"phq9": 10.0, "gad7": 8.0},
        expected_band=Band(
            session_numbers=tuple(range(1, 11)),
            lower=(16.0, 14.4, 13.0, 11.9, 10.9, 10.1, 9.4, 8.8, 8.2, 7.7),
            upper=(20.0, 19.2, 18.4, 17.8, 17.2, 16.7, 16.2, 15.8, 15.4, 15.0),
            instrument_id="phq9",
        ),
        markers=(
            Marker(4, "rupture_detected", "tasks 3 points below the client's own baseline"),
            Marker(4, "rupture_logged", "withdrawal"),
            Marker(6, "repair", "back to the pre-drop level"),
        ),
        instrument_names=NAMES,
    )


def example_couple_trajectory() -> Trajectory:
    """A couple whose alliances drift apart: Partner A's falls while Partner B's holds."""
    a, b = "Partner A", "Partner B"
    return Trajectory(
        title="Example-Kit and Example-Sam (synthetic couple)",
        series=(
            _alliance("goals", [8, 8, 7, 6, 6, 7], a),
            _alliance("bond", [9, 9, 8, 8, 7, 8], a),
            _alliance("overall", [8, 8, 8, 7, 6, 7], a),
            _alliance("goals", [9, 9, 9, 9, 10, 9], b),
            _alliance("bond", [9, 10, 9, 10, 10, 10], b),
            _alliance("overall", [9, 9, 9, 10, 10, 10], b),
            Series(
                "CORE-10",
                "core10",
                "outcome",
                "total",
                _points([22, 21, 20, 21, 19, 18]),
                client_label=a,
                scale=(0.0, 40.0),
            ),
            Series(
                "CORE-10",
                "core10",
                "outcome",
                "total",
                _points([15, 14, 12, 11, 10, 9]),
                client_label=b,
                scale=(0.0, 40.0),
            ),
        ),
        cutoffs={"core10": 11.0},
        markers=(Marker(5, "rupture_detected", "overall 2 below baseline", client_label=a),),
        instrument_names=NAMES,
    )


def example_outcome_records() -> list[OutcomeRecord]:
    """Twelve ended episodes of one synthetic therapist."""
    rows = [
        ("recovered", 18, 7, False, 8.7),
        ("recovered", 15, 6, False, 9.0),
        ("reliably_improved", 22, 14, False, 8.3),
        ("recovered", 12, 5, False, 9.3),
        ("no_reliable_change", 16, 13, True, 7.0),
        ("reliably_improved", 20, 12, False, 8.0),
        ("recovered", 14, 4, False, 9.7),
        ("no_reliable_change", 11, 9, False, 8.0),
        ("reliably_deteriorated", 13, 20, True, 6.3),
        ("not_case", 7, 5, False, 9.0),
        ("recovered", 17, 8, False, 8.7),
        ("insufficient_data", 19, None, True, 7.3),
    ]
    return [
        OutcomeRecord(
            episode_id=f"ep-{i}",
            therapist_id="th-alice",
            client_id=f"cl-{i}",
            instrument_id="phq9",
            intake=float(intake),
            final=None if final is None else float(final),
            classification=classification,
            dropped_out=dropped,
            early_alliance=alliance,
        )
        for i, (classification, intake, final, dropped, alliance) in enumerate(rows, start=1)
    ]


def example_supervision_report(generated_at: dt.datetime) -> SupervisionReportData:
    """A two-client report for the synthetic therapist Test-Alice."""
    robin = ClientSection(
        client_key="cl-robin",
        client_label="Example-Robin",
        trajectory=example_trajectory(),
        signals=(
            ReportSignal(
                START + dt.timedelta(weeks=3),
                "Possible rupture",
                "Amber",
                "Tasks fell from a baseline of 8.3 (SD 0.6) to 5 at session 4: more than 2 SD "
                "below the client's own mean (sessions 1-3).",
            ),
            ReportSignal(
                START + dt.timedelta(weeks=5),
                "Rupture repaired",
                "Green",
                "Tasks back to 8 at session 6, the pre-drop level, within 2 sessions.",
            ),
        ),
        ruptures=(
            RuptureEntry(
                session_number=4,
                date=START + dt.timedelta(weeks=3),
                source="detected and logged",
                status="repaired",
                description="Withdrawal: went quiet when between-session tasks came up.",
                what_was_tried="Immediate: named the shift; invited the client's view of tasks.",
                repaired_at_session=6,
            ),
        ),
        sessions_in_period=10,
        status="active",
    )
    couple = ClientSection(
        client_key="cp-kit-sam",
        client_label="Example-Kit and Example-Sam",
        trajectory=example_couple_trajectory(),
        signals=(
            ReportSignal(
                START + dt.timedelta(weeks=4),
                "Split alliance",
                "Amber",
                "Partners' overall ratings 4 points apart at session 5 (threshold 3), and the "
                "gap has widened over 3 sessions.",
            ),
        ),
        ruptures=(
            RuptureEntry(
                session_number=5,
                date=START + dt.timedelta(weeks=4),
                source="detected",
                status="open",
                description="Partner A's overall alliance 2 below baseline.",
            ),
        ),
        sessions_in_period=6,
        status="active",
    )
    return SupervisionReportData(
        therapist_name="Test-Alice (synthetic therapist)",
        supervisor_name="Test-Bob (synthetic supervisor)",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        generated_at=generated_at,
        clients=(robin, couple),
        outcomes=summarise_outcomes(example_outcome_records()),
        practice_name="Example Practice (synthetic)",
        deliberate_practice_goal="Name shifts in the room sooner, before the client withdraws.",
    )
