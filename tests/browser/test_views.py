"""The views people look at, in a real browser, on the demo practice, at desktop and phone width.

A Bordin in demo mode (one-click sign-in on /login) is served with the seeded demo practice
(seed 7, as ``make run`` builds it). For each view (the sign-in page, a therapist's caseload, a
client page with its trajectory chart, the supervision view and the practice overview) the test
checks the key content, checks that the page does not scroll sideways (a chart or a table that
is too wide breaks a phone), and saves a full-page screenshot to
``test-artifacts/screenshots/views-<view>-<width>.png``.

``scripts/screenshots.py`` makes the same screenshots outside the test suite, including the
README's ``docs/screenshots/caseload-desktop.png``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from bordin.notify.memory import MemoryTransport
from bordin.services.runtime import Runtime
from bordin.storage.database import make_engine, make_session_factory
from bordin.testing.clock import FakeClock
from bordin.testing.server import free_port, serve_in_thread
from bordin.web.app import create_app
from tests.browser.conftest import fits, screenshot
from tests.fixtures.demo import DemoTemplate, copy_data_dir, demo_settings

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
THERAPIST = "Daniel Hughes"
LEAD = "Dr Helen Marsh"
ADMIN = "Priya Shah"


@dataclass(frozen=True)
class DemoServer:
    base_url: str

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture(scope="module")
def demo_server(
    demo_template: DemoTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoServer]:
    """Bordin in demo mode on a copy of the run's demo practice, on a free port, for this module."""
    folder = copy_data_dir(demo_template, tmp_path_factory.mktemp("views") / "demo")
    port = free_port()
    settings = demo_settings(
        demo_template,
        folder,
        database_url=f"sqlite:///{folder / 'bordin.sqlite3'}",
        demo_mode=True,
        base_url=f"http://127.0.0.1:{port}",
    )
    engine = make_engine(settings.resolved_database_url)
    sessions = make_session_factory(engine)
    runtime = Runtime(settings=settings, transport=MemoryTransport(), now=FakeClock())
    app = create_app(settings, runtime=runtime, sessions=sessions)
    try:
        with serve_in_thread(app, port=port) as base_url:
            yield DemoServer(base_url)
    finally:
        engine.dispose()


def demo_sign_in(page: Page, server: DemoServer, name: str) -> None:
    """Sign in with the demo practice's one-click button for ``name``."""
    page.goto(server.url("/login"))
    page.get_by_role("button", name=re.compile(f"^{re.escape(name)}")).click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{name} could not sign in"


def _check_and_save(page: Page, view: str, width: str) -> None:
    fits(page)
    screenshot(page, f"views-{view}-{width}")


@pytest.fixture(params=list(WIDTHS))
def sized_page(request: pytest.FixtureRequest, new_page: Callable[..., Page]) -> tuple[Page, str]:
    width, height = WIDTHS[request.param]
    return new_page(width=width, height=height), str(request.param)


def test_the_sign_in_page_offers_the_demo_people(
    demo_server: DemoServer, sized_page: tuple[Page, str]
) -> None:
    page, width = sized_page
    page.goto(demo_server.url("/login"))
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Demo practice: sign in as")).to_be_visible()
    for name in (THERAPIST, LEAD, ADMIN):
        expect(page.get_by_role("button", name=re.compile(f"^{re.escape(name)}"))).to_be_visible()
    _check_and_save(page, "sign-in", width)


def test_the_demo_client_signs_in_with_one_click_and_sees_their_own_page(
    demo_server: DemoServer, sized_page: tuple[Page, str]
) -> None:
    page, width = sized_page
    page.goto(demo_server.url("/login"))
    page.get_by_role("button", name=re.compile(r"client$")).click()
    page.wait_for_load_state()
    assert page.url.endswith("/me"), page.url
    _check_and_save(page, "client-me", width)


def test_a_therapists_caseload_shows_who_needs_attention(
    demo_server: DemoServer, sized_page: tuple[Page, str]
) -> None:
    page, width = sized_page
    demo_sign_in(page, demo_server, THERAPIST)
    assert page.url.endswith("/caseload")
    expect(page.get_by_role("heading", name="Caseload", exact=True)).to_be_visible()
    cards = page.locator("ol.cards > li.card")
    assert cards.count() >= 3
    expect(cards.first.locator("text=Next session")).to_be_visible()
    assert page.locator("ol.cards svg").count() >= 2  # sparklines
    _check_and_save(page, "caseload", width)


def test_a_client_page_shows_the_trajectory_chart_with_its_text_alternative(
    demo_server: DemoServer, sized_page: tuple[Page, str]
) -> None:
    page, width = sized_page
    page.set_default_timeout(30_000)  # the page draws its chart twice (desktop and phone)
    demo_sign_in(page, demo_server, THERAPIST)
    page.locator("ol.cards > li.card h2 a").first.click()
    page.wait_for_load_state()
    assert re.search(r"/clients/\d+$", page.url)
    expect(
        page.get_by_role("heading", name="Alliance and outcome over sessions").first
    ).to_be_visible()
    shown = ".chart-narrow" if width == "phone" else ".chart-wide"
    hidden = ".chart-wide" if width == "phone" else ".chart-narrow"
    chart = page.locator(f"figure.chart {shown} svg").first
    expect(chart).to_be_visible()
    expect(page.locator(f"figure.chart {hidden} svg").first).to_be_hidden()
    assert chart.get_attribute("role") == "img"
    caption = page.locator("figure.chart figcaption").first
    assert "Alliance" in (caption.text_content() or "")
    caption_box = caption.bounding_box()
    assert caption_box is not None and caption_box["width"] <= 1  # for screen readers only
    svg = chart.bounding_box()
    assert svg is not None
    # The whole chart is on screen, latest session and legend included: nothing to scroll.
    assert svg["x"] >= 0 and svg["x"] + svg["width"] <= WIDTHS[width][0]
    if width == "phone":
        assert svg["width"] >= 300  # drawn for the phone, not a desktop chart shrunk to it
    _check_and_save(page, "client", width)


def test_the_supervision_view_shows_supervisees_and_concerns_for_the_lead(
    demo_server: DemoServer, sized_page: tuple[Page, str]
) -> None:
    page, width = sized_page
    demo_sign_in(page, demo_server, LEAD)
    page.goto(demo_server.url("/supervision"))
    expect(page.get_by_role("heading", name="Supervision", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Conduct concerns"))).to_be_visible()
    table = page.locator("table.supervision-table")
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() == 8  # the demo's eight therapists
    expect(page.locator("section.supervisee li.card a").first).to_be_visible()
    _check_and_save(page, "supervision", width)


def test_the_practice_overview_shows_rates_and_therapists_without_a_ranking(
    demo_server: DemoServer, sized_page: tuple[Page, str]
) -> None:
    page, width = sized_page
    demo_sign_in(page, demo_server, ADMIN)
    page.goto(demo_server.url("/practice"))
    expect(page.get_by_role("heading", name=re.compile("^Practice overview"))).to_be_visible()
    expect(page.get_by_text("This is not a league table.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Dropout"))).to_be_visible()
    chart = page.locator("figure.interval-chart svg")
    expect(chart).to_be_visible()
    names = chart.locator("text.name").all_text_contents()
    assert names == sorted(names, key=str.casefold)  # alphabetical, never by effect
    assert not page.locator("a[href^='/clients/']").count()  # the admin sees no client
    _check_and_save(page, "practice", width)
