"""Split alliance and a widening gap, for every couple and alliance measure at once.

The vectorised twin of :mod:`bordin.domain.alliance.split`. A couple is two client ids in one
episode; partner *a* is the one with the lower ``partner`` value when the table has that
column, else the one who appears first. At each session both partners
rated, the gap between their totals is compared with the threshold (the measure's
reliable-change value or a fixed share of the range, never below one pooled within-partner SD),
and the bond gap with its own threshold; stretches of split sessions (and of a widening gap)
open and close as :func:`bordin.domain.alliance.split.persistent_runs` says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from bordin.analytics.signals.layout import (
    BoolArray,
    FloatArray,
    IntArray,
    Series,
    at_or_none,
    dim_span,
    dimension_column,
    each,
    session_spans,
    signal_frame,
)
from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.scale import ScaleFacts
from bordin.domain.alliance.split import base_threshold, widening_window

_JOINT = ["episode_id", "instrument", "session_number", "client_id", "score", "bond"]


def _joint_table(
    frame: pd.DataFrame, facts: Mapping[str, ScaleFacts], item_cols: Sequence[str]
) -> pd.DataFrame:
    """One row per session both partners of a couple rated on the same alliance measure."""
    alliance = frame[frame["instrument"].map({k: f.kind == "alliance" for k, f in facts.items()})]
    if alliance.empty:
        return pd.DataFrame()
    first_seen = frame.drop_duplicates(["episode_id", "client_id"])
    if "partner" in first_seen.columns:
        first_seen = first_seen.sort_values("partner", kind="stable", na_position="last")
    first_seen = first_seen[["episode_id", "client_id"]]
    first_seen = first_seen.assign(rank=first_seen.groupby("episode_id", sort=False).cumcount())
    sizes = first_seen.groupby("episode_id", sort=False)["rank"].transform("size")
    couples = first_seen[sizes == 2]
    if couples.empty:
        return pd.DataFrame()
    data = alliance.drop(columns=["rank"], errors="ignore").merge(
        couples, on=["episode_id", "client_id"], how="inner"
    )
    instruments = data["instrument"].to_numpy(dtype=object)
    items = {c: data[c].to_numpy(dtype=np.float64) for c in item_cols if c in data.columns}
    bond = dimension_column(
        "bond", facts, np.unique(instruments.astype(str)), instruments, items, len(data)
    )
    data = data.assign(bond=bond)
    a = data[data["rank"] == 0][_JOINT]
    b = data[data["rank"] == 1][_JOINT]
    joint: pd.DataFrame = a.merge(
        b, on=["episode_id", "instrument", "session_number"], suffixes=("_a", "_b")
    )
    return joint


def split_signals(
    frame: pd.DataFrame,
    facts: Mapping[str, ScaleFacts],
    config: SignalConfig,
    item_cols: Sequence[str],
    *,
    details: bool,
) -> list[pd.DataFrame]:
    """``split_alliance`` and ``split_widening`` rows (``client_id`` is None: couple-level)."""
    joint = _joint_table(frame, facts, item_cols)
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
    partner_a = joint["client_id_a"].to_numpy(dtype=object)[order][starts]
    partner_b = joint["client_id_b"].to_numpy(dtype=object)[order][starts]
    valid = np.arange(width)[None, :] < length[:, None]
    base = each(inst, facts, lambda f: base_threshold(f, config))
    bond_thr = each(inst, facts, dim_span("bond", config.split_item_fraction))
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
    ser = Series(
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
    out: list[pd.DataFrame] = []
    opened, closed_at, active = persistent(split, valid, config.split_min_sessions)
    if len(opened[0]):
        r, c = opened
        end = np.where(active, length[r] - 1, closed_at - 1)
        big = _run_max(gap, r, c, closed_at, length)
        thr_end = thr[r, end]
        sev = np.where(big >= 2 * thr_end, "high", "routine")
        f = signal_frame(
            ser, r, c, "split_alliance", sev, np.where(active, "active", "resolved"), "split.gap"
        )
        f["client_id"] = None
        f["score"] = gap[r, c]
        if details:
            f["sessions"] = pd.Series(session_spans(sess, r, c, end))
            f["partner_a"] = partner_a[r]
            f["partner_b"] = partner_b[r]
            f["a_score"] = ta[r, end]
            f["b_score"] = tb[r, end]
            f["end_session"] = sess[r, end]
            f["end_gap"] = gap[r, end]
            f["threshold"] = thr_end
            f["bond_gap"] = bond_gap[r, end]
            f["bond_threshold"] = bond_thr[r]
            f["largest_gap"] = big
            f["run_length"] = end - c + 1
            f["next_session"] = at_or_none(sess, r, np.where(active, -1, closed_at))
        out.append(f)
    widening = _widening(ser, facts, config, valid, details=details)
    if widening is not None:
        out.append(widening)
    return out


def _widening(
    ser: Series,
    facts: Mapping[str, ScaleFacts],
    config: SignalConfig,
    valid: BoolArray,
    *,
    details: bool,
) -> pd.DataFrame | None:
    gap, sess, inst = ser.total, ser.session, ser.instrument
    rows, width = gap.shape
    span = each(inst, facts, lambda f: f.score_max - f.score_min)
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
    slopes = np.full((rows, width), np.nan)
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
        slopes[:, k] = slope
        increase = gap[:, k] - gap[:, lo_k]
        widening[:, k] = valid[:, k] & (slope >= slope_min) & (increase >= inc_min)
    opened, closed_at, active = persistent(widening, valid, config.split_min_sessions)
    if not len(opened[0]):
        return None
    r, c = opened
    f = signal_frame(
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
    if details:
        end = np.where(active, ser.length[r] - 1, closed_at - 1)
        k_end = np.minimum(end + 1, win)
        k_start = np.minimum(c + 1, win)
        first = end + 1 - k_end
        f["sessions"] = pd.Series(session_spans(sess, r, c + 1 - k_start, end))
        f["first_gap"] = gap[r, first]
        f["first_session"] = sess[r, first]
        f["end_gap"] = gap[r, end]
        f["end_session"] = sess[r, end]
        f["slope"] = slopes[r, end]
        f["window"] = k_end
    return f


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


def persistent(
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
