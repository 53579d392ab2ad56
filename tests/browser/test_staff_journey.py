"""Looking after the staff list in a real browser, on a Bordin started from an empty database:
the admin adds a therapist, corrects their details, resets their password (the therapist signs
in with the new one, on a phone), then deactivates them; the therapist is signed out at once
and cannot sign in again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from bordin.services import practice_setup
from tests.browser.conftest import axe_blocking, fits, screenshot
from tests.browser.empty_practice import runtime_for, sign_in
from tests.browser.test_practice_from_nothing import (  # the fixture for an empty Bordin
    PASSWORD,
    EmptyServer,
    empty_server,  # noqa: F401
)

FIRST = "a first password for tess"
SECOND = "a second password for tess"


def _practice(server: EmptyServer) -> None:
    rt = runtime_for(server)
    with server.sessions() as db:
        practice_setup.init_practice(
            db,
            rt,
            name="Riverside Therapy",
            locale="UK",
            timezone="Europe/London",
            admin_username="ada",
            admin_email="ada@example.org",
            admin_name="Ada Admin",
            admin_password=PASSWORD,
        )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_admin_corrects_resets_and_deactivates_a_therapist_who_then_cannot_sign_in(
    empty_server: EmptyServer,  # noqa: F811
    new_page: Callable[..., Page],
    width: int,
) -> None:
    server = empty_server
    _practice(server)
    ada = new_page(width=width, height=900)
    sign_in(ada, server, "ada", PASSWORD)
    ada.get_by_role("link", name="Staff", exact=True).click()

    # A mistyped form is refused in the page's words, then the therapist is added.
    ada.get_by_label("Name", exact=True).fill("Tess Therapist")
    ada.get_by_label("Username").fill("tess t")
    ada.get_by_label("Email").fill("tess@example.org")
    ada.get_by_label("Initial password (at least 10 characters)").fill("short")
    ada.get_by_role("button", name="Add").click()
    errors = ada.get_by_role("alert")
    expect(errors).to_contain_text("Username:")
    expect(errors).to_contain_text("Initial password:")
    expect(errors).not_to_contain_text("username:")  # the label, never the key
    fits(ada, width)
    ada.get_by_label("Username").fill("tess")
    ada.get_by_label("Initial password (at least 10 characters)").fill(FIRST)
    ada.get_by_role("button", name="Add").click()
    expect(ada.get_by_role("link", name="Tess Therapist")).to_be_visible()

    # Her name and email were wrong: the admin corrects them.
    ada.get_by_role("link", name="Tess Therapist").click()
    ada.get_by_label("Name", exact=True).fill("Tess Tanner")
    ada.get_by_label("Email").fill("tess.tanner@example.org")
    ada.get_by_role("button", name="Save details").click()
    expect(ada.get_by_role("status")).to_have_text("Details saved.")
    expect(ada.get_by_role("heading", name="Tess Tanner", level=1)).to_be_visible()

    # She forgot her password: the admin sets a new one and tells her by telephone.
    ada.get_by_label("New password (at least 10 characters)").fill(SECOND)
    ada.get_by_role("button", name="Set new password").click()
    expect(ada.get_by_role("status")).to_contain_text("New password set.")
    fits(ada, width)
    assert axe_blocking(ada) == []
    screenshot(ada, f"staff-edited-{width}")

    tess = new_page()  # a phone
    tess.goto(server.url("/login"))
    tess.get_by_label("Username").fill("tess")
    tess.get_by_label("Password").fill(FIRST)
    tess.get_by_role("button", name="Sign in").click()
    expect(tess.get_by_text("That username and password do not match.")).to_be_visible()
    sign_in(tess, server, "tess", SECOND)
    expect(tess.get_by_text("Tess Tanner")).to_be_visible()

    # She leaves the practice: the admin deactivates her on the staff list.
    ada.get_by_role("link", name="Staff", exact=True).click()
    row = ada.get_by_role("row").filter(has_text="Tess Tanner")
    row.get_by_role("button", name="Deactivate Tess Tanner").click()
    row = ada.get_by_role("row").filter(has_text="Tess Tanner")
    expect(row).to_contain_text("deactivated")
    expect(row.get_by_role("button", name="Reactivate Tess Tanner")).to_be_visible()
    fits(ada, width)
    screenshot(ada, f"staff-deactivated-{width}")

    # Her open page no longer works, and she cannot sign in again.
    tess.goto(server.url("/caseload"))
    expect(tess.get_by_role("heading", name="Sign in")).to_be_visible()
    tess.get_by_label("Username").fill("tess")
    tess.get_by_label("Password").fill(SECOND)
    tess.get_by_role("button", name="Sign in").click()
    expect(tess.get_by_text("That username and password do not match.")).to_be_visible()
    assert "/login" in tess.url
    fits(tess, 390)
