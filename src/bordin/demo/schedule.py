"""Dates and times of demo appointments: weekly slots, holidays and a diary without clashes.

An episode keeps one weekly slot (a weekday and a start time inside the therapist's
availability), as most outpatient therapy does. Weeks are skipped for bank holidays in England,
for the practice's Christmas closure (24 December to 2 January) and, now and then, for the
client's own holiday. A therapist's diary never holds two sessions that overlap.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from bordin.demo.model import TherapistProfile

WEEK = dt.timedelta(days=7)


def easter_sunday(year: int) -> dt.date:
    """Western Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher form)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    day = following - dt.timedelta(days=1)
    return day - dt.timedelta(days=day.weekday())


@cache
def closed_days(year: int) -> frozenset[dt.date]:
    """Days the practice is closed in ``year``: the regular bank holidays in England and Wales
    (one-off ones such as coronations are ignored) and 24 December to 2 January."""
    easter = easter_sunday(year)
    days = {
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
        dt.date(year, 1, 1),
        dt.date(year, 1, 2),
    }
    days.update(dt.date(year, 12, d) for d in range(24, 32))
    if dt.date(year, 1, 1).weekday() >= 5:  # substitute day for New Year's Day
        days.add(_first_monday(year, 1))
    return frozenset(days)


def is_closed(day: dt.date) -> bool:
    return day in closed_days(day.year)


@dataclass(frozen=True)
class Slot:
    """A weekly appointment slot: weekday (0 = Monday) and start time."""

    weekday: int
    start: dt.time


def weekly_slots(profile: TherapistProfile, duration_minutes: int) -> list[Slot]:
    """Every on-the-hour start time at which a session of this length fits an availability block."""
    slots: list[Slot] = []
    for block in profile.availability:
        hour = block.start.hour
        end_minutes = block.end.hour * 60 + block.end.minute
        while hour * 60 + duration_minutes <= end_minutes:
            slots.append(Slot(block.weekday, dt.time(hour)))
            hour += 1
    return slots


def _on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def next_open(today: dt.date, weekday: int) -> dt.date:
    """The first day after ``today`` with this weekday on which the practice is open."""
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    while is_closed(day):
        day += WEEK
    return day


def last_before(today: dt.date, weekday: int) -> dt.date:
    """The last day before ``today`` with this weekday."""
    return _on_or_before(today - dt.timedelta(days=1), weekday)


def lay_out(
    rng: random.Random,
    *,
    last_past: dt.date,
    n_past: int,
    first_future: dt.date | None,
    n_future: int,
    gap_rate: float,
) -> list[dt.date]:
    """Dates for ``n_past`` weekly appointments ending on or before ``last_past`` and ``n_future``
    weekly ones starting at ``first_future``, in date order, skipping closed days and (for past
    weeks only, with probability ``gap_rate``) the client's holidays."""
    future: list[dt.date] = []
    day = first_future
    while day is not None and len(future) < n_future:
        if not is_closed(day):
            future.append(day)
        day += WEEK
    past: list[dt.date] = []
    day = last_past
    while len(past) < n_past:
        if is_closed(day) or (past and rng.random() < gap_rate):
            day -= WEEK
            continue
        past.append(day)
        day -= WEEK
    return sorted(past) + future


def last_day_for(today: dt.date, weeks_ago: int, weekday: int) -> dt.date:
    """The ``weekday`` on or before the day ``weeks_ago`` weeks before ``today``; always
    before ``today``."""
    return _on_or_before(today - weeks_ago * WEEK - dt.timedelta(days=1), weekday)


class Diary:
    """Each therapist's booked sessions, to keep the schedule free of clashes."""

    def __init__(self) -> None:
        self._booked: dict[str, dict[dt.date, list[tuple[int, int]]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def is_free(
        self, therapist: str, days: Sequence[dt.date], start: dt.time, duration_minutes: int
    ) -> bool:
        begin = start.hour * 60 + start.minute
        finish = begin + duration_minutes
        for day in days:
            for other_begin, other_finish in self._booked[therapist][day]:
                if begin < other_finish and other_begin < finish:
                    return False
        return True

    def book(
        self, therapist: str, days: Sequence[dt.date], start: dt.time, duration_minutes: int
    ) -> None:
        begin = start.hour * 60 + start.minute
        for day in days:
            self._booked[therapist][day].append((begin, begin + duration_minutes))
