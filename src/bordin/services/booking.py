"""Booking, moving and cancelling sessions by staff: single or recurring, in person or remote.

Every proposal is checked against the therapist's other sessions, the room's other sessions,
the therapist's working hours and their leave (``domain.scheduling.find_clashes``); a clash is
refused with a message naming the field to change, and nothing is stored. A series is all or
nothing: one clashing date refuses the whole series, listing each clash by date.

Times come in as the practice's local date and time (as the person booking reads them) and are
stored in UTC. Every change is audited for each client of the episode; when someone other than
the therapist changes their diary, the therapist gets an in-app alert. Reminder jobs are
re-planned after each change (:func:`booking_changed`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.domain.scheduling import (
    FREQUENCIES,
    Booking,
    Interval,
    expand_series,
    find_clashes,
    local_instant,
)
from bordin.services import audit, reminders
from bordin.services import scheduling as diary
from bordin.services.alerts import raise_alert
from bordin.services.audit import Origin
from bordin.services.practice import participant_ids, schedule_appointment
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AppointmentRow,
    AppointmentSeriesRow,
    ClientRow,
    EpisodeRow,
    PracticeRow,
    UserRow,
)

MODES = {"in_person": "In person", "remote": "Video"}
MAX_SERIES = 52
VIDEO_LINK = re.compile(r"^https://[^\s]+$")


def booking_changed(db: Session, rt: Runtime, *, appointment_id: int) -> None:
    """Called inside every booking transaction, after a session is booked, moved or cancelled:
    (re)plans its reminders and end-of-session prompt (``services/reminders.py``)."""
    reminders.schedule_reminders_for(db, rt, appointment_id=appointment_id)


def _episode_for(db: Session, actor: Actor, episode_id: int) -> tuple[EpisodeRow, UserRow]:
    episode = db.get(EpisodeRow, episode_id)
    if episode is None:
        raise NotFound("episode not found")
    therapist = diary.therapist_for(db, actor, episode.therapist_id, manage=True)
    if episode.practice_id != actor.practice_id:
        raise NotFound("episode not found")
    return episode, therapist


def _zone(db: Session, practice_id: int) -> tuple[PracticeRow, ZoneInfo]:
    practice = db.get(PracticeRow, practice_id)
    assert practice is not None
    return practice, diary.practice_zone(practice)


def live_bookings(
    db: Session, *, practice_id: int, start: datetime, end: datetime
) -> list[Booking]:
    """Sessions not cancelled that may overlap [start, end), across the practice."""
    rows = db.execute(
        select(AppointmentRow, EpisodeRow.therapist_id)
        .join(EpisodeRow, EpisodeRow.id == AppointmentRow.episode_id)
        .where(
            EpisodeRow.practice_id == practice_id,
            AppointmentRow.status != "cancelled",
            AppointmentRow.starts_at < end,
            AppointmentRow.starts_at > start - timedelta(hours=12),
        )
    ).all()
    return [
        Booking(
            row.id,
            therapist_id,
            Interval(row.starts_at, row.starts_at + timedelta(minutes=row.duration_minutes)),
            row.room if row.mode == "in_person" else None,
        )
        for row, therapist_id in rows
    ]


def check_proposals(
    db: Session,
    *,
    therapist: UserRow,
    zone: ZoneInfo,
    proposals: Sequence[Interval],
    room: str | None,
    ignore_ref: int | None = None,
) -> None:
    """Raise InvalidInput listing every clash of every proposed interval (by date when several)."""
    if not proposals:
        return
    first, last = min(p.start for p in proposals), max(p.end for p in proposals)
    existing = live_bookings(db, practice_id=therapist.practice_id, start=first, end=last)
    hours = diary.availability(
        db,
        therapist.id,
        first_day=first.astimezone(zone).date(),
        last_day=last.astimezone(zone).date(),
        zone=zone,
    )
    errors: list[FieldError] = []
    for interval in proposals:
        clashes = find_clashes(
            Booking(None, therapist.id, interval, room),
            existing,
            open_intervals=hours.open,
            leave=hours.leave,
            zone=zone,
            ignore_ref=ignore_ref,
        )
        for clash in clashes:
            message = clash.message
            if len(proposals) > 1:
                message = f"{interval.start.astimezone(zone):%a %d %b}: {message}"
            errors.append(FieldError(clash.field, message))
    if errors:
        raise InvalidInput(errors)


def _where(
    settings: diary.SchedulingSettings, mode: str, room: str, video_link: str
) -> tuple[str | None, str | None, list[FieldError]]:
    errors: list[FieldError] = []
    if mode not in MODES:
        errors.append(FieldError("mode", "Choose in person or video."))
        return None, None, errors
    room_name = room.strip() or None
    link = video_link.strip() or None
    if mode == "in_person":
        link = None
        if settings.rooms and room_name is None:
            errors.append(FieldError("room", "Choose a room for an in-person session."))
        elif room_name and settings.rooms and room_name not in settings.rooms:
            errors.append(FieldError("room", "Choose one of the practice's rooms."))
    else:
        room_name = None
        if link is not None and (len(link) > 500 or not VIDEO_LINK.match(link)):
            errors.append(FieldError("video_link", "Enter the full https:// address of the call."))
    return room_name, link, errors


def book_sessions(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    episode_id: int,
    day: str,
    at: str,
    frequency: str = "once",
    count: str | int = 1,
    duration_minutes: str | int = "",
    mode: str = "in_person",
    room: str = "",
    video_link: str = "",
    origin: Origin | None = None,
) -> list[AppointmentRow]:
    """Book one session, or a weekly or fortnightly series, at local ``day`` and ``at``."""
    episode, therapist = _episode_for(db, actor, episode_id)
    practice, zone = _zone(db, therapist.practice_id)
    settings = diary.scheduling_settings(db, practice.id)
    errors: list[FieldError] = []
    first_day: date | None = None
    clock: time | None = None
    try:
        first_day = diary.parse_day(day, "date")
    except InvalidInput as bad:
        errors.extend(bad.errors)
    try:
        clock = diary.parse_clock(at, "time")
    except InvalidInput as bad:
        errors.extend(bad.errors)
    if frequency not in ("once", *FREQUENCIES):
        errors.append(FieldError("frequency", "Choose once, every week or every other week."))
    occurrences = 1
    if frequency in FREQUENCIES:
        try:
            occurrences = int(str(count).strip())
        except ValueError:
            occurrences = 0
        if not 2 <= occurrences <= MAX_SERIES:
            errors.append(
                FieldError("count", f"Enter a number of sessions from 2 to {MAX_SERIES}.")
            )
    length = settings.session_minutes
    if str(duration_minutes).strip():
        try:
            length = int(str(duration_minutes).strip())
        except ValueError:
            length = 0
        if not 10 <= length <= 240:
            errors.append(FieldError("duration_minutes", "Enter a length from 10 to 240 minutes."))
    room_name, link, where_errors = _where(settings, mode, room, video_link)
    errors.extend(where_errors)
    if episode.status != "active":
        errors.append(FieldError("client", "This client's therapy has ended; reopen it first."))
    if errors:
        raise InvalidInput(errors)
    assert first_day is not None and clock is not None
    if frequency == "once":
        starts = [local_instant(first_day, clock, zone)]
    else:
        starts = expand_series(
            first_day=first_day, at=clock, zone=zone, frequency=frequency, count=occurrences
        )
    if starts[0] <= rt.now():
        raise InvalidInput("Choose a time in the future.", field="date")
    intervals = [Interval(s, s + timedelta(minutes=length)) for s in starts]
    check_proposals(db, therapist=therapist, zone=zone, proposals=intervals, room=room_name)
    series_id = None
    if frequency != "once":
        series = AppointmentSeriesRow(
            episode_id=episode.id,
            frequency=frequency,
            first_day=first_day,
            local_time=clock,
            timezone=str(zone.key),
            count=occurrences,
            created_at=rt.now(),
            created_by_user_id=actor.user_id,
        )
        db.add(series)
        db.flush()
        series_id = series.id
    made: list[AppointmentRow] = []
    for start in starts:
        appointment = schedule_appointment(
            db, rt, episode_id=episode.id, starts_at=start, duration_minutes=length, commit=False
        )
        appointment.mode = mode
        appointment.room = room_name
        appointment.video_link = link
        appointment.series_id = series_id
        appointment.booked_at = rt.now()
        db.flush()
        made.append(appointment)
        booking_changed(db, rt, appointment_id=appointment.id)
    _audit(db, rt, actor, episode.id, made[0].id, "book", origin, {"sessions": len(made)})
    _tell_therapist(
        db,
        rt,
        actor,
        episode,
        f"{client_names(db, episode.id)}: {len(made)} session(s) booked from "
        f"{starts[0].astimezone(zone):%a %d %b %H:%M}.",
        made[0].id,
    )
    db.commit()
    return made


def appointment_for_staff(
    db: Session, actor: Actor, appointment_id: int
) -> tuple[AppointmentRow, EpisodeRow, UserRow]:
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None:
        raise NotFound("session not found")
    try:
        episode, therapist = _episode_for(db, actor, appointment.episode_id)
    except NotFound:
        raise NotFound("session not found") from None
    return appointment, episode, therapist


def move_session(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    appointment_id: int,
    day: str,
    at: str,
    mode: str | None = None,
    room: str | None = None,
    video_link: str | None = None,
    origin: Origin | None = None,
) -> AppointmentRow:
    """Move a scheduled session to another local date and time (and, optionally, place)."""
    appointment, episode, therapist = appointment_for_staff(db, actor, appointment_id)
    practice, zone = _zone(db, therapist.practice_id)
    if appointment.status != "scheduled":
        raise InvalidInput("Only a session still to come can be moved.", field="status")
    settings = diary.scheduling_settings(db, practice.id)
    errors: list[FieldError] = []
    try:
        new_day = diary.parse_day(day, "date")
        clock = diary.parse_clock(at, "time")
    except InvalidInput as bad:
        raise InvalidInput(bad.errors) from None
    room_name, link, where_errors = _where(
        settings,
        mode if mode is not None else appointment.mode,
        room if room is not None else (appointment.room or ""),
        video_link if video_link is not None else (appointment.video_link or ""),
    )
    errors.extend(where_errors)
    start = local_instant(new_day, clock, zone)
    if start <= rt.now():
        errors.append(FieldError("date", "Choose a time in the future."))
    if errors:
        raise InvalidInput(errors)
    interval = Interval(start, start + timedelta(minutes=appointment.duration_minutes))
    check_proposals(
        db,
        therapist=therapist,
        zone=zone,
        proposals=[interval],
        room=room_name,
        ignore_ref=appointment.id,
    )
    before = appointment.starts_at
    appointment.starts_at = start
    appointment.mode = mode if mode is not None else appointment.mode
    appointment.room = room_name
    appointment.video_link = link
    booking_changed(db, rt, appointment_id=appointment.id)
    _audit(
        db,
        rt,
        actor,
        episode.id,
        appointment.id,
        "move",
        origin,
        {"from": before.isoformat(), "to": start.isoformat()},
    )
    _tell_therapist(
        db,
        rt,
        actor,
        episode,
        f"{client_names(db, episode.id)}: session moved from "
        f"{before.astimezone(zone):%a %d %b %H:%M} to {start.astimezone(zone):%a %d %b %H:%M}.",
        appointment.id,
    )
    db.commit()
    return appointment


def cancel_session(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    appointment_id: int,
    origin: Origin | None = None,
) -> AppointmentRow:
    """Cancel a session on the practice's side (never counted as a late cancellation)."""
    appointment, episode, therapist = appointment_for_staff(db, actor, appointment_id)
    if appointment.status != "scheduled":
        raise InvalidInput("Only a session still to come can be cancelled.", field="status")
    _, zone = _zone(db, therapist.practice_id)
    appointment.status = "cancelled"
    appointment.cancelled_at = rt.now()
    appointment.cancelled_by = "practice"
    booking_changed(db, rt, appointment_id=appointment.id)
    _audit(db, rt, actor, episode.id, appointment.id, "cancel", origin, {"by": "practice"})
    _tell_therapist(
        db,
        rt,
        actor,
        episode,
        f"{client_names(db, episode.id)}: session on "
        f"{appointment.starts_at.astimezone(zone):%a %d %b %H:%M} cancelled by the practice.",
        appointment.id,
    )
    db.commit()
    return appointment


