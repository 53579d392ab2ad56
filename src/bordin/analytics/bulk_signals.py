"""Whole-practice recompute of the signals, vectorised with NumPy.

:func:`bulk_signals` takes every rating of a practice as one long table and returns every signal
as one table, with the same rules and the same arithmetic as the pure per-episode code in
:mod:`bordin.domain.alliance` (a test checks that both give identical signal sets on random
histories). It is meant for the nightly or on-demand recompute of a whole practice; the pure
function remains the reference and is what runs after each submission.

How it is vectorised. Ratings are grouped into *series* (one client, one measure, one episode)
and laid out as a matrix, one row per series and one column per rating in session order. Every
rule then runs column by column over all series at once, in the same order of operations as the
pure code, so running sums, means and SDs agree to the last bit. Ruptures are followed in
*rounds*: each round finds the next onset in every series that still has one and settles its
course, so the number of rounds is the largest number of ruptures in any one series.

Input columns: ``episode_id``, ``client_id``, ``session_number``, ``date``, ``instrument``,
``score`` and optionally ``item_1`` .. ``item_n`` (item *k* is the instrument's *k*-th item),
``ended`` and ``dropped_out`` (per row, true for every row of an episode that has ended). A couple
is two client ids in one episode; partner order is the order in which they first appear.

Vectorised here: rupture (detection and lifecycle), rupture_repaired, rupture_unrepaired,
low_alliance, not_on_track, reliable change and recovery, split_alliance, split_widening, and
risk from item values. With an optional ``attendance`` column, disengagement is added by running
the pure function on the few episodes with missed appointments or a long silence. The
therapist's rupture log and crisis feedback need data this table does not hold; use the
per-episode function for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.recovery import DEFAULT_RECOVERY_MODELS, ExpectedRecoveryModel
from bordin.domain.alliance.rupture import thresholds
from bordin.domain.alliance.scale import (
    ALLIANCE_DIMENSIONS,
    ScaleFacts,
    ScaleLookup,
    registry_scale,
)
from bordin.domain.alliance.split import base_threshold, widening_window

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

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

REQUIRED_COLUMNS: tuple[str, ...] = (
    "episode_id",
    "client_id",
    "session_number",
    "instrument",
    "score",
)


@dataclass
class _Series:
    """A set of series laid out as matrices (rows = series, columns = ratings in order)."""

    episode: npt.NDArray[np.object_]
    client: npt.NDArray[np.object_]
    instrument: npt.NDArray[np.object_]
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


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SIGNAL_COLUMNS})


def _facts_for(instruments: Sequence[str], scales: ScaleLookup) -> dict[str, ScaleFacts]:
    return {i: scales(i) for i in instruments}


def _item_columns(frame: pd.DataFrame) -> list[str]:
    cols = [c for c in frame.columns if c.startswith("item_") and c[5:].isdigit()]
    return sorted(cols, key=lambda c: int(c[5:]))


def _layout(
    frame: pd.DataFrame, facts: Mapping[str, ScaleFacts], item_cols: Sequence[str]
) -> _Series:
    """Matrices for every (episode, client, instrument) series of ``frame`` (already sorted)."""
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
        empty_f = np.zeros((0, 0))
        return _Series(
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
        column = np.full(n, np.nan)
        for instrument_id in np.unique(series_instrument):
            f = facts[str(instrument_id)]
            if name not in f.dimensions:
                continue
            mask = row_instrument == instrument_id
            acc = np.zeros(int(mask.sum()))
            ok = np.ones(int(mask.sum()), dtype=bool)
            for link in f.dimensions[name]:
                k = f.item_ids.index(link) + 1
                col = f"item_{k}"
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
    return _Series(
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


def _each(
    instruments: npt.NDArray[np.object_],
    facts: Mapping[str, ScaleFacts],
    fn: Callable[[ScaleFacts], object],
    dtype: type = float,
) -> npt.NDArray[Any]:
    """``fn(facts)`` for each series' instrument, computed once per instrument."""
    unique, inverse = np.unique(instruments.astype(str), return_inverse=True)
    values: npt.NDArray[Any] = np.array([fn(facts[str(u)]) for u in unique], dtype=dtype)
    out: npt.NDArray[Any] = values[inverse.reshape(-1)]
    return out


def _nan_if_none(x: float | None) -> float:
    return np.nan if x is None else x


def _concern(x: FloatArray, cutoff: FloatArray, inclusive: BoolArray, hib: BoolArray) -> BoolArray:
    """:meth:`ScaleFacts.in_concern_range` for every value; per-series arrays broadcast."""
    if x.ndim == 2:
        cutoff, inclusive, hib = cutoff[:, None], inclusive[:, None], hib[:, None]
    with np.errstate(invalid="ignore"):
        better = np.where(inclusive, x <= cutoff, x < cutoff)
        worse = np.where(inclusive, x >= cutoff, x > cutoff)
        out: BoolArray = np.where(hib, better, worse) & ~np.isnan(cutoff)
    return out


