"""Practices, clients, episodes of care, sessions and consent: the writes that set up care."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.domain.text import MAX_EMAIL, MAX_NAME, clean_line, name_problems
from bordin.services import audit
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    ConsentRow,
    EpisodeRow,
    ParticipantRow,
    PracticeRow,
    UserRow,
)

EPISODE_KINDS = ("individual", "couple")
EPISODE_STATUSES = ("active", "completed", "dropped_out")
APPOINTMENT_STATUSES = ("scheduled", "attended", "cancelled", "no_show")
CONSENT_PURPOSES = (
    "session_feedback",  # being sent a feedback link after each session
    "email_contact",  # being emailed at all
    "see_own_progress",  # seeing their own scores over time
    "share_free_text_with_therapist",  # free text goes to the therapist (not concerns)
    "research_export",  # pseudonymised data in research exports
    "intake",  # keeping what they said at intake, to arrange their therapy
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def create_practice(
    db: Session,
    rt: Runtime,
    *,
    name: str,
    locale: str = "UK",
    timezone: str = "Europe/London",
    professional_body: str | None = None,
) -> PracticeRow:
    name = clean_line(name)
    if not name:
        raise InvalidInput("is required", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"is longer than {MAX_NAME} characters", field="name")
    practice = PracticeRow(
        name=name,
        locale=locale,
        timezone=timezone,
        created_at=rt.now(),
        professional_body=professional_body,
    )
    db.add(practice)
    db.commit()
    return practice


def the_practice(db: Session) -> PracticeRow:
    """The first practice (a Bordin install usually serves one)."""
    practice = db.scalar(select(PracticeRow).order_by(PracticeRow.id).limit(1))
    if practice is None:
        raise NotFound("no practice has been set up yet: run `bordin demo` or `bordin user add`")
    return practice


def add_client(
    db: Session,
    rt: Runtime,
    *,
    practice_id: int,
    display_name: str,
    email: str | None = None,
    phone: str | None = None,
    pseudonym: str | None = None,
    locale: str = "UK",
    preferred_language: str = "English",
    consents: tuple[str, ...] = (
        "session_feedback",
        "email_contact",
        "see_own_progress",
        "share_free_text_with_therapist",
    ),
    is_demo: bool = False,
    actor: Actor | None = None,
    commit: bool = True,
) -> ClientRow:
    errors: list[FieldError] = []
    display_name = clean_line(display_name)
    email = clean_line(email) if email is not None else None
    errors += name_problems("display_name", display_name)
    if email is not None and (len(email) > MAX_EMAIL or not EMAIL.match(email)):
        errors.append(FieldError("email", "is not an email address"))
    for purpose in consents:
        if purpose not in CONSENT_PURPOSES:
            errors.append(FieldError("consents", f"unknown purpose {purpose!r}"))
    if errors:
        raise InvalidInput(errors)
    if pseudonym is None:
        count = db.scalar(select(func.count()).where(ClientRow.practice_id == practice_id)) or 0
        pseudonym = f"C-{count + 1:05d}"
    client = ClientRow(
        practice_id=practice_id,
        pseudonym=pseudonym,
        display_name=display_name,
        email=email or None,
        phone=phone,
        locale=locale,
        preferred_language=preferred_language,
        is_demo=is_demo,
        created_at=rt.now(),
    )
    db.add(client)
    db.flush()
    for purpose in consents:
        db.add(
            ConsentRow(
                client_id=client.id,
                purpose=purpose,
                granted_at=rt.now(),
                recorded_by_user_id=actor.user_id if actor else None,
            )
        )
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="client",
        entity_id=client.id,
        client_id=client.id,
        at=rt.now(),
    )
    if commit:
        db.commit()
    return client


def open_episode(
    db: Session,
    rt: Runtime,
    *,
    therapist_id: int,
    client_ids: list[int],
    kind: str,
    started_on: date,
    presenting_problem: str | None = None,
    labels: list[str] | None = None,
    actor: Actor | None = None,
    commit: bool = True,
) -> EpisodeRow:
    errors: list[FieldError] = []
    if kind not in EPISODE_KINDS:
        errors.append(FieldError("kind", "must be individual or couple"))
    expected = 2 if kind == "couple" else 1
    if len(set(client_ids)) != expected:
        errors.append(FieldError("clients", f"a {kind} episode has {expected} client(s)"))
    therapist = db.get(UserRow, therapist_id)
    if therapist is None or therapist.role not in ("therapist", "supervisor"):
        errors.append(FieldError("therapist", "no such therapist"))
    if errors:
        raise InvalidInput(errors)
    assert therapist is not None
    episode = EpisodeRow(
        practice_id=therapist.practice_id,
        therapist_id=therapist_id,
        kind=kind,
        status="active",
        presenting_problem=presenting_problem,
        started_on=started_on,
        created_at=rt.now(),
    )
    db.add(episode)
    db.flush()
    labels = labels or (["Partner A", "Partner B"] if kind == "couple" else ["Client"])
    for client_id, label in zip(client_ids, labels, strict=False):
        db.add(ParticipantRow(episode_id=episode.id, client_id=client_id, label=label))
        audit.record(
            db,
            actor=actor,
            action="create",
            entity="episode",
            entity_id=episode.id,
            client_id=client_id,
            at=rt.now(),
        )
    if commit:
        db.commit()
    return episode


def schedule_appointment(
    db: Session,
    rt: Runtime,
    *,
    episode_id: int,
    starts_at: datetime,
    duration_minutes: int = 50,
    status: str = "scheduled",
    actor: Actor | None = None,
    commit: bool = True,
) -> AppointmentRow:
    if status not in APPOINTMENT_STATUSES:
        raise InvalidInput(f"must be one of {', '.join(APPOINTMENT_STATUSES)}", field="status")
    if starts_at.tzinfo is None:
        raise InvalidInput("needs a time zone", field="starts_at")
    number = (
        db.scalar(
            select(func.max(AppointmentRow.number)).where(AppointmentRow.episode_id == episode_id)
        )
        or 0
    ) + 1
    appointment = AppointmentRow(
        episode_id=episode_id,
        number=number,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        status=status,
    )
    db.add(appointment)
    if commit:
        db.commit()
    return appointment


def set_attendance(
    db: Session, rt: Runtime, *, actor: Actor, appointment_id: int, status: str
) -> AppointmentRow:
    """Record whether a session happened; refused before it starts (``services/attendance.py``).

    Attended sessions get feedback links after they end (a job); every change queues the
    episode's signal recompute.
    """
    if status not in APPOINTMENT_STATUSES:
        raise InvalidInput(f"must be one of {', '.join(APPOINTMENT_STATUSES)}", field="status")
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None:
        raise NotFound("session not found")
    episode = db.get(EpisodeRow, appointment.episode_id)
    assert episode is not None
    if episode.therapist_id != actor.user_id:
        raise NotFound("session not found")
    if status in ("attended", "no_show") and appointment.starts_at > rt.now():
        raise InvalidInput(
            "this session has not started yet: mark whether it took place once it has begun",
            field="status",
        )
    appointment.status = status
    from bordin.services.attendance import after_attendance_change

    after_attendance_change(db, rt, appointment=appointment)
    for client_id in participant_ids(db, episode.id):
        audit.record(
            db,
            actor=actor,
            action="update",
            entity="session",
            entity_id=appointment.id,
            client_id=client_id,
            at=rt.now(),
            detail={"status": status},
        )
    db.commit()
    return appointment


def end_episode(
    db: Session,
    rt: Runtime,
    *,
    episode_id: int,
    status: str,
    ended_on: date,
    actor: Actor | None = None,
    commit: bool = True,
) -> EpisodeRow:
    if status not in ("completed", "dropped_out"):
        raise InvalidInput("must be completed or dropped_out", field="status")
    episode = db.get(EpisodeRow, episode_id)
    if episode is None:
        raise NotFound("episode not found")
    episode.status = status
    episode.ended_on = ended_on
    for client_id in participant_ids(db, episode.id):
        audit.record(
            db,
            actor=actor,
            action="update",
            entity="episode",
            entity_id=episode.id,
            client_id=client_id,
            at=rt.now(),
            detail={"status": status},
        )
    if commit:
        db.commit()
    return episode


def participant_ids(db: Session, episode_id: int) -> list[int]:
    return list(
        db.scalars(
            select(ParticipantRow.client_id)
            .where(ParticipantRow.episode_id == episode_id)
            .order_by(ParticipantRow.id)
        )
    )


def has_consent(db: Session, client_id: int, purpose: str) -> bool:
    return (
        db.scalar(
            select(ConsentRow.id)
            .where(
                ConsentRow.client_id == client_id,
                ConsentRow.purpose == purpose,
                ConsentRow.revoked_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def set_consent(
    db: Session, rt: Runtime, *, actor: Actor, client_id: int, purpose: str, granted: bool
) -> None:
    """Grant or revoke one purpose. History is kept: a revocation stamps the open grant."""
    if purpose not in CONSENT_PURPOSES:
        raise InvalidInput(f"unknown purpose {purpose!r}", field="purpose")
    current = db.scalar(
        select(ConsentRow).where(
            ConsentRow.client_id == client_id,
            ConsentRow.purpose == purpose,
            ConsentRow.revoked_at.is_(None),
        )
    )
    if granted and current is None:
        db.add(
            ConsentRow(
                client_id=client_id,
                purpose=purpose,
                granted_at=rt.now(),
                recorded_by_user_id=actor.user_id,
            )
        )
    elif not granted and current is not None:
        current.revoked_at = rt.now()
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="consent",
        client_id=client_id,
        at=rt.now(),
        detail={"purpose": purpose, "granted": granted},
    )
    db.commit()


def consents(db: Session, client_id: int) -> list[ConsentRow]:
    return list(
        db.scalars(
            select(ConsentRow)
            .where(ConsentRow.client_id == client_id)
            .order_by(ConsentRow.granted_at)
        )
    )


def configure_feedback_measures(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    practice_id: int,
    measures: list[str],
    known: set[str] | None = None,
) -> None:
    if not measures:
        raise InvalidInput("choose at least one measure", field="feedback_measures")
    if known is not None:
        unknown = [m for m in measures if m not in known]
        if unknown:
            raise InvalidInput(
                f"unknown instrument(s): {', '.join(unknown)}", field="feedback_measures"
            )
    practice = db.get(PracticeRow, practice_id)
    assert practice is not None
    practice.feedback_measures = list(measures)
    practice.measure_plan = None  # the plain list, every session, replaces a chosen plan
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="practice",
        entity_id=practice_id,
        at=rt.now(),
        detail={"feedback_measures": measures},
    )
    db.commit()


def practice_settings(db: Session, practice_id: int) -> dict[str, Any]:
    practice = db.get(PracticeRow, practice_id)
    if practice is None:
        raise NotFound("practice not found")
    return {
        "name": practice.name,
        "locale": practice.locale,
        "timezone": practice.timezone,
        "feedback_measures": list(practice.feedback_measures or ["bordin_sac"]),
    }
