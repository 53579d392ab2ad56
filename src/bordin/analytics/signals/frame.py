"""The whole-practice recompute: one long table of ratings in, one table of signals out.

:func:`bulk_signals` runs every vectorised rule (see the package docstring) over a table with
the columns ``episode_id``, ``client_id``, ``session_number``, ``date``, ``instrument``,
``score`` and optionally ``item_1`` .. ``item_n`` (item *k* is the instrument's *k*-th item),
``ended`` and ``dropped_out`` (per row, true for every row of an episode that has ended),
``attendance`` (on rows without a score: one row per appointment) and ``partner``. A couple is
two client ids in one episode; partner order is the ``partner`` column's order when there is
one, else the order in which they first appear.

:func:`frame_from_histories` builds such a table from pure-domain histories (tests, benchmarks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from bordin.analytics.signals.engagement import disengagement_signals
from bordin.analytics.signals.layout import (
    SIGNAL_COLUMNS,
    Series,
    empty_signals,
    facts_for,
    item_columns,
    layout,
)
from bordin.analytics.signals.outcomes import outcome_signals
from bordin.analytics.signals.risks import risk_signals
from bordin.analytics.signals.ruptures import rupture_signals
from bordin.analytics.signals.splits import split_signals
from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.history import EpisodeHistory
from bordin.domain.alliance.recovery import DEFAULT_RECOVERY_MODELS, ExpectedRecoveryModel
from bordin.domain.alliance.scale import ScaleLookup, registry_scale

REQUIRED_COLUMNS: tuple[str, ...] = (
    "episode_id",
    "client_id",
    "session_number",
    "instrument",
    "score",
)


def bulk_signals(
    frame: pd.DataFrame,
    *,
    config: SignalConfig | None = None,
    scales: ScaleLookup = registry_scale,
    recovery_models: Mapping[str, ExpectedRecoveryModel] | None = None,
    now: dt.date | None = None,
    details: bool = False,
    attendance: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every vectorised signal of every episode in ``frame`` (see the module docstring).

    Returns one row per signal with the columns in :data:`SIGNAL_COLUMNS`, sorted by episode,
    session and type. When ``frame`` has an ``attendance`` column (attended, cancelled, no_show,
    scheduled; rows of appointments carry no score), disengagement is added for the episodes
    that could have it, evaluated as of ``now`` (default: the latest date in the table).
    ``recovery_models`` replaces the default expected-recovery models by instrument id.
    Attendance may also come as a separate ``attendance`` table (``episode_id``,
    ``session_number``, ``date``, ``attendance``). An optional ``partner`` column orders the
    partners of a couple (lower first) instead of the order of first appearance.

    With ``details=True`` each row also carries what its explanation needs (``sessions`` and
    per-type columns); :func:`bordin.analytics.signals.explain.explain_rows` turns them into the
    same explanations the per-episode rules give.
    """
    config = config or SignalConfig()
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    visits = None
    if attendance is not None:
        visits = attendance
        if now is None and not visits.empty:
            now = pd.to_datetime(pd.concat([frame["date"], visits["date"]])).max().date()
    elif "attendance" in frame.columns and "date" in frame.columns:
        visits = frame[frame["attendance"].notna()]
        if now is None and not visits.empty:
            now = pd.to_datetime(frame["date"]).max().date()
    scored = frame["score"].notna()
    if not scored.all():  # (a copy of every column only when some rows carry no score)
        frame = frame[scored]
    if frame.empty:
        return empty_signals()
    facts = facts_for([str(x) for x in frame["instrument"].unique()], scales)
    models = dict(DEFAULT_RECOVERY_MODELS)
    if recovery_models:
        models.update(recovery_models)
    item_cols = item_columns(frame)
    kinds = frame["instrument"].map({k: f.kind for k, f in facts.items()})
    parts: list[pd.DataFrame] = []
    alliance_rows = frame[kinds == "alliance"]
    alliance: Series | None = None
    if not alliance_rows.empty:
        alliance = layout(alliance_rows, facts, item_cols)
        parts.extend(rupture_signals(alliance, facts, config, details=details))
        parts.extend(split_signals(frame, facts, config, item_cols, details=details))
    outcome = frame[kinds == "outcome"]
    if not outcome.empty:
        series = layout(outcome, facts, [])
        parts.extend(outcome_signals(series, facts, models, config, details=details))
    parts.extend(risk_signals(frame, facts, item_cols, details=details))
    if visits is not None and not visits.empty and now is not None and alliance is not None:
        parts.extend(
            disengagement_signals(
                frame, visits, alliance, facts, config, scales, now, details=details
            )
        )
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_signals()
    result = pd.concat(parts, ignore_index=True)
    result["session_number"] = result["session_number"].astype(np.int64)
    if not details:
        result = result[list(SIGNAL_COLUMNS)]
    return result.sort_values(["episode_id", "session_number", "type"], kind="stable").reset_index(
        drop=True
    )


def frame_from_histories(histories: Sequence[EpisodeHistory]) -> pd.DataFrame:
    """The long table for some :class:`~bordin.domain.alliance.EpisodeHistory` objects.

    Items go to ``item_k`` by their position in the instrument (looked up in the registry).
    Partner order follows ``client_ids``. Used by tests and benchmarks.
    """
    records: list[dict[str, object]] = []
    for history in histories:
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
    return pd.DataFrame.from_records(records)
