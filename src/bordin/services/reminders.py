"""Session reminders by email and SMS, in the client's language, with a way to stop them.

Planning (:func:`schedule_reminders_for`): whenever a session is booked, moved or cancelled,
the booking code calls this inside its own transaction. It queues one ``reminder`` job per
offset in ``BORDIN_REMINDER_HOURS`` and channel in ``BORDIN_REMINDER_CHANNELS`` (keys carry the
session's start, so a moved session gets fresh reminders and the old ones are cancelled), a
``booking_email`` job (the confirmation with a calendar invite) and the ``session_ended`` job
(attendance prompt, ``services/attendance.py``).

Sending (:func:`send_reminder`, run by the worker): for each client of the session, unless
they opted out of that channel or have no address or number. A reminder says only that there
is an appointment at the practice, when, and how to stop reminders: never the therapist's name,
the kind of appointment or anything clinical. Each one sent is written down (``DeliveryRow``)
before the job finishes, so a job re-run after a crash does not send it again.

Opting out: every reminder carries a link signed with the install's secret key for that client
and channel (:func:`opt_out_token`); opening it and confirming records the opt-out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bordin.domain.errors import LinkUnavailable, NotFound
from bordin.notify.base import DeliveryError, Message
from bordin.services import audit, jobs
from bordin.services.feedback_links import local_time
from bordin.services.jobs import ClaimedJob
from bordin.services.practice import has_consent, participant_ids
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    ContactOptOutRow,
    DeliveryRow,
    EpisodeRow,
    PracticeRow,
)

log = logging.getLogger("bordin.reminders")

CHANNELS = ("email", "sms")


def appointment_prefix(appointment_id: int) -> str:
    return f"appt:{appointment_id}:"


def schedule_reminders_for(db: Session, rt: Runtime, *, appointment_id: int) -> None:
    """(Re)plan the jobs of one session; never commits (joins the booking's transaction)."""
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None:
        raise NotFound("session not found")
    now = rt.now()
    prefix = appointment_prefix(appointment_id)
    if appointment.status == "cancelled":
        jobs.cancel_prefix(db, prefix=prefix)
        return
    if appointment.status != "scheduled":
        jobs.cancel_prefix(db, prefix=prefix + "reminder:")
        return
    start = appointment.starts_at
    stamp = start.strftime("%Y%m%dT%H%M")
    keep: list[str] = []
    for hours in rt.settings.reminder_hours:
        run_at = start - timedelta(hours=hours)
        if run_at <= now:
            continue  # booked too late for this reminder
        for channel in rt.settings.reminder_channels:
            key = f"{prefix}reminder:{channel}:{hours}h:{stamp}"
            keep.append(key)
            jobs.enqueue(
                db,
                kind="reminder",
                key=key,
                run_at=run_at,
                payload={
                    "appointment_id": appointment_id,
                    "channel": channel,
                    "hours": hours,
                    "starts_at": start.isoformat(),
                },
                now=now,
            )
    jobs.cancel_prefix(db, prefix=prefix + "reminder:", keep=keep)
    if start > now:
        jobs.enqueue(
            db,
            kind="booking_email",
            key=f"{prefix}booking:{stamp}",
            run_at=now,
            payload={"appointment_id": appointment_id, "starts_at": start.isoformat()},
            now=now,
        )
    jobs.enqueue(
        db,
        kind="session_ended",
        key=f"{prefix}ended",
        run_at=start + timedelta(minutes=appointment.duration_minutes),
        payload={"appointment_id": appointment_id},
        now=now,
    )


# ---- opting out -------------------------------------------------------------------------------


def opt_out_token(rt: Runtime, *, client_id: int, channel: str) -> str:
    """A link token that lets one client stop one channel's reminders (no expiry)."""
    body = f"{client_id}:{channel}"
    mac = hmac.new(rt.settings.signing_key(), f"opt-out:{body}".encode(), hashlib.sha256)
    raw = f"{body}:{mac.hexdigest()[:32]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class OptOutLinkUnavailable(LinkUnavailable):
    """The opt-out link is not one Bordin made (mistyped or cut short)."""

    def __init__(self) -> None:
        super().__init__(
            "We could not read this link. Please open the whole link from the message, or ask "
            "your practice to stop the reminders for you."
        )


@dataclass(frozen=True)
class OptOutRequest:
    client_id: int
    channel: str


def read_opt_out_token(rt: Runtime, token: str) -> OptOutRequest:
    """The client and channel behind a signed opt-out token, or ``OptOutLinkUnavailable``."""
    try:
        padded = token + "=" * (-len(token) % 4)
        client, channel, _mac = base64.urlsafe_b64decode(padded.encode()).decode().split(":")
        client_id = int(client)
    except (ValueError, UnicodeDecodeError):
        raise OptOutLinkUnavailable() from None
    if channel not in CHANNELS or not hmac.compare_digest(
        opt_out_token(rt, client_id=client_id, channel=channel), token.rstrip("=")
    ):
        raise OptOutLinkUnavailable()
    return OptOutRequest(client_id, channel)


def opt_out(db: Session, rt: Runtime, *, token: str) -> OptOutRequest:
    """Record that a client wants no more reminders on one channel; idempotent. Commits."""
    request = read_opt_out_token(rt, token)
    if db.get(ClientRow, request.client_id) is None:
        raise OptOutLinkUnavailable()
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.execute(
        insert(ContactOptOutRow)
        .values(client_id=request.client_id, channel=request.channel, opted_out_at=rt.now())
        .on_conflict_do_nothing(index_elements=["client_id", "channel"])
    )
    audit.record(
        db,
        actor=None,
        action="update",
        entity="reminder_opt_out",
        client_id=request.client_id,
        at=rt.now(),
        detail={"channel": request.channel},
    )
    db.commit()
    return request


def opted_out(db: Session, client_id: int, channel: str) -> bool:
    return (
        db.scalar(
            select(ContactOptOutRow.id).where(
                ContactOptOutRow.client_id == client_id, ContactOptOutRow.channel == channel
            )
        )
        is not None
    )


def opt_out_url(rt: Runtime, *, client_id: int, channel: str) -> str:
    token = opt_out_token(rt, client_id=client_id, channel=channel)
    return f"{rt.settings.base_url.rstrip('/')}/reminders/stop/{token}"


# ---- sending ---------------------------------------------------------------------------------


def recipient(db: Session, client: ClientRow, channel: str) -> str | None:
    """Where this client gets reminders on ``channel``, or ``None`` (no address, opted out)."""
    if opted_out(db, client.id, channel):
        return None
    if channel == "email":
        if not client.email or not has_consent(db, client.id, "email_contact"):
            return None
        return client.email
    phone = (client.phone or "").replace(" ", "")
    return phone if phone.startswith("+") else None


def record_delivery(
    db: Session,
    rt: Runtime,
    *,
    key: str,
    channel: str,
    client_id: int | None,
    appointment_id: int | None,
    status: str,
) -> None:
    """Write down that a message went (or failed for good); the caller commits."""
    db.add(
        DeliveryRow(
            key=key,
            channel=channel,
            client_id=client_id,
            appointment_id=appointment_id,
            status=status,
            at=rt.now(),
        )
    )


def delivered(db: Session, key: str) -> bool:
    return db.scalar(select(DeliveryRow.id).where(DeliveryRow.key == key)) is not None


def upcoming_for_job(db: Session, rt: Runtime, job: ClaimedJob) -> AppointmentRow | None:
    """The job's session if it is still booked at the time the job was planned for, and ahead.

    ``None`` when it was cancelled, moved (a newer job covers the new time) or has begun.
    """
    appointment = db.get(AppointmentRow, int(job.payload["appointment_id"]))
    if (
        appointment is None
        or appointment.status != "scheduled"
        or appointment.starts_at.isoformat() != job.payload["starts_at"]
        or appointment.starts_at <= rt.now()
    ):
        return None
    return appointment


def send_to_each_client(
    db: Session,
    rt: Runtime,
    *,
    job: ClaimedJob,
    appointment: AppointmentRow,
    channel: str,
    compose: Callable[[PracticeRow, ClientRow, str], Message],
) -> None:
    """Send ``compose(practice, client, to)`` to each client of the session on ``channel``.

    Skips clients already recorded for this job (a re-run after a crash), without an address
    or number, or opted out. Each message sent (or refused for good) is recorded and committed
    at once. A temporary failure raises ``DeliveryError`` after the others went, so the worker
    retries only what is left.
    """
    episode = db.get(EpisodeRow, appointment.episode_id)
    assert episode is not None
    practice = db.get(PracticeRow, episode.practice_id)
    assert practice is not None
    transport = rt.transport if channel == "email" else rt.sms_transport
    temporary: DeliveryError | None = None
    for client_id in participant_ids(db, episode.id):
        key = f"{job.key}:client:{client_id}"
        client = db.get(ClientRow, client_id)
        if client is None or delivered(db, key):
            continue
        to = recipient(db, client, channel)
        if to is None:
            continue
        try:
            transport.send(compose(practice, client, to))
        except DeliveryError as error:
            log.warning(
                "%s job %s to client %s not delivered (permanent=%s)",
                job.kind,
                job.id,
                client_id,
                error.permanent,
            )
            if not error.permanent:
                temporary = error
                continue
            status = "failed"
        else:
            status = "sent"
        record_delivery(
            db,
            rt,
            key=key,
            channel=channel,
            client_id=client_id,
            appointment_id=appointment.id,
            status=status,
        )
        db.commit()
    if temporary is not None:
        raise temporary


def send_reminder(db: Session, rt: Runtime, *, job: ClaimedJob) -> None:
    """The ``reminder`` job: one reminder to each client of the session (module docstring)."""
    appointment = upcoming_for_job(db, rt, job)
    if appointment is None:
        return
    channel = str(job.payload["channel"])
    send_to_each_client(
        db,
        rt,
        job=job,
        appointment=appointment,
        channel=channel,
        compose=lambda practice, client, to: reminder_message(
            rt, practice, appointment, client, channel, to
        ),
    )


# ---- wording, in the client's language --------------------------------------------------------

_DAYS = {
    "English": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "Spanish": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "French": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "German": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
}
_MONTHS = {
    "English": "January February March April May June July August September October November "
    "December",
    "Spanish": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "French": "janvier février mars avril mai juin juillet août septembre octobre novembre "
    "décembre",
    "German": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
}
#: subject, body (``{practice}``, ``{when}``) and the opt-out line (``{url}``), by language.
_WORDS = {
    "English": (
        "Appointment reminder ({practice})",
        "This is a reminder of your appointment at {practice} on {when}. If you cannot come, "
        "please let the practice know.",
        "Stop these reminders: {url}",
    ),
    "Spanish": (
        "Recordatorio de cita ({practice})",
        "Le recordamos su cita en {practice} el {when}. Si no puede venir, avise a la consulta.",
        "Para no recibir más recordatorios: {url}",
    ),
    "French": (
        "Rappel de rendez-vous ({practice})",
        "Nous vous rappelons votre rendez-vous chez {practice} le {when}. Si vous ne pouvez "
        "pas venir, merci de prévenir le cabinet.",
        "Ne plus recevoir ces rappels : {url}",
    ),
    "German": (
        "Terminerinnerung ({practice})",
        "Wir erinnern Sie an Ihren Termin bei {practice} am {when}. Wenn Sie nicht kommen "
        "können, sagen Sie bitte der Praxis Bescheid.",
        "Keine Erinnerungen mehr: {url}",
    ),
}
LANGUAGES = tuple(_WORDS)


def spoken_time(moment: datetime, language: str) -> str:
    """``Tuesday 3 November at 14:00`` in one of :data:`LANGUAGES` (English otherwise)."""
    lang = language if language in _WORDS else "English"
    day = _DAYS[lang][moment.weekday()]
    month = _MONTHS[lang].split()[moment.month - 1]
    joiner = {"English": "at", "Spanish": "a las", "French": "à", "German": "um"}[lang]
    return f"{day} {moment.day} {month} {joiner} {moment:%H:%M}"


def reminder_message(
    rt: Runtime,
    practice: PracticeRow,
    appointment: AppointmentRow,
    client: ClientRow,
    channel: str,
    to: str,
) -> Message:
    """The reminder itself: practice, time and the opt-out link; nothing clinical."""
    lang = client.preferred_language if client.preferred_language in _WORDS else "English"
    subject, body, stop = _WORDS[lang]
    when = spoken_time(local_time(practice, appointment.starts_at), lang)
    url = opt_out_url(rt, client_id=client.id, channel=channel)
    text = body.format(practice=practice.name, when=when) + "\n\n" + stop.format(url=url) + "\n"
    if channel == "sms":
        text = text.replace("\n\n", " ").strip()
    return Message(
        to=to,
        subject=subject.format(practice=practice.name),
        text=text,
        kind="reminder",
        reference=f"appointment:{appointment.id}",
        channel=channel,
    )
