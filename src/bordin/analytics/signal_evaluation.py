"""How well the signals find what was planted: precision and recall per signal type.

Two sources of ground truth:

- the hard synthetic cases of :mod:`bordin.testing.signal_cases` (noisy stable clients, slow
  declines, ceiling-bound clients, V-shapes, unrepaired ruptures, couples' splits,
  non-responders and deteriorators);
- the demo practice of :mod:`bordin.testing.demo_practice` and the patterns it planted.

Scoring. A planted pattern says: a signal of this type should be raised for this client (or
couple) in this window of sessions. A raised signal that matches an unmatched planted pattern is
a true positive. A raised signal that matches nothing is a false positive when the unit is
*judged* on that type (every client is judged on ruptures; couples on splits; clients with an
outcome trajectory on not-on-track and change), and is ignored otherwise. Unmatched patterns
are false negatives. The *false rupture alarm rate* is the share of stable episodes (no rupture
planted anywhere in the episode) with at least one rupture signal.

``python -m bordin.analytics.signal_evaluation --write docs/signals.md`` regenerates the doc;
a test fails when the committed doc is stale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from bordin.domain.alliance import SignalConfig, evaluate_episode
from bordin.domain.alliance.history import Attendance, EpisodeHistory, Rating, RiskFlag
from bordin.domain.alliance.recovery import DEFAULT_BASIS, DEFAULT_RECOVERY_MODELS
from bordin.domain.alliance.scale import registry_scale
from bordin.domain.alliance.signal import SIGNAL_TYPES, Signal
from bordin.testing.signal_cases import (
    OUTCOME_TYPES,
    CaseSet,
    Planted,
    Unit,
    generate_signal_cases,
)

CASES_SEED = 2024
CASES_PER_FAMILY = 40
DEMO_SEED = 7
DEMO_TODAY = dt.date(2025, 6, 1)
RUPTURE_RECALL_TARGET = 0.9
#: Types with a lifecycle: a second signal in the same window is a false alarm, not a repeat.
_STRICT = frozenset({"rupture", "rupture_repaired", "rupture_unrepaired"})
FALSE_ALARM_TARGET = 0.10


@dataclass(frozen=True)
class TypeScore:
    """Counts and rates for one signal type (``None`` where a rate has no denominator)."""

    type: str
    tp: int
    fp: int
    fn: int
    repeats: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass(frozen=True)
class Evaluation:
    """The scores of one run over one case set."""

    name: str
    episodes: int
    scores: tuple[TypeScore, ...]
    stable_episodes: int
    stable_with_rupture: int
    rupture_recall_by_family: Mapping[str, tuple[int, int]]
    false_alarms_by_family: Mapping[str, tuple[int, int]]
    false_positives_by_family: Mapping[str, Mapping[str, int]]

    @property
    def false_alarm_rate(self) -> float:
        return self.stable_with_rupture / self.stable_episodes if self.stable_episodes else 0.0

    def score(self, signal_type: str) -> TypeScore:
        for s in self.scores:
            if s.type == signal_type:
                return s
        return TypeScore(signal_type, 0, 0, 0)


def score_signals(
    name: str,
    signals: Iterable[Signal],
    planted: Sequence[Planted],
    units: Sequence[Unit],
    stable_episodes: Iterable[str],
    episodes: int,
) -> Evaluation:
    """Match raised signals to planted patterns (see the module docstring)."""
    judged = {(u.episode_id, u.client_id): u for u in units}
    family_of = {(u.episode_id, u.client_id): u.family for u in units}
    open_truth: dict[tuple[str, str, str | None], list[Planted]] = defaultdict(list)
    for p in planted:
        open_truth[(p.type, p.episode_id, p.client_id)].append(p)
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fp_family: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    repeats: dict[str, int] = defaultdict(int)
    matched: set[int] = set()
    rupture_episodes: set[str] = set()
    for s in sorted(signals, key=lambda s: (s.episode_id, s.session_number)):
        if s.type in ("rupture",):
            rupture_episodes.add(s.episode_id)
        candidates = [
            p
            for p in open_truth.get((s.type, s.episode_id, s.client_id), [])
            if id(p) not in matched
            and p.first <= s.session_number <= p.last
            and (p.instrument_id is None or p.instrument_id == s.instrument_id)
        ]
        if candidates:
            matched.add(id(candidates[0]))
            tp[s.type] += 1
            continue
        again = [
            p
            for p in open_truth.get((s.type, s.episode_id, s.client_id), [])
            if id(p) in matched and p.first <= s.session_number <= p.last
        ]
        if again and s.type not in _STRICT:
            repeats[s.type] += 1
            continue
        unit = judged.get((s.episode_id, s.client_id))
        if unit is not None and s.type in unit.judged:
            fp[s.type] += 1
            family = unit.family
            if s.type in OUTCOME_TYPES and unit.outcome_family:
                family = unit.outcome_family
            fp_family[s.type][family] += 1
    fn: dict[str, int] = defaultdict(int)
    recall_by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in planted:
        hit = id(p) in matched
        if not hit and p.required:
            fn[p.type] += 1
        if p.type == "rupture" and p.required:
            recall_by_family[p.family][0] += int(hit)
            recall_by_family[p.family][1] += 1
    stable = set(stable_episodes)
    alarms_by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (episode_id, client_id), family in family_of.items():
        if episode_id in stable:
            alarms_by_family[family][0] += int(episode_id in rupture_episodes)
            alarms_by_family[family][1] += 1
    types = [t for t in SIGNAL_TYPES if tp[t] or fp[t] or fn[t] or repeats[t]]
    return Evaluation(
        name=name,
        episodes=episodes,
        scores=tuple(TypeScore(t, tp[t], fp[t], fn[t], repeats[t]) for t in types),
        stable_episodes=len(stable),
        stable_with_rupture=len(stable & rupture_episodes),
        rupture_recall_by_family={k: (v[0], v[1]) for k, v in sorted(recall_by_family.items())},
        false_alarms_by_family={k: (v[0], v[1]) for k, v in sorted(alarms_by_family.items())},
        false_positives_by_family={
            t: dict(sorted(v.items())) for t, v in sorted(fp_family.items())
        },
    )


def evaluate_cases(cases: CaseSet, name: str, config: SignalConfig | None = None) -> Evaluation:
    """Run :func:`evaluate_episode` on every history of a case set and score it."""
    signals: list[Signal] = []
    for history in cases.histories:
        signals.extend(
            evaluate_episode(history, now=cases.now_for(history.episode_id), config=config)
        )
    return score_signals(
        name, signals, cases.planted, cases.units, cases.stable_episodes, len(cases.histories)
    )


# ------------------------------------------------------------------------------------------
# The demo practice as a case set


_DEMO_RUPTURE_KINDS = {"repaired_rupture", "unrepaired_rupture", "dropout_after_rupture"}


def demo_case_set(seed: int = DEMO_SEED, today: dt.date = DEMO_TODAY) -> CaseSet:
    """The demo practice's episodes as histories, and its planted patterns as ground truth.

    Mapping: ``repaired_rupture`` -> rupture (its first session or the next) and
    rupture_repaired (within the planted repair sessions + 1); ``unrepaired_rupture`` and
    ``dropout_after_rupture`` -> rupture and rupture_unrepaired; ``split_alliance`` ->
    split_alliance for the couple; ``deterioration`` -> reliable_deterioration;
    ``reliable_improvement`` and ``recovery`` -> reliable_improvement (and recovery);
    ``risk_item`` and ``crisis_feedback`` -> risk. Every alliance client is judged on ruptures,
    couples on splits, and clients with an outcome pattern on change.
    """
    from bordin.testing.demo_practice import generate_demo_practice

    practice = generate_demo_practice(seed=seed, today=today)
    histories: list[EpisodeHistory] = []
    nows: dict[str, dt.date] = {}
    for episode in practice.episodes:
        ratings: list[Rating] = []
        flags: list[RiskFlag] = []
        for session in episode.sessions:
            date = session.starts_at.date()
            for admin in session.administrations:
                facts = registry_scale(admin.instrument)
                items = {
                    link: float(v)
                    for link, v in zip(facts.item_ids, admin.answers, strict=False)
                    if v is not None
                }
                if len(items) < len([a for a in admin.answers]):
                    continue
                total = _total(admin.instrument, admin.answers)
                ratings.append(
                    Rating(admin.client_id, session.number, date, admin.instrument, total, items)
                )
            for feedback in session.feedback:
                if feedback.category == "crisis":
                    flags.append(
                        RiskFlag(
                            feedback.client_id,
                            session.number,
                            date,
                            "crisis_feedback",
                            "triage: crisis",
                        )
                    )
        attendance = tuple(
            Attendance(s.number, s.starts_at.date(), s.status)  # type: ignore[arg-type]
            for s in episode.sessions
            if s.status in ("attended", "cancelled", "no_show")
        )
        histories.append(
            EpisodeHistory(
                episode_id=episode.episode_id,
                kind="couple" if episode.kind == "couple" else "individual",
                client_ids=tuple(episode.client_ids),
                ratings=tuple(ratings),
                attendance=attendance,
                risk_flags=tuple(flags),
                ended=episode.status != "active",
                dropped_out=episode.status == "dropped_out",
                ended_on=episode.end_date,
            )
        )
        nows[episode.episode_id] = today
    planted: list[Planted] = []
    units: list[Unit] = []
    stable: set[str] = {e.episode_id for e in practice.episodes}
    last_session = {e.episode_id: max(s.number for s in e.sessions) for e in practice.episodes}
    for g in practice.ground_truth:
        end = last_session[g.episode_id]
        first = g.sessions[0] if g.sessions else 1
        if g.kind in _DEMO_RUPTURE_KINDS:
            stable.discard(g.episode_id)
            planted.append(Planted("rupture", g.episode_id, g.client_id, first, first + 1, g.kind))
            if g.kind == "repaired_rupture":
                planted.append(
                    Planted(
                        "rupture_repaired",
                        g.episode_id,
                        g.client_id,
                        first + 1,
                        g.sessions[-1] + 1,
                        g.kind,
                    )
                )
            else:
                # A client who drops out straight after the drop gets the verdict at that session.
                planted.append(
                    Planted("rupture_unrepaired", g.episode_id, g.client_id, first, end, g.kind)
                )
        if g.kind in ("stable_alliance", *_DEMO_RUPTURE_KINDS, "dropout_without_rupture"):
            units.append(
                Unit(
                    g.episode_id,
                    g.client_id,
                    g.kind,
                    frozenset({"rupture", "rupture_repaired", "rupture_unrepaired"}),
                )
            )
        elif g.kind == "split_alliance":
            planted.append(Planted("split_alliance", g.episode_id, None, first, end, g.kind))
            units.append(Unit(g.episode_id, None, g.kind, frozenset({"split_alliance"})))
        elif g.kind == "balanced_couple":
            units.append(Unit(g.episode_id, None, g.kind, frozenset({"split_alliance"})))
        elif g.kind in ("recovery", "reliable_improvement", "deterioration", "non_responder"):
            units.append(
                Unit(
                    g.episode_id,
                    g.client_id,
                    f"outcome:{g.kind}",
                    frozenset({"reliable_deterioration", "reliable_improvement", "recovery"}),
                )
            )
            measure = str(g.details.get("measure", ""))
            if g.kind == "deterioration":
                planted.append(
                    Planted("reliable_deterioration", g.episode_id, g.client_id, 2, end, g.kind)
                )
            if g.kind in ("recovery", "reliable_improvement"):
                planted.append(
                    Planted("reliable_improvement", g.episode_id, g.client_id, 2, end, g.kind)
                )
            if g.kind == "recovery":
                planted.append(Planted("recovery", g.episode_id, g.client_id, 2, end, g.kind))
            del measure
        elif g.kind in ("risk_item", "crisis_feedback"):
            for s in g.sessions:
                planted.append(Planted("risk", g.episode_id, g.client_id, s, s, g.kind))
    for history in histories:
        for client_id in history.client_ids:
            units.append(Unit(history.episode_id, client_id, "risk", frozenset({"risk"})))
    return CaseSet(
        histories=tuple(histories),
        planted=tuple(planted),
        units=_merge_units(units),
        nows=nows,
        stable_episodes=frozenset(stable),
    )


def _merge_units(units: Sequence[Unit]) -> tuple[Unit, ...]:
    """One unit per client: alliance family as the family, outcome pattern as outcome family."""
    merged: dict[tuple[str, str | None], Unit] = {}
    for u in units:
        key = (u.episode_id, u.client_id)
        old = merged.get(key)
        if old is None:
            old = Unit(u.episode_id, u.client_id, "risk", frozenset())
        family, outcome = old.family, old.outcome_family
        if u.family.startswith("outcome:"):
            outcome = u.family.removeprefix("outcome:")
        elif u.family != "risk":
            family = u.family
        merged[key] = Unit(u.episode_id, u.client_id, family, old.judged | u.judged, outcome)
    return tuple(merged.values())


def _total(instrument_id: str, answers: Sequence[int | None]) -> float:
    from bordin.domain.instruments import get_instrument, score

    return float(score(get_instrument(instrument_id), list(answers)).total or 0.0)
