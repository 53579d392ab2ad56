"""When to ask an outcome measure: a minute that is a minute.

The alliance check is asked after every session. Outcome measures follow the practice's
schedule (``MeasurementPolicy``). By default it is **adaptive**:

1. **At intake**: the first session of an episode with feedback always asks it.
2. **Every session while not yet stable.**
3. **Stable** means *no reliable change across the last two administrations*: there are at
   least three administrations in this episode, and neither of the last two differs from the
   one before it by the instrument's reliable-change value or more. A measure without a
   reliable-change value is never called stable, so it is asked every session.
4. **Once stable, every ``stable_every``-th session** (every third by default), counting the
   sessions since it was last asked, this one included.
5. **Back to every session** after a **deterioration** (a reliable worsening is a reliable
   change, so the client is no longer stable until two more administrations show none), after a
   **rupture** (a misalignment in the client's words, a rupture the therapist logged, or a
   rupture signal) or after a **risk answer** (an endorsed risk item, in a full measure or the
   one-item screen, or crisis words) since it was last asked.

**Risk is never traded away.** In a session where an outcome measure is not asked, its risk
item(s) (PHQ-9 item 9, CORE-10 item 6) are still asked on their own when the practice keeps the
one-item risk screen (``risk_screen``, on by default).

A practice may instead ask outcome measures every session (``adaptive=False``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MeasurementPolicy:
    adaptive: bool = True
    stable_every: int = 3
    risk_screen: bool = True

    def __post_init__(self) -> None:
        if not 2 <= self.stable_every <= 12:
            raise ValueError("stable_every must be from 2 to 12")


@dataclass(frozen=True)
class OutcomeHistory:
    """One client's administrations of one outcome measure in this episode, oldest first."""

    totals: tuple[float, ...]
    sessions_since_last: int
    reliable_change: float | None
    risk_since_last: bool = False
    rupture_since_last: bool = False


@dataclass(frozen=True)
class Decision:
    """Whether to ask the full measure this session, why (in plain words), and whether the
    client's scores count as stable."""

    ask: bool
    reason: str
    stable: bool


def is_stable(totals: Sequence[float], reliable_change: float | None) -> bool:
    """No reliable change across the last two administrations (see the module docstring)."""
    if reliable_change is None or len(totals) < 3:
        return False
    last, middle, before = totals[-1], totals[-2], totals[-3]
    return abs(last - middle) < reliable_change and abs(middle - before) < reliable_change


def decide(history: OutcomeHistory, policy: MeasurementPolicy) -> Decision:
    """Ask the full measure this session, or not (see the module docstring for the rules)."""
    stable = is_stable(history.totals, history.reliable_change)
    if not policy.adaptive:
        return Decision(True, "asked every session (the practice's choice)", stable)
    if not history.totals:
        return Decision(True, "first time in this episode (intake)", stable)
    if history.risk_since_last:
        return Decision(True, "a risk answer since it was last asked", stable)
    if history.rupture_since_last:
        return Decision(True, "a rupture since it was last asked", stable)
    if not stable:
        return Decision(True, "scores not yet stable", stable)
    if history.sessions_since_last >= policy.stable_every:
        return Decision(True, f"stable: asked every {_nth(policy.stable_every)} session", stable)
    to_go = policy.stable_every - history.sessions_since_last
    return Decision(
        False, f"stable: next asked in {to_go} session{'s' if to_go != 1 else ''}", stable
    )


def _nth(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}.get(n, f"{n}th")
