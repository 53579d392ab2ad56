"""Screenshots of Bordin's views on the demo practice, for the README and for review.

Serves Bordin in demo mode with the seeded demo practice (seed 7, built as of a fixed date so
the pictures do not change from day to day) on a free local port, signs in with the demo
practice's one-click buttons in headless Chromium, and saves:

* ``test-artifacts/screenshots/shot-<view>-<desktop|phone>.png``: full pages of the sign-in
  page, a therapist's caseload, a client page, the supervision view and the practice overview,
  at 1280×900 and 390×844;
* ``docs/screenshots/caseload-desktop.png``: the first screen (1280×900) of the caseload, which
  the README shows; and the first screen of the client page (both widths), the alerts and the
  supervision view on a phone and the practice overview on a desktop (:data:`DOCS_SHOTS`).

Usage (from the repository root)::

    .venv/bin/python scripts/screenshots.py [--seed 7] [--today 2026-11-02]

Needs Chromium at /usr/bin/chromium (``make browser``). Everyone shown is synthetic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from bordin.demo import generate_demo_practice
from bordin.notify.memory import MemoryTransport
from bordin.services.demo import build_demo_practice
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.testing.clock import FakeClock
from bordin.testing.server import free_port, serve_in_thread
from bordin.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
README_SHOT = DOCS / "caseload-desktop.png"
#: The views kept in docs/screenshots (the first screen only, so the files stay small): the
#: README's caseload, and the pages issue 13 made fit a phone.
DOCS_SHOTS = {
    ("client", "desktop"),
    ("client", "phone"),
    ("alerts", "phone"),
    ("supervision", "phone"),
    ("practice", "desktop"),
}
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
THERAPIST, LEAD, ADMIN = "Daniel Hughes", "Dr Helen Marsh", "Priya Shah"


@contextmanager
def demo_server(*, seed: int, today: dt.date) -> Iterator[str]:
    """Serve the demo practice in demo mode; yields the base URL."""
    with tempfile.TemporaryDirectory(prefix="bordin-shots-") as folder:
        port = free_port()
        settings = Settings(
            environment="development",
            data_dir=Path(folder),
            secret_key="screenshots-secret-key",
            encryption_key="screenshots-encryption-passphrase",
            notify_transport="memory",
            demo_mode=True,
            base_url=f"http://127.0.0.1:{port}",
        )
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        clock = FakeClock(dt.datetime.combine(today, dt.time(9, 0), tzinfo=dt.UTC))
        runtime = Runtime(settings=settings, transport=MemoryTransport(), now=clock)
        with sessions() as db:
            build_demo_practice(db, runtime, generate_demo_practice(seed=seed, today=today))
        app = create_app(settings, runtime=runtime, sessions=sessions)
        try:
            with serve_in_thread(app, port=port) as base_url:
                yield base_url
        finally:
            engine.dispose()


def _page(browser: Browser, width: int, height: int, scale: float = 1) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=scale,
        has_touch=width < 600,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def _sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_role("button", name=re.compile(f"^{re.escape(name)}")).click()
    page.wait_for_load_state()
    if "/login" in page.url:
        raise RuntimeError(f"could not sign in as {name}")


def capture(browser: Browser, base: str) -> list[Path]:
    """Every view at both widths; returns the files written."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for width_name, (width, height) in WIDTHS.items():

        def save(page: Page, view: str, *, wn: str = width_name) -> None:
            path = ARTIFACTS / f"shot-{view}-{wn}.png"
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
            if (view, wn) in DOCS_SHOTS:
                kept = DOCS / f"{view}-{wn}.png"
                page.screenshot(path=str(kept), full_page=False)
                written.append(kept)

        page = _page(browser, width, height)
        page.goto(f"{base}/login")
        save(page, "sign-in")
        _sign_in(page, base, THERAPIST)
        save(page, "caseload")
        if width_name == "desktop":
            README_SHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(README_SHOT), full_page=False)
            written.append(README_SHOT)
        page.locator("ol.cards > li.card h2 a").first.click()
        page.wait_for_load_state()
        save(page, "client")
        page.goto(f"{base}/alerts")
        save(page, "alerts")
        page.context.close()

        page = _page(browser, width, height)
        _sign_in(page, base, LEAD)
        page.goto(f"{base}/supervision")
        save(page, "supervision")
        page.goto(f"{base}/practice")
        save(page, "practice")
        page.context.close()

        page = _page(browser, width, height)
        _sign_in(page, base, ADMIN)
        page.goto(f"{base}/practice")
        save(page, "practice-admin")
        page.context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7, help="demo practice seed (default 7)")
    parser.add_argument(
        "--today",
        default="2026-11-02",
        help="date the demo practice is built as of (YYYY-MM-DD; default 2026-11-02)",
    )
    args = parser.parse_args(argv)
    try:
        today = dt.date.fromisoformat(args.today)
    except ValueError:
        print(f"--today: {args.today!r} is not a date like 2026-11-02", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"Chromium is not installed at {CHROMIUM} (run `make browser`)", file=sys.stderr)
        return 1
    with demo_server(seed=args.seed, today=today) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            written = capture(browser, base)
        finally:
            browser.close()
    for path in written:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
