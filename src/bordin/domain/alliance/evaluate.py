"""Evaluate one episode: history and ``now`` in, signals out.

This is the function called after every submission (incremental: one episode) and, through the
vectorised twin in :mod:`bordin.analytics.bulk_signals`, for a whole practice. Only what is dated
up to ``now`` is read, so a test (or a chart of the past) can replay an episode by walking the
clock forward.

Per client and measure:

- alliance measures: ruptures and their course (:mod:`.rupture`), low alliance from the start;
- outcome measures: not on track against the expected recovery curve (:mod:`.recovery`) and
  reliable change / recovery (:mod:`.change`);
- every measure: endorsed risk items (:mod:`.risk`).

Per episode: the therapist's rupture log linked to the detected ruptures (:mod:`.repair`), split
alliance for couples (:mod:`.split`), disengagement (:mod:`.engagement`) and crisis feedback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bordin.domain.alliance.advice import reconcile_advice
from bordin.domain.alliance.change import change_signals
from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.engagement import disengagement_signal
from bordin.domain.alliance.history import EpisodeHistory, Rating
from bordin.domain.alliance.recovery import (
    DEFAULT_RECOVERY_MODELS,
    Band,
    ExpectedRecoveryModel,
    not_on_track_signals,
    trajectory,
)
from bordin.domain.alliance.repair import (
    RESOLVED_WORDS,
    RuptureLink,
    link_logged_ruptures,
    link_numbers,
    logged_rupture_signals,
)
from bordin.domain.alliance.risk import flag_signals, item_risk_signals
from bordin.domain.alliance.rupture import (
    Course,
    follow_ruptures,
    low_alliance_signal,
    rupture_signals,
)
from bordin.domain.alliance.scale import ScaleFacts, ScaleLookup, registry_scale
from bordin.domain.alliance.series import Point, build_series
from bordin.domain.alliance.signal import Signal, sort_key
from bordin.domain.alliance.split import split_signals


@dataclass(frozen=True)
class EpisodeAnalysis:
    """Everything the rules worked out for one episode, for views that need more than signals.

    ``trajectories`` holds each outcome series' level at every rating (for the expected-recovery
    band on charts); ``courses`` each alliance series' ruptures; ``links`` the rupture log.
    Keys are (client id, instrument id).
    """

    signals: tuple[Signal, ...]
    trajectories: Mapping[tuple[str, str], tuple[Band, ...]]
    courses: Mapping[tuple[str, str], tuple[Course, ...]]
    links: tuple[RuptureLink, ...]
    models: Mapping[str, ExpectedRecoveryModel]


def _today(now: dt.datetime | dt.date) -> dt.date:
    return now.date() if isinstance(now, dt.datetime) else now


def _primary(
    series: Mapping[str, tuple[ScaleFacts, list[Point]]],
) -> tuple[ScaleFacts, list[Point]]:
    return sorted(series.values(), key=lambda fp: (-len(fp[1]), fp[0].instrument_id))[0]


def analyse_episode(
    history: EpisodeHistory,
    *,
    now: dt.datetime | dt.date,
    config: SignalConfig | None = None,
    scales: ScaleLookup = registry_scale,
    recovery_models: Mapping[str, ExpectedRecoveryModel] | None = None,
) -> EpisodeAnalysis:
    """Run every rule on one episode as it stood at ``now``."""
    config = config or SignalConfig()
    today = _today(now)
    ended = history.ended_by(today)
    models = dict(DEFAULT_RECOVERY_MODELS)
    if recovery_models:
        models.update(recovery_models)
    ratings = [r for r in history.ratings if r.date <= today]

    grouped: dict[tuple[str, str], list[Rating]] = {}
    for rating in ratings:
        grouped.setdefault((rating.client_id, rating.instrument_id), []).append(rating)

    signals: list[Signal] = []
    alliance: dict[str, dict[str, tuple[ScaleFacts, list[Point]]]] = {}
    trajectories: dict[tuple[str, str], tuple[Band, ...]] = {}
    courses: dict[tuple[str, str], tuple[Course, ...]] = {}
    for (client_id, instrument_id), group in sorted(grouped.items()):
        facts = scales(instrument_id)
        points = build_series(group, facts)
        for rating in group:
            signals.extend(item_risk_signals(history.episode_id, rating, facts))
        if facts.kind == "alliance":
            alliance.setdefault(client_id, {})[instrument_id] = (facts, points)
            found = follow_ruptures(points, facts, config, ended=ended)
            courses[(client_id, instrument_id)] = tuple(found)
            signals.extend(rupture_signals(history.episode_id, client_id, facts, points, found))
            low = low_alliance_signal(history.episode_id, client_id, facts, points)
            if low is not None:
                signals.append(low)
        else:
            model = models.get(instrument_id)
            if model is not None:
                trajectories[(client_id, instrument_id)] = tuple(
                    trajectory(points, facts, model, config)
                )
                signals.extend(
                    not_on_track_signals(
                        history.episode_id, client_id, facts, points, model, config
                    )
                )
            signals.extend(change_signals(history.episode_id, client_id, facts, points))

    primary = {client: _primary(by_instrument) for client, by_instrument in alliance.items()}

    logs = [log for log in history.ruptures_logged if log.date <= today]
    links = link_logged_ruptures(logs, signals, primary, config)
    if links:
        extra = {id(link.detected): link for link in links if link.detected is not None}
        signals = [_with_link(s, extra[id(s)]) if id(s) in extra else s for s in signals]
        signals.extend(
            logged_rupture_signals(history.episode_id, links, primary, config, ended=ended)
        )

    if history.kind == "couple":
        a_id, b_id = history.client_ids[0], history.client_ids[1]
        shared = sorted(set(alliance.get(a_id, {})) & set(alliance.get(b_id, {})))
        for instrument_id in shared:
            facts, a_points = alliance[a_id][instrument_id]
            _, b_points = alliance[b_id][instrument_id]
            signals.extend(
                split_signals(history.episode_id, (a_id, b_id), facts, a_points, b_points, config)
            )

    attendance = [a for a in history.attendance if a.date <= today]
    if attendance:
        for client_id, (facts, points) in sorted(primary.items()):
            found_signal = disengagement_signal(
                history.episode_id, client_id, facts, points, attendance, today, config, ended=ended
            )
            if found_signal is not None:
                signals.append(found_signal)

    signals.extend(
        flag_signals(history.episode_id, [f for f in history.risk_flags if f.date <= today])
    )
    signals = reconcile_advice(_dedupe_risk(signals))
    signals.sort(key=sort_key)
    return EpisodeAnalysis(
        signals=tuple(signals),
        trajectories=trajectories,
        courses=courses,
        links=tuple(links),
        models=models,
    )


def evaluate_episode(
    history: EpisodeHistory,
    *,
    now: dt.datetime | dt.date,
    config: SignalConfig | None = None,
    scales: ScaleLookup = registry_scale,
    recovery_models: Mapping[str, ExpectedRecoveryModel] | None = None,
) -> list[Signal]:
    """The signals of one episode as it stood at ``now``, in session order, urgent first.

    ``config`` holds every threshold (:class:`SignalConfig`); ``scales`` looks up a measure's
    facts (the instrument registry by default); ``recovery_models`` replaces the default expected
    recovery models with fitted ones, by instrument id.
    """
    return list(
        analyse_episode(
            history, now=now, config=config, scales=scales, recovery_models=recovery_models
        ).signals
    )


def _with_link(signal: Signal, link: RuptureLink) -> Signal:
    numbers = dict(signal.explanation.numbers)
    numbers.update(link_numbers(link))
    sentence = (
        f"{signal.explanation.sentence} The therapist logged a {link.log.rupture_type} rupture in "
        f"session {link.log.session_number} ({RESOLVED_WORDS[link.log.resolved]})."
    )
    explanation = dataclasses.replace(signal.explanation, numbers=numbers, sentence=sentence)
    return dataclasses.replace(signal, explanation=explanation)


def _dedupe_risk(signals: Sequence[Signal]) -> list[Signal]:
    """Keep one risk signal per client, session and source.

    A risk item reported both in a rating's items and as a ``risk_item`` flag (as storage may
    do) is kept once, as the item-level signal, which names the item.
    """
    from_items = {
        (s.client_id, s.session_number)
        for s in signals
        if s.type == "risk" and s.explanation.rule == "risk.item_endorsed"
    }
    seen: set[tuple[str | None, int, str, str | None]] = set()
    out: list[Signal] = []
    for s in signals:
        if s.type == "risk":
            if (
                s.explanation.rule == "risk.risk_item"
                and (s.client_id, s.session_number) in from_items
            ):
                continue
            key = (s.client_id, s.session_number, s.explanation.rule, s.instrument_id)
            if key in seen:
                continue
            seen.add(key)
        out.append(s)
    return out
