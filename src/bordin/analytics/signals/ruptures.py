"""Ruptures and their course, and low alliance, for every alliance series at once.

The vectorised twin of :mod:`bordin.domain.alliance.rupture`: the running baseline (mean and SD
of the earlier ratings, SD floored), the four detection rules (baseline drop at 1 and 2 SD,
ceiling drop, item drop on goals, tasks or bond, cut-off crossing), then the lifecycle. Ruptures
are followed in *rounds*: each round finds the next onset in every series that still has one and
settles its course, so the number of rounds is the largest number of ruptures in any one series.

With ``details`` the rows also carry what the explanation needs (the rules that fired, the
baseline, the pre-drop level and tolerance, the shape, the sessions involved), see
:mod:`bordin.analytics.signals.explain`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from bordin.analytics.signals.layout import (
    BoolArray,
    FloatArray,
    IntArray,
    Series,
    at_or_none,
    concern,
    dim_span,
    each,
    nan_if_none,
    session_spans,
    signal_frame,
)
from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.rupture import RULE_ORDER, thresholds
from bordin.domain.alliance.scale import ALLIANCE_DIMENSIONS, ScaleFacts


def _baselines(
    v: FloatArray, valid: BoolArray, floor: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Running mean, SD, floored SD, drop and z before each rating (as ``series.baselines``)."""
    rows, width = v.shape
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
    return mean, sd, used, drop, z


def _item_rules(
    series: Series,
    facts: Mapping[str, ScaleFacts],
    config: SignalConfig,
    valid: BoolArray,
    base_ok: BoolArray,
) -> tuple[dict[str, BoolArray], dict[str, FloatArray], dict[str, FloatArray]]:
    """For each dimension: where the item rule fired, the dimension's earlier mean, threshold."""
    rows, width = series.rows, series.width
    item_flags: dict[str, BoolArray] = {}
    item_level: dict[str, FloatArray] = {}
    item_thr: dict[str, FloatArray] = {}
    with np.errstate(invalid="ignore"):
        for name, matrix in series.dims.items():
            thr = each(series.instrument, facts, dim_span(name, config.item_drop_fraction))
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
    return item_flags, item_level, item_thr


