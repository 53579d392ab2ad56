"""Attendance follows the clock: prompts to mark past sessions, feedback links after the end.

- A session cannot be marked attended or missed before it starts (``practice.set_attendance``
  refuses, saying so). Cancelling is allowed at any time.
- When a session ends still ``scheduled``, the ``session_ended`` job raises a routine alert to
  the therapist asking them to mark it; the caseload lists such sessions
  (:func:`sessions_to_mark`).
- Marking a session attended queues the ``feedback_links`` job for the session's end (at once
  if it has ended): links are made and emailed then, and stay valid ``feedback_link_hours``
  after the session ends.
- Every change of attendance queues the episode's signal recompute: no-shows and late
  cancellations feed the disengagement signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import alerts as alert_service
from bordin.services import jobs
from bordin.services.feedback_links import issue_links, send_links
from bordin.services.runtime import Runtime
from bordin.storage.tables import AlertRow, AppointmentRow, ClientRow, EpisodeRow, ParticipantRow


def session_end(appointment: AppointmentRow) -> datetime:
    return appointment.starts_at + timedelta(minutes=appointment.duration_minutes)


def after_attendance_change(db: Session, rt: Runtime, *, appointment: AppointmentRow) -> None:
    """Queue what a new attendance status asks for; never commits."""
    now = rt.now()
    key = f"appt:{appointment.id}:feedback"
    if appointment.status == "attended":
        jobs.enqueue(
            db,
            kind="feedback_links",
            key=key,
            run_at=max(now, session_end(appointment)),
            payload={"appointment_id": appointment.id},
            now=now,
        )
    else:
        jobs.cancel(db, key=key)
    jobs.enqueue(
        db,
        kind="recompute",
        key=f"recompute:{appointment.episode_id}",
        run_at=now,
        payload={"episode_id": appointment.episode_id},
        again=True,
        now=now,
    )


def send_feedback_links(db: Session, rt: Runtime, *, appointment_id: int) -> None:
    """The ``feedback_links`` job: make and email the links of an attended session."""
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None or appointment.status != "attended":
        return
    issued = issue_links(db, rt, appointment_id=appointment_id)
    send_links(db, rt, appointment_id=appointment_id, tokens={i.link_id: i.token for i in issued})


def session_ended(db: Session, rt: Runtime, *, appointment_id: int) -> None:
    """The ``session_ended`` job: ask the therapist to mark a session still ``scheduled``."""
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None or appointment.status != "scheduled":
        return
    if session_end(appointment) > rt.now():
        return  # moved later; the job was moved with it
    episode = db.get(EpisodeRow, appointment.episode_id)
    assert episode is not None
    first = db.scalar(
        select(ClientRow)
        .join(ParticipantRow, ParticipantRow.client_id == ClientRow.id)
        .where(ParticipantRow.episode_id == episode.id)
        .order_by(ParticipantRow.id)
        .limit(1)
    )
    for alert in db.scalars(
        select(AlertRow).where(
            AlertRow.recipient_user_id == episode.therapist_id, AlertRow.kind == "attendance"
        )
    ):
        if alert.detail.get("appointment_id") == appointment_id:
            return
    who = f" with {first.pseudonym}" if first else ""
    alert_service.raise_alert(
        db,
        rt,
        recipient_user_id=episode.therapist_id,
        kind="attendance",
        severity="routine",
        summary=f"Please mark whether session {appointment.number}{who} took place.",
        client_id=first.id if first else None,
        link=f"/sessions/{appointment_id}",
        detail={"appointment_id": appointment_id, "episode_id": episode.id},
    )


@dataclass(frozen=True)
class SessionToMark:
    """A past session still ``scheduled``: the caseload asks for it to be marked."""

    appointment_id: int
    episode_id: int
    number: int
    starts_at: datetime
    #: The clients' names, as the caseload shows them.
    names: tuple[str, ...]


def sessions_to_mark(db: Session, rt: Runtime, *, therapist_id: int) -> list[SessionToMark]:
    """This therapist's sessions that have ended but are still ``scheduled``, oldest first."""
    now = rt.now()
    rows = db.execute(
        select(
            AppointmentRow.id,
            AppointmentRow.episode_id,
            AppointmentRow.number,
            AppointmentRow.starts_at,
            AppointmentRow.duration_minutes,
        )
        .join(EpisodeRow, EpisodeRow.id == AppointmentRow.episode_id)
        .where(
            EpisodeRow.therapist_id == therapist_id,
            EpisodeRow.status == "active",
            AppointmentRow.status == "scheduled",
            AppointmentRow.starts_at < now,
        )
        .order_by(AppointmentRow.starts_at)
    ).all()
    ended = [r for r in rows if r.starts_at + timedelta(minutes=r.duration_minutes) <= now]
    names: dict[int, list[str]] = {}
    if ended:
        for episode_id, name in db.execute(
            select(ParticipantRow.episode_id, ClientRow.display_name)
            .join(ClientRow, ClientRow.id == ParticipantRow.client_id)
            .where(ParticipantRow.episode_id.in_({r.episode_id for r in ended}))
            .order_by(ParticipantRow.id)
        ):
            names.setdefault(episode_id, []).append(name)
    return [
        SessionToMark(r.id, r.episode_id, r.number, r.starts_at, tuple(names.get(r.episode_id, [])))
        for r in ended
    ]
