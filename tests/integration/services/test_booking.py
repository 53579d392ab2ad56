"""Booking by staff: working hours, leave, clashes, series across clock changes, who may book.

The fake clock starts on Monday 2 November 2026, 09:00 UTC (London is on GMT then).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.services import booking, scheduling
from bordin.services.alerts import shown
from bordin.services.runtime import Runtime
from bordin.storage.tables import AlertRow, AppointmentRow, AuditEventRow, UserRow
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = {d: ("09:00", "17:00") for d in range(5)} | {1: ("09:00", "20:00")}


def usual_week(db: Session, rt: Runtime, cast: Cast, user: UserRow) -> None:
    scheduling.set_working_hours(
        db, rt, actor=cast.actor(user), therapist_id=user.id, hours=WEEKDAYS
    )


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AppointmentRow)) or 0


def fields(refused: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [e.field for e in refused.value.errors]


def test_a_therapist_books_an_in_person_session_stored_in_utc(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    usual_week(db, rt, cast, cast.alice)
    [made] = booking.book_sessions(
        db,
        rt,
        actor=cast.actor(cast.alice),
        episode_id=cast.ash_episode.id,
        day="2026-11-10",
        at="10:00",
        room="Room 1",
    )
    assert made.starts_at == datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    assert (made.mode, made.room, made.duration_minutes, made.status) == (
        "in_person",
        "Room 1",
        50,
        "scheduled",
    )
    event = db.scalars(select(AuditEventRow).where(AuditEventRow.entity == "booking")).one()
    assert (event.client_id, event.detail["change"]) == (cast.ash.id, "book")


def test_it_refuses_to_double_book_the_therapist_and_changes_nothing(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    usual_week(db, rt, cast, cast.alice)
    actor = cast.actor(cast.alice)
    booking.book_sessions(
        db, rt, actor=actor, episode_id=cast.ash_episode.id, day="2026-11-10", at="10:00"
    )
    before = count(db)
    with pytest.raises(InvalidInput) as refused:
        booking.book_sessions(
            db, rt, actor=actor, episode_id=cast.couple_episode.id, day="2026-11-10", at="10:30"
        )
    assert fields(refused) == ["time"]
    assert "already has a session at Tue 10 Nov 10:00–10:50" in str(refused.value)
    db.rollback()
    assert count(db) == before


def test_it_refuses_a_room_another_therapist_has_booked(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    scheduling.save_scheduling_settings(
        db,
        rt,
        actor=cast.actor(cast.adam),
        cancellation_notice_hours=24,
        session_minutes=50,
        slot_minutes=60,
        clients_may_rebook=True,
        rooms="Room 1\nRoom 2",
    )
    usual_week(db, rt, cast, cast.alice)
    usual_week(db, rt, cast, cast.bob)
    booking.book_sessions(
        db,
        rt,
        actor=cast.actor(cast.alice),
        episode_id=cast.ash_episode.id,
        day="2026-11-10",
        at="10:00",
        room="Room 1",
    )
    with pytest.raises(InvalidInput) as refused:
        booking.book_sessions(
            db,
            rt,
            actor=cast.actor(cast.bob),
            episode_id=cast.dale_episode.id,
            day="2026-11-10",
            at="10:00",
            room="Room 1",
        )
    assert fields(refused) == ["room"]
    assert "Room 1 is already booked" in str(refused.value)
    db.rollback()
    [other] = booking.book_sessions(
        db,
        rt,
        actor=cast.actor(cast.bob),
        episode_id=cast.dale_episode.id,
        day="2026-11-10",
        at="10:00",
        room="Room 2",
    )
    assert other.room == "Room 2"


def test_it_refuses_times_outside_working_hours_and_during_leave(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    usual_week(db, rt, cast, cast.alice)
    actor = cast.actor(cast.alice)
    with pytest.raises(InvalidInput) as refused:
        booking.book_sessions(
            db, rt, actor=actor, episode_id=cast.ash_episode.id, day="2026-11-09", at="17:30"
        )
    assert fields(refused) == ["time"]
    assert "outside the therapist's working hours" in str(refused.value)
    scheduling.add_exception(
        db,
        rt,
        actor=actor,
        therapist_id=cast.alice.id,
        kind="away",
        first_day="2026-11-16",
        last_day="2026-11-20",
    )
    with pytest.raises(InvalidInput) as refused:
        booking.book_sessions(
            db, rt, actor=actor, episode_id=cast.ash_episode.id, day="2026-11-18", at="10:00"
        )
    assert fields(refused) == ["date"]
    assert "on leave" in str(refused.value)


def test_extra_hours_open_a_time_outside_the_usual_week(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    usual_week(db, rt, cast, cast.alice)
    actor = cast.actor(cast.alice)
    scheduling.add_exception(
        db,
        rt,
        actor=actor,
        therapist_id=cast.alice.id,
        kind="available",
        first_day="2026-11-14",
        last_day="2026-11-14",
        start="10:00",
        end="13:00",
    )
    [made] = booking.book_sessions(
        db, rt, actor=actor, episode_id=cast.ash_episode.id, day="2026-11-14", at="11:00"
    )
    assert made.starts_at.hour == 11


def test_bad_input_names_each_field_and_stores_nothing(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    before = count(db)
    with pytest.raises(InvalidInput) as refused:
        booking.book_sessions(
            db,
            rt,
            actor=cast.actor(cast.alice),
            episode_id=cast.ash_episode.id,
            day="next tuesday",
            at="25:00",
            frequency="daily",
            mode="remote",
            video_link="zoom dot com",
        )
    assert fields(refused) == ["date", "time", "frequency", "video_link"]
    assert count(db) == before


@pytest.mark.parametrize(
    ("today", "first_day", "utc_hours"),
    [
        (datetime(2027, 3, 1, 9, tzinfo=UTC), "2027-03-16", [18, 18, 17, 17]),
        (datetime(2026, 10, 1, 9, tzinfo=UTC), "2026-10-13", [17, 17, 18, 18]),
    ],
    ids=["march", "october"],
)
def test_a_weekly_series_at_six_pm_stays_at_six_pm_local_across_the_clock_change(
    db: Session,
    rt: Runtime,
    cast: Cast,
    clock: FakeClock,
    today: datetime,
    first_day: str,
    utc_hours: list[int],
) -> None:
    clock.set(today)
    usual_week(db, rt, cast, cast.alice)
    made = booking.book_sessions(
        db,
        rt,
        actor=cast.actor(cast.alice),
        episode_id=cast.ash_episode.id,
        day=first_day,
        at="18:00",
        frequency="weekly",
        count=4,
        mode="remote",
        video_link="https://video.example.org/room/ash",
    )
    db.expire_all()
    stored = [db.get(AppointmentRow, m.id) for m in made]
    assert [s.starts_at.astimezone(LONDON).strftime("%H:%M") for s in stored if s] == ["18:00"] * 4
    assert [s.starts_at.hour for s in stored if s] == utc_hours
    assert len({s.series_id for s in stored if s}) == 1


def test_a_series_with_one_clashing_date_is_refused_whole_naming_the_date(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    usual_week(db, rt, cast, cast.alice)
    actor = cast.actor(cast.alice)
    scheduling.add_exception(
        db,
        rt,
        actor=actor,
        therapist_id=cast.alice.id,
        kind="away",
        first_day="2026-11-24",
        last_day="2026-11-24",
    )
    before = count(db)
    with pytest.raises(InvalidInput) as refused:
        booking.book_sessions(
            db,
            rt,
            actor=actor,
            episode_id=cast.ash_episode.id,
            day="2026-11-10",
            at="18:00",
            frequency="fortnightly",
            count=3,
        )
    assert [e.message.split(":")[0] for e in refused.value.errors] == ["Tue 24 Nov"]
    db.rollback()
    assert count(db) == before


@pytest.mark.parametrize("who", ["bob", "sue", "charlie"])
def test_only_the_therapist_or_an_admin_books_for_them(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    usual_week(db, rt, cast, cast.alice)
    with pytest.raises(NotFound):
        booking.book_sessions(
            db,
            rt,
            actor=cast.actor(getattr(cast, who)),
            episode_id=cast.ash_episode.id,
            day="2026-11-10",
            at="10:00",
        )


def test_an_admin_books_for_a_therapist_who_is_told_in_the_app(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    usual_week(db, rt, cast, cast.alice)
    booking.book_sessions(
        db,
        rt,
        actor=cast.actor(cast.adam),
        episode_id=cast.ash_episode.id,
        day="2026-11-10",
        at="10:00",
    )
    alert = db.scalars(select(AlertRow).where(AlertRow.kind == "booking")).one()
    assert alert.recipient_user_id == cast.alice.id
    assert "Ash Sample: 1 session(s) booked from Tue 10 Nov 10:00" in shown(rt, alert).summary


def test_moving_a_session_checks_clashes_but_not_with_itself(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    usual_week(db, rt, cast, cast.alice)
    actor = cast.actor(cast.alice)
    [first] = booking.book_sessions(
        db, rt, actor=actor, episode_id=cast.ash_episode.id, day="2026-11-10", at="10:00"
    )
    [second] = booking.book_sessions(
        db, rt, actor=actor, episode_id=cast.couple_episode.id, day="2026-11-10", at="12:00"
    )
    moved = booking.move_session(
        db, rt, actor=actor, appointment_id=first.id, day="2026-11-10", at="10:30"
    )
    assert moved.starts_at.hour == 10 and moved.starts_at.minute == 30
    with pytest.raises(InvalidInput) as refused:
        booking.move_session(
            db, rt, actor=actor, appointment_id=second.id, day="2026-11-10", at="11:00"
        )
    assert fields(refused) == ["time"]


def test_the_practice_cancels_a_session_without_it_counting_as_late(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    usual_week(db, rt, cast, cast.alice)
    actor = cast.actor(cast.alice)
    [made] = booking.book_sessions(
        db, rt, actor=actor, episode_id=cast.ash_episode.id, day="2026-11-03", at="10:00"
    )
    cancelled = booking.cancel_session(db, rt, actor=actor, appointment_id=made.id)
    assert (cancelled.status, cancelled.cancelled_by, cancelled.late_cancellation) == (
        "cancelled",
        "practice",
        False,
    )
    with pytest.raises(InvalidInput):
        booking.cancel_session(db, rt, actor=actor, appointment_id=made.id)


def test_scheduling_settings_refuse_bad_values_naming_the_field(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    with pytest.raises(InvalidInput) as refused:
        scheduling.save_scheduling_settings(
            db,
            rt,
            actor=cast.actor(cast.adam),
            cancellation_notice_hours="a day",
            session_minutes="5",
            slot_minutes=60,
            clients_may_rebook=True,
            rooms="",
        )
    assert fields(refused) == ["cancellation_notice_hours", "session_minutes"]
    assert scheduling.scheduling_settings(db, cast.practice.id).cancellation_notice_hours == 24
    with pytest.raises(NotFound):
        scheduling.save_scheduling_settings(
            db,
            rt,
            actor=cast.actor(cast.alice),
            cancellation_notice_hours=12,
            session_minutes=50,
            slot_minutes=60,
            clients_may_rebook=True,
            rooms="",
        )