def rupture_signals(
    series: Series, facts: Mapping[str, ScaleFacts], config: SignalConfig, *, details: bool
) -> list[pd.DataFrame]:
    """``rupture``, ``rupture_repaired``, ``rupture_unrepaired`` and ``low_alliance`` rows."""
    rows, width = series.rows, series.width
    if rows == 0:
        return []
    inst = series.instrument
    lo = each(inst, facts, lambda f: f.score_min)
    hi = each(inst, facts, lambda f: f.score_max)
    floor = each(inst, facts, lambda f: thresholds(f, config)["sd_floor"])
    min_drop = each(inst, facts, lambda f: thresholds(f, config)["min_drop"])
    ceil_drop = each(inst, facts, lambda f: thresholds(f, config)["ceiling_min_drop"])
    best = hi
    cutoff = each(inst, facts, lambda f: nan_if_none(f.cutoff))
    inclusive = each(inst, facts, lambda f: f.cutoff_inclusive, dtype=bool)
    hib = each(inst, facts, lambda f: f.higher_is_better, dtype=bool)
    valid = np.arange(width)[None, :] < series.length[:, None]
    v = series.value

    def in_concern(x: FloatArray) -> BoolArray:
        return concern(x, cutoff, inclusive, hib)

    mean, sd, used, drop, z = _baselines(v, valid, floor)
    n_prior = np.broadcast_to(np.arange(width)[None, :], (rows, width))
    base_ok = valid & (n_prior >= config.min_prior_sessions)
    item_flags, item_level, item_thr = _item_rules(series, facts, config, valid, base_ok)
    with np.errstate(invalid="ignore"):
        sd_rule = base_ok & (drop >= min_drop[:, None]) & (z >= config.sensitive_sd)
        specific = sd_rule & (z >= config.specific_sd)
        ceiling = np.zeros((rows, width), dtype=bool)
        run = config.ceiling_run
        for k in range(run, width):
            at_max = np.all(v[:, k - run : k] == best[:, None], axis=1)
            ceiling[:, k] = valid[:, k] & at_max & (v[:, k] <= best - ceil_drop)
        raw_mean = np.where(hib[:, None], mean, lo[:, None] + hi[:, None] - mean)
        cut = (
            base_ok
            & in_concern(series.total)
            & ~in_concern(raw_mean)
            & ((config.cutoff_requires_sd == 0.0) | (z >= config.cutoff_requires_sd))
        )
        if not config.cutoff_rule:
            cut[:] = False
    flags = sd_rule | ceiling | cut
    for flag in item_flags.values():
        flags = flags | flag

    out: list[pd.DataFrame] = []
    low = _low_alliance(series, valid, in_concern, details=details)
    if low is not None:
        out.append(low)

    # Lifecycle in rounds.
    window = config.repair_window
    cols = np.arange(width)[None, :]
    search_from = np.zeros(rows, dtype=np.int64)
    settled_from = np.full(rows, -1, dtype=np.int64)
    pending: BoolArray = np.asarray(flags.any(axis=1), dtype=bool)
    records: list[dict[str, npt.NDArray[np.generic]]] = []
    while pending.any():
        idx = np.flatnonzero(pending)
        cand = flags[idx] & (cols >= search_from[idx, None])
        cand &= _below_settled_level(
            v[idx], valid[idx], settled_from[idx], used[idx], min_drop[idx], config
        )
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
                "ret": ret,
                "status": status,
                "specific": specific[idx, onset],
                "shape": shape,
                "gradual": gradual,
                "below": below,
                "level": level,
                "tol": tol,
                "rules": _rules_fired(idx, onset, specific, sd_rule, ceiling, item_flags, cut),
            }
        )
        # Back: search on after the return. Unrepaired without coming back: the ratings since the
        # drop are the new level, and a further clear drop from it opens a new rupture.
        settled = ~has_ret & unrepaired & (decision >= 0)
        search_from[idx] = np.where(has_ret, ret + 1, decision + 1)
        settled_from[idx] = np.where(settled, onset + 1, -1)
        pending[idx] = has_ret | settled
    if not records:
        return out
    rec = {k: np.concatenate([x[k] for x in records]) for k in records[0]}
    row, onset = rec["row"], rec["onset"]
    rules = rec["rules"].astype(str)
    primary = np.array([r.split(",")[0].split(":")[0] for r in rules], dtype=object)
    frame = signal_frame(
        series,
        row,
        onset,
        "rupture",
        np.where(rec["specific"], "high", "routine"),
        rec["status"],
        np.char.add("rupture.", primary.astype(str)),
    )
    frame["baseline_mean"] = mean[row, onset]
    frame["z"] = z[row, onset]
    onset_words = np.where(rec["gradual"], "gradual", "abrupt")
    frame["detail"] = np.char.add(np.char.add(rec["shape"].astype(str), ","), onset_words)
    decision = rec["decision"]
    involved: list[tuple[int, ...]] = []
    if details:
        involved = session_spans(
            series.session, row, onset, np.where(decision >= 0, decision, onset)
        )
        frame["sessions"] = pd.Series(involved, dtype=object)
        frame["rules"] = rules
        frame["prior_n"] = onset
        frame["baseline_sd"] = sd[row, onset]
        frame["sd_used"] = used[row, onset]
        frame["drop"] = drop[row, onset]
        frame["level"] = rec["level"]
        frame["tolerance"] = rec["tol"]
        frame["shape"] = rec["shape"].astype(str)
        frame["onset_pattern"] = onset_words
        frame["below"] = rec["below"]
        for name in ALLIANCE_DIMENSIONS:
            if name not in item_flags:
                continue
            fired = item_flags[name][row, onset]
            frame[f"{name}_level"] = np.where(fired, item_level[name][row, onset], np.nan)
            frame[f"{name}_score"] = np.where(fired, series.dims[name][row, onset], np.nan)
    out.append(frame)
    done = decision >= 0
    for kind, severity, verdict in (
        ("rupture_repaired", "routine", "repaired"),
        ("rupture_unrepaired", "high", "unrepaired"),
    ):
        mask = done & (rec["status"] == verdict)
        if not mask.any():
            continue
        part = signal_frame(
            series, row[mask], decision[mask], kind, severity, verdict, f"rupture.{verdict}"
        )
        if details:
            part["sessions"] = pd.Series(
                [s for s, m in zip(involved, mask.tolist(), strict=True) if m], dtype=object
            )
            part["rupture_session"] = series.session[row[mask], onset[mask]]
            part["level"] = rec["level"][mask]
            part["tolerance"] = rec["tol"][mask]
            part["shape"] = rec["shape"][mask].astype(str)
            part["below"] = rec["below"][mask]
            part["return_session"] = at_or_none(series.session, row[mask], rec["ret"][mask])
        out.append(part)
    return out


