"""Session-by-session alliance answers and outcome totals for each planted pattern.

Alliance answers are the four items of Bordin's session alliance check (goals, tasks, bond,
overall; each 0–10), one vector per attended session. Most clients rate near the ceiling and
vary by a point at most between sessions; some answer 10 on every item (a ceiling effect that
real systems report for about half of clients). A rupture is a drop against the client's *own*
baseline. Every series is checked with ``ground_truth.visible_drop`` as it is built, so a
"stable" episode never contains a drop large enough to count, and a planted rupture always does.

Outcome totals (PHQ-9, GAD-7, CORE-10) are planned per attended session from an intake and a
final score; ``answers.py`` then turns each total into item answers.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from bordin.demo.ground_truth import (
    CORE10_CUTOFF,
    DETERIORATION,
    GAD7_CASENESS,
    NON_RESPONDER,
    PHQ9_CASENESS,
    RECOVERY,
    RELIABLE_IMPROVEMENT,
    SPLIT_GAP,
    VISIBLE_TOTAL_DROP,
    baseline,
    visible_drop,
    visible_drops,
)

Vector = tuple[int, ...]
SAC_ITEMS = ("goals", "tasks", "bond", "overall")
SAC_MAX = 10
# Which items a rupture touches, first item hardest: disagreement about what to work on
# ("tasks": goals and tasks), a strain in the bond, or everything at once.
RUPTURE_FOCI: dict[str, tuple[int, ...]] = {"tasks": (1, 0, 3), "bond": (2, 3), "all": (3, 0, 1, 2)}
ATTEMPTS = 40
MAX_SPLIT_GAP = 16


#: How a client's usual alliance level (items 8, 9 or 10) leans with their planned outcome, so
#: that the demo shows the alliance–outcome link real practices see (r ≈ .28, Flückiger et al.
#: 2018): clients who go on to recover tend to rate the early alliance a little higher.
LEVEL_WEIGHTS_BY_OUTCOME: dict[str, tuple[int, int, int]] = {
    RECOVERY: (1, 5, 4),
    RELIABLE_IMPROVEMENT: (2, 5, 3),
    NON_RESPONDER: (3, 5, 2),
    DETERIORATION: (4, 4, 2),
}
#: Ceiling raters are rarer among clients who go on to do badly.
CEILING_SHARE_BY_OUTCOME: dict[str, float] = {
    RECOVERY: 1.15,
    RELIABLE_IMPROVEMENT: 1.0,
    NON_RESPONDER: 0.7,
    DETERIORATION: 0.5,
}


def usual_alliance(
    rng: random.Random, *, ceiling: bool, high: bool = False, outcome: str | None = None
) -> Vector:
    """A client's usual answers. Ceiling raters give 10 on every item; others mostly 8–10,
    leaning higher for clients whose planned ``outcome`` is good."""
    if ceiling:
        return (SAC_MAX,) * 4
    weights = (0, 5, 5) if high else LEVEL_WEIGHTS_BY_OUTCOME.get(outcome or "", (2, 5, 3))
    level = rng.choices([8, 9, 10], weights=weights)[0]
    items = [min(SAC_MAX, max(7, level + rng.choice([-1, 0, 0, 0, 1]))) for _ in range(3)]
    overall = min(SAC_MAX, max(7, round(sum(items) / 3 + rng.choice([-0.4, 0, 0.4]))))
    return (*items, overall)


def jitter(rng: random.Random, usual: Vector, rate: float = 0.35) -> Vector:
    """The usual answers, or with probability ``rate`` one item a point higher or lower."""
    if rng.random() >= rate:
        return usual
    values = list(usual)
    item = rng.randrange(4)
    if values[item] >= SAC_MAX:
        values[item] -= 1
    else:
        values[item] += rng.choice([-1, 1])
    return tuple(values)


def _cuts(rng: random.Random, usual: Vector, drop: int, focus: tuple[int, ...]) -> list[int]:
    """How many points each item falls for a drop of ``drop``: the first focus item by 2 or
    more, the rest spread over the focus items (then any item) without going below 0."""
    cuts = [0, 0, 0, 0]
    first = focus[0]
    cuts[first] = min(2, drop, usual[first])
    remaining = drop - cuts[first]
    while remaining > 0:
        room = [i for i in focus if usual[i] - cuts[i] > 0] or [
            i for i in range(4) if usual[i] - cuts[i] > 0
        ]
        if not room:
            break
        cuts[rng.choice(room)] += 1
        remaining -= 1
    return cuts


def _minus(usual: Vector, cuts: Sequence[int]) -> Vector:
    return tuple(u - c for u, c in zip(usual, cuts, strict=True))


def _restore(rng: random.Random, cuts: list[int], points: int) -> list[int]:
    """Give back up to ``points`` of the cut points, at random items."""
    cuts = list(cuts)
    for _ in range(points):
        cut_items = [i for i in range(4) if cuts[i] > 0]
        if not cut_items:
            break
        cuts[rng.choice(cut_items)] -= 1
    return cuts


def stable_series(rng: random.Random, usual: Vector, n: int) -> list[Vector]:
    """Flat near the usual answers, never a visible drop."""
    for _ in range(ATTEMPTS):
        series = [usual] + [jitter(rng, usual) for _ in range(n - 1)]
        if not visible_drops(series):
            return series
    return [usual] * n


def growth_series(rng: random.Random, usual: Vector, n: int) -> list[Vector]:
    """Starts 4–8 points below the usual total and climbs to it, one item at a time."""
    for _ in range(ATTEMPTS):
        cuts = _cuts(rng, usual, rng.randint(4, 8), (0, 1, 2, 3))
        series: list[Vector] = []
        for _i in range(n):
            if any(cuts):
                series.append(_minus(usual, cuts))
                cuts = _restore(rng, cuts, rng.choice([0, 1, 1, 2]))
            else:
                series.append(jitter(rng, usual, rate=0.25))
        if not visible_drops(series) and sum(series[0]) < sum(series[-1]):
            return series
    return [usual] * n


@dataclass(frozen=True)
class Rupture:
    """What was planted at the rupture session (index into attended sessions)."""

    index: int
    focus: str
    baseline: float
    total: int
    item_drops: dict[str, int]
    repair_sessions: int = 0


def _rupture_at(rng: random.Random, usual: Vector, drop: int) -> tuple[Vector, list[int], str]:
    focus = rng.choice(sorted(RUPTURE_FOCI))
    cuts = _cuts(rng, usual, drop, RUPTURE_FOCI[focus])
    return _minus(usual, cuts), cuts, focus


def repaired_series(
    rng: random.Random, usual: Vector, n: int, k: int, repair_sessions: int, drop: int
) -> tuple[list[Vector], Rupture]:
    """Flat, a drop at ``k``, back to the usual answers ``repair_sessions`` (1–2) later."""
    for attempt in range(ATTEMPTS):
        noise = 0.35 if attempt < ATTEMPTS - 1 else 0.0
        pre = [usual] + [jitter(rng, usual, noise) for _ in range(k - 1)]
        low, cuts, focus = _rupture_at(rng, usual, drop)
        series = [*pre, low]
        if repair_sessions == 2:
            series.append(_minus(usual, _restore(rng, cuts, math.ceil(drop / 2))))
        series.append(usual)
        series += [jitter(rng, usual, noise) for _ in range(n - len(series))]
        base = baseline(series, k)
        allowed = set(range(k, k + repair_sessions))
        if (
            visible_drop(series, k)
            and set(visible_drops(series)) <= allowed
            and sum(series[k + repair_sessions]) >= base - 1
        ):
            return series, _describe(usual, series, k, focus, repair_sessions)
    raise RuntimeError("could not plant a repaired rupture")  # pragma: no cover


def unrepaired_series(
    rng: random.Random, usual: Vector, n: int, k: int, drop: int
) -> tuple[list[Vector], Rupture]:
    """Flat, a drop at ``k``, then every later session stays 3 or more points below baseline."""
    for attempt in range(ATTEMPTS):
        noise = 0.35 if attempt < ATTEMPTS - 1 else 0.0
        pre = [usual] + [jitter(rng, usual, noise) for _ in range(k - 1)]
        low, cuts, focus = _rupture_at(rng, usual, drop)
        series = [*pre, low]
        ceiling_total = math.floor(baseline(series, k)) - VISIBLE_TOTAL_DROP
        while len(series) < n:
            later = _minus(usual, _restore(rng, cuts, rng.choice([0, 0, 1])))
            if sum(later) > ceiling_total:
                later = low
            series.append(later)
        if visible_drop(series, k) and not any(i < k for i in visible_drops(series)):
            return series, _describe(usual, series, k, focus, 0)
    raise RuntimeError("could not plant an unrepaired rupture")  # pragma: no cover


def _describe(
    usual: Vector, series: list[Vector], k: int, focus: str, repair_sessions: int
) -> Rupture:
    return Rupture(
        index=k,
        focus=focus,
        baseline=round(baseline(series, k), 2),
        total=sum(series[k]),
        item_drops={
            name: usual[i] - series[k][i]
            for i, name in enumerate(SAC_ITEMS)
            if usual[i] - series[k][i] > 0
        },
        repair_sessions=repair_sessions,
    )


def vector_with_total(usual: Vector, total: int) -> Vector:
    """Answers that add up to ``total``, moved from ``usual`` in a fixed item order (bond and
    goals first), so that a partner's answers change smoothly from session to session."""
    values = list(usual)
    order = (2, 0, 3, 1)
    total = max(0, min(4 * SAC_MAX, total))
    while sum(values) > total:
        for i in order:
            if sum(values) > total and values[i] > 0:
                values[i] -= 1
    while sum(values) < total:
        for i in order:
            if sum(values) < total and values[i] < SAC_MAX:
                values[i] += 1
    return tuple(values)


