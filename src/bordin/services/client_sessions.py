"""A client's own sessions: see what is coming, cancel within the practice's policy, and pick
another free time of their therapist's.

The client reaches these from ``/me`` (signed in by an emailed link or from the thank-you page
of a feedback link). They see only sessions of episodes they take part in; anything else is
NotFound. A cancellation with less notice than the practice asks
(``scheduling_settings.cancellation_notice_hours``) is allowed but recorded as a **late
cancellation**, and the client is told so before they confirm. Picking another time cancels the
old session (late or not, by the same rule) and books the new one, which must be one of the
free times offered (the therapist's real availability). Every change is audited, and the
therapist gets an in-app alert with the client's name and the times, nothing clinical.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.scheduling import Interval, cancellation_terms, free_starts
from bordin.domain.scheduling.hours import start_of_local_day
from bordin.services import audit
from bordin.services import scheduling as diary
from bordin.services.alerts import raise_alert
from bordin.services.audit import Origin
from bordin.services.booking import MODES, booking_changed, check_proposals, live_bookings
from bordin.services.practice import schedule_appointment
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    ParticipantRow,
    PracticeRow,
    UserRow,
)

#: How far ahead a client may look for another time.
REBOOK_DAYS = 28


@dataclass(frozen=True)
class ClientSession:
    """One coming session as the client sees it (local time, no clinical detail)."""

    appointment_id: int
    starts_at: datetime
    minutes: int
    therapist: str
    where: str
    video_link: str | None
    late_if_changed_now: bool
    deadline: datetime
    may_change: bool


@dataclass(frozen=True)
class MySessions:
    sessions: tuple[ClientSession, ...]
    notice_hours: int
    may_rebook: bool
    practice_name: str
    zone: str


def _client(actor: Actor) -> int:
    if actor.role is not Role.CLIENT or actor.client_id is None:
        raise NotFound("not found")
    return actor.client_id


def _practice(db: Session, actor: Actor) -> tuple[PracticeRow, ZoneInfo]:
    practice = db.get(PracticeRow, actor.practice_id)
    if practice is None:
        raise NotFound("not found")
    return practice, diary.practice_zone(practice)


def my_sessions(
    db: Session, rt: Runtime, *, actor: Actor, origin: Origin | None = None
) -> MySessions:
    """The client's sessions still to come, soonest first, with what changing each would mean."""
    client_id = _client(actor)
    practice, zone = _practice(db, actor)
    settings = diary.scheduling_settings(db, practice.id)
    now = rt.now()
    rows = db.execute(
        select(AppointmentRow, UserRow.display_name)
        .join(EpisodeRow, EpisodeRow.id == AppointmentRow.episode_id)
        .join(ParticipantRow, ParticipantRow.episode_id == EpisodeRow.id)
        .join(UserRow, UserRow.id == EpisodeRow.therapist_id)
        .where(
            ParticipantRow.client_id == client_id,
            AppointmentRow.status == "scheduled",
            AppointmentRow.starts_at > now,
        )
        .order_by(AppointmentRow.starts_at)
        .limit(20)
    ).all()
    sessions = []
    for row, therapist in rows:
        terms = cancellation_terms(settings.policy, starts_at=row.starts_at, now=now)
        sessions.append(
            ClientSession(
                appointment_id=row.id,
                starts_at=row.starts_at.astimezone(zone),
                minutes=row.duration_minutes,
                therapist=therapist,
                where=(row.room or MODES["in_person"]) if row.mode == "in_person" else "Video call",
                video_link=row.video_link if row.mode == "remote" else None,
                late_if_changed_now=terms.late,
                deadline=terms.deadline.astimezone(zone),
                may_change=terms.allowed,
            )
        )
    audit.record(
        db,
        actor=actor,
        action="read",
        entity="own_sessions",
        client_id=client_id,
        origin=origin,
        at=now,
    )
    db.commit()
    return MySessions(
        tuple(sessions),
        settings.cancellation_notice_hours,
        settings.clients_may_rebook,
        practice.name,
        str(zone.key),
    )


def _own_appointment(
    db: Session, actor: Actor, appointment_id: int
) -> tuple[AppointmentRow, EpisodeRow]:
    client_id = _client(actor)
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None:
        raise NotFound("session not found")
    taking_part = db.scalar(
        select(ParticipantRow.id).where(
            ParticipantRow.episode_id == appointment.episode_id,
            ParticipantRow.client_id == client_id,
        )
    )
    episode = db.get(EpisodeRow, appointment.episode_id)
    if taking_part is None or episode is None or episode.practice_id != actor.practice_id:
        raise NotFound("session not found")
    return appointment, episode


def own_session(db: Session, rt: Runtime, *, actor: Actor, appointment_id: int) -> ClientSession:
    """One of the client's coming sessions (NotFound for anyone else's, or a past one)."""
    for session in my_sessions(db, rt, actor=actor).sessions:
        if session.appointment_id == appointment_id:
            return session
    _own_appointment(db, actor, appointment_id)
    raise NotFound("session not found")


