"""A practice starts from nothing: first run, settings, a therapist, a self-referral on a phone,
and the waiting list that shows the new client. No demo data anywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bordin.notify.memory import MemoryTransport
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.storage.tables import ClientRow, UserRow
from bordin.testing.clock import FakeClock
from bordin.testing.server import free_port, serve_in_thread
from bordin.web.app import create_app
from tests.browser.conftest import axe_blocking, fits, screenshot

PASSWORD = "a long admin password"


@dataclass
class EmptyServer:
    base_url: str
    sessions: sessionmaker[Session]
    clock: FakeClock

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture
def empty_server(tmp_path: Path) -> Iterator[EmptyServer]:
    """A fresh Bordin on an empty database: no practice, no people, demo mode off."""
    with empty_bordin(tmp_path) as server:
        yield server


@contextmanager
def empty_bordin(tmp_path: Path, **overrides: object) -> Iterator[EmptyServer]:
    """Serve a fresh Bordin on an empty database, with ``overrides`` to its settings."""
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
    ).model_copy(update=overrides)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    clock = FakeClock()
    runtime = Runtime(settings=settings, transport=MemoryTransport(), now=clock)
    app = create_app(settings, runtime=runtime, sessions=sessions)
    try:
        with serve_in_thread(app, port=port) as base_url:
            yield EmptyServer(base_url, sessions, clock)
    finally:
        engine.dispose()


def test_a_practice_starts_from_nothing_and_takes_its_first_client(
    empty_server: EmptyServer, new_page: Callable[..., Page]
) -> None:
    server = empty_server
    admin = new_page(width=1280, height=900)

    # First run: the front door leads to the set-up page.
    admin.goto(server.url("/"))
    expect(admin.get_by_role("heading", name="Start your practice")).to_be_visible()
    admin.get_by_label("Practice name").fill("Riverside Therapy")
    admin.get_by_label("Your name").fill("Ada Admin")
    admin.get_by_label("Your username").fill("ada")
    admin.get_by_label("Your email").fill("ada@example.org")
    admin.get_by_label("Password").fill(PASSWORD)
    assert axe_blocking(admin) == []  # the first-run page, seen only here
    screenshot(admin, "issue11-first-run")
    admin.get_by_role("button", name="Start the practice").click()

    # Sign in as the new admin; the settings page follows.
    expect(admin.get_by_role("heading", name="Sign in")).to_be_visible()
    admin.get_by_label("Username").fill("ada")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("heading", name="Practice settings")).to_be_visible()
    expect(admin.get_by_text("Bordin's Session Alliance Check").first).to_be_visible()
    admin.locator('input[name="individual.measures"][value="phq9"]').check()
    admin.locator('select[name="individual.every.phq9"]').select_option("4")
    admin.get_by_role("button", name="Save measures").click()
    expect(admin.get_by_role("status")).to_have_text("Saved.")
    assert axe_blocking(admin) == []
    screenshot(admin, "issue11-settings")

    # Add a therapist, then give them a profile.
    admin.get_by_role("link", name="Staff").click()
    admin.get_by_label("Name", exact=True).fill("Tess Therapist")
    admin.get_by_label("Username").fill("tess")
    admin.get_by_label("Email").fill("tess@example.org")
    admin.get_by_label("Initial password (at least 10 characters)").fill("a long therapist pw")
    admin.get_by_role("button", name="Add").click()
    admin.get_by_role("link", name="Tess Therapist").click()
    admin.get_by_label("Languages they work in (separate with commas)").fill("English, Polish")
    admin.get_by_label("Monday evening").check()
    admin.get_by_role("button", name="Save profile").click()
    expect(admin.get_by_role("status")).to_have_text("Profile saved.")

    # A client refers themself from the practice's website, on a phone.
    phone = new_page(width=390, height=844)
    phone.goto(server.url("/self-referral"))
    expect(
        phone.get_by_role("heading", name="Ask for therapy at Riverside Therapy")
    ).to_be_visible()
    expect(phone.locator('a[href="tel:999"]').first).to_be_visible()
    phone.locator("#display_name").fill("Elm Sample")
    phone.locator("#email").fill("elm@example.org")
    phone.get_by_role("group", name="What would you like help with").get_by_label(
        "Anxiety, worry or panic"
    ).check()
    phone.locator('input[name="risk_now"][value="no"]').check()
    phone.locator('input[name="risk_recent"][value="no"]').check()
    phone.locator("#language").fill("Polish")
    phone.get_by_label("Monday evening").check()
    phone.get_by_label("Health insurance").check()
    phone.get_by_label("I agree that the practice keeps what is written here").check()
    fits(phone, 390)
    assert axe_blocking(phone) == []
    screenshot(phone, "issue11-self-referral-phone")
    phone.get_by_role("button", name="Send to the practice").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()

    # Four days later the admin signs in again and sees them waiting.
    server.clock.advance(days=4)
    admin.goto(server.url("/waiting-list"))
    admin.get_by_label("Username").fill("ada")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("heading", name="Waiting list")).to_be_visible()
    row = admin.get_by_role("row").filter(has_text="Elm Sample")
    expect(row).to_contain_text("4 days")
    expect(row).to_contain_text("Monday evening")
    assert axe_blocking(admin) == []
    screenshot(admin, "issue11-waiting-list")
    with server.sessions() as db:
        assert db.scalars(select(ClientRow.display_name)).all() == ["Elm Sample"]
        assert not any(db.scalars(select(UserRow.is_demo)))
