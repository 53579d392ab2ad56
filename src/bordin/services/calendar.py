"""Calendars: each therapist's private ICS feed, and the invite sent with a booking email.

**Feeds.** A therapist makes a feed (:func:`create_feed`) and gets a URL with a 256-bit token;
only the token's SHA-256 hash is stored. Making a new one or revoking (:func:`revoke_feed`)
ends the old URL. The feed lists their sessions from 30 days back to 180 days ahead, cancelled
ones marked cancelled. Events show the session number and the client's pseudonym; client
names appear only when the therapist chose so (``show_client_names``), because calendar apps
sync feeds to other devices and services.

**Invites.** :func:`booking_invite` is one event (``METHOD:REQUEST``, or ``CANCEL`` for a
cancelled session) that calendar apps add or update by its ``UID``. The ``booking_email`` job
(:func:`send_booking_email`) emails it to each client with a plain confirmation: the practice
and the time, nothing clinical.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import LinkUnavailable, NotFound
from bordin.notify.base import Attachment, Message
from bordin.services import audit
from bordin.services.feedback_links import local_time
from bordin.services.jobs import ClaimedJob
from bordin.services.reminders import send_to_each_client, spoken_time, upcoming_for_job
from bordin.services.runtime import Runtime
from bordin.services.tokens import new_token, token_hash
from bordin.storage.tables import (
    AppointmentRow,
    CalendarFeedRow,
    ClientRow,
    EpisodeRow,
    ParticipantRow,
    PracticeRow,
)

if TYPE_CHECKING:
    from icalendar import Calendar, Event

PRODID = "-//Bordin//Sessions//EN"
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 180


def _calendar(method: str | None = None) -> Calendar:
    # icalendar loads with the first feed or invite, not when a web worker starts (issue 15).
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def _uid(rt: Runtime, appointment_id: int) -> str:
    host = rt.settings.base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"appointment-{appointment_id}@{host or 'bordin'}"


def _event(rt: Runtime, appointment: AppointmentRow, summary: str, *, sequence: int) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", _uid(rt, appointment.id))
    event.add("dtstamp", rt.now())
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.starts_at + timedelta(minutes=appointment.duration_minutes))
    event.add("summary", summary)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if appointment.status == "cancelled" else "CONFIRMED")
    return event


# ---- the therapist's feed ---------------------------------------------------------------------


def create_feed(db: Session, rt: Runtime, *, actor: Actor, show_client_names: bool = False) -> str:
    """Make a new feed for the signed-in therapist (ending any old one); returns the token."""
    if actor.user_id is None:
        raise NotFound("only staff have calendar feeds")
    _revoke(db, rt, actor.user_id)
    token = new_token()
    db.add(
        CalendarFeedRow(
            user_id=actor.user_id,
            token_hash=token_hash(token),
            show_client_names=show_client_names,
            created_at=rt.now(),
        )
    )
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="calendar_feed",
        at=rt.now(),
        detail={"show_client_names": show_client_names},
    )
    db.commit()
    return token


def _revoke(db: Session, rt: Runtime, user_id: int) -> int:
    revoked = 0
    for feed in db.scalars(
        select(CalendarFeedRow).where(
            CalendarFeedRow.user_id == user_id, CalendarFeedRow.revoked_at.is_(None)
        )
    ):
        feed.revoked_at = rt.now()
        revoked += 1
    return revoked


def revoke_feed(db: Session, rt: Runtime, *, actor: Actor) -> int:
    """End the signed-in therapist's feed; returns how many URLs stopped working."""
    if actor.user_id is None:
        return 0
    revoked = _revoke(db, rt, actor.user_id)
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="calendar_feed",
        at=rt.now(),
        detail={"revoked": revoked},
    )
    db.commit()
    return revoked


def active_feed(db: Session, *, actor: Actor) -> CalendarFeedRow | None:
    return db.scalar(
        select(CalendarFeedRow).where(
            CalendarFeedRow.user_id == actor.user_id, CalendarFeedRow.revoked_at.is_(None)
        )
    )


