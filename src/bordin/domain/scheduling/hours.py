"""Working hours and exceptions, turned into the intervals a therapist can be booked.

* **Working hours** are local wall-clock times on a weekday ("Mondays 09:00–17:00"), kept with
  the practice's time zone, so that they mean the same local hours all year.
* **Exceptions** are instants: ``away`` (leave, training, illness) removes time;
  ``available`` adds one-off time outside the usual hours (an extra evening).

``open_intervals`` gives, for a range of local dates, the UTC intervals when the therapist
works: the weekday hours of each date, plus ``available`` exceptions, minus ``away`` ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bordin.domain.scheduling.recurrence import local_instant

EXCEPTION_KINDS = ("away", "available")


@dataclass(frozen=True, order=True)
class Interval:
    """From ``start`` (inclusive) to ``end`` (exclusive), both UTC instants."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class WorkingHours:
    """Usual hours on one weekday (0 = Monday), local wall-clock time."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        if self.end <= self.start:
            raise ValueError("working hours must end after they start")


@dataclass(frozen=True)
class Exception_:
    """Leave or time away (``away``), or extra hours (``available``), as UTC instants."""

    kind: str
    interval: Interval


def open_intervals(
    hours: Sequence[WorkingHours],
    exceptions: Iterable[Exception_],
    *,
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
) -> list[Interval]:
    """When the therapist can be booked between two local dates (inclusive), merged and sorted."""
    found: list[Interval] = []
    day = first_day
    while day <= last_day:
        for entry in hours:
            if entry.weekday == day.weekday():
                found.append(
                    Interval(
                        local_instant(day, entry.start, zone), local_instant(day, entry.end, zone)
                    )
                )
        day += timedelta(days=1)
    exceptions = list(exceptions)
    found.extend(e.interval for e in exceptions if e.kind == "available")
    merged = merge(found)
    for away in (e.interval for e in exceptions if e.kind == "away"):
        merged = subtract(merged, away)
    return merged


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined into one."""
    result: list[Interval] = []
    for interval in sorted(intervals):
        if result and interval.start <= result[-1].end:
            last = result[-1]
            result[-1] = Interval(last.start, max(last.end, interval.end))
        else:
            result.append(interval)
    return result


def subtract(intervals: Iterable[Interval], removed: Interval) -> list[Interval]:
    """``intervals`` with ``removed`` cut out."""
    result: list[Interval] = []
    for interval in intervals:
        if not interval.overlaps(removed):
            result.append(interval)
            continue
        if interval.start < removed.start:
            result.append(Interval(interval.start, removed.start))
        if removed.end < interval.end:
            result.append(Interval(removed.end, interval.end))
    return result


def within(intervals: Sequence[Interval], candidate: Interval) -> bool:
    """Whether ``candidate`` lies wholly inside one of ``intervals``."""
    return any(interval.contains(candidate) for interval in intervals)


def start_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the start of ``day`` in ``zone``, as a UTC instant."""
    return local_instant(day, time(0, 0), zone)