def _dim_span(name: str, fraction: float) -> Callable[[ScaleFacts], float]:
    def fn(f: ScaleFacts) -> float:
        if name not in f.dimension_ranges:
            return np.nan
        lo, hi = f.dimension_ranges[name]
        return fraction * (hi - lo)

    return fn


# --------------------------------------------------------------------------------------------
# Ruptures


def _ruptures(
    series: _Series, facts: Mapping[str, ScaleFacts], config: SignalConfig
) -> list[pd.DataFrame]:
    rows, width = series.rows, series.width
    if rows == 0:
        return []
    inst = series.instrument
    lo = _each(inst, facts, lambda f: f.score_min)
    hi = _each(inst, facts, lambda f: f.score_max)
    floor = _each(inst, facts, lambda f: thresholds(f, config)["sd_floor"])
    min_drop = _each(inst, facts, lambda f: thresholds(f, config)["min_drop"])
    ceil_drop = _each(inst, facts, lambda f: thresholds(f, config)["ceiling_min_drop"])
    best = hi
    cutoff = _each(inst, facts, lambda f: _nan_if_none(f.cutoff))
    inclusive = _each(inst, facts, lambda f: f.cutoff_inclusive, dtype=bool)
    hib = _each(inst, facts, lambda f: f.higher_is_better, dtype=bool)
    valid = np.arange(width)[None, :] < series.length[:, None]
    v = series.value

    def concern(x: FloatArray) -> BoolArray:
        return _concern(x, cutoff, inclusive, hib)

    mean = np.full((rows, width), np.nan)
    sd = np.full((rows, width), np.nan)
    used = np.full((rows, width), np.nan)
    drop = np.full((rows, width), np.nan)
    z = np.full((rows, width), np.nan)
    s = np.zeros(rows)
    q = np.zeros(rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(width):
            col = v[:, k]
            used[:, k] = floor
            if k >= 1:
                m = s / k
                mean[:, k] = m
                if k >= 2:
                    var = (q - s * s / k) / (k - 1)
                    sdk = np.where(var > 0.0, np.sqrt(np.where(var > 0.0, var, 0.0)), 0.0)
                    sd[:, k] = sdk
                    used[:, k] = np.where(sdk > floor, sdk, floor)
                drop[:, k] = m - col
                z[:, k] = drop[:, k] / used[:, k]
            live = valid[:, k]
            s = np.where(live, s + col, s)
            q = np.where(live, q + col * col, q)
    n_prior = np.broadcast_to(np.arange(width)[None, :], (rows, width))
    base_ok = valid & (n_prior >= config.min_prior_sessions)
    with np.errstate(invalid="ignore"):
        sd_rule = base_ok & (drop >= min_drop[:, None]) & (z >= config.sensitive_sd)
        specific = sd_rule & (z >= config.specific_sd)
        ceiling = np.zeros((rows, width), dtype=bool)
        run = config.ceiling_run
        for k in range(run, width):
            at_max = np.all(v[:, k - run : k] == best[:, None], axis=1)
            ceiling[:, k] = valid[:, k] & at_max & (v[:, k] <= best - ceil_drop)
        item_flags: dict[str, BoolArray] = {}
        item_level: dict[str, FloatArray] = {}
        item_thr: dict[str, FloatArray] = {}
        for name, matrix in series.dims.items():
            thr = _each(inst, facts, _dim_span(name, config.item_drop_fraction))
            ds = np.zeros(rows)
            dn = np.zeros(rows, dtype=np.int64)
            level = np.full((rows, width), np.nan)
            flag = np.zeros((rows, width), dtype=bool)
            for k in range(width):
                col = matrix[:, k]
                present = ~np.isnan(col) & valid[:, k]
                dmean = np.where(dn > 0, ds / np.where(dn > 0, dn, 1), np.nan)
                level[:, k] = dmean
                flag[:, k] = base_ok[:, k] & (dn >= 1) & present & (dmean - col >= thr)
                ds = np.where(present, ds + np.where(present, col, 0.0), ds)
                dn = dn + present
            item_flags[name] = flag
            item_level[name] = level
            item_thr[name] = thr
        raw_mean = np.where(hib[:, None], mean, lo[:, None] + hi[:, None] - mean)
        cut = (
            base_ok
            & concern(series.total)
            & ~concern(raw_mean)
            & ((config.cutoff_requires_sd == 0.0) | (z >= config.cutoff_requires_sd))
        )
        if not config.cutoff_rule:
            cut[:] = False
    flags = sd_rule | ceiling | cut
    for flag in item_flags.values():
        flags = flags | flag

    out: list[pd.DataFrame] = []
    # Low alliance: below the cut-off from the first rating.
    first_concern = concern(series.total[:, :1])[:, 0] & (series.length > 0)
    if first_concern.any():
        conc = concern(series.total) & valid
        lead = np.cumprod(conc, axis=1).sum(axis=1)
        idx = np.flatnonzero(first_concern)
        out.append(
            _frame(
                series,
                idx,
                np.zeros(len(idx), dtype=np.int64),
                "low_alliance",
                "routine",
                np.where(lead[idx] == series.length[idx], "active", "resolved"),
                "low_alliance.below_cutoff",
            )
        )

    # Lifecycle in rounds.
    window = config.repair_window
    cols = np.arange(width)[None, :]
    search_from = np.zeros(rows, dtype=np.int64)
    pending: BoolArray = np.asarray(flags.any(axis=1), dtype=bool)
    records: list[dict[str, npt.NDArray[np.generic]]] = []
    while pending.any():
        idx = np.flatnonzero(pending)
        cand = flags[idx] & (cols >= search_from[idx, None])
        has = cand.any(axis=1)
        idx = idx[has]
        pending[:] = False
        if len(idx) == 0:
            break
        onset = cand[has].argmax(axis=1)
        level = mean[idx, onset]
        tol = config.repair_tolerance_sd * used[idx, onset]
        back = (v[idx] >= (level - tol)[:, None]) & (cols > onset[:, None]) & valid[idx]
        for name, flag in item_flags.items():
            fired = flag[idx, onset]
            if not fired.any():
                continue
            dlevel = item_level[name][idx, onset]
            half = item_thr[name][idx] / 2
            dm = series.dims[name][idx]
            ok = np.isnan(dm) | (dm >= (dlevel - half)[:, None])
            back &= np.where(fired[:, None], ok, True)
        has_ret = back.any(axis=1)
        ret = np.where(has_ret, back.argmax(axis=1), -1)
        length = series.length[idx]
        start = onset + 1
        after = length - start
        ended = series.ended[idx]
        repaired = has_ret & (ret - start < window)
        unrepaired = ~repaired & (has_ret | (after >= window) | ended)
        decision = np.where(
            repaired,
            ret,
            np.where(
                has_ret | (after >= window), start + window - 1, np.where(ended, length - 1, -1)
            ),
        )
        decision = np.where(repaired | unrepaired, decision, -1)
        below = np.where(has_ret, ret, length) - onset
        prev = np.where(onset >= 1, v[idx, np.maximum(onset - 1, 0)], np.inf)
        gradual = (onset >= 1) & (prev < level - tol)
        status = np.where(repaired, "repaired", np.where(unrepaired, "unrepaired", "open"))
        shape = np.where(
            repaired,
            np.where(below == 1, "v_shape", "prolonged_dip"),
            np.where(below > 1, "prolonged_decline", "single_drop"),
        )
        records.append(
            {
                "row": idx,
                "onset": onset,
                "decision": decision,
                "status": status,
                "specific": specific[idx, onset],
                "shape": shape,
                "gradual": gradual,
                "rule": _primary_rule(idx, onset, specific, ceiling, item_flags, sd_rule),
            }
        )
        search_from[idx] = ret + 1
        pending[idx] = has_ret
    if records:
        rec = {k: np.concatenate([x[k] for x in records]) for k in records[0]}
        row, onset = rec["row"], rec["onset"]
        frame = _frame(
            series,
            row,
            onset,
            "rupture",
            np.where(rec["specific"], "high", "routine"),
            rec["status"],
            np.char.add("rupture.", rec["rule"].astype(str)),
        )
        frame["baseline_mean"] = mean[row, onset]
        frame["z"] = z[row, onset]
        frame["detail"] = np.char.add(
            np.char.add(rec["shape"].astype(str), ","),
            np.where(rec["gradual"], "gradual", "abrupt"),
        )
        out.append(frame)
        done = rec["decision"] >= 0
        rep = done & (rec["status"] == "repaired")
        unr = done & (rec["status"] == "unrepaired")
        if rep.any():
            out.append(
                _frame(
                    series,
                    row[rep],
                    rec["decision"][rep],
                    "rupture_repaired",
                    "routine",
                    "repaired",
                    "rupture.repaired",
                )
            )
        if unr.any():
            out.append(
                _frame(
                    series,
                    row[unr],
                    rec["decision"][unr],
                    "rupture_unrepaired",
                    "high",
                    "unrepaired",
                    "rupture.unrepaired",
                )
            )
    return out


def _primary_rule(
    idx: IntArray,
    onset: IntArray,
    specific: BoolArray,
    ceiling: BoolArray,
    items: Mapping[str, BoolArray],
    sd_rule: BoolArray,
) -> npt.NDArray[np.str_]:
    rule = np.full(len(idx), "cutoff_crossing", dtype=object)
    rule = np.where(sd_rule[idx, onset], "baseline_drop_1sd", rule)
    for name in reversed(ALLIANCE_DIMENSIONS):
        if name in items:
            rule = np.where(items[name][idx, onset], "item_drop", rule)
    rule = np.where(ceiling[idx, onset], "ceiling_drop", rule)
    rule = np.where(specific[idx, onset], "baseline_drop_2sd", rule)
    out: npt.NDArray[np.str_] = rule.astype(str)
    return out


def _frame(
    series: _Series,
    row: IntArray,
    col: IntArray,
    kind: str,
    severity: object,
    status: object,
    rule: object,
) -> pd.DataFrame:
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


# --------------------------------------------------------------------------------------------
# Outcome: not on track and change


def _outcomes(
    series: _Series,
    facts: Mapping[str, ScaleFacts],
    models: Mapping[str, ExpectedRecoveryModel],
    config: SignalConfig,
) -> list[pd.DataFrame]:
    out: list[pd.DataFrame] = []
    if series.rows == 0:
        return out
    width = series.width
    valid = np.arange(width)[None, :] < series.length[:, None]
    cols = np.arange(width)[None, :]
    intake = series.total[:, 0]
    inst = series.instrument
    hib = _each(inst, facts, lambda f: f.higher_is_better, dtype=bool)
    lo = _each(inst, facts, lambda f: f.score_min)
    hi = _each(inst, facts, lambda f: f.score_max)
    # Not on track, per instrument with a model.
    for instrument_id in np.unique(series.instrument):
        model = models.get(str(instrument_id))
        if model is None:
            continue
        sel = np.flatnonzero(series.instrument == instrument_id)
        enough = series.length[sel] >= max(config.min_outcome_ratings, 2)
        sel = sel[enough]
        if len(sel) == 0:
            continue
        t = series.session[sel] - series.session[sel, :1] + 1
        top = int(max(t.max(), 1))
        logs = np.array([model.log_session(k) for k in range(top + 1)])
        lt = logs[np.clip(t, 0, top)]
        expected = intake[sel, None] + (model.b0 + model.b1 * intake[sel, None]) * lt
        var = (
            model.var_intercept
            + 2.0 * model.cov_intercept_slope * lt
            + model.var_slope * lt * lt
            + model.var_residual
        )
        sdv = np.sqrt(np.where(var > 0.0, var, 0.0))
        sign = np.where(hib[sel], -1.0, 1.0)[:, None]
        deviation = sign * (series.total[sel] - expected)
        with np.errstate(divide="ignore", invalid="ignore"):
            zz = np.where(
                sdv > 0.0,
                deviation / np.where(sdv > 0.0, sdv, 1.0),
                np.where(deviation > 0, np.inf, np.where(deviation < 0, -np.inf, 0.0)),
            )
        ok = valid[sel] & (cols >= 1)
        red = ok & (zz >= config.red_sd)
        off = ok & (zz >= config.amber_sd)
        starts, ends, has_red = _runs(off, red)
        if len(starts[0]):
            r_rows, r_start = starts
            r_end = ends
            last = series.length[sel][r_rows] - 1
            frame = _frame(
                series,
                sel[r_rows],
                r_start,
                "not_on_track",
                np.where(has_red, "high", "routine"),
                np.where(r_end == last, "active", "resolved"),
                "not_on_track.expected_recovery",
            )
            frame["z"] = zz[r_rows, r_end]
            frame["detail"] = np.where(red[r_rows, r_end], "red", "amber")
            out.append(frame)
    # Reliable change and recovery.
    rc = _each(inst, facts, lambda f: _nan_if_none(f.reliable_change))
    cutoff = _each(inst, facts, lambda f: _nan_if_none(f.cutoff))
    inclusive = _each(inst, facts, lambda f: f.cutoff_inclusive, dtype=bool)
    have = ~np.isnan(rc) & (series.length >= 2)
    if have.any():
        sel = np.flatnonzero(have)
        goodness = np.where(
            hib[sel, None], series.total[sel], lo[sel, None] + hi[sel, None] - series.total[sel]
        )
        intake_good = np.where(hib[sel], intake[sel], lo[sel] + hi[sel] - intake[sel])
        gain = goodness - intake_good[:, None]
        ok = valid[sel] & (cols >= 1)

        def concern(x: FloatArray, rows: IntArray) -> BoolArray:
            return _concern(x, cutoff[rows], inclusive[rows], hib[rows])

        improved = ok & (gain >= rc[sel, None])
        deteriorated = ok & (-gain >= rc[sel, None])
        recovered = improved & concern(intake[sel], sel)[:, None] & ~concern(series.total[sel], sel)
        for kind, severity, matrix in (
            ("reliable_deterioration", "high", deteriorated),
            ("reliable_improvement", "routine", improved),
            ("recovery", "routine", recovered),
        ):
            last = series.length[sel] - 1
            meets_last = matrix[np.arange(len(sel)), last]
            if not meets_last.any():
                continue
            rows = np.flatnonzero(meets_last)
            m = matrix[rows]
            # Start of the run of True ending at the last rating: one past the last False before it.
            fail = ~m & (cols >= 1) & (cols <= last[rows, None])
            fail[:, 0] = True
            last_fail = width - 1 - np.argmax(fail[:, ::-1], axis=1)
            start = last_fail + 1
            out.append(_frame(series, sel[rows], start, kind, severity, "active", f"change.{kind}"))
    return out


def _runs(off: BoolArray, red: BoolArray) -> tuple[tuple[IntArray, IntArray], IntArray, BoolArray]:
    """Runs of True per row: ((row, start), end, any red in the run)."""
    rows, width = off.shape
    padded = np.zeros((rows, width + 2), dtype=np.int8)
    padded[:, 1:-1] = off
    diff = np.diff(padded, axis=1)
    s_rows, s_cols = np.nonzero(diff == 1)
    e_rows, e_cols = np.nonzero(diff == -1)
    ends = e_cols - 1
    red_cum = np.concatenate([np.zeros((rows, 1), dtype=np.int64), np.cumsum(red, axis=1)], axis=1)
    has_red = (red_cum[e_rows, ends + 1] - red_cum[s_rows, s_cols]) > 0
    return (s_rows.astype(np.int64), s_cols.astype(np.int64)), ends.astype(np.int64), has_red


# --------------------------------------------------------------------------------------------
# Couples


def _splits(
    frame: pd.DataFrame,
    facts: Mapping[str, ScaleFacts],
    config: SignalConfig,
    item_cols: Sequence[str],
) -> list[pd.DataFrame]:
    alliance = frame[frame["instrument"].map({k: f.kind == "alliance" for k, f in facts.items()})]
    if alliance.empty:
        return []
    first_seen = frame.drop_duplicates(["episode_id", "client_id"])[["episode_id", "client_id"]]
    first_seen = first_seen.assign(partner=first_seen.groupby("episode_id", sort=False).cumcount())
    sizes = first_seen.groupby("episode_id", sort=False)["partner"].transform("size")
    couples = first_seen[sizes == 2]
    if couples.empty:
        return []
    data = alliance.merge(couples, on=["episode_id", "client_id"], how="inner")
    bond = np.full(len(data), np.nan)
    for instrument_id in data["instrument"].unique():
        f = facts[str(instrument_id)]
        if "bond" not in f.dimensions:
            continue
        mask = (data["instrument"] == instrument_id).to_numpy()
        acc = np.zeros(int(mask.sum()))
        ok = np.ones(int(mask.sum()), dtype=bool)
        for link in f.dimensions["bond"]:
            col = f"item_{f.item_ids.index(link) + 1}"
            if col not in data.columns:
                ok[:] = False
                break
            raw = data.loc[mask, col].to_numpy(dtype=np.float64)
            if link in f.reverse_items:
                lo_i, hi_i = f.item_bounds[link]
                raw = lo_i + hi_i - raw
            ok &= ~np.isnan(raw)
            acc = acc + np.where(np.isnan(raw), 0.0, raw)
        if not f.higher_is_better:
            d_lo, d_hi = f.dimension_ranges["bond"]
            acc = d_lo + d_hi - acc
        bond[mask] = np.where(ok, acc, np.nan)
    data = data.assign(bond=bond)
    a = data[data["partner"] == 0][
        ["episode_id", "instrument", "session_number", "client_id", "score", "bond"]
    ]
    b = data[data["partner"] == 1][
        ["episode_id", "instrument", "session_number", "client_id", "score", "bond"]
    ]
    joint = a.merge(b, on=["episode_id", "instrument", "session_number"], suffixes=("_a", "_b"))
    if joint.empty:
        return []
    e_codes, episodes = pd.factorize(joint["episode_id"], sort=False)
    i_codes, instruments = pd.factorize(joint["instrument"], sort=False)
    session = joint["session_number"].to_numpy(dtype=np.int64)
    order = np.lexsort((session, i_codes, e_codes))
    e, i, s = e_codes[order], i_codes[order], session[order]
    n = len(order)
    new = np.ones(n, dtype=bool)
    new[1:] = (e[1:] != e[:-1]) | (i[1:] != i[:-1])
    sid = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    pos = np.arange(n) - starts[sid]
    rows = len(starts)
    length = np.bincount(sid, minlength=rows)
    width = int(length.max())

    def wide(values: FloatArray) -> FloatArray:
        m = np.full((rows, width), np.nan)
        m[sid, pos] = values[order]
        return m

    ta = wide(joint["score_a"].to_numpy(dtype=np.float64))
    tb = wide(joint["score_b"].to_numpy(dtype=np.float64))
    ba = wide(joint["bond_a"].to_numpy(dtype=np.float64))
    bb = wide(joint["bond_b"].to_numpy(dtype=np.float64))
    sess = np.zeros((rows, width), dtype=np.int64)
    sess[sid, pos] = s
    inst = np.asarray(instruments, dtype=object)[i[starts]]
    epis = np.asarray(episodes, dtype=object)[e[starts]]
    valid = np.arange(width)[None, :] < length[:, None]
    base = _each(inst, facts, lambda f: base_threshold(f, config))
    bond_thr = _each(inst, facts, _dim_span("bond", config.split_item_fraction))
    gap = np.abs(ta - tb)
    bond_gap = np.abs(ba - bb)
    thr = np.tile(base[:, None], (1, width))
    sa = np.zeros(rows)
    qa = np.zeros(rows)
    sb = np.zeros(rows)
    qb = np.zeros(rows)
    for k in range(width):
        if k >= 2:
            ss = (qa - sa * sa / k) + (qb - sb * sb / k)
            pooled_var = ss / (2 * (k - 1))
            pooled = np.sqrt(np.where(pooled_var > 0.0, pooled_var, 0.0))
            guard = config.split_min_within_sd * pooled
            thr[:, k] = np.where(guard > base, guard, base)
        live = valid[:, k]
        sa = np.where(live, sa + ta[:, k], sa)
        qa = np.where(live, qa + ta[:, k] * ta[:, k], qa)
        sb = np.where(live, sb + tb[:, k], sb)
        qb = np.where(live, qb + tb[:, k] * tb[:, k], qb)
    with np.errstate(invalid="ignore"):
        split = valid & (
            (gap >= thr)
            | (~np.isnan(bond_gap) & ~np.isnan(bond_thr)[:, None] & (bond_gap >= bond_thr[:, None]))
        )
    out: list[pd.DataFrame] = []
    ser = _Series(
        epis,
        np.full(rows, None, dtype=object),
        inst,
        length.astype(np.int64),
        gap,
        gap,
        sess,
        {},
        np.zeros(rows, dtype=bool),
    )
    opened, closed_at, active = _persistent(split, valid, config.split_min_sessions)
    if len(opened[0]):
        r, c = opened
        big = _run_max(gap, r, c, closed_at, length)
        thr_end = thr[r, np.where(active, length[r] - 1, closed_at - 1)]
        sev = np.where(big >= 2 * thr_end, "high", "routine")
        f = _frame(
            ser, r, c, "split_alliance", sev, np.where(active, "active", "resolved"), "split.gap"
        )
        f["client_id"] = None
        f["score"] = gap[r, c]
        out.append(f)
    # Widening.
    span = _each(inst, facts, lambda f: f.score_max - f.score_min)
    slope_min = config.widening_slope_fraction * span
    inc_min = config.widening_min_increase_fraction * span
    win = widening_window(config)
    px = np.zeros((rows, width + 1))
    py = np.zeros((rows, width + 1))
    pxx = np.zeros((rows, width + 1))
    pxy = np.zeros((rows, width + 1))
    x = sess.astype(np.float64)
    g0 = np.where(valid, gap, 0.0)
    for k in range(width):
        px[:, k + 1] = px[:, k] + x[:, k]
        py[:, k + 1] = py[:, k] + g0[:, k]
        pxx[:, k + 1] = pxx[:, k] + x[:, k] * x[:, k]
        pxy[:, k + 1] = pxy[:, k] + x[:, k] * g0[:, k]
    widening = np.zeros((rows, width), dtype=bool)
    for k in range(width):
        lo_k = max(0, k + 1 - win)
        kk = k + 1 - lo_k
        if kk < config.widening_min_sessions:
            continue
        sx = px[:, k + 1] - px[:, lo_k]
        sy = py[:, k + 1] - py[:, lo_k]
        sxx = pxx[:, k + 1] - pxx[:, lo_k]
        sxy = pxy[:, k + 1] - pxy[:, lo_k]
        den = kk * sxx - sx * sx
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(den > 0.0, (kk * sxy - sx * sy) / np.where(den > 0.0, den, 1.0), 0.0)
        increase = gap[:, k] - gap[:, lo_k]
        widening[:, k] = valid[:, k] & (slope >= slope_min) & (increase >= inc_min)
    opened, closed_at, active = _persistent(widening, valid, config.split_min_sessions)
    if len(opened[0]):
        r, c = opened
        f = _frame(
            ser,
            r,
            c,
            "split_widening",
            "routine",
            np.where(active, "active", "resolved"),
            "split.widening",
        )
        f["client_id"] = None
        f["score"] = gap[r, c]
        out.append(f)
    return out


def _run_max(
    gap: FloatArray, rows: IntArray, start: IntArray, closed_at: IntArray, length: IntArray
) -> FloatArray:
    end = np.where(closed_at >= 0, closed_at, length[rows])
    width = gap.shape[1]
    cols = np.arange(width)[None, :]
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    vals = np.where(inside, gap[rows], -np.inf)
    res: FloatArray = vals.max(axis=1)
    return res


def _persistent(
    flags: BoolArray, valid: BoolArray, min_length: int
) -> tuple[tuple[IntArray, IntArray], IntArray, BoolArray]:
    """Vectorised :func:`bordin.domain.alliance.split.persistent_runs` over the rows of ``flags``.

    Returns ((row, opening column), closing column or -1, still open) per stretch.
    """
    rows, width = flags.shape
    state = np.zeros(rows, dtype=bool)
    run_val = np.zeros(rows, dtype=bool)
    run_start = np.zeros(rows, dtype=np.int64)
    run_len = np.zeros(rows, dtype=np.int64)
    open_at = np.full(rows, -1, dtype=np.int64)
    out_rows: list[IntArray] = []
    out_open: list[IntArray] = []
    out_close: list[IntArray] = []
    for k in range(width):
        live = valid[:, k]
        f = flags[:, k]
        same = (run_len > 0) & (run_val == f)
        run_start = np.where(live & ~same, k, run_start)
        run_len = np.where(live, np.where(same, run_len + 1, 1), run_len)
        run_val = np.where(live, f, run_val)
        reached = live & (run_len == min_length)
        opening = reached & run_val & ~state
        closing = reached & ~run_val & state
        if closing.any():
            idx = np.flatnonzero(closing)
            out_rows.append(idx)
            out_open.append(open_at[idx])
            out_close.append(run_start[idx])
            state[idx] = False
        if opening.any():
            idx = np.flatnonzero(opening)
            open_at[idx] = run_start[idx]
            state[idx] = True
    still = np.flatnonzero(state)
    out_rows.append(still)
    out_open.append(open_at[still])
    out_close.append(np.full(len(still), -1, dtype=np.int64))
    r = np.concatenate(out_rows).astype(np.int64)
    o = np.concatenate(out_open).astype(np.int64)
    c = np.concatenate(out_close).astype(np.int64)
    return (r, o), c, c < 0


# --------------------------------------------------------------------------------------------
# Risk items


def _risks(
    frame: pd.DataFrame, facts: Mapping[str, ScaleFacts], item_cols: Sequence[str]
) -> list[pd.DataFrame]:
    out: list[pd.DataFrame] = []
    for instrument_id in frame["instrument"].unique():
        f = facts[str(instrument_id)]
        for position, link in enumerate(f.item_ids, start=1):
            if link not in f.risk_items:
                continue
            col = f"item_{position}"
            if col not in frame.columns:
                continue
            sub = frame[(frame["instrument"] == instrument_id) & (frame[col] > 0)]
            if sub.empty:
                continue
            out.append(
                pd.DataFrame(
                    {
                        "episode_id": sub["episode_id"].to_numpy(dtype=object),
                        "client_id": sub["client_id"].to_numpy(dtype=object),
                        "instrument_id": instrument_id,
                        "session_number": sub["session_number"].to_numpy(dtype=np.int64),
                        "type": "risk",
                        "severity": "urgent",
                        "status": "open",
                        "rule": "risk.item_endorsed",
                        "score": sub[col].to_numpy(dtype=np.float64),
                        "baseline_mean": np.nan,
                        "z": np.nan,
                        "detail": f"item {position}",
                    }
                )
            )
    return out


# --------------------------------------------------------------------------------------------
# Disengagement: needs attendance; the few candidate episodes go through the pure function


def _disengagement(
    frame: pd.DataFrame,
    attendance: pd.DataFrame,
    config: SignalConfig,
    scales: ScaleLookup,
    now: dt.date,
) -> list[pd.DataFrame]:
    from bordin.domain.alliance import evaluate_episode
    from bordin.domain.alliance.history import Attendance, EpisodeHistory, Rating

    dates = pd.to_datetime(attendance["date"]).dt.date
    attendance = attendance.assign(day=dates)
    past = attendance[(attendance["day"] <= now) & (attendance["attendance"] != "scheduled")]
    missed = set(past.loc[past["attendance"].isin(["cancelled", "no_show"]), "episode_id"])
    attended = past[past["attendance"] == "attended"].groupby("episode_id")["day"].max()
    ended: set[object] = set()
    for flag in ("ended", "dropped_out"):
        if flag in frame.columns:
            ended |= set(frame.loc[frame[flag].fillna(False).astype(bool), "episode_id"])
    silent = {
        e for e, last in attended.items() if (now - last).days >= config.disengagement_gap_days
    }
    candidates = missed | (silent - ended)
    if not candidates:
        return []
    out: list[dict[str, object]] = []
    rows = frame[frame["episode_id"].isin(candidates)]
    visits = past[past["episode_id"].isin(candidates)]
    item_cols = _item_columns(rows)
    for episode_id, group in rows.groupby("episode_id", sort=False):
        clients = tuple(dict.fromkeys(group["client_id"]))
        ratings = []
        for r in group.to_dict("records"):
            facts = scales(str(r["instrument"]))
            items = {
                facts.item_ids[int(c[5:]) - 1]: float(r[c])
                for c in item_cols
                if int(c[5:]) <= len(facts.item_ids) and pd.notna(r[c])
            }
            day = pd.Timestamp(r["date"]).date()
            ratings.append(
                Rating(
                    str(r["client_id"]),
                    int(r["session_number"]),
                    day,
                    str(r["instrument"]),
                    float(r["score"]),
                    items,
                )
            )
        mine = visits[visits["episode_id"] == episode_id]
        history = EpisodeHistory(
            episode_id=str(episode_id),
            kind="couple" if len(clients) == 2 else "individual",
            client_ids=tuple(str(c) for c in clients),
            ratings=tuple(ratings),
            attendance=tuple(
                Attendance(int(a.session_number), a.day, a.attendance) for a in mine.itertuples()
            ),
            ended=episode_id in ended,
        )
        for signal in evaluate_episode(history, now=now, config=config, scales=scales):
            if signal.type == "disengagement":
                out.append(
                    {
                        "episode_id": signal.episode_id,
                        "client_id": signal.client_id,
                        "instrument_id": signal.instrument_id,
                        "session_number": signal.session_number,
                        "type": signal.type,
                        "severity": signal.severity,
                        "status": signal.status,
                        "rule": signal.explanation.rule,
                        "score": signal.explanation.numbers.get("latest_alliance"),
                        "baseline_mean": signal.explanation.numbers.get("baseline_mean"),
                        "z": signal.explanation.numbers.get("z"),
                        "detail": f"missed {signal.explanation.numbers.get('missed')}",
                    }
                )
    return [pd.DataFrame(out)] if out else []


def bulk_signals(
    frame: pd.DataFrame,
    *,
    config: SignalConfig | None = None,
    scales: ScaleLookup = registry_scale,
    recovery_models: Mapping[str, ExpectedRecoveryModel] | None = None,
    now: dt.date | None = None,
) -> pd.DataFrame:
    """Every vectorised signal of every episode in ``frame`` (see the module docstring).

    Returns one row per signal with the columns in :data:`SIGNAL_COLUMNS`. When ``frame`` has an
    ``attendance`` column (attended, cancelled, no_show, scheduled; rows of missed appointments
    carry no score), disengagement is added for the episodes that could have it, evaluated as of
    ``now`` (default: the latest date in the table).
    """
    config = config or SignalConfig()
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    visits = None
    if "attendance" in frame.columns and "date" in frame.columns:
        visits = frame[frame["attendance"].notna()]
        if now is None and not visits.empty:
            now = pd.to_datetime(frame["date"]).max().date()
    frame = frame[frame["score"].notna()]
    if frame.empty:
        return _empty()
    facts = _facts_for([str(x) for x in frame["instrument"].unique()], scales)
    models = dict(DEFAULT_RECOVERY_MODELS)
    if recovery_models:
        models.update(recovery_models)
    item_cols = _item_columns(frame)
    kinds = frame["instrument"].map({k: f.kind for k, f in facts.items()})
    parts: list[pd.DataFrame] = []
    alliance = frame[kinds == "alliance"]
    if not alliance.empty:
        parts.extend(_ruptures(_layout(alliance, facts, item_cols), facts, config))
        parts.extend(_splits(frame, facts, config, item_cols))
    outcome = frame[kinds == "outcome"]
    if not outcome.empty:
        parts.extend(_outcomes(_layout(outcome, facts, []), facts, models, config))
    parts.extend(_risks(frame, facts, item_cols))
    if visits is not None and not visits.empty and now is not None:
        parts.extend(_disengagement(frame, visits, config, scales, now))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _empty()
    result = pd.concat(parts, ignore_index=True)
    result["session_number"] = result["session_number"].astype(np.int64)
    return result.sort_values(["episode_id", "session_number", "type"], kind="stable").reset_index(
        drop=True
    )


def frame_from_histories(histories: Sequence[object]) -> pd.DataFrame:
    """The long table for some :class:`~bordin.domain.alliance.EpisodeHistory` objects.

    Items go to ``item_k`` by their position in the instrument (looked up in the registry).
    Partner order follows ``client_ids``. Used by tests and benchmarks.
    """
    from bordin.domain.alliance.history import EpisodeHistory

    records: list[dict[str, object]] = []
    for history in histories:
        assert isinstance(history, EpisodeHistory)
        rank = {c: k for k, c in enumerate(history.client_ids)}
        ended = history.ended or history.dropped_out
        ordered = sorted(history.ratings, key=lambda r: (rank[r.client_id], r.session_number))
        for r in ordered:
            f = registry_scale(r.instrument_id)
            record: dict[str, object] = {
                "episode_id": history.episode_id,
                "client_id": r.client_id,
                "session_number": r.session_number,
                "date": r.date,
                "instrument": r.instrument_id,
                "score": r.total,
                "ended": ended,
            }
            for k, link in enumerate(f.item_ids, start=1):
                if link in r.items:
                    record[f"item_{k}"] = float(r.items[link])
            records.append(record)
        for visit in history.attendance:
            records.append(
                {
                    "episode_id": history.episode_id,
                    "client_id": history.client_ids[0],
                    "session_number": visit.session_number,
                    "date": visit.date,
                    "instrument": None,
                    "score": np.nan,
                    "ended": ended,
                    "attendance": visit.status,
                }
            )
    frame = pd.DataFrame.from_records(records)
    return frame