def cancel_own_session(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    appointment_id: int,
    origin: Origin | None = None,
    commit: bool = True,
) -> AppointmentRow:
    """Cancel one of the client's coming sessions; late if within the notice period."""
    appointment, episode = _own_appointment(db, actor, appointment_id)
    practice, zone = _practice(db, actor)
    settings = diary.scheduling_settings(db, practice.id)
    terms = cancellation_terms(settings.policy, starts_at=appointment.starts_at, now=rt.now())
    if appointment.status != "scheduled" or not terms.allowed:
        raise InvalidInput("This session can no longer be changed.", field="session")
    appointment.status = "cancelled"
    appointment.cancelled_at = rt.now()
    appointment.cancelled_by = "client"
    appointment.late_cancellation = terms.late
    booking_changed(db, rt, appointment_id=appointment.id)
    _record(db, rt, actor, appointment, "cancel", origin, {"late": terms.late})
    when = appointment.starts_at.astimezone(zone)
    late = (
        f" This is a late cancellation (less than {settings.cancellation_notice_hours} hours' "
        "notice)."
        if terms.late
        else ""
    )
    _tell(
        db,
        rt,
        actor,
        episode,
        f"{_name(db, actor)} cancelled their session on {when:%a %d %b %H:%M}.{late}",
        appointment.id,
    )
    if commit:
        db.commit()
    return appointment


def free_times(db: Session, rt: Runtime, *, actor: Actor, appointment_id: int) -> list[datetime]:
    """The therapist's free start times over the next four weeks for a session of this length,
    in the practice's local time."""
    appointment, episode = _own_appointment(db, actor, appointment_id)
    practice, zone = _practice(db, actor)
    settings = diary.scheduling_settings(db, practice.id)
    if not settings.clients_may_rebook:
        return []
    now = rt.now()
    # Not sooner than the notice period: a new time should not itself be a late booking.
    not_before = now + timedelta(hours=max(settings.cancellation_notice_hours, 1))
    first_day: date = not_before.astimezone(zone).date()
    last_day = first_day + timedelta(days=REBOOK_DAYS)
    hours = diary.availability(
        db, episode.therapist_id, first_day=first_day, last_day=last_day, zone=zone
    )
    busy = [
        b.interval
        for b in live_bookings(
            db,
            practice_id=practice.id,
            start=start_of_local_day(first_day, zone),
            end=start_of_local_day(last_day + timedelta(days=1), zone),
        )
        if b.ref != appointment.id
        and (
            b.therapist_id == episode.therapist_id
            or (appointment.room and b.room == appointment.room)
        )
    ]
    starts = free_starts(
        hours.open,
        busy,
        length=timedelta(minutes=appointment.duration_minutes),
        step=timedelta(minutes=settings.slot_minutes),
        not_before=not_before,
        limit=60,
    )
    return [s.astimezone(zone) for s in starts]


def rebook_own_session(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    appointment_id: int,
    starts_at: str,
    origin: Origin | None = None,
) -> AppointmentRow:
    """Move to another free time: the old session is cancelled (late or not, by the policy) and
    a new one booked at ``starts_at``, which must be one of :func:`free_times`."""
    appointment, episode = _own_appointment(db, actor, appointment_id)
    _, zone = _practice(db, actor)
    try:
        chosen = datetime.fromisoformat(starts_at.strip())
    except ValueError:
        raise InvalidInput("Choose one of the times shown.", field="starts_at") from None
    offered = free_times(db, rt, actor=actor, appointment_id=appointment_id)
    if chosen.tzinfo is None or chosen not in offered:
        raise InvalidInput(
            "That time is no longer free. Please choose one of the times shown.", field="starts_at"
        )
    therapist = db.get(UserRow, episode.therapist_id)
    assert therapist is not None
    start = chosen.astimezone(UTC)
    check_proposals(
        db,
        therapist=therapist,
        zone=zone,
        proposals=[Interval(start, start + timedelta(minutes=appointment.duration_minutes))],
        room=appointment.room if appointment.mode == "in_person" else None,
        ignore_ref=appointment.id,
    )
    old_start = appointment.starts_at.astimezone(zone)
    cancel_own_session(
        db, rt, actor=actor, appointment_id=appointment_id, origin=origin, commit=False
    )
    new = schedule_appointment(
        db,
        rt,
        episode_id=episode.id,
        starts_at=start,
        duration_minutes=appointment.duration_minutes,
        commit=False,
    )
    new.mode = appointment.mode
    new.room = appointment.room
    new.video_link = appointment.video_link
    new.booked_at = rt.now()
    db.flush()
    booking_changed(db, rt, appointment_id=new.id)
    _record(db, rt, actor, new, "rebook", origin, {"instead_of": appointment.id})
    _tell(
        db,
        rt,
        actor,
        episode,
        f"{_name(db, actor)} moved their session from {old_start:%a %d %b %H:%M} to "
        f"{chosen:%a %d %b %H:%M}.",
        new.id,
    )
    db.commit()
    return new


def _name(db: Session, actor: Actor) -> str:
    client = db.get(ClientRow, actor.client_id)
    return client.display_name if client else "A client"


def _record(
    db: Session,
    rt: Runtime,
    actor: Actor,
    appointment: AppointmentRow,
    what: str,
    origin: Origin | None,
    detail: dict[str, object],
) -> None:
    audit.record(
        db,
        actor=actor,
        action="create" if what == "rebook" else "update",
        entity="booking",
        entity_id=appointment.id,
        client_id=actor.client_id,
        origin=origin,
        at=rt.now(),
        detail={"change": what, "by": "client", **detail},
    )


def _tell(
    db: Session, rt: Runtime, actor: Actor, episode: EpisodeRow, summary: str, appointment_id: int
) -> None:
    raise_alert(
        db,
        rt,
        recipient_user_id=episode.therapist_id,
        kind="booking",
        severity="routine",
        summary=summary,
        client_id=actor.client_id,
        link=f"/sessions/{appointment_id}",
        detail={"appointment_id": appointment_id, "by": "client"},
    )
