"""Advice that never contradicts an open alliance problem.

Each signal carries its own suggested next step. Good news about outcomes (reliable improvement,
recovery) suggests reviewing goals or talking about how to end well; that advice is wrong while
the relationship itself is in trouble. So while a client has an **open alliance problem** (a
rupture still open, a rupture found unrepaired that has not come back, a low alliance from the
start that has not risen, a split or widening gap between partners, or disengagement), the next
step of that client's good news says to attend to the relationship first.

Both the per-episode rules and the whole-practice recompute call :func:`reconcile_advice` (or
its row-level parts), so they advise the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from bordin.domain.alliance.signal import Explanation, Number, Signal

#: Outcome good news whose advice assumes the relationship is fine.
GOOD_NEWS: frozenset[str] = frozenset({"reliable_improvement", "recovery"})

NEXT_STEP_GOOD_NEWS_WHILE_ALLIANCE_OPEN = (
    "The scores have improved, but the relationship needs attention first: talk with the "
    "client about how the sessions feel before reviewing goals or discussing ending."
)


def is_open_alliance_problem(kind: str, status: str, numbers: Mapping[str, Number]) -> bool:
    """Whether a signal (its type, status and numbers) is an alliance problem still open."""
    if kind == "rupture":
        return status == "open"
    if kind == "rupture_unrepaired":
        return numbers.get("returned_late_session") is None
    if kind in ("low_alliance", "split_alliance", "split_widening", "disengagement"):
        return status == "active"
    return False


def advise_alliance_first(explanation: Explanation) -> Explanation:
    """The same explanation with the relationship-first next step."""
    return dataclasses.replace(explanation, next_step=NEXT_STEP_GOOD_NEWS_WHILE_ALLIANCE_OPEN)


def reconcile_advice(signals: Sequence[Signal]) -> list[Signal]:
    """Signals of one episode, with good news re-advised for clients whose alliance is in trouble.

    A couple-level problem (``client_id`` None) concerns both partners.
    """
    troubled = {
        s.client_id
        for s in signals
        if is_open_alliance_problem(s.type, s.status, s.explanation.numbers)
    }
    if not troubled:
        return list(signals)
    return [
        dataclasses.replace(s, explanation=advise_alliance_first(s.explanation))
        if s.type in GOOD_NEWS and (None in troubled or s.client_id in troubled)
        else s
        for s in signals
    ]
