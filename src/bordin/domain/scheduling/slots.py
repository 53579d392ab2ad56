"""Free start times: where a session of a given length fits in the open intervals and clashes
with nothing.

Starts are offered on a grid of ``step`` minutes counted from each open interval's start (a
therapist who starts at 09:00 with a 60-minute step is offered 09:00, 10:00, ...), no earlier
than ``not_before``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bordin.domain.scheduling.hours import Interval


def free_starts(
    open_intervals: Sequence[Interval],
    busy: Sequence[Interval],
    *,
    length: timedelta,
    step: timedelta,
    not_before: datetime,
    limit: int = 50,
) -> list[datetime]:
    """Up to ``limit`` UTC start times, earliest first."""
    if length <= timedelta(0) or step <= timedelta(0):
        raise ValueError("length and step must be positive")
    found: list[datetime] = []
    for interval in sorted(open_intervals):
        start = interval.start
        while start + length <= interval.end:
            candidate = Interval(start, start + length)
            if start >= not_before and not any(b.overlaps(candidate) for b in busy):
                found.append(start)
                if len(found) >= limit:
                    return found
            start += step
    return found
