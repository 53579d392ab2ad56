"""Disengagement: missed or cancelled sessions together with a falling alliance.

Needs attendance, which only some tables carry (an ``attendance`` column on rows without a
score). Both halves of the rule are checked for every episode at once: the attendance half
exactly (the last appointments up to ``now``, or a long silence while the episode is open), the
alliance half as a slightly loose superset (any alliance series whose latest rating is about
``disengagement_drop_sd`` SDs below the mean of the earlier ones). The few episodes that pass
both go through the pure per-episode rule
(:func:`bordin.domain.alliance.engagement.disengagement_signal`, via ``evaluate_episode``), so
the result, including the explanation, is exactly the pure one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from bordin.analytics.signals.layout import Series, each, item_columns
from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.evaluate import evaluate_episode
from bordin.domain.alliance.history import Attendance, EpisodeHistory, Rating
from bordin.domain.alliance.scale import ScaleFacts, ScaleLookup
from bordin.domain.alliance.series import sd_floor

#: The alliance half is checked with this much slack, so rounding never drops a candidate.
_SLACK = 1e-6


def _attendance_candidates(
    visits: pd.DataFrame, ended: set[object], config: SignalConfig, now: dt.date
) -> set[object]:
    """Episodes whose appointments up to ``now`` meet the attendance half of the rule."""
    day = pd.to_datetime(visits["date"]).to_numpy(dtype="datetime64[D]")
    today = np.datetime64(now, "D")
    past = visits.assign(day=day)
    past = past[(past["day"] <= today) & (past["attendance"] != "scheduled")]
    if past.empty:
        return set()
    past = past.sort_values(["episode_id", "day", "session_number"], kind="stable")
    recent = past.groupby("episode_id", sort=False).tail(config.disengagement_window)
    missed = recent["attendance"].isin(["cancelled", "no_show"]).groupby(recent["episode_id"]).sum()
    out = set(missed.index[missed >= config.disengagement_min_missed])
    attended = past[past["attendance"] == "attended"].groupby("episode_id")["day"].max()
    gap = np.timedelta64(config.disengagement_gap_days, "D")
    silent = attended.index[(today - attended.to_numpy(dtype="datetime64[D]")) >= gap]
    out.update(e for e in silent.tolist() if e not in ended)
    return out


def _falling_alliance(
    alliance: Series, facts: Mapping[str, ScaleFacts], config: SignalConfig
) -> set[object]:
    """Episodes with an alliance series whose latest rating fell (loose; see the docstring)."""
    if alliance.rows == 0:
        return set()
    width = alliance.width
    n = alliance.length - 1
    before = np.arange(width)[None, :] < n[:, None]
    v = np.where(before, alliance.value, 0.0)
    s = v.sum(axis=1)
    q = (v * v).sum(axis=1)
    floor = each(alliance.instrument, facts, lambda f: sd_floor(f, config.sd_floor_fraction))
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s / n
        var = (q - s * s / n) / (n - 1)
        sd = np.sqrt(np.where(var > 0.0, var, 0.0))
        used = np.where(sd > floor, sd, floor)
        latest = alliance.value[np.arange(alliance.rows), np.maximum(n, 0)]
        z = (mean - latest) / used
        falling = (alliance.length >= 3) & (z >= config.disengagement_drop_sd - _SLACK)
    return set(alliance.episode[falling].tolist())


def disengagement_signals(
    frame: pd.DataFrame,
    visits: pd.DataFrame,
    alliance: Series,
    facts: Mapping[str, ScaleFacts],
    config: SignalConfig,
    scales: ScaleLookup,
    now: dt.date,
    *,
    details: bool,
) -> list[pd.DataFrame]:
    """``disengagement`` rows for the episodes of ``frame`` (scored rows) and ``visits``."""
    ended: set[object] = set()
    for flag in ("ended", "dropped_out"):
        if flag in frame.columns:
            ended |= set(frame.loc[frame[flag].fillna(False).astype(bool), "episode_id"])
    candidates = _attendance_candidates(visits, ended, config, now)
    if candidates:
        candidates &= _falling_alliance(alliance, facts, config)
    if not candidates:
        return []
    rows = frame[frame["episode_id"].isin(candidates)]
    mine = visits[visits["episode_id"].isin(candidates)]
    visits_by_episode = {e: g for e, g in mine.groupby("episode_id", sort=False)}
    item_cols = item_columns(rows)
    out: list[dict[str, object]] = []
    for episode_id, group in rows.groupby("episode_id", sort=False):
        history = _history(
            episode_id, group, visits_by_episode.get(episode_id), item_cols, scales, ended
        )
        for signal in evaluate_episode(history, now=now, config=config, scales=scales):
            if signal.type != "disengagement":
                continue
            numbers = signal.explanation.numbers
            row: dict[str, object] = {
                "episode_id": episode_id,
                "client_id": _original_id(group, signal.client_id),
                "instrument_id": signal.instrument_id,
                "session_number": signal.session_number,
                "type": signal.type,
                "severity": signal.severity,
                "status": signal.status,
                "rule": signal.explanation.rule,
                "score": numbers.get("latest_alliance"),
                "baseline_mean": numbers.get("baseline_mean"),
                "z": numbers.get("z"),
                "detail": f"missed {numbers.get('missed')}",
            }
            if details:
                row["sessions"] = signal.explanation.sessions
                row["explanation"] = signal.explanation
            out.append(row)
    return [pd.DataFrame(out)] if out else []


def _original_id(group: pd.DataFrame, client_id: str | None) -> object:
    """The client id as the table spells it (the pure rules use strings)."""
    for value in dict.fromkeys(group["client_id"]):
        if str(value) == client_id:
            return value
    return client_id


def _history(
    episode_id: object,
    group: pd.DataFrame,
    visits: pd.DataFrame | None,
    item_cols: list[str],
    scales: ScaleLookup,
    ended: set[object],
) -> EpisodeHistory:
    clients = tuple(dict.fromkeys(group["client_id"]))
    ratings = []
    for r in group.to_dict("records"):
        facts = scales(str(r["instrument"]))
        items = {
            facts.item_ids[int(c[5:]) - 1]: float(r[c])
            for c in item_cols
            if int(c[5:]) <= len(facts.item_ids) and pd.notna(r[c])
        }
        ratings.append(
            Rating(
                str(r["client_id"]),
                int(r["session_number"]),
                pd.Timestamp(r["date"]).date(),
                str(r["instrument"]),
                float(r["score"]),
                items,
            )
        )
    attendance: tuple[Attendance, ...] = ()
    if visits is not None:
        attendance = tuple(
            Attendance(int(a.session_number), pd.Timestamp(a.date).date(), a.attendance)
            for a in visits.itertuples()
        )
    return EpisodeHistory(
        episode_id=str(episode_id),
        kind="couple" if len(clients) == 2 else "individual",
        client_ids=tuple(str(c) for c in clients),
        ratings=tuple(ratings),
        attendance=attendance,
        ended=episode_id in ended,
    )
