"""The practice's cancellation policy, as a rule about notice.

A client may cancel or move a session themselves until it starts. With at least
``notice_hours`` of notice (24 by default, a practice setting) the change is on time; with
less, it is still allowed but recorded as a **late cancellation**, and the client is told so
before they confirm. Once a session has started it cannot be changed by the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class CancellationPolicy:
    notice_hours: int = 24

    def __post_init__(self) -> None:
        if not 0 <= self.notice_hours <= 24 * 14:
            raise ValueError("notice must be between 0 hours and 14 days")


@dataclass(frozen=True)
class CancellationTerms:
    """What happens if the client cancels or moves this session now."""

    allowed: bool
    late: bool
    deadline: datetime


def cancellation_terms(
    policy: CancellationPolicy, *, starts_at: datetime, now: datetime
) -> CancellationTerms:
    deadline = starts_at - timedelta(hours=policy.notice_hours)
    return CancellationTerms(allowed=now < starts_at, late=now > deadline, deadline=deadline)
