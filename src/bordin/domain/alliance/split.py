"""Split alliance in couples: partners who experience the therapy differently.

A *split* is a session where the two partners' ratings on the same alliance measure are far
apart (clinical-facts §8.3; more split predicts poorer outcome, Friedlander et al. 2018,
r = .316). No validated numeric threshold exists, so the gap threshold at a session is:

- ``split_points`` when configured, else the measure's reliable-change value when it has one,
  else ``split_fallback_fraction`` of the range (4 points on a 0-40 scale);
- and never less than ``split_min_within_sd`` pooled within-partner SDs: the typical
  session-to-session wobble of each partner's own earlier ratings, so that two partners whose
  ratings jump about are not called split on noise.

A gap on the **bond** dimension of ``split_item_fraction`` of its range is a split too.

A *widening* gap (Gangamma et al.: how discrepancies change over time predicted termination,
single time points did not) is a least-squares slope of the gap over the last
``widening_min_sessions`` or more jointly rated sessions (up to twice that many) of at least
``widening_slope_fraction`` of the range per session, with the latest gap at least
``widening_min_increase_fraction`` of the range above the first gap in that window.

A split (or widening) starts after ``split_min_sessions`` consecutive joint sessions meet the
rule and ends after as many do not; shorter interruptions are bridged. One signal is raised per
such stretch, at its first session; it is ``active`` while the stretch is open, else
``resolved``.
Window sums are taken as differences of running sums, the same arithmetic as the bulk recompute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.explanations import split_explanation, widening_explanation
from bordin.domain.alliance.scale import ScaleFacts
from bordin.domain.alliance.series import Point
from bordin.domain.alliance.signal import Signal


@dataclass(frozen=True)
class JointSession:
    """One session both partners rated, with the gap and the threshold that applied."""

    session_number: int
    a: Point
    b: Point
    gap: float
    threshold: float
    bond_gap: float | None
    bond_threshold: float | None
    split: bool


def base_threshold(facts: ScaleFacts, config: SignalConfig) -> float:
    """The gap threshold before the within-couple SD guard (points)."""
    if config.split_points is not None:
        return config.split_points
    if facts.reliable_change is not None:
        return facts.reliable_change
    return config.split_fallback_fraction * (facts.score_max - facts.score_min)


def widening_window(config: SignalConfig) -> int:
    """At most this many joint sessions enter the widening slope."""
    return 2 * config.widening_min_sessions


def joint_sessions(
    a: Sequence[Point], b: Sequence[Point], facts: ScaleFacts, config: SignalConfig
) -> list[JointSession]:
    """The sessions both partners rated, in order, each judged split or not."""
    by_session = {p.session_number: p for p in b}
    pairs = [(p, by_session[p.session_number]) for p in a if p.session_number in by_session]
    base = base_threshold(facts, config)
    bond_threshold: float | None = None
    if "bond" in facts.dimension_ranges:
        lo, hi = facts.dimension_ranges["bond"]
        bond_threshold = config.split_item_fraction * (hi - lo)
    out: list[JointSession] = []
    sa = qa = sb = qb = 0.0
    for n, (pa, pb) in enumerate(pairs):
        threshold = base
        if n >= 2:
            ss = (qa - sa * sa / n) + (qb - sb * sb / n)
            pooled_var = ss / (2 * (n - 1))
            pooled = math.sqrt(pooled_var) if pooled_var > 0.0 else 0.0
            guard = config.split_min_within_sd * pooled
            if guard > threshold:
                threshold = guard
        gap = abs(pa.total - pb.total)
        bond_gap: float | None = None
        if bond_threshold is not None and "bond" in pa.dims and "bond" in pb.dims:
            bond_gap = abs(pa.dims["bond"] - pb.dims["bond"])
        split = gap >= threshold or (
            bond_gap is not None and bond_threshold is not None and bond_gap >= bond_threshold
        )
        out.append(
            JointSession(pa.session_number, pa, pb, gap, threshold, bond_gap, bond_threshold, split)
        )
        sa += pa.total
        qa += pa.total * pa.total
        sb += pb.total
        qb += pb.total * pb.total
    return out


def widening_flags(
    joint: Sequence[JointSession], facts: ScaleFacts, config: SignalConfig
) -> list[tuple[bool, float | None, int]]:
    """For each joint session: (widening?, slope, number of sessions in the window)."""
    span = facts.score_max - facts.score_min
    slope_min = config.widening_slope_fraction * span
    increase_min = config.widening_min_increase_fraction * span
    window = widening_window(config)
    px = [0.0]
    py = [0.0]
    pxx = [0.0]
    pxy = [0.0]
    for j in joint:
        x = float(j.session_number)
        px.append(px[-1] + x)
        py.append(py[-1] + j.gap)
        pxx.append(pxx[-1] + x * x)
        pxy.append(pxy[-1] + x * j.gap)
    out: list[tuple[bool, float | None, int]] = []
    for i in range(len(joint)):
        lo = max(0, i + 1 - window)
        k = i + 1 - lo
        if k < config.widening_min_sessions:
            out.append((False, None, k))
            continue
        sx = px[i + 1] - px[lo]
        sy = py[i + 1] - py[lo]
        sxx = pxx[i + 1] - pxx[lo]
        sxy = pxy[i + 1] - pxy[lo]
        denominator = k * sxx - sx * sx
        slope = (k * sxy - sx * sy) / denominator if denominator > 0.0 else 0.0
        increase = joint[i].gap - joint[lo].gap
        out.append((slope >= slope_min and increase >= increase_min, slope, k))
    return out


def persistent_runs(flags: Sequence[bool], min_length: int) -> list[tuple[int, int, bool]]:
    """Stretches where ``flags`` held, with short interruptions bridged.

    A stretch opens at the first of ``min_length`` consecutive True flags and closes before the
    first of ``min_length`` consecutive False flags; shorter runs of either kind change nothing.
    Returns (first index, last index, still open at the end) for each stretch.
    """
    runs: list[tuple[bool, int, int]] = []
    i = 0
    while i < len(flags):
        j = i
        while j + 1 < len(flags) and flags[j + 1] == flags[i]:
            j += 1
        runs.append((flags[i], i, j))
        i = j + 1
    out: list[tuple[int, int, bool]] = []
    start: int | None = None
    for value, first, last in runs:
        if last - first + 1 < min_length:
            continue
        if value and start is None:
            start = first
        elif not value and start is not None:
            out.append((start, first - 1, False))
            start = None
    if start is not None:
        out.append((start, len(flags) - 1, True))
    return out


def split_signals(
    episode_id: str,
    client_ids: tuple[str, str],
    facts: ScaleFacts,
    a: Sequence[Point],
    b: Sequence[Point],
    config: SignalConfig,
) -> list[Signal]:
    """``split_alliance`` and ``split_widening`` signals for one couple on one measure."""
    joint = joint_sessions(a, b, facts, config)
    signals: list[Signal] = []
    last = len(joint) - 1
    for i, j, active in persistent_runs([s.split for s in joint], config.split_min_sessions):
        run = joint[i : j + 1]
        end = run[-1]
        biggest = max(s.gap for s in run)
        severe = biggest >= 2 * end.threshold
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=None,
                session_number=run[0].session_number,
                type="split_alliance",
                severity="high" if severe else "routine",
                status="active" if active else "resolved",
                explanation=split_explanation(
                    instrument_id=facts.instrument_id,
                    session_number=end.session_number,
                    partner_a=client_ids[0],
                    partner_b=client_ids[1],
                    a_score=end.a.total,
                    b_score=end.b.total,
                    gap=end.gap,
                    threshold=end.threshold,
                    bond_gap=end.bond_gap,
                    bond_threshold=end.bond_threshold,
                    largest_gap=biggest,
                    first_session=run[0].session_number,
                    run_length=len(run),
                    closed_session=None if j == last else joint[j + 1].session_number,
                    sessions=tuple(s.session_number for s in run),
                ),
                instrument_id=facts.instrument_id,
                date=run[0].a.date,
            )
        )
    widening = widening_flags(joint, facts, config)
    for i, j, active in persistent_runs([w[0] for w in widening], config.split_min_sessions):
        start, end = joint[i], joint[j]
        slope = widening[j][1]
        k = widening[j][2]
        first = joint[j + 1 - k]
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=None,
                session_number=start.session_number,
                type="split_widening",
                severity="routine",
                status="active" if active else "resolved",
                explanation=widening_explanation(
                    instrument_id=facts.instrument_id,
                    first_gap=first.gap,
                    first_session=first.session_number,
                    latest_gap=end.gap,
                    latest_session=end.session_number,
                    slope=slope,
                    window_sessions=k,
                    sessions=tuple(s.session_number for s in joint[i + 1 - widening[i][2] : j + 1]),
                ),
                instrument_id=facts.instrument_id,
                date=start.a.date,
            )
        )
    return signals
