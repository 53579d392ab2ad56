"""Therapists' calendar feeds and booking invites (parsed back with icalendar), and attendance
following the clock: refused before the start, links after the end, prompts for the unmarked.

SQLite and PostgreSQL, the synthetic cast, the fake clock; ``run_due_jobs`` plays the worker.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput
from bordin.notify.memory import MemoryTransport
from bordin.services import calendar as calendar_service
from bordin.services import practice as practice_service
from bordin.services.alerts import shown
from bordin.services.attendance import sessions_to_mark
from bordin.services.jobs import run_due_jobs
from bordin.services.runtime import Runtime
from bordin.storage.tables import AlertRow, CalendarFeedRow, FeedbackLinkRow
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.fixtures.reminders import book


def events(ics: bytes) -> list[dict[str, object]]:
    return [
        {"uid": str(e["uid"]), "start": e.decoded("dtstart"), "summary": str(e["summary"])}
        for e in Calendar.from_ical(ics).walk("VEVENT")
    ]


def test_a_feed_lists_the_therapists_sessions_with_pseudonyms_not_names(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = calendar_service.create_feed(db, rt, actor=cast.actor(cast.alice))
    got = events(calendar_service.feed_ics(db, rt, token=token))
    starts = {e["start"] for e in got}
    assert {s.starts_at for s in cast.ash_sessions} <= starts
    text = " ".join(str(e["summary"]) for e in got)
    assert cast.ash.pseudonym in text
    assert cast.ash.display_name not in text and "Dale" not in text
    assert token not in {row.token_hash for row in db.scalars(select(CalendarFeedRow))}


def test_a_therapist_who_opts_in_sees_client_names(db: Session, rt: Runtime, cast: Cast) -> None:
    token = calendar_service.create_feed(
        db, rt, actor=cast.actor(cast.alice), show_client_names=True
    )
    summaries = " ".join(
        str(e["summary"]) for e in events(calendar_service.feed_ics(db, rt, token=token))
    )
    assert cast.ash.display_name in summaries


def test_a_revoked_or_replaced_feed_stops_working(db: Session, rt: Runtime, cast: Cast) -> None:
    old = calendar_service.create_feed(db, rt, actor=cast.actor(cast.alice))
    new = calendar_service.create_feed(db, rt, actor=cast.actor(cast.alice))
    with pytest.raises(calendar_service.FeedUnavailable):
        calendar_service.feed_ics(db, rt, token=old)
    assert events(calendar_service.feed_ics(db, rt, token=new))
    calendar_service.revoke_feed(db, rt, actor=cast.actor(cast.alice))
    with pytest.raises(calendar_service.FeedUnavailable):
        calendar_service.feed_ics(db, rt, token=new)


def test_a_booking_invite_is_one_event_that_a_cancellation_cancels(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    booked = book(db, rt, cast)
    invite = Calendar.from_ical(
        calendar_service.booking_invite(db, rt, appointment_id=booked.appointment.id)
    )
    assert str(invite["method"]) == "REQUEST"
    (event,) = invite.walk("VEVENT")
    assert event.decoded("dtstart") == booked.appointment.starts_at
    assert event.decoded("dtend") == booked.appointment.starts_at + timedelta(minutes=50)
    assert "Alice" not in str(event["summary"])
    booked.appointment.status = "cancelled"
    cancelled = Calendar.from_ical(
        calendar_service.booking_invite(db, rt, appointment_id=booked.appointment.id)
    )
    assert str(cancelled["method"]) == "CANCEL"
    assert str(cancelled.walk("VEVENT")[0]["uid"]) == str(event["uid"])


# ---- attendance follows the clock ----------------------------------------------------------


def test_a_session_in_the_future_cannot_be_marked_attended(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    booked = book(db, rt, cast, days=1)
    with pytest.raises(InvalidInput, match="not started yet") as refused:
        practice_service.set_attendance(
            db,
            rt,
            actor=cast.actor(cast.alice),
            appointment_id=booked.appointment.id,
            status="attended",
        )
    assert refused.value.errors[0].field == "status"
    db.refresh(booked.appointment)
    assert booked.appointment.status == "scheduled"


def test_links_go_after_the_session_ends_and_last_the_set_time_after_it(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock, outbox: MemoryTransport
) -> None:
    booked = book(db, rt, cast, days=1)
    clock.advance(days=1, minutes=10)  # in the session
    practice_service.set_attendance(
        db,
        rt,
        actor=cast.actor(cast.alice),
        appointment_id=booked.appointment.id,
        status="attended",
    )
    run_due_jobs(db, rt)
    assert outbox.of_kind("feedback_link") == []
    clock.advance(minutes=40)  # the session has just ended
    run_due_jobs(db, rt)
    assert len(outbox.of_kind("feedback_link")) == 1
    link = db.scalars(select(FeedbackLinkRow)).one()
    ended = booked.appointment.starts_at + timedelta(minutes=50)
    assert link.expires_at == ended + timedelta(hours=rt.settings.feedback_link_hours)


def test_an_unmarked_session_prompts_the_therapist_and_shows_until_marked(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    booked = book(db, rt, cast, days=1)
    clock.advance(days=1, minutes=51)
    run_due_jobs(db, rt)
    prompts = db.scalars(select(AlertRow).where(AlertRow.kind == "attendance")).all()
    assert [a.recipient_user_id for a in prompts] == [cast.alice.id]
    assert "Elm" not in shown(rt, prompts[0]).summary
    waiting = sessions_to_mark(db, rt, therapist_id=cast.alice.id)
    assert booked.appointment.id in {s.appointment_id for s in waiting}
    [prompted] = [s for s in waiting if s.appointment_id == booked.appointment.id]
    assert prompted.names == ("Elm Sample",)  # the caseload page names the client
    practice_service.set_attendance(
        db,
        rt,
        actor=cast.actor(cast.alice),
        appointment_id=booked.appointment.id,
        status="no_show",
    )
    waiting = sessions_to_mark(db, rt, therapist_id=cast.alice.id)
    assert booked.appointment.id not in {s.appointment_id for s in waiting}


def test_no_shows_and_late_cancellations_count_towards_disengagement_early_ones_do_not(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    from bordin.services.signals import load_history

    sessions = cast.ash_sessions
    sessions[1].status = "cancelled"  # marked by hand, no time recorded: counts, as before
    sessions[2].status = "cancelled"
    sessions[2].cancelled_at = sessions[2].starts_at - timedelta(days=3)  # in good time
    sessions[3].status = "cancelled"
    sessions[3].cancelled_at = sessions[3].starts_at - timedelta(hours=2)
    sessions[3].late_cancellation = True
    db.commit()
    history = load_history(db, cast.ash_episode.id, now=rt.now())
    statuses = {a.session_number: a.status for a in history.attendance}
    assert statuses[sessions[1].number] == "cancelled"
    assert sessions[2].number not in statuses
    assert statuses[sessions[3].number] == "cancelled"