def _below_settled_level(
    v: FloatArray,
    valid: BoolArray,
    start: IntArray,
    used: FloatArray,
    min_drop: FloatArray,
    config: SignalConfig,
) -> BoolArray:
    """Where a rating is a sudden, clear drop from the mean of the ratings since ``start`` and from
    the rating before (as ``rupture._below_settled_level``); everywhere true for rows with no
    settled level (``start`` < 0)."""
    rows, width = v.shape
    out = np.ones((rows, width), dtype=bool)
    if not (start >= 0).any():
        return out
    s = np.zeros(rows)
    n = np.zeros(rows, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(width):
            level = s / np.where(n > 0, n, 1)
            fall = level - v[:, k]
            step = (v[:, k - 1] - v[:, k]) if k >= 1 else np.full(rows, np.nan)
            ok = (
                (n > 0)
                & (fall >= min_drop)
                & (fall >= config.sensitive_sd * used[:, k])
                & (step >= min_drop)
                & (step >= config.specific_sd * used[:, k])
            )
            out[:, k] = np.where(start >= 0, ok, True)
            take = (start >= 0) & (k >= start) & valid[:, k]
            s = np.where(take, s + v[:, k], s)
            n = n + take
    return out


def _low_alliance(
    series: Series,
    valid: BoolArray,
    in_concern: Callable[[FloatArray], BoolArray],
    *,
    details: bool,
) -> pd.DataFrame | None:
    """``low_alliance``: below the cut-off from the first rating."""
    first_concern = in_concern(series.total[:, :1])[:, 0] & (series.length > 0)
    if not first_concern.any():
        return None
    conc = in_concern(series.total) & valid
    lead = np.cumprod(conc, axis=1).sum(axis=1)
    idx = np.flatnonzero(first_concern)
    active = lead[idx] == series.length[idx]
    frame = signal_frame(
        series,
        idx,
        np.zeros(len(idx), dtype=np.int64),
        "low_alliance",
        "routine",
        np.where(active, "active", "resolved"),
        "low_alliance.below_cutoff",
    )
    if details:
        frame["sessions"] = pd.Series(
            session_spans(series.session, idx, np.zeros(len(idx), dtype=np.int64), lead[idx] - 1),
            dtype=object,
        )
        frame["below"] = lead[idx]
        frame["next_session"] = at_or_none(
            series.session, idx, np.where(active, -1, lead[idx]).astype(np.int64)
        )
    return frame


def _rules_fired(
    idx: IntArray,
    onset: IntArray,
    specific: BoolArray,
    sd_rule: BoolArray,
    ceiling: BoolArray,
    items: Mapping[str, BoolArray],
    cut: BoolArray,
) -> npt.NDArray[np.str_]:
    """The rules that fired at each onset, most specific first, as ``rule,rule`` text."""
    fired = {
        "baseline_drop_2sd": specific[idx, onset],
        "baseline_drop_1sd": sd_rule[idx, onset] & ~specific[idx, onset],
        "ceiling_drop": ceiling[idx, onset],
        "cutoff_crossing": cut[idx, onset],
    }
    for name in ALLIANCE_DIMENSIONS:
        if name in items:
            fired[f"item_drop:{name}"] = items[name][idx, onset]
    code = np.zeros(len(idx), dtype=np.int64)
    for bit, rule in enumerate(RULE_ORDER):
        if rule in fired:
            code |= fired[rule].astype(np.int64) << bit
    names = {
        int(c): ",".join(r for bit, r in enumerate(RULE_ORDER) if int(c) >> bit & 1)
        for c in np.unique(code)
    }
    out: npt.NDArray[np.str_] = np.array([names[int(c)] for c in code.tolist()], dtype=str)
    return out
