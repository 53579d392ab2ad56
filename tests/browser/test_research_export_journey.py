"""The research export in a real browser, on a Bordin started from an empty database (no demo
data): the people and their ended therapy are made through the services (the documented cast,
tests/fixtures/cast.py), two of the four clients agree to research use. The admin starts a
project on the research page; the clinical lead reads how many clients are left out and why,
and downloads the pseudonymised ratings, which hold only the clients who agreed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bordin.services import practice as practice_service
from bordin.storage.tables import AuditEventRow
from tests.browser.conftest import axe_blocking, fits, screenshot
from tests.browser.empty_practice import runtime_for, sign_in
from tests.browser.test_practice_from_nothing import (  # the fixture for an empty Bordin
    EmptyServer,
    empty_server,  # noqa: F401
)
from tests.fixtures.cast import Cast, build_cast
from tests.integration.reports.helpers import ended_practice


def _practice_with_ended_therapy(server: EmptyServer) -> Cast:
    rt = runtime_for(server)
    with server.sessions() as db:
        cast = build_cast(db, rt)
        ended_practice(db, rt, cast)
        for client in (cast.ash, cast.birch):
            practice_service.set_consent(
                db,
                rt,
                actor=cast.actor(cast.sue),
                client_id=client.id,
                purpose="research_export",
                granted=True,
            )
        return cast


@pytest.mark.parametrize("width", [390, 1280])
def test_the_admin_starts_a_research_project_and_the_lead_downloads_only_consenting_clients(
    empty_server: EmptyServer,  # noqa: F811
    new_page: Callable[..., Page],
    tmp_path: Path,
    width: int,
) -> None:
    server = empty_server
    _practice_with_ended_therapy(server)

    admin = new_page(width=width, height=900)
    sign_in(admin, server, "adam")
    admin.goto(server.url("/practice/research"))
    expect(admin.get_by_role("heading", name="Research projects")).to_be_visible()
    expect(admin.get_by_text("No research projects yet.")).to_be_visible()
    admin.get_by_label("Project name").fill("Alliance study")
    admin.get_by_role("button", name="Start project").click()
    expect(admin.get_by_role("row").filter(has_text="Alliance study")).to_be_visible()
    # The admin never reads client-level scores, even under code names (ADR 0002).
    expect(admin.get_by_text("Only the clinical lead downloads research data")).to_be_visible()
    expect(admin.get_by_role("link", name="Ratings (CSV)")).to_have_count(0)
    fits(admin, width)
    assert axe_blocking(admin) == []

    lead = new_page(width=width, height=900)
    sign_in(lead, server, "sue")
    lead.goto(server.url("/practice/research"))
    consent = lead.locator("#research-consent")
    expect(consent).to_contain_text("2 clients with an ended episode are left out")
    expect(consent).to_contain_text("2 clients will be in the download")
    fits(lead, width)
    assert axe_blocking(lead) == []
    screenshot(lead, f"research-export-{width}")
    row = lead.get_by_role("row").filter(has_text="Alliance study")
    with lead.expect_download() as downloading:
        row.get_by_role("link", name="Ratings (CSV)").click()
    saved = tmp_path / "ratings.csv"
    downloading.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert len({r["client"] for r in rows}) == 2
    text = saved.read_text(encoding="utf-8")
    for name in ("Ash", "Birch", "Cedar", "Dale", "Sample"):
        assert name not in text  # code names only

    with server.sessions() as db:
        exported = db.scalars(
            select(AuditEventRow.client_id).where(AuditEventRow.entity == "research_export")
        ).all()
    assert len(set(exported)) == 2
