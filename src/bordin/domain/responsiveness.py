"""When a client's Cultural Responsiveness Check is low or falling: a signal for the therapist.

The check (``instruments/bordin_crc.py``) is unvalidated, so there is no published cut-off. The
rules below are Bordin's design, chosen to catch a clear message from the client rather than
small ups and downs:

- **low**: the latest check has any statement rated 1 ("A little") or 0, or a total of 10 or
  less out of 20 (on average "Somewhat" or below);
- **falling**: the latest total is 4 or more points below the client's own best earlier check
  with this therapist.

The signal goes to the therapist (and is visible to their supervisor and the clinical lead like
any other signal), pointing to the chart of the client's checks and to the repair prompts for
cultural misattunement in feedback triage (``triage`` subcategory ``cultural``). It is never a
mark against the therapist: it says the client has something to tell them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

INSTRUMENT_ID = "bordin_crc"
#: The triage subcategory whose alerts link to this measure's chart.
TRIAGE_SUBCATEGORY = "cultural"
LOW_ITEM = 1
LOW_TOTAL = 10
FALL = 4

ITEM_WORDS: Mapping[str, str] = {
    "understood": "understanding how their background shapes what they are going through",
    "safe": "being able to talk about their culture, faith or identity without defending it",
    "checked": "finding out what things mean for them",
    "fitted": "the work fitting their values, family and community",
    "welcome": "feeling the whole of who they are is welcome",
}


@dataclass(frozen=True)
class Check:
    """One answered check: when, after which session, its total and its item ratings."""

    answered_at: datetime
    total: float
    items: Mapping[str, float]
    session_number: int | None = None


@dataclass(frozen=True)
class Concern:
    """A low or falling check, with the numbers and what to consider doing, in plain words."""

    kind: Literal["low", "falling", "low_and_falling"]
    latest: float
    best_before: float | None
    low_items: tuple[str, ...]
    explanation: str


def concern(checks: Sequence[Check]) -> Concern | None:
    """The concern raised by the latest check (in time order), or ``None``."""
    if not checks:
        return None
    ordered = sorted(checks, key=lambda c: c.answered_at)
    latest = ordered[-1]
    low_items = tuple(k for k, v in latest.items.items() if v <= LOW_ITEM)
    low = bool(low_items) or latest.total <= LOW_TOTAL
    best = max((c.total for c in ordered[:-1]), default=None)
    falling = best is not None and best - latest.total >= FALL
    if not (low or falling):
        return None
    kind: Literal["low", "falling", "low_and_falling"] = (
        "low_and_falling" if low and falling else "low" if low else "falling"
    )
    parts = [f"The client's latest Cultural Responsiveness Check is {latest.total:g} out of 20"]
    if falling and best is not None:
        parts.append(f", down from {best:g} earlier")
    sentence = "".join(parts) + "."
    if low_items:
        named = [ITEM_WORDS.get(k, k.replace("_", " ")) for k in low_items]
        sentence += " They rated low: " + "; ".join(named) + "."
    sentence += (
        " Consider asking, with curiosity and without asking them to educate you, what you "
        "may have missed about their culture or identity, and how you could work with it."
    )
    return Concern(
        kind=kind,
        latest=latest.total,
        best_before=best,
        low_items=low_items,
        explanation=sentence,
    )
