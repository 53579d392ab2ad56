"""Reliable change and recovery on outcome measures, from intake to the latest rating.

Jacobson & Truax (1991), with the thresholds the instrument registry publishes (clinical-facts
§4): a change from the intake score of at least the measure's reliable-change value is
*reliable*; reliable improvement that also leaves the clinical range (intake in it, latest out of
it) is *recovery* (the NHS Talking Therapies "reliable recovery", §4.3).

Each signal belongs to the first session of the current run of ratings that meet it, so its
identity stays the same while later sessions keep meeting it; it is only raised while the latest
rating still meets it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bordin.domain.alliance.explanations import change_explanation
from bordin.domain.alliance.scale import ScaleFacts
from bordin.domain.alliance.series import Point
from bordin.domain.alliance.signal import Severity, Signal, SignalType


def improvement(facts: ScaleFacts, intake: float, score: float) -> float:
    """Points of change in the direction of better (negative = worse)."""
    return facts.goodness(score) - facts.goodness(intake)


def _run_start(points: Sequence[Point], meets: Callable[[Point], bool]) -> int | None:
    """Index of the first point of the run of points meeting the test that ends at the last one."""
    if len(points) < 2 or not meets(points[-1]):
        return None
    i = len(points) - 1
    while i - 1 >= 1 and meets(points[i - 1]):
        i -= 1
    return i


def change_signals(
    episode_id: str, client_id: str, facts: ScaleFacts, points: Sequence[Point]
) -> list[Signal]:
    """``reliable_improvement``, ``reliable_deterioration`` and ``recovery`` for one series."""
    rc = facts.reliable_change
    if rc is None or len(points) < 2:
        return []
    intake = points[0].total
    latest = points[-1]

    def improved(p: Point) -> bool:
        return improvement(facts, intake, p.total) >= rc

    def deteriorated(p: Point) -> bool:
        return -improvement(facts, intake, p.total) >= rc

    def recovered(p: Point) -> bool:
        return (
            improved(p) and facts.in_concern_range(intake) and not facts.in_concern_range(p.total)
        )

    rules: list[tuple[SignalType, Severity, Callable[[Point], bool]]] = [
        ("reliable_deterioration", "high", deteriorated),
        ("reliable_improvement", "routine", improved),
        ("recovery", "routine", recovered),
    ]
    signals: list[Signal] = []
    for kind, severity, test in rules:
        start = _run_start(points, test)
        if start is None:
            continue
        first = points[start]
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=client_id,
                session_number=first.session_number,
                type=kind,
                severity=severity,
                status="active",
                explanation=change_explanation(
                    kind,
                    instrument_id=facts.instrument_id,
                    intake=intake,
                    intake_session=points[0].session_number,
                    latest=latest.total,
                    latest_session=latest.session_number,
                    reliable_change=rc,
                    cutoff=facts.cutoff,
                    first_session=first.session_number,
                    sessions=tuple(p.session_number for p in points[start:]),
                ),
                instrument_id=facts.instrument_id,
                date=first.date,
            )
        )
    return signals
