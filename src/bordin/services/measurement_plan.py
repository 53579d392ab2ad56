"""Which measures a client is asked after one session, by the practice's measurement schedule
(``bordin.domain.measurement_schedule``), and the practice's schedule settings.

The alliance measures are asked every session. For each outcome measure this gathers the
client's history in the episode (their totals, the sessions since it was last asked, and any
risk answer or rupture since then) and lets the pure rule decide. A measure not asked this
session is still represented by its risk item(s) when the practice keeps the one-item risk
screen.

"Since it was last asked" counts: a risk answer is an endorsed one-item risk screen, or an
urgent crisis / risk-item alert about the client; a rupture is a misalignment alert from the
client's words or a rupture the therapist logged in the episode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.domain.instruments.base import Instrument
from bordin.domain.instruments.registry import get_instrument
from bordin.domain.measure_plan import Scheduled
from bordin.domain.measurement_schedule import (
    Decision,
    MeasurementPolicy,
    OutcomeHistory,
    decide,
)
from bordin.services import audit
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AdministrationRow,
    AlertRow,
    AppointmentRow,
    MeasurementScheduleRow,
    RiskScreenRow,
    RuptureLogRow,
)


@dataclass(frozen=True)
class MeasureDue:
    """For one measure this session: ask it in full, ask only its risk item(s), or skip it."""

    instrument_id: str
    ask: bool
    screen_only: bool
    reason: str


def policy_for(db: Session, practice_id: int) -> MeasurementPolicy:
    return policy_from(db.get(MeasurementScheduleRow, practice_id))


class StoredSchedule(Protocol):
    """What :func:`policy_from` reads of a practice's stored schedule (``MeasurementScheduleRow``
    has it, as does a plain record read with the feedback form's context)."""

    @property
    def adaptive(self) -> bool: ...
    @property
    def stable_every(self) -> int: ...
    @property
    def risk_screen_every_session(self) -> bool: ...


def policy_from(row: StoredSchedule | None) -> MeasurementPolicy:
    """The policy a practice's stored schedule says (the defaults when it has none)."""
    if row is None:
        return MeasurementPolicy()
    return MeasurementPolicy(
        adaptive=row.adaptive,
        stable_every=row.stable_every,
        risk_screen=row.risk_screen_every_session,
    )


def save_policy(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    adaptive: bool,
    stable_every: str | int,
    risk_screen: bool,
) -> MeasurementPolicy:
    """Set how often outcome measures are asked (the clinical lead or an admin)."""
    if not (actor.role is Role.ADMIN or (actor.role is Role.SUPERVISOR and actor.is_clinical_lead)):
        raise NotFound("not found")
    try:
        every = int(str(stable_every).strip())
    except ValueError:
        every = 0
    if not 2 <= every <= 12:
        raise InvalidInput([FieldError("stable_every", "Enter a whole number from 2 to 12.")])
    row = db.get(MeasurementScheduleRow, actor.practice_id)
    if row is None:
        row = MeasurementScheduleRow(practice_id=actor.practice_id)
        db.add(row)
    row.adaptive = adaptive
    row.stable_every = every
    row.risk_screen_every_session = risk_screen
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="measurement_schedule",
        entity_id=actor.practice_id,
        at=rt.now(),
        detail={"adaptive": adaptive, "stable_every": every, "risk_screen": risk_screen},
    )
    db.commit()
    return policy_for(db, actor.practice_id)


class SessionSlot(Protocol):
    """What the schedule reads of a session (``AppointmentRow`` has all of it)."""

    @property
    def id(self) -> int: ...
    @property
    def number(self) -> int: ...
    @property
    def starts_at(self) -> datetime: ...


def plan_session(
    db: Session,
    *,
    practice_id: int,
    client_id: int,
    episode_id: int,
    appointment: SessionSlot,
    measures: Sequence[tuple[Instrument, int]],
    policy: MeasurementPolicy | None = None,
) -> dict[str, MeasureDue]:
    """What to ask this client after ``appointment``, measure by measure.

    ``measures`` are the practice's measures for this kind of episode with how often each
    comes round (``domain/measure_plan.py``). Outcome measures follow the adaptive rule while
    the practice keeps it on, with "once stable, every Nth session" taken from the measure's
    own cadence when the practice set one above every session, else from the practice's
    ``stable_every``; every other measure (the alliance check) keeps its set cadence.
    ``policy``: the practice's (:func:`policy_for`), when the caller has read it already.
    """
    if policy is None:
        policy = policy_for(db, practice_id)
    plans: dict[str, MeasureDue] = {}
    for instrument, every in measures:
        if instrument.kind != "outcome" or not policy.adaptive:
            due = Scheduled(instrument.id, every).due_at(appointment.number)
            reason = "every session" if every == 1 else f"every {every} sessions (set cadence)"
            decision = Decision(due, reason, False)
        else:
            cadence = every if every > 1 else policy.stable_every
            decision = _decide(
                db,
                MeasurementPolicy(True, cadence, policy.risk_screen),
                client_id,
                episode_id,
                appointment,
                instrument,
            )
        screen = (
            not decision.ask
            and instrument.kind == "outcome"
            and policy.risk_screen
            and bool(instrument.risk_items)
        )
        plans[instrument.id] = MeasureDue(instrument.id, decision.ask, screen, decision.reason)
    return plans


