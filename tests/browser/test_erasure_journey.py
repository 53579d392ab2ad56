"""Erasure in a real browser, in a practice started from nothing (no demo data): an admin asks
for a client to be erased, cannot confirm it herself, and a second admin confirms it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import select

from bordin.domain.intake import IntakeAnswers
from bordin.services import intake, practice_setup
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.storage.tables import AuditEventRow, ClientRow, ErasureRequestRow, PracticeRow
from tests.browser.conftest import fits, screenshot
from tests.browser.empty_practice import runtime_for, sign_in
from tests.browser.test_practice_from_nothing import (  # the fixture for an empty Bordin
    PASSWORD,
    EmptyServer,
    empty_server,  # noqa: F401
)


def _practice_with_one_client(server: EmptyServer) -> None:
    """The practice, two admins and one self-referred client, made through the services."""
    rt = runtime_for(server)
    with server.sessions() as db:
        practice, _ = practice_setup.init_practice(
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
        user_service.add_user(
            db,
            rt,
            practice_id=practice.id,
            username="bea",
            email="bea@example.org",
            display_name="Bea Admin",
            role="admin",
            password=PASSWORD,
        )
        intake.submit_intake(
            db,
            rt,
            practice_id=practice.id,
            answers=IntakeAnswers(
                display_name="Elm Sample",
                email="elm@example.org",
                concern_areas=("anxiety",),
                concerns_text="I worry all the time",
                risk_now="no",
                risk_recent="no",
                consent_to_store=True,
            ),
            origin=Origin("203.0.113.9"),
        )


def test_one_admin_asks_and_a_second_confirms_the_erasure(
    empty_server: EmptyServer,  # noqa: F811
    new_page: Callable[..., Page],
) -> None:
    server = empty_server
    _practice_with_one_client(server)

    ada = new_page()  # a phone
    sign_in(ada, server, "ada", PASSWORD)
    ada.get_by_role("link", name="Erasure").click()
    expect(ada.get_by_role("heading", name="Erasure requests")).to_be_visible()
    ada.get_by_role("button", name="Ask for erasure").click()
    expect(ada.get_by_role("alert")).to_contain_text("Client: choose a client")
    expect(ada.get_by_role("alert")).to_contain_text("Reason: is required")
    ada.get_by_label("Client", exact=True).select_option(label="Elm Sample (C-00001)")
    ada.get_by_label("Reason", exact=True).select_option("client_asked")
    ada.get_by_role("button", name="Ask for erasure").click()
    expect(ada.get_by_role("status")).to_contain_text("waits for a second person")
    row = ada.get_by_role("row").filter(has_text="Elm Sample")
    expect(row).to_contain_text("You asked: someone else must confirm.")
    expect(row.get_by_role("button", name="Confirm and erase Elm Sample")).to_have_count(0)
    fits(ada, 390)
    screenshot(ada, "issue14-erasure-asked-phone")

    bea = new_page(width=1280, height=900)
    sign_in(bea, server, "bea", PASSWORD)
    bea.get_by_role("link", name="Erasure").click()
    bea.get_by_role("button", name="Confirm and erase Elm Sample").click()
    expect(bea.get_by_role("status")).to_contain_text("was erased")
    done = bea.get_by_role("region", name="Erasures carried out")
    expect(done).to_contain_text("The client asked for their data to be erased")
    expect(done).to_contain_text("Ada Admin")
    expect(done).to_contain_text("Bea Admin")
    expect(bea.locator("main")).not_to_contain_text("Elm Sample")
    done.get_by_text("in all").click()
    expect(done).to_contain_text("Client record: 1")
    expect(done).to_contain_text("Referrals: 1")
    screenshot(bea, "issue14-erasure-confirmed")

    with server.sessions() as db:
        assert db.scalars(select(ClientRow)).all() == []
        assert [r.status for r in db.scalars(select(ErasureRequestRow))] == ["done"]
        assert db.scalar(select(AuditEventRow).where(AuditEventRow.entity == "client_erasure"))
        assert db.scalars(select(PracticeRow.name)).all() == ["Riverside Therapy"]
