"""Wall-clock times in a time zone, and weekly or fortnightly series of them.

A series is a local date and time plus a time zone: every occurrence is built from its own
local date, so "Tuesdays at 18:00 in Europe/London" is 18:00 GMT (18:00 UTC) in winter and
18:00 BST (17:00 UTC) in summer. A local time that does not exist on one date (the hour the
clocks skip in spring) is moved forward by the gap: 01:30 on the last Sunday of March in London
becomes 02:30 BST. A local time that happens twice (the hour repeated in autumn) means the first
of the two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FREQUENCIES = {"weekly": 7, "fortnightly": 14}


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``at`` o'clock on ``day`` in ``zone`` (see the module docstring)."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    instant = wall.astimezone(UTC)
    # A skipped local time does not survive the round trip; fold=0 already gives the instant
    # the gap moves it to (the offset before the change), which is "forward by the gap".
    return instant


def expand_series(
    *, first_day: date, at: time, zone: ZoneInfo, frequency: str, count: int
) -> list[datetime]:
    """The UTC start of each of ``count`` occurrences, every week or every other week."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}")
    if count < 1:
        raise ValueError("count must be at least 1")
    step = timedelta(days=FREQUENCIES[frequency])
    return [local_instant(first_day + step * n, at, zone) for n in range(count)]