def feed_url(rt: Runtime, token: str) -> str:
    return f"{rt.settings.base_url.rstrip('/')}/calendar/{token}.ics"


class FeedUnavailable(LinkUnavailable):
    def __init__(self) -> None:
        super().__init__("This calendar address is not valid any more. Make a new one in Bordin.")


def feed_ics(db: Session, rt: Runtime, *, token: str) -> bytes:
    """The feed behind ``token`` as iCalendar text, or ``FeedUnavailable``."""
    if not token or len(token) > 200:
        raise FeedUnavailable()
    feed = db.scalar(
        select(CalendarFeedRow).where(
            CalendarFeedRow.token_hash == token_hash(token), CalendarFeedRow.revoked_at.is_(None)
        )
    )
    if feed is None:
        raise FeedUnavailable()
    now = rt.now()
    rows = db.execute(
        select(AppointmentRow, ClientRow.pseudonym, ClientRow.display_name)
        .join(EpisodeRow, EpisodeRow.id == AppointmentRow.episode_id)
        .join(ParticipantRow, ParticipantRow.episode_id == EpisodeRow.id)
        .join(ClientRow, ClientRow.id == ParticipantRow.client_id)
        .where(
            EpisodeRow.therapist_id == feed.user_id,
            AppointmentRow.starts_at >= now - timedelta(days=FEED_DAYS_BACK),
            AppointmentRow.starts_at <= now + timedelta(days=FEED_DAYS_AHEAD),
        )
        .order_by(AppointmentRow.starts_at, ParticipantRow.id)
    ).all()
    who: dict[int, list[str]] = {}
    appointments: dict[int, AppointmentRow] = {}
    for appointment, pseudonym, name in rows:
        appointments[appointment.id] = appointment
        who.setdefault(appointment.id, []).append(name if feed.show_client_names else pseudonym)
    cal = _calendar()
    cal.add("x-wr-calname", "Bordin sessions")
    for appointment_id, appointment in appointments.items():
        summary = f"Session {appointment.number}: {' & '.join(who[appointment_id])}"
        if appointment.status == "cancelled":
            summary += " (cancelled)"
        cal.add_component(_event(rt, appointment, summary, sequence=0))
    return bytes(cal.to_ical())


# ---- the client's invite --------------------------------------------------------------------


def booking_invite(db: Session, rt: Runtime, *, appointment_id: int) -> bytes:
    """One event for a client's calendar: the practice and the time, nothing clinical."""
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None:
        raise NotFound("session not found")
    episode = db.get(EpisodeRow, appointment.episode_id)
    assert episode is not None
    practice = db.get(PracticeRow, episode.practice_id)
    assert practice is not None
    cancelled = appointment.status == "cancelled"
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    # Later changes must carry a higher SEQUENCE; minutes since 2020 always grow.
    sequence = int((rt.now() - datetime(2020, 1, 1, tzinfo=rt.now().tzinfo)).total_seconds() // 60)
    cal.add_component(_event(rt, appointment, f"Appointment at {practice.name}", sequence=sequence))
    return bytes(cal.to_ical())


def send_booking_email(db: Session, rt: Runtime, *, job: ClaimedJob) -> None:
    """The ``booking_email`` job: confirm a booking to each client, with the invite attached."""
    appointment = upcoming_for_job(db, rt, job)
    if appointment is None:
        return
    invite = Attachment(
        "appointment.ics",
        "text/calendar",
        booking_invite(db, rt, appointment_id=appointment.id),
    )

    def compose(practice: PracticeRow, client: ClientRow, to: str) -> Message:
        when = spoken_time(local_time(practice, appointment.starts_at), "English")
        return Message(
            to=to,
            subject=f"Your appointment at {practice.name}",
            text=(
                "Hello,\n\n"
                f"Your appointment at {practice.name} is booked for {when}. The attached "
                "invite adds it to your calendar. If you cannot come, please let the practice "
                "know.\n"
            ),
            kind="booking",
            reference=f"appointment:{appointment.id}",
            attachments=(invite,),
        )

    send_to_each_client(db, rt, job=job, appointment=appointment, channel="email", compose=compose)