def _audit(
    db: Session,
    rt: Runtime,
    actor: Actor,
    episode_id: int,
    appointment_id: int,
    what: str,
    origin: Origin | None,
    detail: dict[str, object],
) -> None:
    for client_id in participant_ids(db, episode_id):
        audit.record(
            db,
            actor=actor,
            action="create" if what == "book" else "update",
            entity="booking",
            entity_id=appointment_id,
            client_id=client_id,
            origin=origin,
            at=rt.now(),
            detail={"change": what, **detail},
        )


def client_names(db: Session, episode_id: int) -> str:
    """The episode's clients' names, "Birch Sample and Cedar Sample"."""
    names = db.scalars(
        select(ClientRow.display_name).where(ClientRow.id.in_(participant_ids(db, episode_id)))
    )
    return " and ".join(sorted(names))


def _tell_therapist(
    db: Session, rt: Runtime, actor: Actor, episode: EpisodeRow, summary: str, appointment_id: int
) -> None:
    """An in-app alert when someone other than the therapist changed their diary."""
    if actor.user_id == episode.therapist_id:
        return
    clients = participant_ids(db, episode.id)
    raise_alert(
        db,
        rt,
        recipient_user_id=episode.therapist_id,
        kind="booking",
        severity="routine",
        summary=summary,
        client_id=clients[0] if clients else None,
        link=f"/sessions/{appointment_id}",
        detail={"appointment_id": appointment_id},
    )


