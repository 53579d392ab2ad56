"""Helpers for journeys on a Bordin started from an empty database (the ``empty_server`` fixture
of test_practice_from_nothing.py): the people are made through the services, never the demo.

* ``runtime_for(server)``: a Runtime with the server's keys and fake clock, for setting up data
  and for running the background jobs between steps (``run_jobs``), as the worker would.
* ``cast_on(server)``: the documented synthetic cast (tests/fixtures/cast.py) on that database.
* ``sign_in(page, server, username)``: signs in through the sign-in form.
"""

from __future__ import annotations

from playwright.sync_api import Page

from bordin.notify.memory import MemoryTransport
from bordin.services.runtime import Runtime
from bordin.services.worker import run_due
from bordin.settings import Settings
from tests.browser.test_practice_from_nothing import EmptyServer
from tests.fixtures.cast import PASSWORD, Cast, build_cast


def runtime_for(server: EmptyServer, outbox: MemoryTransport | None = None) -> Runtime:
    settings = Settings(
        environment="test",
        secret_key="browser-test-secret-key",  # type: ignore[arg-type]
        encryption_key="browser-test-encryption-passphrase",  # type: ignore[arg-type]
        notify_transport="memory",
        base_url=server.base_url,
    )
    return Runtime(settings=settings, transport=outbox or MemoryTransport(), now=server.clock)


def cast_on(server: EmptyServer) -> tuple[Cast, Runtime]:
    rt = runtime_for(server)
    with server.sessions() as db:
        return build_cast(db, rt), rt


def run_jobs(server: EmptyServer, rt: Runtime) -> int:
    """Run the background jobs that are due, as ``bordin worker`` would."""
    with server.sessions() as db:
        return run_due(db, rt)


def sign_in(page: Page, server: EmptyServer, username: str, password: str = PASSWORD) -> None:
    page.goto(server.url("/login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{username} could not sign in"
