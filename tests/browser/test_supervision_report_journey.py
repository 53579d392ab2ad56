"""A supervision report in a real browser, on a Bordin started from an empty database (the cast
made through the services, with three rated sessions for Ash).

Alice asks for the report on her caseload from the Reports page. The PDF is made in the
background: she sees "Your report is being prepared" until the worker has run (the test runs
the due jobs, as ``bordin worker`` would), then the page finds the report by itself and offers
the download, which is a PDF recorded in the audit trail for each client in it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bordin.storage.tables import AuditEventRow
from tests.browser.conftest import axe_blocking, fits, screenshot
from tests.browser.empty_practice import cast_on, run_jobs, sign_in
from tests.browser.test_practice_from_nothing import (  # the fixture for an empty Bordin
    EmptyServer,
    empty_server,  # noqa: F401
)
from tests.integration.reports.helpers import rate


@pytest.mark.parametrize("width", [390, 1280])
def test_a_therapist_asks_for_her_supervision_report_waits_and_downloads_the_pdf(
    empty_server: EmptyServer,  # noqa: F811
    new_page: Callable[..., Page],
    tmp_path: Path,
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
            sessions=cast.ash_sessions[:3],
            alliance=[8, 7, 9],
        )

    alice = new_page(width=width, height=900)
    sign_in(alice, server, "alice")
    alice.get_by_role("link", name="Reports").click()
    expect(alice.get_by_role("heading", name="Supervision reports")).to_be_visible()
    caseload = alice.get_by_role("region", name="A therapist's caseload")
    expect(caseload.get_by_label("Therapist")).to_have_value(str(cast.alice.id))
    fits(alice, width)
    caseload.get_by_role("button", name="Prepare PDF").click()

    expect(alice.get_by_role("heading", name="Your report is being prepared")).to_be_visible()
    expect(alice.get_by_text("Alice Therapist", exact=False).first).to_be_visible()
    expect(alice.get_by_role("link", name="Download the PDF")).to_have_count(0)
    fits(alice, width)
    assert axe_blocking(alice) == []
    screenshot(alice, f"report-preparing-{width}")

    assert run_jobs(server, rt) >= 1  # the worker makes the PDF
    ready = alice.get_by_role("heading", name="Your report is ready")
    expect(ready).to_be_visible(timeout=15_000)  # the page looks again by itself
    fits(alice, width)
    assert axe_blocking(alice) == []
    screenshot(alice, f"report-ready-{width}")
    with alice.expect_download() as downloading:
        alice.get_by_role("link", name="Download the PDF").click()
    saved = tmp_path / "report.pdf"
    downloading.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert downloading.value.suggested_filename.endswith(".pdf")

    with server.sessions() as db:
        read = set(
            db.scalars(
                select(AuditEventRow.client_id).where(
                    AuditEventRow.actor_user_id == cast.alice.id,
                    AuditEventRow.entity == "supervision_report",
                )
            )
        )
    assert {cast.ash.id, cast.birch.id, cast.cedar.id} <= read
