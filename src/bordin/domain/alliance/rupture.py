"""Possible ruptures, read from each client's alliance ratings, and how each one ends.

Detection (per client, per alliance measure, at every rated session):

1. **Baseline drop.** The rating is at least ``sensitive_sd`` (1 SD, Strauss 2006) below the mean
   of the client's earlier ratings, with the SD floored at ``sd_floor_fraction`` of the range,
   and the drop is at least ``min_drop_fraction`` of the range. At ``specific_sd`` (2 SD,
   Stiles 2004) the rupture is ``high`` severity. Needs ``min_prior_sessions`` earlier ratings.
2. **Ceiling drop.** The last ``ceiling_run`` ratings were at the scale maximum and this one is
   below it by at least ``ceiling_min_drop_fraction`` of the range: a client who always gives a
   perfect score has no SD to speak of, so any drop counts.
3. **Item drop.** Goals, tasks or bond is at least ``item_drop_fraction`` of its range below its
   own earlier mean (e.g. bond 9 -> 5 while the total hides it). Needs ``min_prior_sessions``.
4. **Cut-off crossing.** The rating falls below the measure's alliance cut-off (SRS < 36) from a
   baseline at or above it, and the drop is at least ``cutoff_requires_sd`` baseline SDs. Needs
   ``min_prior_sessions``; a client who starts below the cut-off gets ``low_alliance`` instead.

Lifecycle. The first flagged session *opens* a rupture; the *pre-drop level* is the baseline mean
before it. The rupture is **repaired** when, within ``repair_window`` later ratings, the alliance
is back within ``repair_tolerance_sd`` SDs of that level (and any dimension that dropped is back
within half the item threshold of its own level); **unrepaired** when ``repair_window`` later
ratings pass without that, or the episode ends first; otherwise it stays **open**. Flags while a
rupture is open belong to it. A new rupture opens once the alliance has come back; and after a
rupture was found unrepaired without coming back, the ratings since its drop are the client's new
level, so a further sudden drop from that level (at least ``min_drop_fraction`` of the range
and ``sensitive_sd`` baseline SDs below it, and a fall from the rating before of at least
``min_drop_fraction`` of the range and ``specific_sd`` baseline SDs) is a new rupture, not more
of the old one.

Shape (Gumz et al. 2012): a **V-shape** is one session below the level and then back; a
**prolonged dip** is more than one session below and then back; a **prolonged decline** is more
than one session below and not (yet) back. The onset is **gradual** when the rating before the
flagged one was already below the level (a slow slide), otherwise **abrupt**.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.explanations import (
    low_alliance_explanation,
    repaired_explanation,
    rupture_explanation,
    unrepaired_explanation,
)
from bordin.domain.alliance.scale import ALLIANCE_DIMENSIONS, ScaleFacts
from bordin.domain.alliance.series import Baseline, Point, baselines, dimension_baselines, sd_floor
from bordin.domain.alliance.signal import Explanation, Severity, Signal, SignalType, Status

CourseStatus = Literal["open", "repaired", "unrepaired"]
Shape = Literal["v_shape", "prolonged_dip", "prolonged_decline", "single_drop"]

#: Rule ids, most specific first (the first that fired names the rupture).
RULE_ORDER: tuple[str, ...] = (
    "baseline_drop_2sd",
    "ceiling_drop",
    "item_drop:goals",
    "item_drop:tasks",
    "item_drop:bond",
    "baseline_drop_1sd",
    "cutoff_crossing",
)


@dataclass(frozen=True)
class DimensionDrop:
    """A goals, tasks or bond score that fell: its earlier mean and the new value."""

    name: str
    level: float
    value: float


@dataclass(frozen=True)
class Drop:
    """The detection rules that fired at one rating, and the baseline they used."""

    index: int
    rules: tuple[str, ...]
    baseline: Baseline
    dimensions: tuple[DimensionDrop, ...] = ()

    @property
    def specific(self) -> bool:
        return "baseline_drop_2sd" in self.rules


@dataclass(frozen=True)
class Course:
    """One rupture from onset to its end (or to now).

    Indices point into the client's series. ``return_index`` is the first later rating back at
    the pre-drop level (possibly after the repair window); ``decision_index`` is where the rupture
    was declared repaired or unrepaired.
    """

    onset: Drop
    level: float
    tolerance: float
    status: CourseStatus
    shape: Shape
    onset_pattern: Literal["abrupt", "gradual"]
    sessions_below: int
    return_index: int | None
    decision_index: int | None
    dimension_levels: tuple[DimensionDrop, ...] = field(default_factory=tuple)


def thresholds(facts: ScaleFacts, config: SignalConfig) -> dict[str, float]:
    """The detection thresholds in points for this measure (shared with the bulk recompute)."""
    span = facts.score_max - facts.score_min
    return {
        "sd_floor": sd_floor(facts, config.sd_floor_fraction),
        "min_drop": config.min_drop_fraction * span,
        "ceiling_min_drop": config.ceiling_min_drop_fraction * span,
    }


def item_threshold(facts: ScaleFacts, name: str, config: SignalConfig) -> float:
    """Points a dimension must fall below its own mean for the item rule."""
    lo, hi = facts.dimension_ranges[name]
    return config.item_drop_fraction * (hi - lo)


def detect_drops(points: Sequence[Point], facts: ScaleFacts, config: SignalConfig) -> list[Drop]:
    """Every rating at which at least one detection rule fired, in order."""
    limits = thresholds(facts, config)
    values = [p.value for p in points]
    base = baselines(values, limits["sd_floor"])
    dims = [d for d in ALLIANCE_DIMENSIONS if d in facts.dimensions]
    dim_base = {d: dimension_baselines(points, d) for d in dims}
    best = facts.score_max
    drops: list[Drop] = []
    for i, point in enumerate(points):
        b = base[i]
        rules: list[str] = []
        dropped: list[DimensionDrop] = []
        if b.z is not None and b.drop is not None:
            if (
                b.n >= config.min_prior_sessions
                and b.drop >= limits["min_drop"]
                and b.z >= config.sensitive_sd
            ):
                rules.append(
                    "baseline_drop_2sd" if b.z >= config.specific_sd else "baseline_drop_1sd"
                )
            if (
                b.n >= config.ceiling_run
                and all(values[j] == best for j in range(i - config.ceiling_run, i))
                and point.value <= best - limits["ceiling_min_drop"]
            ):
                rules.append("ceiling_drop")
            for d in dims:
                n_d, mean_d = dim_base[d][i]
                if (
                    b.n >= config.min_prior_sessions
                    and n_d >= 1
                    and mean_d is not None
                    and d in point.dims
                    and mean_d - point.dims[d] >= item_threshold(facts, d, config)
                ):
                    rules.append(f"item_drop:{d}")
                    dropped.append(DimensionDrop(d, mean_d, point.dims[d]))
            if (
                config.cutoff_rule
                and facts.cutoff is not None
                and b.mean is not None
                and b.n >= config.min_prior_sessions
            ):
                raw_mean = (
                    b.mean if facts.higher_is_better else facts.score_min + facts.score_max - b.mean
                )
                if (
                    facts.in_concern_range(point.total)
                    and not facts.in_concern_range(raw_mean)
                    and (config.cutoff_requires_sd == 0.0 or b.z >= config.cutoff_requires_sd)
                ):
                    rules.append("cutoff_crossing")
        if rules:
            ordered = tuple(r for r in RULE_ORDER if r in rules)
            drops.append(Drop(i, ordered, b, tuple(dropped)))
    return drops


def _back(
    point: Point,
    level: float,
    tolerance: float,
    dims: Sequence[DimensionDrop],
    facts: ScaleFacts,
    config: SignalConfig,
) -> bool:
    if point.value < level - tolerance:
        return False
    for d in dims:
        if (
            d.name in point.dims
            and point.dims[d.name] < d.level - item_threshold(facts, d.name, config) / 2
        ):
            return False
    return True


def follow(
    points: Sequence[Point],
    start: int,
    level: float,
    tolerance: float,
    dims: Sequence[DimensionDrop],
    facts: ScaleFacts,
    config: SignalConfig,
    *,
    ended: bool,
) -> tuple[CourseStatus, int | None, int | None]:
    """Follow a rupture whose first rating after onset is ``points[start]``.

    Returns (status, return index, decision index). Used for detected ruptures (``start`` is the
    rating after the flagged one) and for logged ones (the first rating after the logged session).
    """
    window = config.repair_window
    ret: int | None = None
    for j in range(start, len(points)):
        if _back(points[j], level, tolerance, dims, facts, config):
            ret = j
            break
    after = len(points) - start
    if ret is not None and ret - start < window:
        return "repaired", ret, ret
    if ret is not None or after >= window:
        return "unrepaired", ret, start + window - 1
    if ended:
        return "unrepaired", None, len(points) - 1 if points else None
    return "open", None, None


def follow_ruptures(
    points: Sequence[Point], facts: ScaleFacts, config: SignalConfig, *, ended: bool
) -> list[Course]:
    """Group the flagged ratings into ruptures and follow each one (see the module docstring)."""
    drops = detect_drops(points, facts, config)
    limits = thresholds(facts, config)
    courses: list[Course] = []
    search_from = 0
    settled_from: int | None = None
    for drop in drops:
        if drop.index < search_from:
            continue
        if settled_from is not None and not _below_settled_level(
            points, settled_from, drop, limits["min_drop"], config
        ):
            continue
        b = drop.baseline
        assert b.mean is not None
        level = b.mean
        tolerance = config.repair_tolerance_sd * b.sd_used
        status, ret, decision = follow(
            points, drop.index + 1, level, tolerance, drop.dimensions, facts, config, ended=ended
        )
        below = (ret if ret is not None else len(points)) - drop.index
        shape: Shape
        if status == "repaired":
            shape = "v_shape" if below == 1 else "prolonged_dip"
        elif below > 1:
            shape = "prolonged_decline"
        else:
            shape = "single_drop"
        gradual = drop.index >= 1 and points[drop.index - 1].value < level - tolerance
        courses.append(
            Course(
                onset=drop,
                level=level,
                tolerance=tolerance,
                status=status,
                shape=shape,
                onset_pattern="gradual" if gradual else "abrupt",
                sessions_below=below,
                return_index=ret,
                decision_index=decision,
                dimension_levels=drop.dimensions,
            )
        )
        if ret is not None:
            search_from, settled_from = ret + 1, None
        elif status == "unrepaired" and decision is not None:
            search_from, settled_from = decision + 1, drop.index + 1
        else:
            break
    return courses


def settled_level(points: Sequence[Point], start: int, index: int) -> float | None:
    """The mean of the ratings from ``start`` up to (not including) ``index``; None if none."""
    s = 0.0
    n = 0
    for j in range(start, index):
        s += points[j].value
        n += 1
    return s / n if n else None


def _below_settled_level(
    points: Sequence[Point], start: int, drop: Drop, min_drop: float, config: SignalConfig
) -> bool:
    """Whether a flagged rating is also a sudden, clear drop from the level settled at since
    ``start``: at least the minimum drop (and ``sensitive_sd`` SDs) below that level, and at least
    the minimum drop and ``specific_sd`` SDs below the rating just before. A slide that simply
    goes on is the same rupture's prolonged decline, not a new one."""
    level = settled_level(points, start, drop.index)
    if level is None:
        return False
    value = points[drop.index].value
    fall = level - value
    step = points[drop.index - 1].value - value
    return (
        fall >= min_drop
        and fall >= config.sensitive_sd * drop.baseline.sd_used
        and step >= min_drop
        and step >= config.specific_sd * drop.baseline.sd_used
    )


