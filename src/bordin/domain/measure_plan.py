"""Which measures a practice gives each kind of episode, and how often.

A practice chooses, for individual and for couple work, the measures its clients answer after a
session and how often each comes round: every session (an alliance check usually does), or every
second, third, fourth or sixth session (a longer outcome measure may). Every measure is asked at
the first session, so that each client has a baseline. Stored on the practice as

    {"individual": [{"instrument": "bordin_sac", "every": 1}, {"instrument": "phq9", "every": 4}],
     "couple": [{"instrument": "bordin_sac", "every": 1}]}

Pure Python: no framework, no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bordin.domain.errors import FieldError, InvalidInput

KINDS = ("individual", "couple")
#: How often a measure may come round, with the words the settings page uses.
EVERY: Mapping[int, str] = {
    1: "every session",
    2: "every 2nd session",
    3: "every 3rd session",
    4: "every 4th session",
    6: "every 6th session",
}


@dataclass(frozen=True)
class Scheduled:
    instrument: str
    every: int = 1

    def due_at(self, session_number: int) -> bool:
        """Due at session 1 and every ``every`` sessions after it."""
        return session_number < 1 or (session_number - 1) % self.every == 0


@dataclass(frozen=True)
class MeasurePlan:
    individual: tuple[Scheduled, ...]
    couple: tuple[Scheduled, ...]

    def for_kind(self, kind: str) -> tuple[Scheduled, ...]:
        return self.couple if kind == "couple" else self.individual

    def due(self, kind: str, session_number: int) -> tuple[str, ...]:
        """The measures for one session of an episode of this kind (never none)."""
        chosen = self.for_kind(kind)
        due = tuple(s.instrument for s in chosen if s.due_at(session_number))
        return due or tuple(s.instrument for s in chosen[:1])

    def as_json(self) -> dict[str, list[dict[str, Any]]]:
        return {
            kind: [{"instrument": s.instrument, "every": s.every} for s in self.for_kind(kind)]
            for kind in KINDS
        }


def plan_from_list(measures: Sequence[str]) -> MeasurePlan:
    """The plan of a practice that only listed its measures: all of them, every session."""
    chosen = tuple(Scheduled(str(m)) for m in measures)
    return MeasurePlan(individual=chosen, couple=chosen)


def parse_plan(raw: Mapping[str, Any], *, known: Collection[str]) -> MeasurePlan:
    """Check a plan; every problem is reported, naming the kind of episode and the measure."""
    errors: list[FieldError] = []
    kinds: dict[str, tuple[Scheduled, ...]] = {}
    for kind in KINDS:
        entries = raw.get(kind) or []
        chosen: list[Scheduled] = []
        if not isinstance(entries, Sequence) or not entries:
            errors.append(FieldError(f"{kind}_measures", "choose at least one measure"))
            kinds[kind] = ()
            continue
        for entry in entries:
            instrument = str(entry.get("instrument", "")) if isinstance(entry, Mapping) else ""
            every = entry.get("every", 1) if isinstance(entry, Mapping) else 1
            if instrument not in known:
                errors.append(FieldError(f"{kind}_measures", f"unknown measure {instrument!r}"))
                continue
            if not isinstance(every, int) or every not in EVERY:
                errors.append(
                    FieldError(f"{kind}.{instrument}.every", "choose how often it is asked")
                )
                continue
            if any(s.instrument == instrument for s in chosen):
                continue
            chosen.append(Scheduled(instrument, every))
        kinds[kind] = tuple(chosen)
    if errors:
        raise InvalidInput(errors)
    return MeasurePlan(individual=kinds["individual"], couple=kinds["couple"])


def stored_plan(
    raw: Mapping[str, Any] | None, fallback: Sequence[str], *, known: Collection[str]
) -> MeasurePlan:
    """The plan a practice stored, or (if none, or unreadable) its plain list every session."""
    if raw:
        try:
            return parse_plan(raw, known=known)
        except InvalidInput:
            pass
    return plan_from_list([m for m in fallback if m in known] or list(fallback))
