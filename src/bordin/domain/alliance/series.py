"""One client's ratings on one measure, in session order, with the running baseline.

The *baseline* at a session is the mean and standard deviation of all the client's earlier
ratings on the same measure (clinical-facts §6.2 design note: "within-client z-score of each
session's alliance vs the client's running mean/SD"). It is computed from running sums, in the
same order and with the same arithmetic as the vectorised recompute in
:mod:`bordin.analytics.bulk_signals`, so both give the same numbers to the last bit.

Values are *oriented*: ``value`` is the score turned so that higher is better (alliance
measures already are), which lets one set of rules serve every measure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bordin.domain.alliance.history import Rating
from bordin.domain.alliance.scale import ScaleFacts


@dataclass(frozen=True)
class Point:
    """One rating in a series: the raw total, the oriented value and oriented dimension scores."""

    session_number: int
    date: dt.date
    total: float
    value: float
    dims: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Baseline:
    """The client's own baseline just before a rating.

    ``n`` earlier ratings, their ``mean`` and sample ``sd`` (``None`` with fewer than two);
    ``sd_used`` is the SD after the floor; ``drop`` how far the rating is below the mean and
    ``z`` that drop in SDs (both oriented: positive = worse).
    """

    n: int
    mean: float | None
    sd: float | None
    sd_used: float
    drop: float | None
    z: float | None


def dimension_scores(rating: Rating, facts: ScaleFacts) -> dict[str, float]:
    """Sum of the items of each dimension, oriented; a dimension with a missing item is left out."""
    scores: dict[str, float] = {}
    for name, ids in facts.dimensions.items():
        if all(i in rating.items for i in ids):
            total = 0.0
            for i in ids:
                total += facts.keyed(i, float(rating.items[i]))
            lo, hi = facts.dimension_ranges[name]
            scores[name] = total if facts.higher_is_better else lo + hi - total
    return scores


def build_series(ratings: Iterable[Rating], facts: ScaleFacts) -> list[Point]:
    """The points of one client's series on one measure, sorted by session."""
    points = [
        Point(
            session_number=r.session_number,
            date=r.date,
            total=float(r.total),
            value=facts.goodness(float(r.total)),
            dims=dimension_scores(r, facts),
        )
        for r in ratings
    ]
    points.sort(key=lambda p: p.session_number)
    return points


def sd_floor(facts: ScaleFacts, fraction: float) -> float:
    """The smallest SD the baseline is allowed to have, in points."""
    return fraction * (facts.score_max - facts.score_min)


def baselines(values: Sequence[float], floor: float) -> list[Baseline]:
    """The running baseline before each value (see the module docstring)."""
    out: list[Baseline] = []
    s = 0.0
    q = 0.0
    for n, value in enumerate(values):
        if n == 0:
            out.append(Baseline(0, None, None, floor, None, None))
        else:
            mean = s / n
            sd: float | None = None
            if n >= 2:
                var = (q - s * s / n) / (n - 1)
                sd = math.sqrt(var) if var > 0.0 else 0.0
            used = sd if sd is not None and sd > floor else floor
            drop = mean - value
            out.append(Baseline(n, mean, sd, used, drop, ratio(drop, used)))
        s += value
        q += value * value
    return out


def ratio(drop: float, sd: float) -> float:
    """``drop / sd`` with IEEE semantics for a zero SD (inf, -inf or nan), as NumPy does."""
    if sd != 0.0:
        return drop / sd
    if drop > 0.0:
        return math.inf
    if drop < 0.0:
        return -math.inf
    return math.nan


def dimension_baselines(points: Sequence[Point], name: str) -> list[tuple[int, float | None]]:
    """For each point, (number of earlier ratings of the dimension, their mean)."""
    out: list[tuple[int, float | None]] = []
    s = 0.0
    n = 0
    for point in points:
        out.append((n, s / n if n else None))
        if name in point.dims:
            s += point.dims[name]
            n += 1
    return out
