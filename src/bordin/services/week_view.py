"""The week view: one therapist's week, or the whole practice's, in the practice's local time.

Who sees which week is decided by ``domain.access.may_view_diary`` and
``may_view_practice_diary``; each client named on the page is audited as a read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_manage_diary, may_view_practice_diary
from bordin.domain.errors import NotFound
from bordin.domain.scheduling.hours import start_of_local_day
from bordin.services import audit
from bordin.services import scheduling as diary
from bordin.services.audit import Origin
from bordin.services.booking import MODES
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    ParticipantRow,
    PracticeRow,
    UserRow,
)

STATUS_LABELS = {
    "scheduled": "",
    "attended": "attended",
    "no_show": "did not attend",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class WeekSession:
    appointment_id: int
    time: str
    clients: str
    where: str
    status: str
    cancelled: bool
    late_cancellation: bool


@dataclass(frozen=True)
class WeekDay:
    day: date
    hours: str
    on_leave: bool
    sessions: tuple[WeekSession, ...]


@dataclass(frozen=True)
class TherapistWeek:
    therapist_id: int
    name: str
    days: tuple[WeekDay, ...]
    may_manage: bool


@dataclass(frozen=True)
class Week:
    monday: date
    zone: str
    therapists: tuple[TherapistWeek, ...]
    whole_practice: bool

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)


def _span(row: AppointmentRow, zone: ZoneInfo) -> str:
    ends = row.starts_at + timedelta(minutes=row.duration_minutes)
    return f"{row.starts_at.astimezone(zone):%H:%M}–{ends.astimezone(zone):%H:%M}"


def week_view(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    week_of: date | None = None,
    therapist_id: int | None = None,
    whole_practice: bool = False,
    origin: Origin | None = None,
) -> Week:
    practice = db.get(PracticeRow, actor.practice_id)
    if practice is None:
        raise NotFound("not found")
    zone = diary.practice_zone(practice)
    day = week_of or rt.now().astimezone(zone).date()
    monday = day - timedelta(days=day.weekday())
    if whole_practice:
        if not may_view_practice_diary(actor):
            raise NotFound("not found")
        therapists = list(
            db.scalars(
                select(UserRow)
                .where(
                    UserRow.practice_id == actor.practice_id,
                    UserRow.role.in_(("therapist", "supervisor")),
                    UserRow.is_active.is_(True),
                )
                .order_by(UserRow.display_name)
            )
        )
    else:
        wanted = therapist_id if therapist_id is not None else actor.user_id
        if wanted is None:
            raise NotFound("not found")
        therapists = [diary.therapist_for(db, actor, wanted, manage=False)]
    start = start_of_local_day(monday, zone)
    end = start_of_local_day(monday + timedelta(days=7), zone)
    rows = db.execute(
        select(AppointmentRow, EpisodeRow.therapist_id)
        .join(EpisodeRow, EpisodeRow.id == AppointmentRow.episode_id)
        .where(
            EpisodeRow.therapist_id.in_([t.id for t in therapists]),
            AppointmentRow.starts_at >= start,
            AppointmentRow.starts_at < end,
        )
        .order_by(AppointmentRow.starts_at)
    ).all()
    episode_ids = {row.episode_id for row, _ in rows}
    names: dict[int, list[tuple[int, str]]] = {}
    for episode_id, client_id, name in db.execute(
        select(ParticipantRow.episode_id, ClientRow.id, ClientRow.display_name)
        .join(ClientRow, ClientRow.id == ParticipantRow.client_id)
        .where(ParticipantRow.episode_id.in_(episode_ids))
        .order_by(ParticipantRow.id)
    ):
        names.setdefault(episode_id, []).append((client_id, name))
    result = []
    for therapist in therapists:
        hours = diary.availability(
            db, therapist.id, first_day=monday, last_day=monday + timedelta(days=6), zone=zone
        )
        days = []
        for offset in range(7):
            local_day = monday + timedelta(days=offset)
            day_start = start_of_local_day(local_day, zone)
            day_end = start_of_local_day(local_day + timedelta(days=1), zone)
            spans = [
                f"{max(i.start, day_start).astimezone(zone):%H:%M}–"
                f"{min(i.end, day_end).astimezone(zone):%H:%M}"
                for i in hours.open
                if i.start < day_end and i.end > day_start
            ]
            sessions = tuple(
                WeekSession(
                    appointment_id=row.id,
                    time=_span(row, zone),
                    clients=" and ".join(n for _, n in names.get(row.episode_id, [])),
                    where=(row.room or MODES["in_person"])
                    if row.mode == "in_person"
                    else MODES["remote"],
                    status=(
                        "late cancellation"
                        if row.late_cancellation
                        else STATUS_LABELS.get(row.status, row.status)
                    ),
                    cancelled=row.status == "cancelled",
                    late_cancellation=row.late_cancellation,
                )
                for row, therapist_of in rows
                if therapist_of == therapist.id and day_start <= row.starts_at < day_end
            )
            days.append(
                WeekDay(
                    day=local_day,
                    hours=", ".join(spans),
                    on_leave=any(i.start < day_end and i.end > day_start for i in hours.leave),
                    sessions=sessions,
                )
            )
        result.append(
            TherapistWeek(
                therapist.id,
                therapist.display_name,
                tuple(days),
                may_manage_diary(
                    actor, therapist_id=therapist.id, therapist_practice_id=therapist.practice_id
                ),
            )
        )
    audit.record_list_view(
        db,
        actor=actor,
        entity="week_view",
        client_ids=[cid for eid in episode_ids for cid, _ in names.get(eid, [])],
        origin=origin,
        at=rt.now(),
    )
    db.commit()
    return Week(monday, str(zone.key), tuple(result), whole_practice)
