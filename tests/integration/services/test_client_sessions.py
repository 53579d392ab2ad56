"""A client's own sessions: cancel within the policy (late ones recorded as such), pick another
free time of their therapist's, and see nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.services import booking, client_sessions, scheduling
from bordin.services.alerts import shown
from bordin.services.runtime import Runtime
from bordin.services.users import actor_for_client
from bordin.storage.tables import AlertRow, AppointmentRow, AuditEventRow
from bordin.testing.clock import FakeClock
from tests.fixtures.booking import alices_tuesday
from tests.fixtures.cast import Cast


@pytest.fixture
def tuesday(db: Session, rt: Runtime, cast: Cast) -> AppointmentRow:
    """Ash's session on Tuesday 10 November 2026 at 10:00; Alice works 09:00-17:00 weekdays."""
    return alices_tuesday(db, rt, cast)


def test_a_client_sees_their_coming_sessions_with_the_policy(
    db: Session, rt: Runtime, cast: Cast, tuesday: AppointmentRow
) -> None:
    mine = client_sessions.my_sessions(db, rt, actor=actor_for_client(cast.ash))
    assert [s.appointment_id for s in mine.sessions] == [tuesday.id]
    [session] = mine.sessions
    assert (session.therapist, session.where, session.late_if_changed_now) == (
        "Alice Therapist",
        "Room 1",
        False,
    )
    assert mine.notice_hours == 24
    dale = client_sessions.my_sessions(db, rt, actor=actor_for_client(cast.dale))
    assert tuesday.id not in [s.appointment_id for s in dale.sessions]


def test_a_cancellation_with_enough_notice_is_not_late_and_tells_the_therapist(
    db: Session, rt: Runtime, cast: Cast, tuesday: AppointmentRow
) -> None:
    client_sessions.cancel_own_session(
        db, rt, actor=actor_for_client(cast.ash), appointment_id=tuesday.id
    )
    db.refresh(tuesday)
    assert (tuesday.status, tuesday.cancelled_by, tuesday.late_cancellation) == (
        "cancelled",
        "client",
        False,
    )
    alert = db.scalars(select(AlertRow).where(AlertRow.kind == "booking")).one()
    assert alert.recipient_user_id == cast.alice.id
    assert shown(rt, alert).summary == "Ash Sample cancelled their session on Tue 10 Nov 10:00."
    event = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.entity == "booking", AuditEventRow.actor_client_id == cast.ash.id
        )
    ).one()
    assert event.detail == {"change": "cancel", "by": "client", "late": False}


def test_a_cancellation_inside_the_notice_period_is_recorded_as_late(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock, tuesday: AppointmentRow
) -> None:
    clock.set(datetime(2026, 11, 9, 12, 0, tzinfo=UTC))  # 22 hours before
    [session] = client_sessions.my_sessions(db, rt, actor=actor_for_client(cast.ash)).sessions
    assert session.late_if_changed_now is True
    client_sessions.cancel_own_session(
        db, rt, actor=actor_for_client(cast.ash), appointment_id=tuesday.id
    )
    db.refresh(tuesday)
    assert tuesday.late_cancellation is True
    alert = db.scalars(select(AlertRow).where(AlertRow.kind == "booking")).one()
    assert "late cancellation (less than 24 hours' notice)" in shown(rt, alert).summary


def test_a_session_that_has_started_cannot_be_changed_by_the_client(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock, tuesday: AppointmentRow
) -> None:
    clock.set(datetime(2026, 11, 10, 10, 5, tzinfo=UTC))
    with pytest.raises(InvalidInput):
        client_sessions.cancel_own_session(
            db, rt, actor=actor_for_client(cast.ash), appointment_id=tuesday.id
        )


def test_free_times_come_from_working_hours_minus_sessions_and_leave(
    db: Session, rt: Runtime, cast: Cast, tuesday: AppointmentRow
) -> None:
    scheduling.add_exception(
        db,
        rt,
        actor=cast.actor(cast.alice),
        therapist_id=cast.alice.id,
        kind="away",
        first_day="2026-11-04",
        last_day="2026-11-06",
    )
    booking.book_sessions(
        db,
        rt,
        actor=cast.actor(cast.alice),
        episode_id=cast.couple_episode.id,
        day="2026-11-03",
        at="14:00",
    )
    times = client_sessions.free_times(
        db, rt, actor=actor_for_client(cast.ash), appointment_id=tuesday.id
    )
    days = {t.date().isoformat() for t in times}
    assert "2026-11-03" in days  # more than 24 hours from Monday 09:00
    assert not days & {"2026-11-04", "2026-11-05", "2026-11-06"}
    assert all(9 <= t.hour <= 16 for t in times)
    assert datetime(2026, 11, 3, 13, tzinfo=UTC) in times
    assert datetime(2026, 11, 3, 14, tzinfo=UTC) not in times  # the couple's session
    assert all(t.weekday() < 5 for t in times)


def test_a_client_moves_to_a_free_time_and_the_old_session_is_cancelled(
    db: Session, rt: Runtime, cast: Cast, tuesday: AppointmentRow
) -> None:
    actor = actor_for_client(cast.ash)
    chosen = client_sessions.free_times(db, rt, actor=actor, appointment_id=tuesday.id)[3]
    new = client_sessions.rebook_own_session(
        db, rt, actor=actor, appointment_id=tuesday.id, starts_at=chosen.isoformat()
    )
    db.refresh(tuesday)
    assert tuesday.status == "cancelled" and not tuesday.late_cancellation
    assert (new.starts_at, new.status, new.room) == (chosen, "scheduled", "Room 1")
    alert = db.scalars(
        select(AlertRow).where(AlertRow.kind == "booking").order_by(AlertRow.id.desc()).limit(1)
    ).one()
    assert shown(rt, alert).summary.startswith(
        "Ash Sample moved their session from Tue 10 Nov 10:00 to"
    )


def test_a_time_that_is_not_free_is_refused_and_nothing_changes(
    db: Session, rt: Runtime, cast: Cast, tuesday: AppointmentRow
) -> None:
    actor = actor_for_client(cast.ash)
    for bad in ("2026-11-02T15:00:00+00:00", "soon", "2026-11-09T23:00:00+00:00"):
        with pytest.raises(InvalidInput) as refused:
            client_sessions.rebook_own_session(
                db, rt, actor=actor, appointment_id=tuesday.id, starts_at=bad
            )
        assert [e.field for e in refused.value.errors] == ["starts_at"]
    db.rollback()
    db.refresh(tuesday)
    assert tuesday.status == "scheduled"


def test_another_client_gets_not_found(
    db: Session, rt: Runtime, cast: Cast, tuesday: AppointmentRow
) -> None:
    for who in (cast.dale, cast.zed):
        with pytest.raises(NotFound):
            client_sessions.cancel_own_session(
                db, rt, actor=actor_for_client(who), appointment_id=tuesday.id
            )
        with pytest.raises(NotFound):
            client_sessions.free_times(
                db, rt, actor=actor_for_client(who), appointment_id=tuesday.id
            )
    with pytest.raises(NotFound):
        client_sessions.my_sessions(db, rt, actor=cast.actor(cast.alice))
