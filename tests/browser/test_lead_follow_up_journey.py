"""The clinical lead follows up what clients wrote, in a real browser, on a Bordin started from
an empty database (the cast made through the services).

Ash writes, on a phone, that the therapist "told me off for being late": the triage reads it as
a possible conduct concern, so it goes to the clinical lead (Sue), not to Alice. Sue sees the
unread count on her navigation, reads the alert, opens the concern, decides the triage read it
wrongly (it is something that did not land, for Alice to take up), marks the concern handled,
and finds her correction in the triage corrections list, where she asks for the triage to be
retrained on it, sees how the retraining went, and can go back to Bordin's own model. The
unread count drops to nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from bordin.services import feedback_links
from tests.browser.conftest import axe_blocking, fits, screenshot
from tests.browser.empty_practice import cast_on, run_jobs, sign_in
from tests.browser.test_feedback_loop import answer_sac
from tests.browser.test_practice_from_nothing import (  # the fixture for an empty Bordin
    EmptyServer,
    empty_server,  # noqa: F401
)
from tests.fixtures.triage import few_texts  # noqa: F401  (a fixture)

WORDS = "She told me off for being late and it felt unfair."


@pytest.mark.parametrize("width", [390, 1280])
def test_the_lead_reads_a_concern_corrects_its_triage_and_marks_it_handled(
    empty_server: EmptyServer,  # noqa: F811
    new_page: Callable[..., Page],
    width: int,
    few_texts: None,  # noqa: F811
) -> None:
    server = empty_server
    cast, rt = cast_on(server)
    with server.sessions() as db:
        token = feedback_links.issue_links(db, rt, appointment_id=cast.ash_sessions[3].id)[0].token
    ash = new_page()
    ash.goto(server.url(f"/f/{token}"))
    answer_sac(ash, 6, 6, 5, 6)
    ash.get_by_label("Anything you'd like your therapist to know?").fill(WORDS)
    ash.get_by_role("button", name="Send my feedback").click()
    expect(ash.get_by_text("not to your therapist")).to_be_visible()
    run_jobs(server, rt)

    sue = new_page(width=width, height=900)
    sign_in(sue, server, "sue")
    alerts_link = sue.get_by_role("navigation").get_by_role("link", name="Alerts")
    expect(alerts_link).to_have_text("Alerts 1 unread")

    # The alert says there is a concern for her, and leads to it.
    alerts_link.click()
    alert = sue.get_by_role("listitem").filter(has_text="New concern")
    expect(alert).to_contain_text("Ash Sample")
    expect(alert).not_to_contain_text(WORDS)  # alerts carry no client words
    fits(sue, width)
    alert.get_by_role("link", name="Open").click()
    concern = sue.get_by_role("listitem").filter(has_text=WORDS)
    expect(concern).to_contain_text("about Alice Therapist")

    # She reads it as something that did not land, not a conduct concern, and says so.
    concern.get_by_text("Was this read wrongly?").click()
    concern.get_by_label("It was read as a conduct concern. It should be:").select_option(
        label="something that did not land"
    )
    concern.get_by_role("button", name="Mark as wrong").click()
    expect(sue.get_by_role("status")).to_have_text("Thank you: the correction is recorded.")

    # She has dealt with it: the concern is handled and her alert about it is read.
    concern = sue.get_by_role("listitem").filter(has_text=WORDS)
    concern.get_by_role("button", name="Mark handled").click()
    expect(sue.get_by_role("status")).to_have_text("Marked as handled.")
    expect(sue.locator(".concern-counts")).to_contain_text("0 open")
    expect(alerts_link).to_have_text("Alerts")
    fits(sue, width)
    assert axe_blocking(sue) == []
    screenshot(sue, f"lead-concern-handled-{width}")

    # The correction is in the list the practice's triage can learn from.
    sue.get_by_role("link", name="Triage corrections").click()
    expect(sue.get_by_role("heading", name="Triage corrections")).to_be_visible()
    correction = sue.get_by_role("listitem").filter(has_text=WORDS)
    expect(correction).to_contain_text(
        "Read as a conduct concern; should be something that did not land."
    )
    expect(correction).to_contain_text("marked by Sue Supervisor")
    fits(sue, width)
    assert axe_blocking(sue) == []
    screenshot(sue, f"lead-triage-corrections-{width}")

    # She asks for the practice's triage to learn from it; the worker does it in the background.
    sue.get_by_role("button", name="Retrain the triage on these corrections").click()
    expect(sue.get_by_role("status")).to_contain_text("Retraining on 1 correction was asked for on")
    fits(sue, width)
    assert axe_blocking(sue) == []
    screenshot(sue, f"lead-triage-retrain-{width}")

    # The worker retrains (on fewer texts here, so that it takes seconds); the page says how
    # it went, and if the practice now uses its own model, she can go back to Bordin's.
    run_jobs(server, rt)
    sue.reload()
    section = sue.locator("#retrain")
    expect(section).to_contain_text("with 1 correction.")
    expect(section).to_contain_text("of crisis texts to the clinical lead")
    if section.get_by_role("button", name="Go back to Bordin's own model").count():
        section.get_by_role("button", name="Go back to Bordin's own model").click()
        expect(sue.get_by_role("status")).to_have_text(
            "The practice's triage uses Bordin's own model again. Your model is kept; retrain "
            "to fit and try a new one."
        )
    else:
        expect(section).to_contain_text("The practice's triage still uses Bordin's own model")
    fits(sue, width)
    assert axe_blocking(sue) == []
