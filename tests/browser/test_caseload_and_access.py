"""A therapist signs in, opens the caseload and a client page; another therapist's client is 404."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from bordin.services.measures import record_administration
from tests.browser.conftest import LiveServer, screenshot, sign_in


def _rate_ash(server: LiveServer) -> None:
    cast, rt = server.cast, server.runtime
    with server.sessions() as db:
        for appointment, value in zip(cast.ash_sessions[:4], [9, 9, 8, 9], strict=True):
            record_administration(
                db,
                rt,
                client_id=cast.ash.id,
                episode_id=cast.ash_episode.id,
                appointment_id=appointment.id,
                instrument_id="bordin_sac",
                answers=[value] * 4,
                answered_at=appointment.starts_at,
            )


def test_a_therapist_sees_their_caseload_and_opens_a_client(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    _rate_ash(live_server)
    for name, width, height in (("desktop", 1280, 900), ("phone", 390, 844)):
        page = new_page(width=width, height=height)
        sign_in(page, live_server, "alice")
        expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
        expect(page.get_by_role("link", name="Ash Sample")).to_be_visible()
        expect(page.get_by_text("Dale Sample")).to_have_count(0)
        screenshot(page, f"issue2-caseload-{name}")
        page.get_by_role("link", name="Ash Sample").click()
        expect(page.get_by_role("heading", name="Ash Sample")).to_be_visible()
        # The chart is drawn wide and narrow; CSS shows the one that fits this screen.
        expect(page.locator("figure.chart svg >> visible=true")).to_have_count(1)
        screenshot(page, f"issue2-client-{name}")


def test_another_therapists_client_is_not_found(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    page = new_page(width=1280, height=900)
    sign_in(page, live_server, "bob")
    response = page.goto(live_server.url(f"/clients/{live_server.cast.ash.id}"))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text("Ash Sample")).to_have_count(0)
    screenshot(page, "issue2-not-found")
