"""Precision and recall of the signals against planted patterns.

Scoring. A planted pattern says: a signal of this type should be raised for this client (or
couple) in this window of sessions. A raised signal that matches an unmatched planted pattern is
a true positive. A raised signal that matches nothing is a false positive when the unit is
*judged* on that type (every client is judged on ruptures; couples on splits; clients with an
outcome trajectory on not-on-track and change), and is ignored otherwise. Unmatched patterns
are false negatives. The *false rupture alarm rate* is the share of stable episodes (no rupture
planted anywhere in the episode) with at least one rupture signal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bordin.analytics.signals.evaluation.cases import OUTCOME_TYPES, CaseSet, Planted, Unit
from bordin.domain.alliance import SignalConfig, evaluate_episode
from bordin.domain.alliance.signal import SIGNAL_TYPES, Signal

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
    for (episode_id, _client_id), family in family_of.items():
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
