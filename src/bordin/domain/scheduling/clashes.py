"""Why a proposed session cannot go where it is proposed.

A proposal is refused when it

* **double-books the therapist**: it overlaps another of their sessions that is not cancelled;
* **double-books the room**: an in-person session overlaps another in the same room;
* falls **outside working hours** or **during leave**: it is not wholly inside the therapist's
  open intervals (``hours.open_intervals``). Leave is reported as such, so that the message says
  "on leave" rather than "outside working hours".

Each clash carries a plain message for the person booking, naming the field to change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bordin.domain.scheduling.hours import Interval, within


@dataclass(frozen=True)
class Booking:
    """A session as far as clashes are concerned. ``ref`` identifies it to the caller."""

    ref: int | None
    therapist_id: int
    interval: Interval
    room: str | None = None


@dataclass(frozen=True)
class Clash:
    """One reason a proposal is refused: ``kind`` is therapist, room, hours or leave."""

    kind: str
    field: str
    message: str
    other_ref: int | None = None


def find_clashes(
    proposal: Booking,
    existing: Iterable[Booking],
    *,
    open_intervals: Sequence[Interval],
    leave: Sequence[Interval] = (),
    zone: ZoneInfo,
    ignore_ref: int | None = None,
) -> list[Clash]:
    """Every reason ``proposal`` cannot be booked (empty when it can).

    ``existing`` holds the live sessions around it (cancelled ones left out by the caller);
    ``ignore_ref`` is the session being moved, which cannot clash with itself.
    """
    clashes: list[Clash] = []
    when = _local(proposal.interval.start, zone)
    for other in existing:
        if other.ref is not None and other.ref == ignore_ref:
            continue
        if not other.interval.overlaps(proposal.interval):
            continue
        span = f"{_local(other.interval.start, zone)}–{_clock(other.interval.end, zone)}"
        if other.therapist_id == proposal.therapist_id:
            clashes.append(
                Clash(
                    "therapist",
                    "time",
                    f"The therapist already has a session at {span}. Choose another time.",
                    other.ref,
                )
            )
        elif proposal.room and other.room and _same_room(proposal.room, other.room):
            clashes.append(
                Clash(
                    "room",
                    "room",
                    f"{proposal.room} is already booked at {span}. Choose another room or time.",
                    other.ref,
                )
            )
    if any(away.overlaps(proposal.interval) for away in leave):
        clashes.append(
            Clash("leave", "date", f"The therapist is on leave at {when}. Choose another day.")
        )
    elif not within(open_intervals, proposal.interval):
        clashes.append(
            Clash(
                "hours",
                "time",
                f"{when} is outside the therapist's working hours. Choose a time within them, "
                "or add extra hours for that day first.",
            )
        )
    return clashes


def _same_room(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%a %d %b %H:%M")


def _clock(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%H:%M")
