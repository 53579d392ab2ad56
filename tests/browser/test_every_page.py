"""Every page, as the person who uses it, at desktop (1280) and phone (390) width, checked by axe.

One parametrised test visits every GET page of the app (staff, client and public) in Chromium,
signed in as the right person from the synthetic cast, and asserts:

* the page answers (no error status);
* axe-core (``axe-playwright-python``, pinned in the dev extras) finds no **serious** or
  **critical** violation of WCAG 2.1 A/AA;
* at 390 px nothing is wider than the screen (no sideways scrolling).

It saves a full-page screenshot of each to ``test-artifacts/screenshots/page-<name>-<width>.png``
(gitignored; ``scripts/screenshots.py`` refreshes the few kept in docs/screenshots).

The list of pages is :data:`PAGES`; :data:`NOT_PAGES` names the GET routes that are not pages
(downloads, redirects) and why; the JSON API under ``/api/`` has no pages.
``test_every_get_route_is_a_checked_page_or_said_not_to_be`` reads the routes from the app
itself, so a new page that is not added here fails the suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, BrowserContext, Page

from bordin.domain.access import Actor, Role
from bordin.domain.intake import IntakeAnswers
from bordin.notify.memory import MemoryTransport
from bordin.reports.read.supervision_report import parse_period
from bordin.services import feedback, prepared_reports, reminders
from bordin.services import practice as practice_service
from bordin.services.concerns import raise_concern
from bordin.services.intake import submit_intake
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.testing.clock import FakeClock
from bordin.testing.server import free_port, serve_in_thread
from bordin.web.app import create_app
from tests.browser.conftest import AXE_BLOCKING, AXE_OPTIONS, axe_blocking, fits, screenshot
from tests.fixtures.cast import PASSWORD, Cast, build_cast
from tests.integration.reports.helpers import rate

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@dataclass(frozen=True)
class Site:
    """The served app and the records the page addresses need."""

    base_url: str
    cast: Cast
    outbox: MemoryTransport
    ids: dict[str, int | str]
    routes: frozenset[str]

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@dataclass(frozen=True)
class Visit:
    """Who opens the page (a cast username, ``client`` for Ash, or None) and its address."""

    who: str | None
    address: Callable[[Site], str]


def fixed(path: str, who: str | None) -> Visit:
    return Visit(who, lambda _site: path)


def with_ids(template: str, who: str | None) -> Visit:
    return Visit(who, lambda site: template.format(**site.ids))


#: Every page: its route, who opens it and at which address.
PAGES: dict[str, Visit] = {
    # public
    "/login": fixed("/login", None),
    "/self-referral": fixed("/self-referral", None),
    "/me/sign-in": fixed("/me/sign-in", None),
    "/f/{token}": with_ids("/f/{token}", None),
    "/f/{token}/concern": with_ids("/f/{token}/concern", None),
    "/reminders/stop/{token}": with_ids("/reminders/stop/{stop_token}", None),
    # the client (Ash)
    "/me": fixed("/me", "client"),
    "/me/concern": fixed("/me/concern", "client"),
    "/me/fit-check": fixed("/me/fit-check", "client"),
    "/me/sessions": fixed("/me/sessions", "client"),
    "/me/data": fixed("/me/data", "client"),
    "/me/sessions/{appointment_id}/cancel": with_ids("/me/sessions/{next_id}/cancel", "client"),
    "/me/sessions/{appointment_id}/move": with_ids("/me/sessions/{next_id}/move", "client"),
    # the therapist (Alice)
    "/caseload": fixed("/caseload", "alice"),
    "/clients/{client_id}": with_ids("/clients/{ash_id}", "alice"),
    "/sessions/{appointment_id}": with_ids("/sessions/{past_id}", "alice"),
    "/alerts": fixed("/alerts", "alice"),
    "/enrol": fixed("/enrol", "alice"),
    "/reports/prepared/{report_id}": with_ids("/reports/prepared/{report_id}", "alice"),
    "/reports": fixed("/reports", "alice"),
    "/calendar": fixed("/calendar", "alice"),
    "/tokens": fixed("/tokens", "alice"),
    "/schedule": fixed("/schedule", "alice"),
    "/schedule/book": fixed("/schedule/book", "alice"),
    "/schedule/hours": fixed("/schedule/hours", "alice"),
    "/schedule/sessions/{appointment_id}/move": with_ids(
        "/schedule/sessions/{next_id}/move", "alice"
    ),
    # the supervisor and clinical lead (Sue)
    "/supervision": fixed("/supervision", "sue"),
    "/concerns": fixed("/concerns", "sue"),
    "/fit-checks": fixed("/fit-checks", "sue"),
    "/triage/corrections": fixed("/triage/corrections", "sue"),
    "/practice": fixed("/practice", "sue"),
    "/practice/research": fixed("/practice/research", "sue"),
    "/data-requests": fixed("/data-requests", "sue"),
    "/measures/schedule": fixed("/measures/schedule", "sue"),
    "/intake/new": fixed("/intake/new", "sue"),
    "/waiting-list": fixed("/waiting-list", "sue"),
    "/waiting-list/{intake_id}": with_ids("/waiting-list/{intake_id}", "sue"),
    "/matching/{intake_id}": with_ids("/matching/{intake_id}", "sue"),
    # the admin (Adam)
    "/admin/users": fixed("/admin/users", "adam"),
    "/admin/users/{user_id}": with_ids("/admin/users/{alice_id}", "adam"),
    "/admin/settings": fixed("/admin/settings", "adam"),
    "/admin/settings/wording": fixed("/admin/settings/wording", "adam"),
    "/audit": fixed("/audit", "adam"),
    "/schedule/practice": fixed("/schedule/practice", "adam"),
    "/schedule/settings": fixed("/schedule/settings", "adam"),
    "/admin/erasure": fixed("/admin/erasure", "adam"),
    "/admin/retention": fixed("/admin/retention", "adam"),
}

#: GET routes that are not pages, and why.
NOT_PAGES: dict[str, str] = {
    "/": "sends each person to their own start page",
    "/setup": "the first-run page, served only before a practice exists: "
    "test_practice_from_nothing.py checks it with axe",
    "/me/link/{token}": "a sign-in link: leads to a confirmation, then to /me",
    "/reports/prepared/{report_id}.pdf": "a PDF",
    "/caseload.csv": "a CSV download",
    "/supervision.csv": "a CSV download",
    "/practice.csv": "a CSV download",
    "/clients/{client_id}/episodes/{episode_id}/trajectory.csv": "a CSV download",
    "/calendar/{token}.ics": "a calendar feed",
    "/me/data/record.{ending}": "the client's own record, a download",
    "/data-requests/clients/{client_id}/record.{ending}": "a client's record, a download",
    "/practice/research/{project_id}/export": "a research export, a download",
}


def _get_routes(app: object) -> set[str]:
    found: set[str] = set()
    for route in getattr(app, "routes", []):
        included = getattr(route, "original_router", None)
        for inner in included.routes if included is not None else [route]:
            if isinstance(inner, APIRoute) and "GET" in inner.methods:
                found.add(inner.path)
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The cast, with something on every page: ratings, a concern, an intake, a feedback link."""
    folder = tmp_path_factory.mktemp("pages")
    port = free_port()
    settings = Settings(
        environment="test",
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'bordin.sqlite3'}",
        secret_key="every-page-secret-key",  # type: ignore[arg-type]
        encryption_key="every-page-encryption-passphrase",  # type: ignore[arg-type]
        notify_transport="memory",
        base_url=f"http://127.0.0.1:{port}",
    )
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    clock = FakeClock()
    outbox = MemoryTransport()
    rt = Runtime(settings=settings, transport=outbox, now=clock)
    with sessions() as db:
        cast = build_cast(db, rt)
        rate(
            db, rt, client_id=cast.ash.id, episode_id=cast.ash_episode.id,
            sessions=cast.ash_sessions[:3], alliance=[8, 7, 9], phq9=[16, 12, 9],
        )  # fmt: skip
        rate(
            db, rt, client_id=cast.birch.id, episode_id=cast.couple_episode.id,
            sessions=cast.couple_sessions[:3], alliance=[9, 6, 7],
        )  # fmt: skip
        practice_service.set_consent(
            db,
            rt,
            actor=Actor(practice_id=cast.practice.id, role=Role.CLIENT, client_id=cast.ash.id),
            client_id=cast.ash.id,
            purpose="see_own_progress",
            granted=True,
        )
        upcoming = practice_service.schedule_appointment(
            db, rt, episode_id=cast.ash_episode.id, starts_at=clock() + timedelta(days=9)
        )
        [link] = [
            i
            for i in feedback.issue_links(db, rt, appointment_id=cast.ash_sessions[3].id)
            if i.client_id == cast.ash.id
        ]
        client = Actor(practice_id=cast.practice.id, role=Role.CLIENT, client_id=cast.dale.id)
        raise_concern(db, rt, text="My therapist keeps looking at their phone.", actor=client)
        intake = submit_intake(
            db,
            rt,
            practice_id=cast.practice.id,
            answers=IntakeAnswers(
                display_name="Elm Sample",
                email="elm@example.org",
                concern_areas=("anxiety",),
                concerns_text="I keep worrying about my job and cannot switch off.",
                risk_now="no",
                risk_recent="no",
                consent_to_store=True,
            ),
        )
        # A supervision report Alice asked for, made as the worker would (its waiting page
        # refreshes itself, so the page is checked once the report is ready).
        report_id = prepared_reports.request_report(
            db,
            rt,
            actor=cast.actor(cast.alice),
            subject=f"therapist:{cast.alice.id}",
            period=parse_period(None, None, today=clock().date()),
        )
        prepared_reports.prepare(db, rt, report_id=report_id)
        ids: dict[str, int | str] = {
            "token": link.token,
            "stop_token": reminders.opt_out_token(rt, client_id=cast.ash.id, channel="email"),
            "ash_id": cast.ash.id,
            "alice_id": cast.alice.id,
            "past_id": cast.ash_sessions[3].id,
            "next_id": upcoming.id,
            "intake_id": intake.intake_id,
            "report_id": report_id,
        }
        db.commit()
    app = create_app(settings, runtime=rt, sessions=sessions)
    try:
        with serve_in_thread(app, port=port) as base_url:
            yield Site(base_url, cast, outbox, ids, frozenset(_get_routes(app)))
    finally:
        engine.dispose()


