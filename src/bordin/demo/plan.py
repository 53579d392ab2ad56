"""The plan of each episode before anything is drawn: which patterns it carries, its status,
how many sessions, and where the rupture or split falls.

Patterns are dealt out by count rather than drawn independently, so the practice always
contains the documented mix (largest-remainder rounding of each share). Outcome patterns are
dealt with a bias towards the alliance: episodes without a rupture (or with a repaired one) are
more likely to recover, unrepaired ruptures more likely to stall or deteriorate, as the
alliance–outcome literature leads one to expect (clinical-facts §6.3, §7).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from bordin.demo.ground_truth import (
    DETERIORATION,
    NON_RESPONDER,
    RECOVERY,
    RELIABLE_IMPROVEMENT,
)
from bordin.demo.model import (
    ACTIVE,
    ATTENDED,
    CANCELLED,
    COMPLETED,
    COUPLE,
    DROPPED_OUT,
    INDIVIDUAL,
    NO_SHOW,
    SCHEDULED,
)
from bordin.demo.params import DemoParams

# Alliance shapes of individual episodes; couples are "balanced" or "split".
STABLE = "stable"
GROWTH = "growth"
REPAIRED = "repaired"
UNREPAIRED = "unrepaired"
DROPOUT = "dropout"
BALANCED = "balanced"
SPLIT = "split"

# How strongly each alliance shape leans towards a poor outcome when outcomes are dealt out.
_OUTCOME_LEAN = {GROWTH: 0.0, REPAIRED: 0.0, STABLE: 0.3, UNREPAIRED: 1.5}


@dataclass
class EpisodePlan:
    """Everything decided about one episode before its dates and answers are drawn."""

    kind: str
    alliance: str
    status: str = COMPLETED
    outcome: str = NON_RESPONDER
    quiet_dropout: bool = False
    widening: bool = False
    partner_outcomes: tuple[str, str] = (NON_RESPONDER, NON_RESPONDER)
    therapist: str = ""
    language: str = "en"
    problem: str = ""
    # Filled in by ``plan_sessions``:
    attended: int = 0
    rupture_index: int | None = None
    repair_sessions: int = 0
    split_onset: int | None = None
    statuses: list[str] = field(default_factory=list)

    @property
    def dropped_out(self) -> bool:
        return self.status == DROPPED_OUT


def deal(total: int, shares: Sequence[float]) -> list[int]:
    """Split ``total`` into counts proportional to ``shares`` (largest remainder)."""
    raw = [total * s for s in shares]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_episodes(rng: random.Random, params: DemoParams) -> list[EpisodePlan]:
    """Individual episodes first, then couples, each list shuffled."""
    shapes = (STABLE, GROWTH, REPAIRED, UNREPAIRED, DROPOUT)
    shares = (
        params.stable_share,
        params.growth_share,
        params.repaired_share,
        params.unrepaired_share,
        params.dropout_share,
    )
    labels = [
        shape
        for shape, count in zip(shapes, deal(params.n_individual_clients, shares), strict=True)
        for _ in range(count)
    ]
    rng.shuffle(labels)
    individuals = [EpisodePlan(INDIVIDUAL, label) for label in labels]
    stable = [p for p in individuals if p.alliance == STABLE]
    for plan in rng.sample(stable, min(params.quiet_dropouts, len(stable))):
        plan.quiet_dropout = True
    for plan in individuals:
        if plan.alliance == DROPOUT or plan.quiet_dropout:
            plan.status = DROPPED_OUT
            plan.outcome = NON_RESPONDER
    _deal_outcomes(rng, params, [p for p in individuals if not p.dropped_out])

    couples = [
        EpisodePlan(COUPLE, SPLIT if i < params.split_couples else BALANCED)
        for i in range(params.n_couples)
    ]
    splits = couples[: params.split_couples]
    for plan in splits[: params.widening_splits]:
        plan.widening = True
    for plan in rng.sample(splits, params.split_dropouts):
        plan.status = DROPPED_OUT
    improving = (RECOVERY, RELIABLE_IMPROVEMENT)
    weights = (params.recovery_share, params.improvement_share)
    for plan in couples:
        if plan.alliance == SPLIT:
            # The partner who feels less allied stays flat; the other improves.
            plan.partner_outcomes = (rng.choices(improving, weights)[0], NON_RESPONDER)
        else:
            both = rng.choices((*improving, NON_RESPONDER), (*weights, params.non_responder_share))[
                0
            ]
            plan.partner_outcomes = (both, both)
    rng.shuffle(couples)

    _deal_statuses(rng, params, [p for p in individuals + couples if not p.dropped_out])
    return individuals + couples


def _deal_outcomes(rng: random.Random, params: DemoParams, plans: list[EpisodePlan]) -> None:
    counts = deal(
        len(plans),
        (
            params.recovery_share,
            params.improvement_share,
            params.non_responder_share,
            params.deterioration_share,
        ),
    )
    outcomes = [
        o
        for o, c in zip(
            (RECOVERY, RELIABLE_IMPROVEMENT, NON_RESPONDER, DETERIORATION), counts, strict=True
        )
        for _ in range(c)
    ]
    ranked = sorted(plans, key=lambda p: _OUTCOME_LEAN[p.alliance] + rng.gauss(0.0, 0.8))
    for plan, outcome in zip(ranked, outcomes, strict=True):
        plan.outcome = outcome


def _deal_statuses(rng: random.Random, params: DemoParams, plans: list[EpisodePlan]) -> None:
    active = set(map(id, rng.sample(plans, round(params.active_share * len(plans)))))
    for plan in plans:
        plan.status = ACTIVE if id(plan) in active else COMPLETED


def plan_sessions(rng: random.Random, params: DemoParams, plan: EpisodePlan) -> None:
    """Decide how many sessions, where the pattern falls, and each appointment's status."""
    upcoming = params.upcoming_sessions if plan.status == ACTIVE else 0
    target = round(
        rng.triangular(params.min_sessions, params.max_sessions, params.typical_sessions)
    )
    tail = 0  # no-shows after the last attended session, before drop-out
    room = params.max_sessions - upcoming  # appointments available for the past

    if plan.alliance == DROPOUT:
        extra_low = rng.choice([0, 0, 1])
        tail = 1 if extra_low else rng.choice([1, 2])
        k = rng.randint(3, 7)
        k = max(k, params.min_sessions - tail - extra_low - 1)
        plan.rupture_index = k
        plan.attended = k + 1 + extra_low
    elif plan.quiet_dropout:
        tail = rng.choice([1, 2])
        plan.attended = max(rng.randint(4, 9), params.min_sessions - tail)
    elif plan.alliance == SPLIT:
        plan.split_onset = rng.choice([0, 2, 3])
        least = plan.split_onset + (4 if plan.widening else 3)
        if plan.dropped_out:
            tail = rng.choice([1, 2])
            plan.attended = max(
                plan.split_onset + rng.randint(3, 5), least, params.min_sessions - tail
            )
        else:
            plan.attended = max(target - upcoming, least)
    else:
        least = {STABLE: 4, GROWTH: 6, BALANCED: 5, UNREPAIRED: 6}.get(plan.alliance, 6)
        if plan.alliance == REPAIRED:
            plan.repair_sessions = rng.choice([1, 1, 2])
            least = 5 + plan.repair_sessions
        plan.attended = max(target - upcoming, least, params.min_sessions - upcoming)
    plan.attended = min(plan.attended, room - tail)

    if plan.alliance == REPAIRED:
        last_k = plan.attended - 1 - plan.repair_sessions
        plan.rupture_index = rng.randint(3, max(3, min(last_k, 3 + plan.attended // 2)))
    elif plan.alliance == UNREPAIRED:
        plan.rupture_index = rng.randint(3, plan.attended - 3)

    protected: set[int] = set()  # gaps (after attended i) where nothing may be inserted
    if plan.rupture_index is not None:
        k = plan.rupture_index
        if plan.alliance == REPAIRED:
            protected = set(range(k, k + plan.repair_sessions))
        elif plan.alliance == DROPOUT:
            protected = set(range(k, plan.attended))
    statuses: list[str] = []
    total = plan.attended + tail + upcoming
    for i in range(plan.attended):
        statuses.append(ATTENDED)
        if i == plan.attended - 1 or i in protected or total >= params.max_sessions:
            continue
        draw = rng.random()
        if draw < params.cancellation_rate:
            statuses.append(CANCELLED)
            total += 1
        elif draw < params.cancellation_rate + params.no_show_rate:
            statuses.append(NO_SHOW)
            total += 1
    statuses += [NO_SHOW] * tail + [SCHEDULED] * upcoming
    plan.statuses = statuses
