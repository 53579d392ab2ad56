"""Booking in a real browser, starting from an empty practice (not the demo, not the cast):
the practice, a therapist and a client are made through the services; the therapist sets their
hours and books a weekly series through the pages and sees their week; the client, on a phone
(390×844), signs in by emailed link, picks another free time, and the therapist is told.

The fake clock stands at Monday 2 November 2026, 09:00 UTC (London is on GMT).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from bordin.services import practice as practice_service
from bordin.services import users as user_service
from tests.browser.conftest import LiveServer, screenshot, sign_in
from tests.browser.test_feedback_loop import assert_phone_friendly
from tests.fixtures.cast import PASSWORD

DESK = {"width": 1280, "height": 900}


def empty_practice(server: LiveServer) -> None:
    """Riverside Counselling, with one therapist (Rowan) and one client (Robin), nothing else."""
    rt = server.runtime
    with server.sessions() as db:
        practice = practice_service.create_practice(db, rt, name="Riverside Counselling")
        rowan = user_service.add_user(
            db,
            rt,
            practice_id=practice.id,
            username="rowan",
            email="rowan@example.org",
            display_name="Rowan Therapist",
            role="therapist",
            password=PASSWORD,
        )
        robin = practice_service.add_client(
            db,
            rt,
            practice_id=practice.id,
            display_name="Robin Sample",
            email="robin@example.org",
        )
        practice_service.open_episode(
            db,
            rt,
            therapist_id=rowan.id,
            client_ids=[robin.id],
            kind="individual",
            started_on=rt.now().date(),
        )


def test_a_therapist_books_a_weekly_series_from_an_empty_practice_and_sees_the_week(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    empty_practice(live_server)
    page = new_page(**DESK)
    sign_in(page, live_server, "rowan")
    page.goto(live_server.url("/schedule"))
    expect(page.get_by_role("heading", name=re.compile("Rowan Therapist's week"))).to_be_visible()
    page.get_by_role("link", name="Working hours and leave").click()
    for day in ("monday", "tuesday", "wednesday", "thursday"):
        page.locator(f"#{day}_start").fill("09:00")
        page.locator(f"#{day}_end").fill("19:00")
    page.get_by_role("button", name="Save working hours").click()
    expect(page.get_by_text("Working hours saved.")).to_be_visible()

    page.goto(live_server.url("/schedule/book"))
    page.get_by_label("Client").select_option(label="Robin Sample")
    page.get_by_label("Date").fill("2026-11-03")
    page.get_by_label("Time").fill("18:00")
    page.get_by_label("Every week").check()
    page.get_by_label("Number of sessions (if repeating)").fill("4")
    page.get_by_label("In person").check()
    page.locator("#room").fill("Garden room")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("Booked.")).to_be_visible()
    week = page.locator("table.week-table")
    expect(week.get_by_text("18:00–18:50")).to_be_visible()
    expect(week.get_by_text("Robin Sample")).to_be_visible()
    screenshot(page, "week-view-desk")

    # A clash is refused, naming the field, and the week is unchanged.
    page.goto(live_server.url("/schedule/book"))
    page.get_by_label("Client").select_option(label="Robin Sample")
    page.get_by_label("Date").fill("2026-11-10")
    page.get_by_label("Time").fill("18:30")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Time: The therapist already has a session at Tue 10 Nov 18:00–18:50"
    )
    page.goto(live_server.url("/schedule?week=2026-11-09"))
    expect(page.locator("table.week-table").get_by_text("18:00–18:50")).to_have_count(1)


def test_a_client_moves_their_session_from_a_phone_and_the_therapist_is_told(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    empty_practice(live_server)
    staff = new_page(**DESK)
    sign_in(staff, live_server, "rowan")
    staff.goto(live_server.url("/schedule/hours"))
    for day in ("monday", "tuesday", "wednesday"):
        staff.locator(f"#{day}_start").fill("09:00")
        staff.locator(f"#{day}_end").fill("17:00")
    staff.get_by_role("button", name="Save working hours").click()
    staff.goto(live_server.url("/schedule/book"))
    staff.get_by_label("Client").select_option(label="Robin Sample")
    staff.get_by_label("Date").fill("2026-11-10")
    staff.get_by_label("Time").fill("10:00")
    staff.get_by_role("button", name="Book").click()
    expect(staff.get_by_text("Booked.")).to_be_visible()

    phone = new_page()
    phone.goto(live_server.url("/me/sign-in"))
    phone.get_by_label("Email address").fill("robin@example.org")
    phone.get_by_role("button", name=re.compile("link", re.I)).click()
    expect(phone.get_by_role("status")).to_contain_text("emailed you a sign-in link")
    for _ in range(50):  # the email goes after the response (a background task)
        if live_server.outbox.to("robin@example.org"):
            break
        phone.wait_for_timeout(100)
    [email] = live_server.outbox.to("robin@example.org")
    link = re.search(r"https?://\S+/me/link/\S+", email.text)
    assert link, "the sign-in email has no link"
    phone.goto(link.group(0))
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_role("link", name=re.compile("Your sessions")).click()
    expect(phone.get_by_role("heading", name="Tuesday 10 November, 10:00")).to_be_visible()
    assert_phone_friendly(phone)
    screenshot(phone, "my-sessions-phone")
    phone.get_by_role("link", name="Choose another time").click()
    expect(phone.get_by_role("group", name="Tuesday 3 November")).to_be_visible()
    assert_phone_friendly(phone)
    screenshot(phone, "choose-another-time-phone")
    phone.get_by_role("group", name="Wednesday 4 November").get_by_text("14:00").click()
    phone.get_by_role("button", name="Move my session to this time").click()
    expect(phone.get_by_text("Your session has been moved.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Wednesday 4 November, 14:00")).to_be_visible()

    staff.goto(live_server.url("/alerts"))
    expect(
        staff.get_by_text(
            "Robin Sample moved their session from Tue 10 Nov 10:00 to Wed 04 Nov 14:00."
        ).first
    ).to_be_visible()
    staff.goto(live_server.url("/schedule?week=2026-11-02"))
    expect(staff.locator("table.week-table").get_by_text("14:00–14:50")).to_be_visible()
