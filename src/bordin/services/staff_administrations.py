"""Administrations entered by staff or their systems (the REST API), with the same rules as
everywhere: only the treating therapist writes to a client's record, the answers are scored by
the instrument's published rules (``InvalidResponses`` names each item that was wrong), and the
episode's signals are recomputed afterwards, as after a feedback form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import FieldError, InstrumentNotFound, InvalidInput, NotFound
from bordin.domain.instruments import get_instrument
from bordin.domain.instruments.registry import builtin_registry
from bordin.services import jobs
from bordin.services.access import get_client_for_user, require_client_for_edit
from bordin.services.audit import Origin
from bordin.services.measures import record_administration
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AdministrationRow,
    AppointmentRow,
    CustomInstrumentRow,
    ParticipantRow,
)


def practice_instrument_ids(db: Session, practice_id: int) -> list[str]:
    """The instruments this practice can use: Bordin's own and those it imported."""
    own = db.scalars(
        select(CustomInstrumentRow.instrument_id).where(
            CustomInstrumentRow.practice_id == practice_id
        )
    )
    return sorted({i.id for i in builtin_registry().all()} | set(own))


def record_for_client(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    client_id: int,
    episode_id: int,
    instrument_id: str,
    answers: Mapping[str, int | float | None],
    appointment_id: int | None = None,
    answered_at: datetime | None = None,
    origin: Origin | None = None,
) -> AdministrationRow:
    """Score and store one administration for a client of ``actor``'s (NotFound otherwise)."""
    require_client_for_edit(db, actor, client_id)
    in_episode = db.scalar(
        select(ParticipantRow.id).where(
            ParticipantRow.episode_id == episode_id, ParticipantRow.client_id == client_id
        )
    )
    if in_episode is None:
        raise NotFound("episode not found")
    errors: list[FieldError] = []
    if instrument_id not in practice_instrument_ids(db, actor.practice_id):
        errors.append(FieldError("instrument_id", "is not one of the practice's measures"))
    if appointment_id is not None:
        appointment = db.get(AppointmentRow, appointment_id)
        if appointment is None or appointment.episode_id != episode_id:
            errors.append(FieldError("appointment_id", "is not a session of this episode"))
    if answered_at is not None and answered_at > rt.now():
        errors.append(FieldError("answered_at", "is in the future"))
    if errors:
        raise InvalidInput(errors)
    try:
        get_instrument(instrument_id)
    except InstrumentNotFound:
        raise InvalidInput("is not one of the practice's measures", field="instrument_id") from None
    row = record_administration(
        db,
        rt,
        client_id=client_id,
        episode_id=episode_id,
        instrument_id=instrument_id,
        answers=dict(answers),
        answered_at=answered_at,
        appointment_id=appointment_id,
        source="api",
        actor=actor,
        commit=False,
    )
    jobs.enqueue(
        db,
        kind="recompute",
        key=f"recompute:{episode_id}",
        run_at=rt.now(),
        payload={"episode_id": episode_id},
        again=True,
        now=rt.now(),
    )
    db.commit()
    return row


def administration_for_user(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    administration_id: int,
    origin: Origin | None = None,
) -> AdministrationRow:
    """One administration, if ``actor`` may read the client's record (the read is audited)."""
    row = db.get(AdministrationRow, administration_id)
    if row is None:
        raise NotFound("administration not found")
    get_client_for_user(db, rt, actor, row.client_id, origin=origin, purpose="administration")
    return row
