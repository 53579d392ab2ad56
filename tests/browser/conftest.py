"""Browser tests: a real Bordin served by uvicorn, driven by Chromium through Playwright.

Fixtures (reuse them for any page):

* ``live_server``: a fresh Bordin on a free 127.0.0.1 port, with its own SQLite file in
  ``tmp_path`` (migrated) and the synthetic cast built through the services. It exposes
  ``base_url``, ``runtime`` (fake clock, in-memory ``outbox``), ``sessions`` (for setting up
  and checking data from the test) and ``cast``.
* ``browser``: one headless Chromium for the whole run (Debian's ``/usr/bin/chromium``).
* ``new_page``: a factory; each call opens a page in its own browser context (own cookies),
  at phone size (390×844) unless told otherwise.
* ``sign_in(page, live_server, username)``: signs in through the sign-in form.
* ``screenshot(page, name)``: saves ``test-artifacts/screenshots/<name>.png`` (gitignored).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.orm import Session, sessionmaker

from bordin.notify.memory import MemoryTransport
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.testing.clock import FakeClock
from bordin.testing.server import free_port, serve_in_thread
from bordin.web.app import create_app
from tests.fixtures.cast import PASSWORD, Cast, build_cast

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@dataclass
class LiveServer:
    base_url: str
    runtime: Runtime
    sessions: sessionmaker[Session]
    cast: Cast
    outbox: MemoryTransport
    clock: FakeClock

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'bordin.sqlite3'}",
        secret_key="browser-test-secret-key",  # type: ignore[arg-type]
        encryption_key="browser-test-encryption-passphrase",  # type: ignore[arg-type]
        notify_transport="memory",
        base_url=base_url,
    )
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    clock = FakeClock()
    outbox = MemoryTransport()
    runtime = Runtime(settings=settings, transport=outbox, now=clock)
    with sessions() as db:
        cast = build_cast(db, runtime)
    app = create_app(settings, runtime=runtime, sessions=sessions)
    try:
        with serve_in_thread(app, port=port) as base_url:
            yield LiveServer(base_url, runtime, sessions, cast, outbox, clock)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (run `make browser`)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    contexts = []

    def make(width: int = PHONE["width"], height: int = PHONE["height"]) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=2,
            has_touch=width < 600,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in form, as a person would."""
    page.goto(server.url("/login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{username} could not sign in"


def fits(page: Page, width: int | None = None) -> None:
    """No sideways scrolling: the page is no wider than ``width`` (default: the viewport).

    Waits for the page's load event first. Text on a page that a click has just opened can be
    there before its stylesheet is, and a page measured without its stylesheet is as wide as its
    widest chart, which is not what anyone sees.
    """
    page.wait_for_load_state("load")
    limit = width if width is not None else page.evaluate("window.innerWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= limit, f"the page is wider than the screen ({scroll}px > {limit}px)"


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


#: axe-core impact levels that fail a page (see docs/accessibility.md).
AXE_BLOCKING = ("serious", "critical")
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
}


def axe_blocking(page: Page) -> list[str]:
    """The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page, in words."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in AXE_BLOCKING
    ]