def _sign_in_staff(page: Page, site: Site, username: str) -> None:
    page.goto(site.url("/login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{username} could not sign in"


def _sign_in_client(page: Page, site: Site) -> None:
    """Ash signs in by the emailed link, as a client does."""
    email = site.cast.ash.email or ""
    already = len(site.outbox.to(email))
    page.goto(site.url("/me/sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name=re.compile("link", re.I)).click()
    for _ in range(100):  # the email goes after the response (a background task)
        if len(site.outbox.to(email)) > already:
            break
        page.wait_for_timeout(100)
    message = site.outbox.to(email)[-1]
    link = re.search(r"https?://\S+/me/link/\S+", message.text)
    assert link, "the sign-in email has no link"
    page.goto(link.group(0))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def people(browser: Browser, site: Site) -> Iterator[Callable[[str | None, str], Page]]:
    """A signed-in page per person and width, made once and reused across pages."""
    contexts: dict[tuple[str | None, str], tuple[BrowserContext, Page]] = {}

    def page_for(who: str | None, width: str) -> Page:
        if (who, width) not in contexts:
            w, h = WIDTHS[width]
            context = browser.new_context(
                viewport={"width": w, "height": h}, has_touch=width == "phone"
            )
            context.set_default_timeout(20_000)
            page = context.new_page()
            if who == "client":
                _sign_in_client(page, site)
            elif who is not None:
                _sign_in_staff(page, site, who)
            contexts[(who, width)] = (context, page)
        return contexts[(who, width)][1]

    yield page_for
    for context, _page in contexts.values():
        context.close()


def test_every_get_route_is_a_checked_page_or_said_not_to_be(site: Site) -> None:
    # The JSON API (/api/...) is documented and tested on its own: it has no pages.
    routes = {r for r in site.routes if not r.startswith("/api/")} - {"/docs/oauth2-redirect"}
    assert len(routes) > 40  # the routes were read from the app
    assert routes - set(PAGES) - set(NOT_PAGES) == set(), "add new pages to PAGES"
    assert set(PAGES) - routes == set() and set(NOT_PAGES) - routes == set()
    assert not set(PAGES) & set(NOT_PAGES)


def _name(route: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", route.lower()).strip("-") or "home"


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("route", list(PAGES))
def test_the_page_passes_axe_and_fits_the_screen(
    route: str, width: str, site: Site, people: Callable[[str | None, str], Page]
) -> None:
    visit = PAGES[route]
    page = people(visit.who, width)
    response = page.goto(site.url(visit.address(site)))
    assert response is not None and response.status < 400, (
        f"{route}: {response and response.status}"
    )
    blocking = axe_blocking(page)
    assert blocking == [], f"{route} at {width}: " + "; ".join(blocking)
    if width == "phone":
        fits(page)
    screenshot(page, f"page-{_name(route)}-{width}")


def test_the_axe_check_fails_on_a_serious_violation(browser: Browser) -> None:
    """The check above can fail: a button with no name is a critical violation for axe."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><button></button></main></html>')
    results = Axe().run(page, options=AXE_OPTIONS)
    context.close()
    impacts = {v["id"]: v["impact"] for v in results.response["violations"]}
    assert impacts.get("button-name") in AXE_BLOCKING