def bookable_episodes(db: Session, actor: Actor) -> list[tuple[int, str]]:
    """(episode id, "client names — therapist") for the active episodes ``actor`` may book."""
    query = (
        select(EpisodeRow.id, UserRow.display_name, UserRow.id)
        .join(UserRow, UserRow.id == EpisodeRow.therapist_id)
        .where(EpisodeRow.practice_id == actor.practice_id, EpisodeRow.status == "active")
        .order_by(EpisodeRow.id)
    )
    if actor.role.value != "admin":
        query = query.where(EpisodeRow.therapist_id == actor.user_id)
    found = []
    for episode_id, therapist_name, therapist_id in db.execute(query).all():
        label = client_names(db, episode_id)
        if actor.user_id != therapist_id:
            label = f"{label} (with {therapist_name})"
        found.append((episode_id, label))
    return sorted(found, key=lambda pair: pair[1])


def week_link(db: Session, appointment: AppointmentRow, done: str) -> str:
    """The therapist's week view showing ``appointment``, with a notice saying what was done."""
    episode = db.get(EpisodeRow, appointment.episode_id)
    assert episode is not None
    _, zone = _zone(db, episode.practice_id)
    local = appointment.starts_at.astimezone(zone).date().isoformat()
    return f"/schedule?week={local}&therapist={episode.therapist_id}&done={done}"


def local_start(db: Session, appointment: AppointmentRow) -> datetime:
    """When the session starts, in the practice's time zone."""
    episode = db.get(EpisodeRow, appointment.episode_id)
    assert episode is not None
    return appointment.starts_at.astimezone(_zone(db, episode.practice_id)[1])
