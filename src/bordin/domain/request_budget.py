"""A budget of requests per key over a sliding minute, kept in memory.

The API gives each personal access token :attr:`RequestBudget.per_minute` requests a minute, so
one runaway script cannot take a web worker from everyone else. The budget lives in the worker
process: behind several workers each keeps its own, so a token may reach up to that many times
the figure in all. It is a guard against accidents, not an accounting of use.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Hashable

WINDOW_SECONDS = 60.0


class RequestBudget:
    """At most ``per_minute`` requests per key in any 60 seconds."""

    def __init__(self, per_minute: int) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self._seen: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def spend(self, key: Hashable, now: float) -> float | None:
        """Count one request at ``now`` (seconds on a monotonic clock) and return None, or, when
        the budget is spent, count nothing and return the seconds until a request fits again."""
        with self._lock:
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= now - WINDOW_SECONDS:
                times.popleft()
            if len(times) >= self.per_minute:
                return max(times[0] + WINDOW_SECONDS - now, 0.001)
            times.append(now)
            return None
