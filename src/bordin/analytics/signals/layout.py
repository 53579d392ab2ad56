"""Series as matrices: the layout every vectorised rule works on.

Ratings are grouped into *series* (one client, one measure, one episode) and laid out as a
matrix, one row per series and one column per rating in session order. Every rule then runs
column by column over all series at once, in the same order of operations as the pure code in
:mod:`bordin.domain.alliance`, so running sums, means and SDs agree to the last bit.

This module holds the layout itself and the small helpers the rules share: per-series facts
looked up once per measure, the cut-off test, and the frame of signal rows each rule returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bordin.domain.alliance.scale import ALLIANCE_DIMENSIONS, ScaleFacts, ScaleLookup

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]

#: The columns of every signal row, in order (the stable output of ``bulk_signals``).
SIGNAL_COLUMNS: tuple[str, ...] = (
    "episode_id",
    "client_id",
    "instrument_id",
    "session_number",
    "type",
    "severity",
    "status",
    "rule",
    "score",
    "baseline_mean",
    "z",
    "detail",
)


@dataclass
class Series:
    """A set of series laid out as matrices (rows = series, columns = ratings in order)."""

    episode: ObjectArray
    client: ObjectArray
    instrument: ObjectArray
    length: IntArray
    total: FloatArray
    value: FloatArray
    session: IntArray
    dims: dict[str, FloatArray]
    ended: BoolArray

    @property
    def rows(self) -> int:
        return len(self.length)

    @property
    def width(self) -> int:
        return int(self.total.shape[1]) if self.total.ndim == 2 else 0


def empty_signals() -> pd.DataFrame:
    """A signal table with no rows and the :data:`SIGNAL_COLUMNS`."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SIGNAL_COLUMNS})


def facts_for(instruments: Sequence[str], scales: ScaleLookup) -> dict[str, ScaleFacts]:
    """The facts of each measure, looked up once."""
    return {i: scales(i) for i in instruments}


def item_columns(frame: pd.DataFrame) -> list[str]:
    """The ``item_k`` columns of ``frame``, by k."""
    cols = [c for c in frame.columns if c.startswith("item_") and c[5:].isdigit()]
    return sorted(cols, key=lambda c: int(c[5:]))


def _empty_series() -> Series:
    empty_f = np.zeros((0, 0))
    return Series(
        np.array([], dtype=object),
        np.array([], dtype=object),
        np.array([], dtype=object),
        np.zeros(0, dtype=np.int64),
        empty_f,
        empty_f,
        np.zeros((0, 0), dtype=np.int64),
        {},
        np.zeros(0, dtype=bool),
    )


def dimension_column(
    name: str,
    facts: Mapping[str, ScaleFacts],
    series_instrument: ObjectArray,
    row_instrument: ObjectArray,
    item_values: Mapping[str, FloatArray],
    n: int,
) -> FloatArray:
    """Each rating's oriented score on one dimension (NaN when an item of it is missing)."""
    column = np.full(n, np.nan)
    for instrument_id in np.unique(series_instrument):
        f = facts[str(instrument_id)]
        if name not in f.dimensions:
            continue
        mask = row_instrument == instrument_id
        acc = np.zeros(int(mask.sum()))
        ok = np.ones(int(mask.sum()), dtype=bool)
        for link in f.dimensions[name]:
            col = f"item_{f.item_ids.index(link) + 1}"
            if col not in item_values:
                ok[:] = False
                break
            raw = item_values[col][mask]
            if link in f.reverse_items:
                lo_i, hi_i = f.item_bounds[link]
                raw = lo_i + hi_i - raw
            ok &= ~np.isnan(raw)
            acc = acc + np.where(np.isnan(raw), 0.0, raw)
        if not f.higher_is_better:
            d_lo, d_hi = f.dimension_ranges[name]
            acc = d_lo + d_hi - acc
        column[mask] = np.where(ok, acc, np.nan)
    return column


