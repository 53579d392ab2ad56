"""Reminders: planned when a session is booked or moved, sent at the practice's times by
email and SMS, in the client's language, never twice, and stopped by the client's opt-out.

Runs on SQLite and PostgreSQL with the synthetic cast; the worker is ``run_due_jobs`` and time
is the fake clock. Email goes to the in-memory outbox, SMS to a second one here; the real SMTP
and Twilio-speaking servers are in ``tests/integration/notify/test_reminder_delivery.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.notify.memory import MemoryTransport
from bordin.services import jobs, reminders
from bordin.services.jobs import run_due_jobs
from bordin.services.reminders import OptOutLinkUnavailable
from bordin.services.runtime import Runtime
from bordin.storage.tables import ContactOptOutRow, DeliveryRow, JobRow
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.fixtures.reminders import book


@pytest.fixture
def texts(rt: Runtime) -> MemoryTransport:
    outbox = MemoryTransport()
    rt.sms = outbox
    return outbox


def queued(db: Session, kind: str) -> list[JobRow]:
    db.expire_all()
    return list(
        db.scalars(
            select(JobRow)
            .where(JobRow.kind == kind, JobRow.status == "queued")
            .order_by(JobRow.run_at)
        )
    )


def test_booking_plans_a_reminder_per_time_and_channel_and_a_prompt_after_the_session(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    booked = book(db, rt, cast)
    start = booked.appointment.starts_at
    planned = queued(db, "reminder")
    assert sorted((j.run_at, j.payload["channel"]) for j in planned) == sorted(
        (start - timedelta(hours=h), c) for h in (48, 2) for c in ("email", "sms")
    )
    ended = queued(db, "session_ended")
    assert [j.run_at for j in ended] == [start + timedelta(minutes=50)]


def test_reminders_go_at_the_set_times_by_email_and_sms_without_clinical_detail(
    db: Session,
    rt: Runtime,
    cast: Cast,
    clock: FakeClock,
    outbox: MemoryTransport,
    texts: MemoryTransport,
) -> None:
    book(db, rt, cast)
    outbox.clear()
    run_due_jobs(db, rt)  # the booking email (with its invite) goes at once
    assert [m.kind for m in outbox.sent] == ["booking"]
    clock.advance(days=1, minutes=1)  # 47 h before
    run_due_jobs(db, rt)
    assert len(outbox.of_kind("reminder")) == 1 and len(texts.sent) == 1
    email = outbox.of_kind("reminder")[0]
    assert "Northgate Test Practice" in email.text
    assert "/reminders/stop/" in email.text and "/reminders/stop/" in texts.sent[0].text
    for message in (email, texts.sent[0]):
        assert "Alice" not in message.text and "therap" not in message.text.lower()
    clock.advance(hours=46)  # 1 h before: the 2 h reminder is due
    run_due_jobs(db, rt)
    assert len(outbox.of_kind("reminder")) == 2 and len(texts.sent) == 2


def test_a_reminder_speaks_the_clients_language(
    db: Session,
    rt: Runtime,
    cast: Cast,
    clock: FakeClock,
    outbox: MemoryTransport,
    texts: MemoryTransport,
) -> None:
    book(db, rt, cast, language="Spanish")
    clock.advance(days=1, minutes=1)
    run_due_jobs(db, rt)
    assert "Le recordamos su cita" in outbox.of_kind("reminder")[0].text
    assert "Le recordamos su cita" in texts.sent[0].text


def test_moving_a_session_replaces_its_reminders_and_cancelling_stops_them(
    db: Session,
    rt: Runtime,
    cast: Cast,
    clock: FakeClock,
    outbox: MemoryTransport,
    texts: MemoryTransport,
) -> None:
    booked = book(db, rt, cast)
    booked.appointment.starts_at += timedelta(days=7)
    reminders.schedule_reminders_for(db, rt, appointment_id=booked.appointment.id)
    db.commit()
    starts = {j.payload["starts_at"] for j in queued(db, "reminder")}
    assert starts == {booked.appointment.starts_at.isoformat()}
    booked.appointment.status = "cancelled"
    reminders.schedule_reminders_for(db, rt, appointment_id=booked.appointment.id)
    db.commit()
    assert queued(db, "reminder") == [] and queued(db, "session_ended") == []
    clock.advance(days=20)
    run_due_jobs(db, rt)
    assert outbox.of_kind("reminder") == [] and texts.sent == []


def test_a_client_who_opts_out_of_sms_still_gets_email_reminders(
    db: Session,
    rt: Runtime,
    cast: Cast,
    clock: FakeClock,
    outbox: MemoryTransport,
    texts: MemoryTransport,
) -> None:
    booked = book(db, rt, cast)
    token = reminders.opt_out_token(rt, client_id=booked.client_id, channel="sms")
    reminders.opt_out(db, rt, token=token)
    reminders.opt_out(db, rt, token=token)  # twice is fine
    assert db.scalars(select(ContactOptOutRow)).one().channel == "sms"
    clock.advance(days=1, minutes=1)
    run_due_jobs(db, rt)
    assert texts.sent == []
    assert len(outbox.of_kind("reminder")) == 1


def test_an_opt_out_link_that_was_tampered_with_is_refused(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    booked = book(db, rt, cast)
    token = reminders.opt_out_token(rt, client_id=booked.client_id, channel="sms")
    forged = reminders.opt_out_token(rt, client_id=booked.client_id, channel="email")[:-2] + "AA"
    with pytest.raises(OptOutLinkUnavailable):
        reminders.opt_out(db, rt, token=forged)
    with pytest.raises(OptOutLinkUnavailable):
        reminders.opt_out(db, rt, token=token[:-3])
    assert db.scalars(select(ContactOptOutRow)).all() == []


def test_a_reminder_job_rerun_after_a_crash_does_not_send_twice(
    db: Session,
    rt: Runtime,
    cast: Cast,
    clock: FakeClock,
    outbox: MemoryTransport,
    texts: MemoryTransport,
) -> None:
    from bordin.services import worker

    book(db, rt, cast)
    run_due_jobs(db, rt)
    clock.advance(days=1, minutes=1)
    claimed = jobs.claim(db, rt)
    for job in claimed:  # the worker sends, then dies before marking the jobs done
        worker.HANDLERS[job.kind](db, rt, [job])
    assert len(outbox.of_kind("reminder")) == 1 and len(texts.sent) == 1
    clock.advance(minutes=10)  # the lease has run out: another worker takes the jobs over
    assert run_due_jobs(db, rt) == len(claimed)
    assert len(outbox.of_kind("reminder")) == 1 and len(texts.sent) == 1
    assert {d.status for d in db.scalars(select(DeliveryRow))} == {"sent"}


def test_an_sms_that_fails_for_now_is_retried_and_the_email_is_not_sent_again(
    db: Session,
    rt: Runtime,
    cast: Cast,
    clock: FakeClock,
    outbox: MemoryTransport,
    texts: MemoryTransport,
) -> None:
    book(db, rt, cast)
    run_due_jobs(db, rt)
    texts.fail(permanent=False, times=1)
    clock.advance(days=1, minutes=1)
    run_due_jobs(db, rt)
    assert texts.sent == [] and len(outbox.of_kind("reminder")) == 1
    clock.advance(minutes=5)
    run_due_jobs(db, rt)
    assert len(texts.sent) == 1 and len(outbox.of_kind("reminder")) == 1