@dataclass(frozen=True)
class CouplePlan:
    """Alliance series of both partners; ``split_from`` is the first split session or None."""

    higher: list[Vector]
    lower: list[Vector]
    split_from: int | None
    gaps: list[int]


def balanced_couple(rng: random.Random, n: int, *, ceiling_a: bool, ceiling_b: bool) -> CouplePlan:
    """Two partners who experience the alliance alike: never more than 3 points apart."""
    for attempt in range(ATTEMPTS):
        usual_a = usual_alliance(rng, ceiling=ceiling_a, high=True)
        usual_b = usual_alliance(rng, ceiling=ceiling_b, high=True)
        if abs(sum(usual_a) - sum(usual_b)) > 2:
            continue
        noisy = attempt < ATTEMPTS - 1
        a = stable_series(rng, usual_a, n) if noisy else [usual_a] * n
        b = stable_series(rng, usual_b, n) if noisy else [usual_b] * n
        gaps = [abs(sum(x) - sum(y)) for x, y in zip(a, b, strict=True)]
        if max(gaps) <= 3:
            return CouplePlan(a, b, None, gaps)
    same = usual_alliance(rng, ceiling=True)
    return CouplePlan([same] * n, [same] * n, None, [0] * n)


def split_couple(
    rng: random.Random, n: int, onset: int, *, widening: bool, ceiling_higher: bool
) -> CouplePlan:
    """One partner stays near the ceiling; from ``onset`` the other's total runs 6 or more
    points lower (a gap that grows by about a point a session when ``widening``)."""
    usual_h = usual_alliance(rng, ceiling=ceiling_higher, high=True)
    higher = stable_series(rng, usual_h, n)
    usual_l = vector_with_total(usual_h, sum(usual_h) - rng.choice([0, 1, 2]))
    first_gap = rng.randint(SPLIT_GAP, SPLIT_GAP + 2)
    lower: list[Vector] = []
    gaps: list[int] = []
    gap = first_gap
    for i in range(n):
        if i < onset:
            lower.append(usual_l)
            continue
        if i > onset:
            if widening:
                gap = min(MAX_SPLIT_GAP, gap + rng.choice([1, 1, 2]))
            else:
                gap = max(SPLIT_GAP, first_gap + rng.choice([-1, 0, 0, 1]))
        gap = min(gap, sum(higher[i]) - 4)
        lower.append(vector_with_total(usual_l, sum(higher[i]) - gap))
        gaps.append(sum(higher[i]) - sum(lower[i]))
    return CouplePlan(higher, lower, onset, gaps)


