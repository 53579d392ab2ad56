"""The practice's week as plain rules: working hours, leave, recurring sessions, clashes, free
times and the cancellation policy. Standard library only; time is always passed in.

Every instant is a timezone-aware ``datetime`` in UTC. Wall-clock times (working hours, "every
Tuesday at 18:00") are kept as local times plus the practice's time zone (``zoneinfo``), and are
turned into instants one date at a time, so that a weekly session at 18:00 stays at 18:00 local
on both sides of a daylight-saving change.
"""

from bordin.domain.scheduling.clashes import Booking, Clash, find_clashes
from bordin.domain.scheduling.hours import (
    Exception_,
    Interval,
    WorkingHours,
    open_intervals,
)
from bordin.domain.scheduling.policy import CancellationPolicy, cancellation_terms
from bordin.domain.scheduling.recurrence import FREQUENCIES, expand_series, local_instant
from bordin.domain.scheduling.slots import free_starts

__all__ = [
    "FREQUENCIES",
    "Booking",
    "CancellationPolicy",
    "Clash",
    "Exception_",
    "Interval",
    "WorkingHours",
    "cancellation_terms",
    "expand_series",
    "find_clashes",
    "free_starts",
    "local_instant",
    "open_intervals",
]
