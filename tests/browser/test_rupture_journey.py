"""A rupture and its repair in a real browser, on a Bordin started from an empty database.

The cast (tests/fixtures/cast.py) is made through the services. Ash rates the alliance high for
three sessions and then low: the caseload shows a possible rupture. Alice opens Ash's page and
logs what she saw in session 4 and that it was partly resolved; after the next session Ash,
on a phone, rates the alliance high again, and Alice's pages show the rupture as repaired.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from bordin.services import feedback_links
from bordin.services.signals import recompute_episode
from tests.browser.conftest import fits, screenshot
from tests.browser.empty_practice import cast_on, run_jobs, sign_in
from tests.browser.test_feedback_loop import answer_sac
from tests.browser.test_practice_from_nothing import (  # the fixture for an empty Bordin
    EmptyServer,
    empty_server,  # noqa: F401
)
from tests.integration.reports.helpers import rate


@pytest.mark.parametrize("width", [390, 1280])
def test_a_therapist_logs_a_rupture_and_sees_it_repaired_after_the_clients_next_rating(
    empty_server: EmptyServer,  # noqa: F811
    new_page: Callable[..., Page],
    width: int,
) -> None:
    server = empty_server
    cast, rt = cast_on(server)
    with server.sessions() as db:
        rate(
            db,
            rt,
            client_id=cast.ash.id,
            episode_id=cast.ash_episode.id,
            sessions=cast.ash_sessions[:4],
            alliance=[9, 9, 9, 4],
        )
        recompute_episode(db, rt, episode_id=cast.ash_episode.id)

    alice = new_page(width=width, height=900)
    sign_in(alice, server, "alice")
    alice.goto(server.url("/caseload"))
    row = alice.get_by_role("listitem").filter(has_text="Ash Sample")
    expect(row).to_contain_text("Possible rupture")
    row.get_by_role("link", name="Ash Sample").click()
    expect(alice.get_by_role("heading", name="Ash Sample")).to_be_visible()

    # She logs what she saw in session 4. A sign of the other type is refused in words, and
    # what she entered is kept.
    alice.get_by_text("Log a rupture seen in session").click()
    form = alice.locator("form").filter(has_text="Save to the log")
    form.get_by_label("Session", exact=True).select_option(label="Session 4, 26 Oct 2026")
    form.get_by_label("Withdrawal (moving away)").check()
    form.get_by_label("Minimal response").check()
    form.get_by_label("Complaints/concerns about progress in therapy").check()
    form.get_by_label("Invite the client to talk about the therapy or the therapist").check()
    form.get_by_label("partly").check()
    form.get_by_label("Note (optional, encrypted)").fill("Went quiet after the homework review.")
    form.get_by_role("button", name="Save to the log").click()
    errors = alice.get_by_role("alert")
    expect(errors).to_contain_text(
        "Markers: “Complaints/concerns about progress in therapy” is a confrontation marker,"
        " not withdrawal"
    )
    expect(errors).not_to_contain_text("complaints_progress")
    expect(form.get_by_label("Note (optional, encrypted)")).to_have_value(
        "Went quiet after the homework review."
    )
    expect(form.get_by_label("Minimal response")).to_be_checked()
    fits(alice, width)
    screenshot(alice, f"rupture-log-refused-{width}")
    form.get_by_label("Complaints/concerns about progress in therapy").uncheck()
    form.get_by_role("button", name="Save to the log").click()
    log = alice.locator("#ruptures + ul")
    expect(log).to_contain_text("withdrawal rupture")
    expect(log).to_contain_text("seen: minimal response")
    expect(log).to_contain_text("resolved: partly")
    expect(alice.get_by_role("alert")).to_have_count(0)

    # The next session happens; Alice records it on the session page.
    server.clock.advance(hours=1)
    alice.goto(server.url("/caseload"))
    alice.get_by_role("link", name="Mon 02 Nov 2026, 09:00").first.click()
    alice.get_by_role("button", name="Attended (send feedback links)").click()
    with server.sessions() as db:
        token = feedback_links.issue_links(db, rt, appointment_id=cast.ash_sessions[4].id)[0].token

    # Ash, on a phone, rates the alliance high again.
    ash = new_page()
    ash.goto(server.url(f"/f/{token}"))
    answer_sac(ash, 9, 9, 9, 9)
    ash.get_by_role("button", name="Send my feedback").click()
    expect(ash.get_by_role("heading", name="Thank you")).to_be_visible()
    run_jobs(server, rt)

    # Alice's page for Ash now shows the rupture as repaired, as good news, with her own view.
    alice.goto(server.url("/caseload"))
    row = alice.get_by_role("listitem").filter(has_text="Ash Sample")
    expect(row).not_to_contain_text("Possible rupture")
    row.get_by_role("link", name="Ash Sample").click()
    good_news = alice.get_by_role("heading", name="Good news").locator("+ ul")
    expect(good_news).to_contain_text("Rupture, repaired")
    expect(good_news).to_contain_text("a withdrawal rupture in session 4 (partly resolved)")
    expect(alice.get_by_role("list", name="Signals in session order")).to_have_count(0)
    expect(alice.locator("#ruptures + ul")).to_contain_text(
        "Session 4, 26 Oct 2026: withdrawal rupture"
    )
    fits(alice, width)
    screenshot(alice, f"rupture-repaired-{width}")

    # Alice records the repair she saw in session 5, the step that closes her own log entry.
    entry = alice.locator("#ruptures + ul > li").first
    entry.get_by_text("Record the repair").click()
    entry.get_by_label("Session in which it was repaired").select_option(
        label="Session 5, 02 Nov 2026"
    )
    entry.get_by_label("yes").check()
    entry.get_by_label("Note (optional, encrypted)").fill("We named the quiet together.")
    entry.get_by_role("button", name="Save the repair").click()
    log = alice.locator("#ruptures + ul")
    expect(log).to_contain_text("resolved: yes")
    expect(log).to_contain_text("repaired in session 5, 02 Nov 2026")
    expect(log).to_contain_text("Repair note: We named the quiet together.")
    expect(log.get_by_text("Record the repair")).to_have_count(0)
    fits(alice, width)
    screenshot(alice, f"rupture-repair-recorded-{width}")
