"""Hard synthetic cases for the alliance signals, with the ground truth planted in them.

The demo practice shows the patterns a practice sees; these cases are built to be *hard*:
clients whose ratings wobble from session to session without any rupture, clients who give the
maximum every time, slow slides that never show one big drop, V-shapes and prolonged dips,
ruptures that hide in one item, couples who drift apart slowly, and outcome trajectories that
improve, stall or worsen. Everything is seeded and deterministic (``random.Random(seed)``); every
id is obviously synthetic (``case-0001``, ``case-0001-a``).

Families (``Unit.family``), one alliance series per client, 8 to 16 weekly sessions:

=====================  ==========================================================================
``stable_noisy``       item means 6.5-9.8, item noise SD 0.4-0.9 (some clients near the ceiling);
                       no rupture (about a third on the SRS, whose cut-off is 36)
``stable_ceiling``     every item at 10 every session; no rupture
``low_start``          SRS 28-34 throughout: below the cut-off from the start; no drop
``v_shape``            a drop of 5-10 points for one session, then back
``prolonged_dip``      a drop of 5-10 points lasting 2-3 sessions, then back
``unrepaired``         a drop of 5-10 points that stays
``slow_decline``       a slide of 0.8-1.5 points a session from session 3-5 to the end
``item_rupture``       goals, tasks or bond falls 4-6 points while the other items barely move
``ceiling_rupture``    all 10s, then a drop of 2-4 points on one or two items, then back
``disengaging``        a falling alliance and two missed or cancelled appointments at the end
``missed_stable``      two cancelled appointments but a steady alliance: no disengagement
``couple_balanced``    partners within 2 points of each other on average
``couple_split``       one partner 7-11 points lower from some session on
``couple_widening``    the gap grows by about 1-1.5 points a session from 0
=====================  ==========================================================================

Outcome families (each client also completes PHQ-9, GAD-7, CORE-10 or ORS):
``improver`` (better than expected, ends with reliable improvement), ``non_responder`` (flat:
not on track, no reliable change), ``deteriorator`` (worse by 8-12 points: not on track and
reliable deterioration). Some sessions carry an endorsed risk item or crisis feedback.

Ground truth is a list of :class:`Planted` (a signal type that must be raised for a unit, within
a window of sessions) and the judged types of each :class:`Unit` (types for which any other
signal counts as a false alarm).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bordin.domain.alliance.history import (
    Attendance,
    EpisodeHistory,
    Rating,
    RiskFlag,
)

START = dt.date(2024, 1, 8)
NOW = dt.date(2025, 1, 6)

RUPTURE_TYPES: frozenset[str] = frozenset({"rupture", "rupture_repaired", "rupture_unrepaired"})
OUTCOME_TYPES: frozenset[str] = frozenset(
    {"not_on_track", "reliable_deterioration", "reliable_improvement", "recovery"}
)
SPLIT_TYPES: frozenset[str] = frozenset({"split_alliance", "split_widening"})

ALLIANCE_FAMILIES: tuple[str, ...] = (
    "stable_noisy",
    "stable_ceiling",
    "low_start",
    "v_shape",
    "prolonged_dip",
    "unrepaired",
    "slow_decline",
    "item_rupture",
    "ceiling_rupture",
    "disengaging",
    "missed_stable",
)
COUPLE_FAMILIES: tuple[str, ...] = ("couple_balanced", "couple_split", "couple_widening")
OUTCOME_FAMILIES: tuple[str, ...] = ("improver", "non_responder", "deteriorator")
STABLE_FAMILIES: frozenset[str] = frozenset(
    {"stable_noisy", "stable_ceiling", "low_start", "missed_stable", "couple_balanced"}
)

# Outcome measures: (instrument, lowest, highest, higher is worse, reliable change, cut-off).
_OUTCOMES: tuple[tuple[str, int, int, bool, float, float], ...] = (
    ("phq9", 0, 27, True, 6, 10),
    ("gad7", 0, 21, True, 4, 8),
    ("core10", 0, 40, True, 6, 11),
    ("ors", 0, 40, False, 5, 25),
)


@dataclass(frozen=True)
class Planted:
    """A signal of ``type`` that should be raised for the unit between sessions first..last.

    ``required=False`` marks a pattern that may or may not show within the episode (an
    unrepaired verdict needs ``repair_window`` ratings after the drop): raising it is a true
    positive, not raising it is no miss.
    """

    type: str
    episode_id: str
    client_id: str | None
    first: int
    last: int
    family: str
    instrument_id: str | None = None
    required: bool = True


@dataclass(frozen=True)
class Unit:
    """One client (or a couple, ``client_id`` None) and the signal types it is judged on."""

    episode_id: str
    client_id: str | None
    family: str
    judged: frozenset[str]
    outcome_family: str | None = None


@dataclass(frozen=True)
class CaseSet:
    """Histories, the planted truth, the judged units, and when to evaluate each episode."""

    histories: tuple[EpisodeHistory, ...]
    planted: tuple[Planted, ...]
    units: tuple[Unit, ...]
    nows: Mapping[str, dt.date] = field(default_factory=dict)
    stable_episodes: frozenset[str] = field(default_factory=frozenset)

    def now_for(self, episode_id: str) -> dt.date:
        """When to evaluate an episode: the day after its last appointment."""
        return self.nows.get(episode_id, NOW)


def _date(session: int) -> dt.date:
    return START + dt.timedelta(weeks=session - 1)


@dataclass
class _Alliance:
    """Item means (goals, tasks, bond, overall) and item noise for one client."""

    means: list[float]
    noise: float
    instrument: str  # bordin_sac (whole numbers) or srs (one decimal)


_SAC_LINKS = ("goals", "tasks", "bond", "overall")
_SRS_LINKS = ("goals_topics", "approach_method", "relationship", "overall")


def _rate(
    rng: random.Random, a: _Alliance, shift: Sequence[float]
) -> tuple[float, dict[str, float]]:
    values: list[float] = []
    for mean, delta in zip(a.means, shift, strict=True):
        raw = mean + delta + rng.gauss(0.0, a.noise)
        value = round(raw) if a.instrument == "bordin_sac" else round(raw, 1)
        values.append(float(min(10.0, max(0.0, value))))
    links = _SAC_LINKS if a.instrument == "bordin_sac" else _SRS_LINKS
    total = round(sum(values), 1)
    return total, dict(zip(links, values, strict=True))


def _alliance_profile(rng: random.Random, family: str) -> _Alliance:
    instrument = "srs" if rng.random() < 0.33 else "bordin_sac"
    if family in ("stable_ceiling", "ceiling_rupture"):
        return _Alliance([10.0] * 4, 0.0, "bordin_sac")
    if family == "low_start":
        return _Alliance([rng.uniform(7.0, 8.5) for _ in range(4)], rng.uniform(0.2, 0.4), "srs")
    top = 9.8 if family in ("stable_noisy", "missed_stable") else 9.3
    level = rng.uniform(6.5, top)
    return _Alliance(
        [min(10.0, level + rng.uniform(-0.4, 0.4)) for _ in range(4)],
        rng.uniform(0.4, 0.9),
        instrument,
    )


def _spread(rng: random.Random, total_drop: float, focus: Sequence[int]) -> list[float]:
    """Share a total drop across the focus items (negative shifts)."""
    weights = [rng.uniform(0.6, 1.4) for _ in focus]
    scale = total_drop / sum(weights)
    shift = [0.0] * 4
    for index, weight in zip(focus, weights, strict=True):
        shift[index] = -weight * scale
    return shift


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.histories: list[EpisodeHistory] = []
        self.planted: list[Planted] = []
        self.units: list[Unit] = []
        self.stable: set[str] = set()
        self.count = 0

    def next_id(self) -> str:
        self.count += 1
        return f"case-{self.count:04d}"

    # ------------------------------------------------------------------ alliance, individual
    def alliance_series(
        self, family: str, n: int, episode_id: str, client_id: str
    ) -> tuple[list[Rating], list[Planted]]:
        rng = self.rng
        a = _alliance_profile(rng, family)
        shifts: list[list[float]] = [[0.0] * 4 for _ in range(n)]
        planted: list[Planted] = []
        r = rng.randint(5, n - 3)
        if family in ("v_shape", "prolonged_dip", "unrepaired"):
            length = {"v_shape": 1, "prolonged_dip": rng.randint(2, 3), "unrepaired": n - r + 1}[
                family
            ]
            drop = rng.uniform(5.0, 10.0)
            focus = rng.choice([[0, 1, 2, 3], [1, 3], [2, 3], [0, 3], [1, 2, 3]])
            shift = _spread(rng, drop, focus)
            for s in range(r, min(n, r + length - 1) + 1):
                shifts[s - 1] = shift
            planted.append(Planted("rupture", episode_id, client_id, r, r + 1, family))
            if family == "unrepaired":
                planted.append(
                    Planted("rupture_unrepaired", episode_id, client_id, r + 1, n, family)
                )
            else:
                back = r + length
                planted.append(
                    Planted("rupture_repaired", episode_id, client_id, back, back + 1, family)
                )
        elif family == "slow_decline":
            start = rng.randint(3, 5)
            rate = rng.uniform(0.8, 1.5)
            for s in range(start + 1, n + 1):
                per_item = rate * (s - start) / 4
                shifts[s - 1] = [-per_item] * 4
            planted.append(Planted("rupture", episode_id, client_id, start + 1, n, family))
            planted.append(
                Planted(
                    "rupture_unrepaired",
                    episode_id,
                    client_id,
                    start + 2,
                    n,
                    family,
                    required=False,
                )
            )
        elif family == "item_rupture":
            item = rng.choice([0, 1, 2])
            shift = [0.0] * 4
            shift[item] = -rng.uniform(4.0, 6.0)
            shifts[r - 1] = shift
            planted.append(Planted("rupture", episode_id, client_id, r, r + 1, family))
            planted.append(Planted("rupture_repaired", episode_id, client_id, r + 1, r + 2, family))
        elif family == "ceiling_rupture":
            points = rng.choice([2, 3, 4])
            focus = rng.choice([[1], [2], [1, 3], [2, 3], [0, 2]])
            shift = [0.0] * 4
            for k in range(points):
                shift[focus[k % len(focus)]] -= 1.0
            shifts[r - 1] = shift
            planted.append(Planted("rupture", episode_id, client_id, r, r + 1, family))
            planted.append(Planted("rupture_repaired", episode_id, client_id, r + 1, r + 2, family))
        elif family == "disengaging":
            start = n - 3
            for s in range(start, n + 1):
                per_item = 0.6 * (s - start + 1)
                shifts[s - 1] = [-per_item] * 4
            planted.append(Planted("rupture", episode_id, client_id, start, n, family))
            planted.append(
                Planted(
                    "rupture_unrepaired",
                    episode_id,
                    client_id,
                    start + 1,
                    n,
                    family,
                    required=False,
                )
            )
        ratings: list[Rating] = []
        for s in range(1, n + 1):
            total, items = _rate(rng, a, shifts[s - 1])
            ratings.append(Rating(client_id, s, _date(s), a.instrument, total, items))
        return ratings, planted

    def outcome_series(
        self, family: str, n: int, episode_id: str, client_id: str
    ) -> tuple[list[Rating], list[Planted]]:
        rng = self.rng
        instrument, lo, hi, worse_up, rc, cutoff = rng.choice(_OUTCOMES)
        span = hi - lo
        sign = 1.0 if worse_up else -1.0
        if worse_up:
            intake = rng.uniform(cutoff + 0.2 * span, cutoff + 0.45 * span)
        else:
            intake = rng.uniform(cutoff - 0.45 * span, cutoff - 0.2 * span)
        intake = min(hi - 1.0, max(lo + 1.0, intake))
        if family == "improver":
            total_change = -sign * rng.uniform(rc + 4, rc + 8)
        elif family == "deteriorator":
            total_change = sign * rng.uniform(8.0, 12.0)
        else:
            total_change = sign * rng.uniform(-1.0, 1.0)
        noise = rc / 3.5
        ratings: list[Rating] = []
        for s in range(1, n + 1):
            fraction = math.log(s) / math.log(n)
            true = intake + total_change * fraction
            value = true + (rng.gauss(0.0, noise) if s > 1 else 0.0)
            value = float(min(hi, max(lo, round(value))))
            ratings.append(Rating(client_id, s, _date(s), instrument, value, {}))
        planted: list[Planted] = []
        final = intake + total_change
        clear = 2.0  # points beyond the cut-off that count as clearly out of the clinical range
        out_of_range = final < cutoff - clear if worse_up else final > cutoff + clear
        near = abs(final - cutoff) <= clear
        if family == "improver":
            planted.append(Planted("reliable_improvement", episode_id, client_id, 2, n, family))
            if out_of_range or near:
                planted.append(
                    Planted("recovery", episode_id, client_id, 2, n, family, required=not near)
                )
        elif family == "deteriorator":
            planted.append(Planted("not_on_track", episode_id, client_id, 2, n, family))
            planted.append(Planted("reliable_deterioration", episode_id, client_id, 2, n, family))
        else:
            planted.append(Planted("not_on_track", episode_id, client_id, 2, n, family))
        return ratings, planted

    # ------------------------------------------------------------------ episodes
    def individual(self, family: str) -> None:
        rng = self.rng
        episode_id = self.next_id()
        client_id = f"{episode_id}-a"
        n = rng.randint(8, 16)
        ratings, planted = self.alliance_series(family, n, episode_id, client_id)
        outcome_family = rng.choice(OUTCOME_FAMILIES)
        outcome, outcome_planted = self.outcome_series(outcome_family, n, episode_id, client_id)
        attendance = [Attendance(s, _date(s), "attended") for s in range(1, n + 1)]
        judged = set(RUPTURE_TYPES | OUTCOME_TYPES | {"disengagement", "risk"})
        if family == "low_start":
            judged.add("low_alliance")
        if family in ("disengaging", "missed_stable"):
            for k, status in ((1, "cancelled"), (2, "no_show")):
                attendance.append(Attendance(n + k, _date(n + k), status))  # type: ignore[arg-type]
        if family == "disengaging":
            planted.append(Planted("disengagement", episode_id, client_id, n, n + 2, family))
        if family == "low_start":
            planted.append(Planted("low_alliance", episode_id, client_id, 1, 1, family))
        flags: list[RiskFlag] = []
        if rng.random() < 0.1:
            s = rng.randint(1, n)
            if outcome[0].instrument_id in ("phq9", "core10"):
                link = "q9" if outcome[0].instrument_id == "phq9" else "q6"
                old = outcome[s - 1]
                outcome[s - 1] = Rating(
                    old.client_id,
                    old.session_number,
                    old.date,
                    old.instrument_id,
                    old.total,
                    {link: 1.0},
                )
            else:
                flags.append(RiskFlag(client_id, s, _date(s), "crisis_feedback", "triage: crisis"))
            planted.append(Planted("risk", episode_id, client_id, s, s, "risk"))
        self.histories.append(
            EpisodeHistory(
                episode_id=episode_id,
                kind="individual",
                client_ids=(client_id,),
                ratings=tuple(ratings + outcome),
                attendance=tuple(attendance),
                risk_flags=tuple(flags),
            )
        )
        self.planted.extend(planted)
        self.planted.extend(outcome_planted)
        self.units.append(Unit(episode_id, client_id, family, frozenset(judged), outcome_family))
        if family in STABLE_FAMILIES:
            self.stable.add(episode_id)

    def couple(self, family: str) -> None:
        rng = self.rng
        episode_id = self.next_id()
        ids = (f"{episode_id}-a", f"{episode_id}-b")
        n = rng.randint(8, 16)
        instrument = "srs" if rng.random() < 0.33 else "bordin_sac"
        level = rng.uniform(7.5, 9.3)
        profiles = [
            _Alliance(
                [level + rng.uniform(-0.3, 0.3) for _ in range(4)],
                rng.uniform(0.3, 0.7),
                instrument,
            )
            for _ in ids
        ]
        if family == "couple_balanced":
            profiles[1].means = [m + rng.uniform(-0.4, 0.4) for m in profiles[0].means]
        lower = rng.randint(0, 1)
        onset = rng.randint(1, n - 4)
        gap = rng.uniform(7.0, 11.0)
        ratings: list[Rating] = []
        for s in range(1, n + 1):
            for k, client_id in enumerate(ids):
                shift = [0.0] * 4
                if k == lower and family == "couple_split" and s >= onset:
                    shift = [-gap / 4] * 4
                if k == lower and family == "couple_widening":
                    shift = [-(s - 1) * 1.25 / 4] * 4
                total, items = _rate(rng, profiles[k], shift)
                ratings.append(Rating(client_id, s, _date(s), instrument, total, items))
        if family == "couple_split":
            self.planted.append(Planted("split_alliance", episode_id, None, onset, n, family))
            self.planted.append(
                Planted("split_widening", episode_id, None, onset, n, family, required=False)
            )
        elif family == "couple_widening":
            self.planted.append(Planted("split_widening", episode_id, None, 4, n, family))
            self.planted.append(Planted("split_alliance", episode_id, None, 3, n, family))
        self.histories.append(
            EpisodeHistory(
                episode_id=episode_id,
                kind="couple",
                client_ids=ids,
                ratings=tuple(ratings),
                attendance=tuple(Attendance(s, _date(s), "attended") for s in range(1, n + 1)),
            )
        )
        self.units.append(Unit(episode_id, None, family, SPLIT_TYPES))
        if family == "couple_balanced":
            self.stable.add(episode_id)


def generate_signal_cases(seed: int = 2024, per_family: int = 40) -> CaseSet:
    """``per_family`` episodes of every family, seeded; see the module docstring."""
    builder = _Builder(seed)
    for _ in range(per_family):
        for family in ALLIANCE_FAMILIES:
            builder.individual(family)
        for family in COUPLE_FAMILIES:
            builder.couple(family)
    return CaseSet(
        histories=tuple(builder.histories),
        planted=tuple(builder.planted),
        units=tuple(builder.units),
        nows={
            h.episode_id: max(a.date for a in h.attendance) + dt.timedelta(days=1)
            for h in builder.histories
        },
        stable_episodes=frozenset(builder.stable),
    )