def layout(
    frame: pd.DataFrame, facts: Mapping[str, ScaleFacts], item_cols: Sequence[str]
) -> Series:
    """Matrices for every (episode, client, instrument) series of ``frame``.

    Episodes, clients and measures keep the order in which they first appear in ``frame``;
    ratings are sorted by session within each series.
    """
    episode_codes, episodes = pd.factorize(frame["episode_id"], sort=False)
    client_codes, clients = pd.factorize(frame["client_id"], sort=False)
    instrument_codes, instruments = pd.factorize(frame["instrument"], sort=False)
    session = frame["session_number"].to_numpy(dtype=np.int64)
    order = np.lexsort((session, instrument_codes, client_codes, episode_codes))
    e = episode_codes[order]
    c = client_codes[order]
    i = instrument_codes[order]
    s = session[order]
    n = len(order)
    if n == 0:
        return _empty_series()
    new = np.ones(n, dtype=bool)
    new[1:] = (e[1:] != e[:-1]) | (c[1:] != c[:-1]) | (i[1:] != i[:-1])
    sid = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    pos = np.arange(n) - starts[sid]
    rows = len(starts)
    length = np.bincount(sid, minlength=rows).astype(np.int64)
    width = int(length.max())
    totals_raw = frame["score"].to_numpy(dtype=np.float64)[order]
    total = np.full((rows, width), np.nan)
    total[sid, pos] = totals_raw
    sessions = np.zeros((rows, width), dtype=np.int64)
    sessions[sid, pos] = s
    series_instrument = np.asarray(instruments)[i[starts]]
    hib = np.array([facts[x].higher_is_better for x in series_instrument], dtype=bool)
    lo = np.array([facts[x].score_min for x in series_instrument])
    hi = np.array([facts[x].score_max for x in series_instrument])
    value = np.where(hib[:, None], total, lo[:, None] + hi[:, None] - total)
    dims: dict[str, FloatArray] = {}
    item_values = {col: frame[col].to_numpy(dtype=np.float64)[order] for col in item_cols}
    row_instrument = np.asarray(instruments)[i]
    for name in ALLIANCE_DIMENSIONS:
        column = dimension_column(name, facts, series_instrument, row_instrument, item_values, n)
        matrix = np.full((rows, width), np.nan)
        matrix[sid, pos] = column
        if not np.all(np.isnan(matrix)):
            dims[name] = matrix
    ended_rows = np.zeros(n, dtype=bool)
    for flag in ("ended", "dropped_out"):
        if flag in frame.columns:
            ended_rows |= frame[flag].fillna(False).to_numpy(dtype=bool)[order]
    ended = np.zeros(rows, dtype=bool)
    np.logical_or.at(ended, sid, ended_rows)
    return Series(
        episode=np.asarray(episodes, dtype=object)[e[starts]],
        client=np.asarray(clients, dtype=object)[c[starts]],
        instrument=series_instrument.astype(object),
        length=length,
        total=total,
        value=value,
        session=sessions,
        dims=dims,
        ended=ended,
    )


def each(
    instruments: ObjectArray,
    facts: Mapping[str, ScaleFacts],
    fn: Callable[[ScaleFacts], object],
    dtype: type = float,
) -> npt.NDArray[Any]:
    """``fn(facts)`` for each series' instrument, computed once per instrument."""
    unique, inverse = np.unique(instruments.astype(str), return_inverse=True)
    values: npt.NDArray[Any] = np.array([fn(facts[str(u)]) for u in unique], dtype=dtype)
    out: npt.NDArray[Any] = values[inverse.reshape(-1)]
    return out


def nan_if_none(x: float | None) -> float:
    return np.nan if x is None else x


def concern(x: FloatArray, cutoff: FloatArray, inclusive: BoolArray, hib: BoolArray) -> BoolArray:
    """:meth:`ScaleFacts.in_concern_range` for every value; per-series arrays broadcast."""
    if x.ndim == 2:
        cutoff, inclusive, hib = cutoff[:, None], inclusive[:, None], hib[:, None]
    with np.errstate(invalid="ignore"):
        better = np.where(inclusive, x <= cutoff, x < cutoff)
        worse = np.where(inclusive, x >= cutoff, x > cutoff)
        out: BoolArray = np.where(hib, better, worse) & ~np.isnan(cutoff)
    return out


def dim_span(name: str, fraction: float) -> Callable[[ScaleFacts], float]:
    """``fraction`` of a dimension's range (NaN for measures without that dimension)."""

    def fn(f: ScaleFacts) -> float:
        if name not in f.dimension_ranges:
            return np.nan
        lo, hi = f.dimension_ranges[name]
        return fraction * (hi - lo)

    return fn


def signal_frame(
    series: Series,
    row: IntArray,
    col: IntArray,
    kind: str,
    severity: object,
    status: object,
    rule: object,
) -> pd.DataFrame:
    """Signal rows for the ratings at (``row``, ``col``) of ``series``."""
    return pd.DataFrame(
        {
            "episode_id": series.episode[row],
            "client_id": series.client[row],
            "instrument_id": series.instrument[row],
            "session_number": series.session[row, col],
            "type": kind,
            "severity": severity,
            "status": status,
            "rule": rule,
            "score": series.total[row, col],
            "baseline_mean": np.nan,
            "z": np.nan,
            "detail": "",
        }
    )


def session_spans(
    session: IntArray, rows: IntArray, first: IntArray, last: IntArray
) -> list[tuple[int, ...]]:
    """The session numbers from column ``first`` to ``last`` (inclusive) of each row."""
    sub = session[rows].tolist()
    return [
        tuple(sub[k][a : b + 1])
        for k, (a, b) in enumerate(zip(first.tolist(), last.tolist(), strict=True))
    ]


def at_or_none(session: IntArray, rows: IntArray, cols: IntArray) -> FloatArray:
    """``session[row, col]`` where ``col >= 0``, else NaN (used for "no such session")."""
    safe = np.where(cols >= 0, cols, 0)
    out: FloatArray = np.where(cols >= 0, session[rows, safe].astype(np.float64), np.nan)
    return out