def _decide(
    db: Session,
    policy: MeasurementPolicy,
    client_id: int,
    episode_id: int,
    appointment: SessionSlot,
    instrument: Instrument,
) -> Decision:
    rows = db.execute(
        select(AdministrationRow.total, AdministrationRow.answered_at)
        .where(
            AdministrationRow.client_id == client_id,
            AdministrationRow.episode_id == episode_id,
            AdministrationRow.instrument_id == instrument.id,
            AdministrationRow.total.is_not(None),
            AdministrationRow.answered_at < appointment.starts_at,
        )
        .order_by(AdministrationRow.answered_at, AdministrationRow.id)
    ).all()
    totals = tuple(float(total) for total, _ in rows if total is not None)
    last: datetime | None = rows[-1][1] if rows else None
    since = 0
    risk = rupture = False
    if last is not None:
        since = (
            db.scalar(
                select(func.count())
                .select_from(AppointmentRow)
                .where(
                    AppointmentRow.episode_id == episode_id,
                    AppointmentRow.starts_at > last,
                    AppointmentRow.starts_at <= appointment.starts_at,
                    (AppointmentRow.status == "attended") | (AppointmentRow.id == appointment.id),
                )
            )
            or 0
        )
        risk = _any(
            db,
            select(RiskScreenRow.id).where(
                RiskScreenRow.client_id == client_id,
                RiskScreenRow.endorsed.is_(True),
                RiskScreenRow.answered_at > last,
            ),
        ) or _any(
            db,
            select(AlertRow.id).where(
                AlertRow.client_id == client_id,
                AlertRow.kind.in_(("crisis", "risk_item")),
                AlertRow.created_at > last,
            ),
        )
        rupture = _any(
            db,
            select(AlertRow.id).where(
                AlertRow.client_id == client_id,
                AlertRow.kind == "misalignment",
                AlertRow.created_at > last,
            ),
        ) or _any(
            db,
            select(RuptureLogRow.id).where(
                RuptureLogRow.episode_id == episode_id, RuptureLogRow.logged_at > last
            ),
        )
    history = OutcomeHistory(
        totals=totals,
        sessions_since_last=since,
        reliable_change=instrument.reliable_change,
        risk_since_last=risk,
        rupture_since_last=rupture,
    )
    return decide(history, policy)


def _any(db: Session, query: Select[Any]) -> bool:
    return db.scalar(query.limit(1)) is not None


def screen_risks(screens: Sequence[tuple[str, str, float]]) -> list[str]:
    """Plain descriptions of endorsed one-item risk screens, e.g. "PHQ-9 item 9 (answer 2 of
    3)"; any answer above the item's lowest endorses it."""
    found = []
    for instrument_id, link_id, value in screens:
        item = get_instrument(instrument_id).item(link_id)
        if value > item.min_value:
            short = get_instrument(instrument_id).short_title
            found.append(f"{short} item {item.number} (answer {value:g} of {item.max_value:g})")
    return found


def record_risk_screens(
    db: Session,
    *,
    client_id: int,
    episode_id: int,
    appointment_id: int | None,
    submission_id: int | None,
    screens: Sequence[tuple[str, str, float]],
    at: datetime,
) -> None:
    """Keep each one-item risk screen answer (in the caller's transaction)."""
    for instrument_id, link_id, value in screens:
        item = get_instrument(instrument_id).item(link_id)
        db.add(
            RiskScreenRow(
                client_id=client_id,
                episode_id=episode_id,
                appointment_id=appointment_id,
                submission_id=submission_id,
                instrument_id=instrument_id,
                link_id=link_id,
                value=value,
                endorsed=value > item.min_value,
                answered_at=at,
            )
        )