# --- outcome totals -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomePlan:
    """Planned total per attended session for one measure."""

    measure: str
    totals: list[int]

    @property
    def intake(self) -> int:
        return self.totals[0]

    @property
    def final(self) -> int:
        return self.totals[-1]


def _curve(
    rng: random.Random, intake: int, final: int, n: int, top: int, power: float
) -> list[int]:
    """From ``intake`` to ``final`` over ``n`` sessions, fast early when ``power`` > 1,
    with a point of noise in the middle sessions; the first and last totals are exact."""
    if n == 1:
        return [intake]
    totals = []
    for t in range(n):
        x = t / (n - 1)
        shape = 1 - (1 - x) ** power
        value = intake + (final - intake) * shape
        if 0 < t < n - 1:
            value += rng.choice([-1, 0, 0, 1])
        totals.append(max(0, min(top, round(value))))
    totals[0], totals[-1] = intake, final
    return totals


def outcome_plans(rng: random.Random, pattern: str, n: int) -> list[OutcomePlan]:
    """PHQ-9 and GAD-7 totals for an individual episode with ``pattern`` (an outcome kind).

    PHQ-9 totals stay at or below 24 because item 9 is planned separately (it is 0 unless a
    risk endorsement is planted). Reliable change is 6 on PHQ-9 and 4 on GAD-7; caseness is
    10 and 8 (NHS Talking Therapies, clinical-facts §4.2–4.3).
    """
    if pattern == RECOVERY:
        phq_in = rng.randint(PHQ9_CASENESS, 19)
        phq_out = rng.randint(2, min(PHQ9_CASENESS - 1, phq_in - 6))
        gad_in = rng.randint(GAD7_CASENESS, 16)
        gad_out = rng.randint(1, min(GAD7_CASENESS - 1, gad_in - 4))
        return [
            OutcomePlan("phq9", _curve(rng, phq_in, phq_out, n, 24, 1.8)),
            OutcomePlan("gad7", _curve(rng, gad_in, gad_out, n, 21, 1.8)),
        ]
    if pattern == RELIABLE_IMPROVEMENT:
        phq_in = rng.randint(17, 23)
        phq_out = rng.randint(PHQ9_CASENESS, phq_in - 6)
        gad_in = rng.randint(13, 19)
        gad_out = rng.randint(GAD7_CASENESS, gad_in - 4)
        return [
            OutcomePlan("phq9", _curve(rng, phq_in, phq_out, n, 24, 1.5)),
            OutcomePlan("gad7", _curve(rng, gad_in, gad_out, n, 21, 1.5)),
        ]
    if pattern == NON_RESPONDER:
        phq_in = rng.randint(11, 20)
        gad_in = rng.randint(9, 16)
        return [
            OutcomePlan("phq9", _flat(rng, phq_in, n, 24, 3)),
            OutcomePlan("gad7", _flat(rng, gad_in, n, 21, 2)),
        ]
    if pattern == DETERIORATION:
        phq_in = rng.randint(8, 15)
        phq_out = min(24, phq_in + rng.randint(6, 9))
        gad_in = rng.randint(7, 13)
        gad_out = min(21, gad_in + rng.randint(4, 6))
        return [
            OutcomePlan("phq9", _curve(rng, phq_in, phq_out, n, 24, 0.8)),
            OutcomePlan("gad7", _curve(rng, gad_in, gad_out, n, 21, 0.8)),
        ]
    raise ValueError(f"unknown outcome pattern {pattern!r}")


