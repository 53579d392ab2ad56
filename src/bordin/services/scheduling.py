"""Therapists' working hours and leave, the practice's booking rules, and the availability
computed from them (the pure rules are in ``bordin.domain.scheduling``).

Access: a therapist manages their own hours and leave; an admin manages anyone's in their
practice (``domain.access.may_manage_diary``); everyone else gets NotFound. Every change is
audited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_manage_diary, may_view_diary
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.domain.scheduling import (
    CancellationPolicy,
    Exception_,
    Interval,
    WorkingHours,
    local_instant,
    open_intervals,
)
from bordin.domain.scheduling.hours import EXCEPTION_KINDS, start_of_local_day
from bordin.services import audit
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    PracticeRow,
    ScheduleExceptionRow,
    SchedulingSettingsRow,
    UserRow,
    WorkingHoursRow,
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class SchedulingSettings:
    """A practice's booking rules (defaults until the practice saves its own)."""

    cancellation_notice_hours: int = 24
    session_minutes: int = 50
    slot_minutes: int = 60
    clients_may_rebook: bool = True
    rooms: tuple[str, ...] = ()

    @property
    def policy(self) -> CancellationPolicy:
        return CancellationPolicy(self.cancellation_notice_hours)


def practice_zone(practice: PracticeRow) -> ZoneInfo:
    try:
        return ZoneInfo(practice.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def zone_of(db: Session, practice_id: int) -> ZoneInfo:
    practice = db.get(PracticeRow, practice_id)
    if practice is None:
        raise NotFound("practice not found")
    return practice_zone(practice)


def scheduling_settings(db: Session, practice_id: int) -> SchedulingSettings:
    row = db.get(SchedulingSettingsRow, practice_id)
    if row is None:
        return SchedulingSettings()
    return SchedulingSettings(
        cancellation_notice_hours=row.cancellation_notice_hours,
        session_minutes=row.session_minutes,
        slot_minutes=row.slot_minutes,
        clients_may_rebook=row.clients_may_rebook,
        rooms=tuple(str(r) for r in row.rooms or ()),
    )


def save_scheduling_settings(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    cancellation_notice_hours: str | int,
    session_minutes: str | int,
    slot_minutes: str | int,
    clients_may_rebook: bool,
    rooms: str | Sequence[str],
) -> SchedulingSettings:
    """Save the practice's booking rules (admins only). Every field is checked first."""
    if actor.role.value != "admin":
        raise NotFound("not found")
    errors: list[FieldError] = []
    notice = _whole(cancellation_notice_hours, "cancellation_notice_hours", 0, 336, errors)
    length = _whole(session_minutes, "session_minutes", 10, 240, errors)
    step = _whole(slot_minutes, "slot_minutes", 5, 240, errors)
    names = rooms.splitlines() if isinstance(rooms, str) else list(rooms)
    cleaned = tuple(dict.fromkeys(n.strip() for n in names if n.strip()))
    if any(len(n) > 80 for n in cleaned):
        errors.append(FieldError("rooms", "Keep each room name to 80 characters."))
    if errors:
        raise InvalidInput(errors)
    row = db.get(SchedulingSettingsRow, actor.practice_id)
    if row is None:
        row = SchedulingSettingsRow(practice_id=actor.practice_id)
        db.add(row)
    row.cancellation_notice_hours = notice
    row.session_minutes = length
    row.slot_minutes = step
    row.clients_may_rebook = clients_may_rebook
    row.rooms = list(cleaned)
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="scheduling_settings",
        entity_id=actor.practice_id,
        at=rt.now(),
        detail={"notice_hours": notice, "session_minutes": length, "rooms": len(cleaned)},
    )
    db.commit()
    return scheduling_settings(db, actor.practice_id)


def _whole(value: str | int, field: str, low: int, high: int, errors: list[FieldError]) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.append(FieldError(field, f"Enter a whole number from {low} to {high}."))
        return low
    if not low <= number <= high:
        errors.append(FieldError(field, f"Enter a whole number from {low} to {high}."))
    return number


def therapist_for(db: Session, actor: Actor, therapist_id: int, *, manage: bool) -> UserRow:
    """The therapist if ``actor`` may manage (or, with ``manage=False``, view) their diary."""
    therapist = db.get(UserRow, therapist_id)
    if therapist is None or therapist.role not in ("therapist", "supervisor"):
        raise NotFound("therapist not found")
    allowed = (
        may_manage_diary(
            actor, therapist_id=therapist.id, therapist_practice_id=therapist.practice_id
        )
        if manage
        else may_view_diary(
            actor,
            therapist_id=therapist.id,
            therapist_practice_id=therapist.practice_id,
            supervisor_id=therapist.supervisor_id,
        )
    )
    if not allowed:
        raise NotFound("therapist not found")
    return therapist


def parse_clock(value: str, field: str) -> time:
    """``"18:00"`` as a time, or InvalidInput naming ``field``."""
    found = CLOCK.match(value.strip())
    if not found:
        raise InvalidInput("Enter a time like 09:00 or 18:30.", field=field)
    return time(int(found.group(1)), int(found.group(2)))


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("Enter a date like 2026-03-24.", field=field) from None


def working_hours(db: Session, therapist_id: int) -> list[WorkingHours]:
    rows = db.scalars(
        select(WorkingHoursRow)
        .where(WorkingHoursRow.therapist_id == therapist_id)
        .order_by(WorkingHoursRow.weekday, WorkingHoursRow.starts)
    )
    return [WorkingHours(r.weekday, r.starts, r.ends) for r in rows]


