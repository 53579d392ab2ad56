"""Not on track and reliable change, for every outcome series at once.

The vectorised twins of :mod:`bordin.domain.alliance.recovery` (the expected recovery curve by
intake score, green/amber/red by the distance from it in predictive SDs) and
:mod:`bordin.domain.alliance.change` (reliable improvement, reliable deterioration and recovery
from intake to the latest rating, at the first session of the run that ends at the latest).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from bordin.analytics.signals.layout import (
    BoolArray,
    FloatArray,
    IntArray,
    Series,
    at_or_none,
    concern,
    each,
    nan_if_none,
    session_spans,
    signal_frame,
)
from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.recovery import ExpectedRecoveryModel
from bordin.domain.alliance.scale import ScaleFacts


def outcome_signals(
    series: Series,
    facts: Mapping[str, ScaleFacts],
    models: Mapping[str, ExpectedRecoveryModel],
    config: SignalConfig,
    *,
    details: bool,
) -> list[pd.DataFrame]:
    """``not_on_track``, ``reliable_deterioration``, ``reliable_improvement``, ``recovery``."""
    if series.rows == 0:
        return []
    out: list[pd.DataFrame] = []
    for instrument_id in np.unique(series.instrument):
        model = models.get(str(instrument_id))
        if model is not None:
            frame = _not_on_track(series, str(instrument_id), model, facts, config, details)
            if frame is not None:
                out.append(frame)
    out.extend(_change(series, facts, details))
    return out


def _not_on_track(
    series: Series,
    instrument_id: str,
    model: ExpectedRecoveryModel,
    facts: Mapping[str, ScaleFacts],
    config: SignalConfig,
    details: bool,
) -> pd.DataFrame | None:
    width = series.width
    valid = np.arange(width)[None, :] < series.length[:, None]
    cols = np.arange(width)[None, :]
    intake = series.total[:, 0]
    sel = np.flatnonzero(series.instrument == instrument_id)
    enough = series.length[sel] >= max(config.min_outcome_ratings, 2)
    sel = sel[enough]
    if len(sel) == 0:
        return None
    hib = facts[instrument_id].higher_is_better
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
    sign = -1.0 if hib else 1.0
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
    (r_rows, r_start), r_end, has_red = runs(off, red)
    if len(r_rows) == 0:
        return None
    last = series.length[sel][r_rows] - 1
    active = r_end == last
    rows = sel[r_rows]
    frame = signal_frame(
        series,
        rows,
        r_start,
        "not_on_track",
        np.where(has_red, "high", "routine"),
        np.where(active, "active", "resolved"),
        "not_on_track.expected_recovery",
    )
    frame["z"] = zz[r_rows, r_end]
    frame["detail"] = np.where(red[r_rows, r_end], "red", "amber")
    if details:
        e = expected[r_rows, r_end]
        sd = sdv[r_rows, r_end]
        frame["sessions"] = pd.Series(session_spans(series.session, rows, r_start, r_end))
        frame["intake"] = intake[rows]
        frame["end_session"] = series.session[rows, r_end]
        frame["observed"] = series.total[rows, r_end]
        frame["expected"] = e
        frame["predictive_sd"] = sd
        frame["amber_bound"] = e + sign * config.amber_sd * sd
        frame["red_bound"] = e + sign * config.red_sd * sd
        frame["any_red"] = has_red
        frame["model_label"] = model.label
        frame["model_source"] = model.source
        frame["next_session"] = at_or_none(
            series.session, rows, np.where(active, -1, r_end + 1).astype(np.int64)
        )
    return frame


def _change(series: Series, facts: Mapping[str, ScaleFacts], details: bool) -> list[pd.DataFrame]:
    width = series.width
    valid = np.arange(width)[None, :] < series.length[:, None]
    cols = np.arange(width)[None, :]
    intake = series.total[:, 0]
    inst = series.instrument
    hib = each(inst, facts, lambda f: f.higher_is_better, dtype=bool)
    lo = each(inst, facts, lambda f: f.score_min)
    hi = each(inst, facts, lambda f: f.score_max)
    rc = each(inst, facts, lambda f: nan_if_none(f.reliable_change))
    cutoff = each(inst, facts, lambda f: nan_if_none(f.cutoff))
    inclusive = each(inst, facts, lambda f: f.cutoff_inclusive, dtype=bool)
    have = ~np.isnan(rc) & (series.length >= 2)
    if not have.any():
        return []
    out: list[pd.DataFrame] = []
    sel = np.flatnonzero(have)
    goodness = np.where(
        hib[sel, None], series.total[sel], lo[sel, None] + hi[sel, None] - series.total[sel]
    )
    intake_good = np.where(hib[sel], intake[sel], lo[sel] + hi[sel] - intake[sel])
    gain = goodness - intake_good[:, None]
    ok = valid[sel] & (cols >= 1)

    def in_concern(x: FloatArray, rows: IntArray) -> BoolArray:
        return concern(x, cutoff[rows], inclusive[rows], hib[rows])

    improved = ok & (gain >= rc[sel, None])
    deteriorated = ok & (-gain >= rc[sel, None])
    recovered = (
        improved & in_concern(intake[sel], sel)[:, None] & ~in_concern(series.total[sel], sel)
    )
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
        chosen = sel[rows]
        frame = signal_frame(series, chosen, start, kind, severity, "active", f"change.{kind}")
        if details:
            end = last[rows]
            frame["sessions"] = pd.Series(session_spans(series.session, chosen, start, end))
            frame["intake"] = intake[chosen]
            frame["intake_session"] = series.session[chosen, 0]
            frame["latest"] = series.total[chosen, end]
            frame["end_session"] = series.session[chosen, end]
            frame["reliable_change"] = rc[chosen]
            frame["cutoff"] = cutoff[chosen]
        out.append(frame)
    return out


def runs(off: BoolArray, red: BoolArray) -> tuple[tuple[IntArray, IntArray], IntArray, BoolArray]:
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
