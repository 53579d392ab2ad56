"""What the rules return: a signal, and the explanation it carries.

Every signal says which rule raised it, the numbers the rule used, the sessions involved, what
the therapist might consider doing next, and where the rule comes from (DESIGN.md: "every signal
explains itself").

Signal types:

=========================  ==============================================================
``rupture``                a possible alliance rupture (status open, repaired or unrepaired)
``rupture_repaired``       the alliance came back to its pre-drop level within the window
``rupture_unrepaired``     it did not, or the episode ended first
``low_alliance``           the first ratings were already below the measure's cut-off
``not_on_track``           an outcome score worse than expected for the intake severity
``reliable_deterioration`` worse than intake by at least the reliable-change value
``reliable_improvement``   better than intake by at least the reliable-change value
``recovery``               reliable improvement and out of the clinical range
``split_alliance``         partners in a couple rate the alliance differently
``split_widening``         the partners' gap is growing over sessions
``disengagement``          missed or cancelled sessions together with a falling alliance
``risk``                   an endorsed risk item or crisis feedback: always urgent
=========================  ==============================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

SignalType = Literal[
    "rupture",
    "rupture_repaired",
    "rupture_unrepaired",
    "low_alliance",
    "not_on_track",
    "reliable_deterioration",
    "reliable_improvement",
    "recovery",
    "split_alliance",
    "split_widening",
    "disengagement",
    "risk",
]
Severity = Literal["urgent", "high", "routine"]
Status = Literal["open", "repaired", "unrepaired", "active", "resolved"]
#: A signal in one of these still asks for something: not repaired, resolved or over.
OPEN_STATUSES: tuple[Status, ...] = ("open", "active", "unrepaired")
#: Good news: shown on the pages, but never an alert nor a reason to need attention today.
GOOD_NEWS_TYPES: tuple[SignalType, ...] = ("reliable_improvement", "recovery", "rupture_repaired")
Number = float | int | str | bool | None

SIGNAL_TYPES: tuple[SignalType, ...] = (
    "rupture",
    "rupture_repaired",
    "rupture_unrepaired",
    "low_alliance",
    "not_on_track",
    "reliable_deterioration",
    "reliable_improvement",
    "recovery",
    "split_alliance",
    "split_widening",
    "disengagement",
    "risk",
)
SEVERITIES: tuple[Severity, ...] = ("urgent", "high", "routine")
_SEVERITY_RANK: Mapping[str, int] = {"urgent": 0, "high": 1, "routine": 2}


@dataclass(frozen=True)
class Explanation:
    """Why a signal was raised.

    ``rule`` is a stable id (``rupture.baseline_drop``); ``sentence`` is what a therapist reads;
    ``numbers`` are the values the rule compared; ``sessions`` the sessions it looked at;
    ``next_step`` a suggestion, never an instruction; ``citation`` the source of the rule.
    """

    rule: str
    sentence: str
    numbers: Mapping[str, Number] = field(default_factory=dict)
    sessions: tuple[int, ...] = ()
    next_step: str = ""
    citation: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "sentence": self.sentence,
            "numbers": dict(self.numbers),
            "sessions": list(self.sessions),
            "next_step": self.next_step,
            "citation": self.citation,
        }


@dataclass(frozen=True)
class Signal:
    """One thing a person should know about an episode.

    ``client_id`` is ``None`` for couple-level signals (split alliance). ``session_number`` is the
    session the signal belongs to (for a rupture, the session of the drop; for a repair, the
    session the alliance came back). ``instrument_id`` names the measure it was read from.
    """

    episode_id: str
    client_id: str | None
    session_number: int
    type: SignalType
    severity: Severity
    status: Status
    explanation: Explanation
    instrument_id: str | None = None
    date: dt.date | None = None

    @property
    def key(self) -> tuple[str, str, str, str, int]:
        """Identity used to compare signal sets: episode, client, instrument, type, session."""
        return (
            self.episode_id,
            self.client_id or "",
            self.instrument_id or "",
            self.type,
            self.session_number,
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "episode_id": self.episode_id,
            "client_id": self.client_id,
            "session_number": self.session_number,
            "type": self.type,
            "severity": self.severity,
            "status": self.status,
            "instrument_id": self.instrument_id,
            "date": self.date.isoformat() if self.date else None,
            "explanation": self.explanation.as_dict(),
        }


def sort_key(signal: Signal) -> tuple[int, int, str, str, str]:
    """Order signals by session, then urgency, then type and client, for stable output."""
    return (
        signal.session_number,
        _SEVERITY_RANK[signal.severity],
        signal.type,
        signal.client_id or "",
        signal.instrument_id or "",
    )


def by_urgency(signal: Signal) -> tuple[int, int]:
    """Order for a caseload: most urgent first, then the most recent session."""
    return (_SEVERITY_RANK[signal.severity], -signal.session_number)