def set_working_hours(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    therapist_id: int,
    hours: dict[int, tuple[str, str]],
) -> list[WorkingHours]:
    """Replace a therapist's usual week. ``hours`` maps weekday (0 = Monday) to ("09:00",
    "17:00"); a weekday left out, or with both times empty, is a day off."""
    therapist_for(db, actor, therapist_id, manage=True)
    errors: list[FieldError] = []
    kept: list[WorkingHours] = []
    for weekday, (start, end) in sorted(hours.items()):
        if not start.strip() and not end.strip():
            continue
        name = WEEKDAYS[weekday].lower()
        try:
            begins = parse_clock(start, f"{name}_start")
            ends = parse_clock(end, f"{name}_end")
        except InvalidInput as bad:
            errors.extend(bad.errors)
            continue
        if ends <= begins:
            errors.append(
                FieldError(f"{name}_end", f"{WEEKDAYS[weekday]} must end after it starts.")
            )
            continue
        kept.append(WorkingHours(weekday, begins, ends))
    if errors:
        raise InvalidInput(errors)
    db.execute(delete(WorkingHoursRow).where(WorkingHoursRow.therapist_id == therapist_id))
    for entry in kept:
        db.add(
            WorkingHoursRow(
                therapist_id=therapist_id, weekday=entry.weekday, starts=entry.start, ends=entry.end
            )
        )
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="working_hours",
        entity_id=therapist_id,
        at=rt.now(),
        detail={"days": len(kept)},
    )
    db.commit()
    return kept


def add_exception(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    therapist_id: int,
    kind: str,
    first_day: str,
    last_day: str,
    start: str = "",
    end: str = "",
    note: str = "",
) -> ScheduleExceptionRow:
    """Record leave (``away``) or extra hours (``available``). Without times, leave covers whole
    days from ``first_day`` to ``last_day``; with times, it covers those hours of each day."""
    therapist = therapist_for(db, actor, therapist_id, manage=True)
    practice = db.get(PracticeRow, therapist.practice_id)
    assert practice is not None
    zone = practice_zone(practice)
    errors: list[FieldError] = []
    if kind not in EXCEPTION_KINDS:
        errors.append(FieldError("kind", "Choose leave or extra hours."))
    days: list[date] = []
    for value, field in ((first_day, "first_day"), (last_day or first_day, "last_day")):
        try:
            days.append(parse_day(value, field))
        except InvalidInput as bad:
            errors.extend(bad.errors)
    times: list[time] = []
    if start.strip() or end.strip():
        for value, field in ((start, "start"), (end, "end")):
            try:
                times.append(parse_clock(value, field))
            except InvalidInput as bad:
                errors.extend(bad.errors)
    elif kind == "available":
        errors.append(FieldError("start", "Extra hours need a start and an end time."))
    if len(days) == 2 and days[1] < days[0]:
        errors.append(FieldError("last_day", "The last day must be on or after the first."))
    if len(times) == 2 and times[1] <= times[0]:
        errors.append(FieldError("end", "The end must be after the start."))
    if len(days) == 2 and (days[1] - days[0]).days > 366:
        errors.append(FieldError("last_day", "Enter at most a year at a time."))
    if len(note) > 200:
        errors.append(FieldError("note", "Keep the note to 200 characters."))
    if errors:
        raise InvalidInput(errors)
    if times:
        starts_at = local_instant(days[0], times[0], zone)
        ends_at = local_instant(days[1], times[1], zone)
    else:
        starts_at = local_instant(days[0], time(0), zone)
        ends_at = local_instant(days[1] + timedelta(days=1), time(0), zone)
    row = ScheduleExceptionRow(
        therapist_id=therapist_id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip() or None,
        created_at=rt.now(),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="schedule_exception",
        entity_id=row.id,
        at=rt.now(),
        detail={"kind": kind, "therapist": therapist_id},
    )
    db.commit()
    return row


def remove_exception(db: Session, rt: Runtime, *, actor: Actor, exception_id: int) -> int:
    """Remove leave or extra hours; returns the therapist's id."""
    row = db.get(ScheduleExceptionRow, exception_id)
    if row is None:
        raise NotFound("not found")
    therapist_id = therapist_for(db, actor, row.therapist_id, manage=True).id
    db.delete(row)
    audit.record(
        db,
        actor=actor,
        action="delete",
        entity="schedule_exception",
        entity_id=exception_id,
        at=rt.now(),
    )
    db.commit()
    return therapist_id


def exceptions(
    db: Session, therapist_id: int, *, start: datetime, end: datetime
) -> list[ScheduleExceptionRow]:
    return list(
        db.scalars(
            select(ScheduleExceptionRow)
            .where(
                ScheduleExceptionRow.therapist_id == therapist_id,
                ScheduleExceptionRow.starts_at < end,
                ScheduleExceptionRow.ends_at > start,
            )
            .order_by(ScheduleExceptionRow.starts_at)
        )
    )


@dataclass(frozen=True)
class Availability:
    """When a therapist can be booked between two local dates, and when they are on leave."""

    open: list[Interval]
    leave: list[Interval]


def availability(
    db: Session, therapist_id: int, *, first_day: date, last_day: date, zone: ZoneInfo
) -> Availability:
    start = start_of_local_day(first_day, zone)
    end = start_of_local_day(last_day + timedelta(days=1), zone)
    found = [
        Exception_(row.kind, Interval(row.starts_at, row.ends_at))
        for row in exceptions(db, therapist_id, start=start, end=end)
    ]
    return Availability(
        open=open_intervals(
            working_hours(db, therapist_id),
            found,
            first_day=first_day,
            last_day=last_day,
            zone=zone,
        ),
        leave=[e.interval for e in found if e.kind == "away"],
    )
