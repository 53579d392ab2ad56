"""Explanations for the rows of a bulk recompute, worded exactly as the per-episode rules word them.

:func:`explain_rows` takes the table :func:`~bordin.analytics.signals.frame.bulk_signals` returns
with ``details=True`` and builds each row's :class:`~bordin.domain.alliance.signal.Explanation`
with the same builders the pure rules use (:mod:`bordin.domain.alliance.explanations`), from
the same numbers. This is one small Python call per signal, not per rating.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from bordin.domain.alliance.advice import (
    GOOD_NEWS,
    advise_alliance_first,
    is_open_alliance_problem,
)
from bordin.domain.alliance.explanations import (
    change_explanation,
    item_risk_explanation,
    low_alliance_explanation,
    not_on_track_explanation,
    repaired_explanation,
    rupture_explanation,
    split_explanation,
    unrepaired_explanation,
    widening_explanation,
)
from bordin.domain.alliance.scale import ALLIANCE_DIMENSIONS, ScaleLookup, registry_scale
from bordin.domain.alliance.signal import Explanation

Builder = Callable[[pd.DataFrame, ScaleLookup], Iterator[Explanation]]


def _opt(x: Any) -> float | None:
    """A float, or None for NaN / None (the pure rules use None for "no value")."""
    if x is None:
        return None
    value = float(x)
    return None if math.isnan(value) else value


def _opt_int(x: Any) -> int | None:
    value = _opt(x)
    return None if value is None else int(value)


def _col(frame: pd.DataFrame, name: str) -> list[Any]:
    if name not in frame.columns:
        return [np.nan] * len(frame)
    values: list[Any] = frame[name].tolist()
    return values


def _ruptures(frame: pd.DataFrame, scales: ScaleLookup) -> Iterator[Explanation]:
    dims = {
        name: (_col(frame, f"{name}_level"), _col(frame, f"{name}_score"))
        for name in ALLIANCE_DIMENSIONS
    }
    for k, (
        inst,
        session,
        total,
        rules,
        n,
        mean,
        sd,
        used,
        drop,
        z,
        level,
        tol,
        status,
        shape,
        onset,
        below,
        sessions,
    ) in enumerate(
        zip(
            *(
                _col(frame, c)
                for c in (
                    "instrument_id",
                    "session_number",
                    "score",
                    "rules",
                    "prior_n",
                    "baseline_mean",
                    "baseline_sd",
                    "sd_used",
                    "drop",
                    "z",
                    "level",
                    "tolerance",
                    "status",
                    "shape",
                    "onset_pattern",
                    "below",
                    "sessions",
                )
            ),
            strict=True,
        )
    ):
        facts = scales(str(inst))
        fired = [
            (name, float(levels[k]), float(scores[k]))
            for name, (levels, scores) in dims.items()
            if _opt(levels[k]) is not None
        ]
        yield rupture_explanation(
            instrument_id=str(inst),
            session_number=int(session),
            total=float(total),
            rules=str(rules).split(","),
            baseline_n=int(n),
            baseline_mean=_opt(mean),
            baseline_sd=_opt(sd),
            sd_used=float(used),
            drop=_opt(drop),
            z=_opt(z),
            score_max=facts.score_max,
            cutoff=facts.cutoff,
            dimensions=fired,
            level=float(level),
            tolerance=float(tol),
            status=str(status),
            shape=str(shape),
            onset=str(onset),
            sessions_below=int(below),
            sessions=tuple(sessions),
        )


def _repairs(frame: pd.DataFrame, scales: ScaleLookup) -> Iterator[Explanation]:
    for inst, kind, session, score, onset, level, tol, below, shape, back, sessions in zip(
        *(
            _col(frame, c)
            for c in (
                "instrument_id",
                "type",
                "session_number",
                "score",
                "rupture_session",
                "level",
                "tolerance",
                "below",
                "shape",
                "return_session",
                "sessions",
            )
        ),
        strict=True,
    ):
        common: dict[str, Any] = {
            "instrument_id": str(inst),
            "rupture_session": int(onset),
            "session_number": int(session),
            "score": float(score),
            "level": float(level),
            "tolerance": float(tol),
            "sessions_below": int(below),
            "shape": str(shape),
            "sessions": tuple(sessions),
        }
        if kind == "rupture_repaired":
            yield repaired_explanation(**common)
        else:
            yield unrepaired_explanation(**common, returned_session=_opt_int(back))


def _low(frame: pd.DataFrame, scales: ScaleLookup) -> Iterator[Explanation]:
    for inst, session, score, below, rose, sessions in zip(
        *(
            _col(frame, c)
            for c in (
                "instrument_id",
                "session_number",
                "score",
                "below",
                "next_session",
                "sessions",
            )
        ),
        strict=True,
    ):
        cutoff = scales(str(inst)).cutoff
        assert cutoff is not None
        yield low_alliance_explanation(
            instrument_id=str(inst),
            cutoff=cutoff,
            first_session=int(session),
            first_score=float(score),
            sessions_below=int(below),
            rose_session=_opt_int(rose),
            sessions=tuple(sessions),
        )


def _not_on_track(frame: pd.DataFrame, scales: ScaleLookup) -> Iterator[Explanation]:
    columns = (
        "instrument_id",
        "intake",
        "detail",
        "end_session",
        "observed",
        "expected",
        "amber_bound",
        "red_bound",
        "predictive_sd",
        "z",
        "any_red",
        "model_label",
        "model_source",
        "next_session",
        "sessions",
    )
    for (
        inst,
        intake,
        level,
        end,
        observed,
        expected,
        amber,
        red,
        sd,
        z,
        any_red,
        label,
        source,
        back,
        sessions,
    ) in zip(*(_col(frame, c) for c in columns), strict=True):
        yield not_on_track_explanation(
            instrument_id=str(inst),
            higher_is_better=scales(str(inst)).higher_is_better,
            intake=float(intake),
            level=str(level),
            session_number=int(end),
            observed=float(observed),
            expected=float(expected),
            amber_bound=float(amber),
            red_bound=float(red),
            predictive_sd=float(sd),
            deviation_sd=float(z),
            any_red=bool(any_red),
            model_label=str(label),
            model_source=str(source),
            back_session=_opt_int(back),
            sessions=tuple(sessions),
        )


def _change(frame: pd.DataFrame, scales: ScaleLookup) -> Iterator[Explanation]:
    columns = (
        "type",
        "instrument_id",
        "intake",
        "intake_session",
        "latest",
        "end_session",
        "reliable_change",
        "cutoff",
        "session_number",
        "sessions",
    )
    for kind, inst, intake, intake_session, latest, end, rc, cutoff, first, sessions in zip(
        *(_col(frame, c) for c in columns), strict=True
    ):
        yield change_explanation(
            str(kind),
            instrument_id=str(inst),
            intake=float(intake),
            intake_session=int(intake_session),
            latest=float(latest),
            latest_session=int(end),
            reliable_change=float(rc),
            cutoff=_opt(cutoff),
            first_session=int(first),
            sessions=tuple(sessions),
        )


def _split(frame: pd.DataFrame, scales: ScaleLookup) -> Iterator[Explanation]:
    columns = (
        "instrument_id",
        "end_session",
        "partner_a",
        "partner_b",
        "a_score",
        "b_score",
        "end_gap",
        "threshold",
        "bond_gap",
        "bond_threshold",
        "largest_gap",
        "session_number",
        "run_length",
        "next_session",
        "sessions",
    )
    for inst, end, pa, pb, a, b, gap, thr, bgap, bthr, big, first, n, closed, sessions in zip(
        *(_col(frame, c) for c in columns), strict=True
    ):
        bond_thr = _opt(bthr)
        yield split_explanation(
            instrument_id=str(inst),
            session_number=int(end),
            partner_a=str(pa),
            partner_b=str(pb),
            a_score=float(a),
            b_score=float(b),
            gap=float(gap),
            threshold=float(thr),
            bond_gap=None if bond_thr is None else _opt(bgap),
            bond_threshold=bond_thr,
            largest_gap=float(big),
            first_session=int(first),
            run_length=int(n),
            closed_session=_opt_int(closed),
            sessions=tuple(sessions),
        )


def _widening(frame: pd.DataFrame, scales: ScaleLookup) -> Iterator[Explanation]:
    columns = (
        "instrument_id",
        "first_gap",
        "first_session",
        "end_gap",
        "end_session",
        "slope",
        "window",
        "sessions",
    )
    for inst, first_gap, first, gap, end, slope, window, sessions in zip(
        *(_col(frame, c) for c in columns), strict=True
    ):
        yield widening_explanation(
            instrument_id=str(inst),
            first_gap=float(first_gap),
            first_session=int(first),
            latest_gap=float(gap),
            latest_session=int(end),
            slope=_opt(slope),
            window_sessions=int(window),
            sessions=tuple(sessions),
        )


def _risk(frame: pd.DataFrame, scales: ScaleLookup) -> Iterator[Explanation]:
    columns = ("instrument_id", "position", "link_id", "score", "session_number")
    for inst, position, link, value, session in zip(
        *(_col(frame, c) for c in columns), strict=True
    ):
        yield item_risk_explanation(
            instrument_id=str(inst),
            position=int(position),
            link_id=str(link),
            value=float(value),
            session_number=int(session),
        )


def _given(frame: pd.DataFrame, scales: ScaleLookup) -> Iterator[Explanation]:
    for explanation in _col(frame, "explanation"):
        assert isinstance(explanation, Explanation)
        yield explanation


_BUILDERS: dict[str, Builder] = {
    "rupture": _ruptures,
    "rupture_repaired": _repairs,
    "rupture_unrepaired": _repairs,
    "low_alliance": _low,
    "not_on_track": _not_on_track,
    "reliable_deterioration": _change,
    "reliable_improvement": _change,
    "recovery": _change,
    "split_alliance": _split,
    "split_widening": _widening,
    "risk": _risk,
    "disengagement": _given,
}


def explain_rows(
    signals: pd.DataFrame, *, scales: ScaleLookup = registry_scale
) -> list[Explanation]:
    """The explanation of every row of ``signals`` (from ``bulk_signals(..., details=True)``)."""
    out: list[Explanation | None] = [None] * len(signals)
    types = signals["type"].to_numpy(dtype=object)
    for kind in dict.fromkeys(types.tolist()):
        positions = np.flatnonzero(types == kind)
        group = signals.iloc[positions]
        for position, explanation in zip(
            positions.tolist(), _BUILDERS[str(kind)](group, scales), strict=True
        ):
            out[position] = explanation
    done = [e for e in out if e is not None]
    assert len(done) == len(out)
    return _reconciled(signals, done)


def _reconciled(signals: pd.DataFrame, explanations: list[Explanation]) -> list[Explanation]:
    """Good news re-advised where the client's alliance is in trouble (as ``reconcile_advice``)."""
    episodes = signals["episode_id"].tolist()
    clients = [
        None if c is None or (isinstance(c, float) and c != c) else c
        for c in signals["client_id"].tolist()
    ]
    kinds = [str(t) for t in signals["type"].tolist()]
    statuses = [str(t) for t in signals["status"].tolist()]
    troubled = {
        (e, c)
        for e, c, k, st, x in zip(episodes, clients, kinds, statuses, explanations, strict=True)
        if is_open_alliance_problem(k, st, x.numbers)
    }
    if not troubled:
        return explanations
    return [
        advise_alliance_first(x)
        if k in GOOD_NEWS and ((e, None) in troubled or (e, c) in troubled)
        else x
        for e, c, k, x in zip(episodes, clients, kinds, explanations, strict=True)
    ]
