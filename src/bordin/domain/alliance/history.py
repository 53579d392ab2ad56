"""What the signal rules read: one episode of care, as plain data.

An *episode* is one course of therapy: one client (``individual``) or two partners seen together
(``couple``). Its history is the ratings each client gave after (alliance) or before (outcome)
each session, the appointments kept or missed, the ruptures the therapist logged, and the risk
flags raised along the way. Everything is passed in; nothing is read from a database or a clock.

Session numbers count the episode's sessions from 1. Ratings are totals as the instrument scores
them (``total``) plus, where known, the item values by the instrument's item ``link_id``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bordin.domain.errors import FieldError, InvalidInput

AttendanceStatus = Literal["attended", "cancelled", "no_show", "scheduled"]
EpisodeKind = Literal["individual", "couple"]
RuptureType = Literal["withdrawal", "confrontation"]
RiskSource = Literal["risk_item", "crisis_feedback"]

ATTENDANCE_STATUSES: tuple[AttendanceStatus, ...] = (
    "attended",
    "cancelled",
    "no_show",
    "scheduled",
)
RUPTURE_TYPES: tuple[RuptureType, ...] = ("withdrawal", "confrontation")


@dataclass(frozen=True)
class Rating:
    """One client's scored answers to one instrument for one session.

    ``items`` maps the instrument's item link ids to the values given (raw, before any reverse
    keying); it may be empty when only the total is known.
    """

    client_id: str
    session_number: int
    date: dt.date
    instrument_id: str
    total: float
    items: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Attendance:
    """One appointment of the episode and what happened to it."""

    session_number: int
    date: dt.date
    status: AttendanceStatus


@dataclass(frozen=True)
class RiskFlag:
    """A risk raised outside the item scores, e.g. feedback that triage classed as crisis.

    ``detail`` is a short code or label ("triage: crisis"), never the client's own words: signals
    are shown on dashboards and must not carry free text.
    """

    client_id: str
    session_number: int
    date: dt.date
    source: RiskSource
    detail: str = ""


@dataclass(frozen=True)
class TherapistRupture:
    """A rupture the therapist recorded in the rupture and repair log.

    ``rupture_type`` is withdrawal or confrontation; ``markers`` and ``strategies`` use the
    vocabulary in :mod:`bordin.domain.alliance.repair` (3RS; the category names are unconfirmed,
    see there). ``resolved`` is the therapist's own view: ``True``, ``False``, ``"partly"``, or
    ``None`` when not yet recorded.
    ``client_id`` is ``None`` when the therapist logged it for the couple as a whole.
    """

    session_number: int
    date: dt.date
    rupture_type: RuptureType
    client_id: str | None = None
    markers: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    resolved: bool | Literal["partly"] | None = None
    log_id: str | None = None


@dataclass(frozen=True)
class EpisodeHistory:
    """Everything the signal rules need to know about one episode.

    ``ended`` means the episode was closed; ``dropped_out`` that it ended because the client
    stopped coming. ``ended_on`` (optional) lets a history be replayed at an earlier ``now``: the
    ending only counts once ``now`` has reached it.
    """

    episode_id: str
    kind: EpisodeKind
    client_ids: tuple[str, ...]
    ratings: tuple[Rating, ...] = ()
    attendance: tuple[Attendance, ...] = ()
    ruptures_logged: tuple[TherapistRupture, ...] = ()
    risk_flags: tuple[RiskFlag, ...] = ()
    ended: bool = False
    dropped_out: bool = False
    ended_on: dt.date | None = None

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise InvalidInput(problems)

    def ended_by(self, today: dt.date) -> bool:
        """Whether the episode had ended (or the client dropped out) by ``today``."""
        if not (self.ended or self.dropped_out):
            return False
        return self.ended_on is None or self.ended_on <= today


def _problems(history: EpisodeHistory) -> list[FieldError]:
    problems: list[FieldError] = []
    if history.kind not in ("individual", "couple"):
        problems.append(FieldError("kind", f"must be individual or couple, not {history.kind!r}"))
    expected = 2 if history.kind == "couple" else 1
    if len(history.client_ids) != expected or len(set(history.client_ids)) != expected:
        problems.append(
            FieldError(
                "client_ids",
                f"a{'' if expected == 2 else 'n'} {history.kind} episode needs {expected} "
                f"distinct client id{'s' if expected == 2 else ''}, got {list(history.client_ids)}",
            )
        )
    clients = set(history.client_ids)
    seen: set[tuple[str, str, int]] = set()
    for n, rating in enumerate(history.ratings):
        where = f"ratings[{n}]"
        if rating.client_id not in clients:
            problems.append(
                FieldError(f"{where}.client_id", f"{rating.client_id!r} is not in client_ids")
            )
        if rating.session_number < 1:
            problems.append(FieldError(f"{where}.session_number", "must be 1 or more"))
        key = (rating.client_id, rating.instrument_id, rating.session_number)
        if key in seen:
            problems.append(
                FieldError(
                    where,
                    f"a second {rating.instrument_id} rating for session {rating.session_number}",
                )
            )
        seen.add(key)
    for n, visit in enumerate(history.attendance):
        if visit.status not in ATTENDANCE_STATUSES:
            problems.append(
                FieldError(f"attendance[{n}].status", f"unknown status {visit.status!r}")
            )
    for n, log in enumerate(history.ruptures_logged):
        if log.rupture_type not in RUPTURE_TYPES:
            problems.append(
                FieldError(
                    f"ruptures_logged[{n}].rupture_type", "must be withdrawal or confrontation"
                )
            )
        if log.client_id is not None and log.client_id not in clients:
            problems.append(FieldError(f"ruptures_logged[{n}].client_id", "is not in client_ids"))
    for n, flag in enumerate(history.risk_flags):
        if flag.client_id not in clients:
            problems.append(FieldError(f"risk_flags[{n}].client_id", "is not in client_ids"))
    return problems