# --------------------------------------------------------------------------------------------
# Signals


def rupture_signals(
    episode_id: str,
    client_id: str,
    facts: ScaleFacts,
    points: Sequence[Point],
    courses: Sequence[Course],
) -> list[Signal]:
    """The ``rupture``, ``rupture_repaired`` and ``rupture_unrepaired`` signals of the courses."""
    signals: list[Signal] = []
    for course in courses:
        drop = course.onset
        b = drop.baseline
        onset = points[drop.index]
        involved = tuple(
            p.session_number for p in points[drop.index : (course.decision_index or drop.index) + 1]
        )
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=client_id,
                session_number=onset.session_number,
                type="rupture",
                severity="high" if drop.specific else "routine",
                status=course.status,
                explanation=rupture_explanation(
                    instrument_id=facts.instrument_id,
                    session_number=onset.session_number,
                    total=onset.total,
                    rules=drop.rules,
                    baseline_n=b.n,
                    baseline_mean=b.mean,
                    baseline_sd=b.sd,
                    sd_used=b.sd_used,
                    drop=b.drop,
                    z=b.z,
                    score_max=facts.score_max,
                    cutoff=facts.cutoff,
                    dimensions=[(d.name, d.level, d.value) for d in drop.dimensions],
                    level=course.level,
                    tolerance=course.tolerance,
                    status=course.status,
                    shape=course.shape,
                    onset=course.onset_pattern,
                    sessions_below=course.sessions_below,
                    sessions=involved,
                ),
                instrument_id=facts.instrument_id,
                date=onset.date,
            )
        )
        if course.decision_index is None:
            continue
        decided = points[course.decision_index]
        kind: SignalType
        severity: Severity
        status: Status
        explanation: Explanation
        if course.status == "repaired":
            kind, severity, status = "rupture_repaired", "routine", "repaired"
            explanation = repaired_explanation(
                instrument_id=facts.instrument_id,
                rupture_session=onset.session_number,
                session_number=decided.session_number,
                score=decided.total,
                level=course.level,
                tolerance=course.tolerance,
                sessions_below=course.sessions_below,
                shape=course.shape,
                sessions=involved,
            )
        else:
            kind, severity, status = "rupture_unrepaired", "high", "unrepaired"
            returned = points[course.return_index] if course.return_index is not None else None
            explanation = unrepaired_explanation(
                instrument_id=facts.instrument_id,
                rupture_session=onset.session_number,
                session_number=decided.session_number,
                score=decided.total,
                level=course.level,
                tolerance=course.tolerance,
                sessions_below=course.sessions_below,
                shape=course.shape,
                returned_session=returned.session_number if returned is not None else None,
                sessions=involved,
            )
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=client_id,
                session_number=decided.session_number,
                type=kind,
                severity=severity,
                status=status,
                explanation=explanation,
                instrument_id=facts.instrument_id,
                date=decided.date,
            )
        )
    return signals


def low_alliance_signal(
    episode_id: str, client_id: str, facts: ScaleFacts, points: Sequence[Point]
) -> Signal | None:
    """``low_alliance`` when the client's first ratings are already below the cut-off.

    A rupture is a *drop*; a client who starts below the cut-off (SRS < 36) has not dropped, but
    is saying from the start that the sessions are not working for them.
    """
    if facts.cutoff is None or not points or not facts.in_concern_range(points[0].total):
        return None
    run = 0
    while run < len(points) and facts.in_concern_range(points[run].total):
        run += 1
    active = run == len(points)
    return Signal(
        episode_id=episode_id,
        client_id=client_id,
        session_number=points[0].session_number,
        type="low_alliance",
        severity="routine",
        status="active" if active else "resolved",
        explanation=low_alliance_explanation(
            instrument_id=facts.instrument_id,
            cutoff=facts.cutoff,
            first_session=points[0].session_number,
            first_score=points[0].total,
            sessions_below=run,
            rose_session=None if active else points[run].session_number,
            sessions=tuple(p.session_number for p in points[:run]),
        ),
        instrument_id=facts.instrument_id,
        date=points[0].date,
    )
