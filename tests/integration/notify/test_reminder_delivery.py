"""Reminders and booking emails over the wire: a real SMTP server (aiosmtpd) and a local HTTP
server that speaks Twilio's Messages API, on SQLite and PostgreSQL, run by the worker's
``run_due_jobs`` at the fake clock's times."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session
from tests.fixtures.cast import Cast, build_cast
from tests.fixtures.reminders import book

from bordin.notify import SmtpTransport, TwilioTransport
from bordin.services.jobs import run_due_jobs
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.testing.clock import FakeClock
from bordin.testing.sms_server import SmsStub, sms_stub

if TYPE_CHECKING:
    from conftest import SmtpServer


@pytest.fixture
def stub() -> Iterator[SmsStub]:
    with sms_stub() as server:
        yield server


@pytest.fixture
def wired(settings: Settings, clock: FakeClock, smtp_server: SmtpServer, stub: SmsStub) -> Runtime:
    return Runtime(
        settings=settings,
        transport=SmtpTransport(smtp_server.host, smtp_server.port, "practice@northgate.example"),
        sms=TwilioTransport(
            account_sid=stub.account_sid,
            auth_token=stub.auth_token,
            sender="+447700900000",
            api_base=stub.base_url,
            timeout=5,
        ),
        now=clock,
    )


def test_a_booking_email_with_its_invite_and_both_reminders_arrive(
    db: Session, wired: Runtime, clock: FakeClock, smtp_server: SmtpServer, stub: SmsStub
) -> None:
    cast: Cast = build_cast(db, wired)
    booked = book(db, wired, cast)
    run_due_jobs(db, wired)
    assert len(smtp_server.received) == 1
    confirmation = smtp_server.received[0].email
    assert confirmation["X-Bordin-Kind"] == "booking"
    invite = next(p for p in confirmation.walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(invite.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booked.appointment.starts_at
    assert "Alice" not in str(event.get("summary"))

    clock.advance(days=1, minutes=1)
    run_due_jobs(db, wired)
    reminder = smtp_server.received[-1].email
    assert reminder["X-Bordin-Kind"] == "reminder"
    assert smtp_server.received[-1].recipients == ["elm.sample@clients.example"]
    assert [m["To"] for m in stub.received] == ["+447700900123"]
    assert "/reminders/stop/" in stub.received[0]["Body"]


def test_a_number_the_provider_refuses_is_recorded_once_and_not_retried(
    db: Session, wired: Runtime, clock: FakeClock, stub: SmsStub
) -> None:
    from sqlalchemy import select

    from bordin.storage.tables import DeliveryRow, JobRow

    stub.refused.add("+447700900123")
    cast = build_cast(db, wired)
    book(db, wired, cast)
    clock.advance(days=1, minutes=1)
    run_due_jobs(db, wired)
    clock.advance(hours=1)
    run_due_jobs(db, wired)
    sms = [d for d in db.scalars(select(DeliveryRow)) if d.channel == "sms"]
    assert [d.status for d in sms] == ["failed"]
    assert stub.received == []
    db.expire_all()
    reminders = db.scalars(select(JobRow).where(JobRow.kind == "reminder")).all()
    assert {j.status for j in reminders if j.payload["hours"] == 48} == {"done"}