def _flat(rng: random.Random, intake: int, n: int, top: int, wobble: int) -> list[int]:
    totals = [intake] + [
        max(0, min(top, intake + rng.randint(-wobble, wobble))) for _ in range(n - 1)
    ]
    return totals


def couple_outcome_plan(rng: random.Random, pattern: str, n: int) -> OutcomePlan:
    """CORE-10 totals for one partner (cut-off 11, reliable change 6; clinical-facts §5.3).
    Totals stay at or below 36 because the risk item (6) is planned as 0."""
    if pattern == RECOVERY:
        intake = rng.randint(CORE10_CUTOFF + 2, 22)
        final = rng.randint(3, min(CORE10_CUTOFF - 1, intake - 6))
        return OutcomePlan("core10", _curve(rng, intake, final, n, 36, 1.6))
    if pattern == RELIABLE_IMPROVEMENT:
        intake = rng.randint(21, 28)
        final = rng.randint(CORE10_CUTOFF, intake - 6)
        return OutcomePlan("core10", _curve(rng, intake, final, n, 36, 1.4))
    if pattern == NON_RESPONDER:
        return OutcomePlan("core10", _flat(rng, rng.randint(13, 24), n, 36, 3))
    raise ValueError(f"unknown couple outcome pattern {pattern!r}")
