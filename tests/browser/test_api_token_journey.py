"""API tokens in a real browser, on a Bordin started from nothing (no demo data): the admin
starts the practice on the first-run page, makes a token on the tokens page, sees its secret
once, uses it, and ends it; the ended token no longer opens the API."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_blocking, fits, screenshot
from tests.browser.test_practice_from_nothing import (  # the fixture for an empty Bordin
    PASSWORD,
    EmptyServer,
    empty_server,  # noqa: F401
)


def _start_practice_and_sign_in(page: Page, server: EmptyServer) -> None:
    page.goto(server.url("/"))
    page.get_by_label("Practice name").fill("Riverside Therapy")
    page.get_by_label("Your name").fill("Ada Admin")
    page.get_by_label("Your username").fill("ada")
    page.get_by_label("Your email").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Start the practice").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Practice settings")).to_be_visible()


def _api_status(page: Page, server: EmptyServer, secret: str) -> int:
    response = page.request.get(
        server.url("/api/v1/fhir/Questionnaire"), headers={"Authorization": f"Bearer {secret}"}
    )
    return response.status


@pytest.mark.parametrize("width", [390, 1280])
def test_an_admin_makes_a_token_sees_it_once_and_ends_it(
    empty_server: EmptyServer,  # noqa: F811
    new_page: Callable[..., Page],
    width: int,
) -> None:
    server = empty_server
    page = new_page(width=width, height=900)
    _start_practice_and_sign_in(page, server)

    page.goto(server.url("/tokens"))
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    page.get_by_label("Name (the system that will use it)").fill("Records system")
    page.get_by_role("button", name="Make a token").click()

    shown = page.locator("#new-token")
    expect(shown).to_have_text(re.compile(r"^bordin_\S{20,}$"))
    secret = shown.inner_text()
    expect(page.get_by_role("status")).to_contain_text("shown once")
    fits(page, width)
    assert axe_blocking(page) == []
    screenshot(page, f"api-token-made-{width}")
    assert _api_status(page, server, secret) == 200

    # Seen once: the page never shows the secret again, only how it starts.
    page.goto(server.url("/tokens"))
    expect(page.locator("#new-token")).to_have_count(0)
    assert secret not in page.content()
    mine = page.get_by_role("row").filter(has_text="Records system").first
    expect(mine).to_contain_text(secret[: len("bordin_") + 4])

    mine.get_by_role("button", name="End Records system").click()
    expect(page.get_by_role("row").filter(has_text="Records system").first).to_contain_text("ended")
    expect(page.get_by_role("button", name="End Records system")).to_have_count(0)
    fits(page, width)
    screenshot(page, f"api-token-ended-{width}")
    assert _api_status(page, server, secret) == 401
