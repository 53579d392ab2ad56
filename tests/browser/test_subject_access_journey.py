"""Subject access from nothing: a practice starts on an empty database (no demo data), a client
refers themself, then signs in by emailed link and downloads everything held about them from
their own page; the admin finds the same client under Data requests and sees the export in the
audit trail."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bordin.notify.memory import MemoryTransport
from bordin.services.practice import add_client
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.storage.tables import AuditEventRow, PracticeRow, UserRow
from bordin.testing.clock import FakeClock
from bordin.testing.server import free_port, serve_in_thread
from bordin.web.app import create_app
from tests.browser.conftest import fits, screenshot

PASSWORD = "a long admin password"
WORDS = "I have been struggling to sleep since the move and I worry all the time."


@dataclass
class EmptyPractice:
    base_url: str
    outbox: MemoryTransport
    runtime: Runtime

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture
def empty_practice(tmp_path: Path) -> Iterator[tuple[EmptyPractice, Callable[..., object]]]:
    """A fresh Bordin on an empty database, demo mode off, with its outbox in reach."""
    port = free_port()
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'bordin.sqlite3'}",
        secret_key="browser-test-secret-key",  # type: ignore[arg-type]
        encryption_key="browser-test-encryption-passphrase",  # type: ignore[arg-type]
        notify_transport="memory",
        base_url=f"http://127.0.0.1:{port}",
        demo_mode=False,
    )
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    outbox = MemoryTransport()
    runtime = Runtime(settings=settings, transport=outbox, now=FakeClock())
    app = create_app(settings, runtime=runtime, sessions=sessions)
    try:
        with serve_in_thread(app, port=port) as base_url:
            yield EmptyPractice(base_url, outbox, runtime), sessions
    finally:
        engine.dispose()


def _start_practice(admin: Page, server: EmptyPractice) -> None:
    admin.goto(server.url("/"))
    admin.get_by_label("Practice name").fill("Riverside Therapy")
    admin.get_by_label("Your name").fill("Ada Admin")
    admin.get_by_label("Your username").fill("ada")
    admin.get_by_label("Your email").fill("ada@example.org")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Start the practice").click()
    expect(admin.get_by_role("heading", name="Sign in")).to_be_visible()


def _refer_themself(phone: Page, server: EmptyPractice) -> None:
    phone.goto(server.url("/self-referral"))
    phone.locator("#display_name").fill("Elm Sample")
    phone.locator("#email").fill("elm@example.org")
    phone.get_by_role("group", name="What would you like help with").get_by_label(
        "Anxiety, worry or panic"
    ).check()
    phone.locator("#concerns_text").fill(WORDS)
    phone.locator('input[name="risk_now"][value="no"]').check()
    phone.locator('input[name="risk_recent"][value="no"]').check()
    phone.get_by_label("Health insurance").check()
    phone.get_by_label("I agree that the practice keeps what is written here").check()
    phone.get_by_role("button", name="Send to the practice").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()


def _sign_in_by_email(phone: Page, server: EmptyPractice) -> None:
    phone.goto(server.url("/me/sign-in"))
    phone.get_by_label("Email address").fill("elm@example.org")
    phone.get_by_role("button", name=re.compile("link", re.I)).click()
    expect(phone.get_by_role("status")).to_contain_text("emailed you a sign-in link")
    for _ in range(50):  # the email goes after the response (a background task)
        if server.outbox.to("elm@example.org"):
            break
        phone.wait_for_timeout(100)
    [email] = server.outbox.to("elm@example.org")
    link = re.search(r"https?://\S+/me/link/\S+", email.text)
    assert link, "the sign-in email has no link"
    phone.goto(link.group(0))
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", name="Your progress")).to_be_visible()


def test_a_client_downloads_everything_held_about_them_from_their_own_page(
    empty_practice: tuple[EmptyPractice, Callable[..., object]],
    new_page: Callable[..., Page],
    tmp_path: Path,
) -> None:
    server, sessions = empty_practice
    admin = new_page(width=1280, height=900)
    _start_practice(admin, server)
    phone = new_page()
    _refer_themself(phone, server)
    _sign_in_by_email(phone, server)

    phone.get_by_role("link", name=re.compile("Your data")).click()
    expect(phone.get_by_role("heading", name="Your data")).to_be_visible()
    fits(phone, 390)
    screenshot(phone, "issue14-your-data-phone")

    with phone.expect_download() as downloading:
        phone.get_by_role("link", name="Download the archive").click()
    saved = tmp_path / "mine.zip"
    downloading.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        data = json.loads(archive.read("data.json"))
        bundle = json.loads(archive.read("fhir-bundle.json"))
    assert data["tables"]["clients"][0]["display_name"] == "Elm Sample"
    assert [i["concerns"] for i in data["tables"]["intake_referrals"]] == [WORDS]
    assert bundle["entry"][0]["resource"]["resourceType"] == "Patient"

    phone.goto(server.url("/me/data"))
    phone.get_by_role("link", name="Read it here").click()
    expect(phone.get_by_role("heading", name=re.compile("holds about you"))).to_be_visible()
    expect(phone.get_by_text(WORDS)).to_be_visible()
    screenshot(phone, "issue14-summary-phone")

    # The admin finds the client under Data requests; the client's export is in the trail.
    admin.goto(server.url("/data-requests"))
    admin.get_by_label("Username").fill("ada")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("heading", name="Data requests")).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text="Elm Sample")).to_contain_text("Archive")
    screenshot(admin, "issue14-data-requests")
    with sessions() as db:  # type: ignore[operator]
        exports = db.scalars(
            select(AuditEventRow.entity_id).where(AuditEventRow.action == "export")
        ).all()
        assert exports == ["archive", "html"]
        assert not any(db.scalars(select(UserRow.is_demo)))


def test_the_admin_pages_through_a_search_on_a_phone_and_no_name_enters_the_address(
    empty_practice: tuple[EmptyPractice, Callable[..., object]],
    new_page: Callable[..., Page],
) -> None:
    server, sessions = empty_practice
    admin = new_page(width=1280, height=900)
    _start_practice(admin, server)
    with sessions() as db:  # type: ignore[operator]
        practice_id = db.scalars(select(PracticeRow.id)).one()
        for number in range(55):
            add_client(
                db,
                server.runtime,
                practice_id=practice_id,
                display_name=f"Rowan Pupil {number:02d}",
            )

    phone = new_page()
    phone.goto(server.url("/data-requests"))
    phone.get_by_label("Username").fill("ada")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_label("Client's name").fill("Pupil")
    phone.get_by_role("button", name="Find").click()
    expect(phone.get_by_text("Showing 1–50 of 55 clients")).to_be_visible()
    fits(phone, 390)
    phone.get_by_role("navigation", name="Pages of clients").get_by_role(
        "button", name="Next page"
    ).click()

    expect(phone.get_by_text("Showing 51–55 of 55 clients")).to_be_visible()
    expect(phone.get_by_role("row").filter(has_text="Rowan Pupil 54")).to_contain_text("Archive")
    expect(phone.get_by_role("row").filter(has_text="Rowan Pupil 00")).to_have_count(0)
    assert "Pupil" not in phone.url
    fits(phone, 390)
    screenshot(phone, "data-requests-second-page-phone")
