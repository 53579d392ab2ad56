"""Supervision report PDFs: asked for, prepared in the background, then downloaded by the person
who asked; private to the therapist, their supervisor and the clinical lead; every client in a
report audited at each download; bad dates named."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services.jobs import run_due_jobs
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow, PreparedReportRow
from tests.fixtures.cast import Cast
from tests.integration.reports.helpers import rate
from tests.web.conftest import csrf_from, sign_in

PERIOD = {"start": "2026-09-01", "end": "2026-11-02"}


def ask(
    web: TestClient,
    kind: str,
    record_id: int,
    period: dict[str, str] | None = None,
    *,
    follow_redirects: bool = True,
) -> Response:
    """Ask for a report as the form on /reports does: a POST with the page's CSRF token.

    ``kind`` is "therapist" or "client"; ``period`` defaults to PERIOD."""
    token = csrf_from(web.get("/caseload").text)
    return web.post(
        f"/reports/{kind}",
        data={"csrf_token": token, f"{kind}_id": str(record_id), **(period or PERIOD)},
        follow_redirects=follow_redirects,
    )


def fetch_pdf(web: TestClient, db: Session, rt: Runtime, kind: str, record_id: int) -> bytes:
    """Ask for a report, let the worker make it, and download it from the waiting page."""
    asked = ask(web, kind, record_id, follow_redirects=False)
    assert asked.status_code == 303, asked.text
    waiting = asked.headers["location"]
    run_due_jobs(db, rt)
    page = web.get(waiting)
    assert "Your report is ready" in page.text
    download = web.get(f"{waiting}.pdf")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    return download.content


@pytest.fixture
def rated(db: Session, rt: Runtime, cast: Cast) -> Cast:
    rate(
        db,
        rt,
        client_id=cast.ash.id,
        episode_id=cast.ash_episode.id,
        sessions=cast.ash_sessions[:4],
        alliance=[9, 9, 6, 9],
        phq9=[16, 14, 12, 10],
    )
    return cast


@pytest.mark.parametrize("who", ["alice", "sue"])
def test_the_therapist_and_their_supervisor_get_the_therapists_pdf(
    web: TestClient, db: Session, rt: Runtime, rated: Cast, who: str
) -> None:
    sign_in(web, who)
    pdf = fetch_pdf(web, db, rt, "therapist", rated.alice.id)
    assert pdf.startswith(b"%PDF")


def test_asking_shows_a_waiting_page_that_looks_again_until_the_worker_has_made_it(
    web: TestClient, db: Session, rt: Runtime, rated: Cast
) -> None:
    sign_in(web, "alice")
    asked = ask(web, "therapist", rated.alice.id)
    assert asked.status_code == 200
    assert "Your report is being prepared" in asked.text
    assert 'src="/static/report-wait.js"' in asked.text  # looks again, in the live region
    assert 'http-equiv="refresh"' not in asked.text  # a timed reload fails WCAG 2.2.1
    waiting = str(asked.url.path)
    assert web.get(f"{waiting}.pdf").status_code == 404  # nothing to download yet
    again = ask(web, "therapist", rated.alice.id)
    assert str(again.url.path) == waiting  # asking twice makes one report
    run_due_jobs(db, rt)
    ready = web.get(waiting)
    assert "Your report is ready" in ready.text
    assert "report-wait.js" not in ready.text
    assert f'href="{waiting}.pdf"' in ready.text
    assert "caseload, 01 Sep 2026 to 02 Nov 2026" in ready.text


@pytest.mark.parametrize("who", ["sue", "bob", "adam", "charlie"])
def test_only_the_person_who_asked_may_open_the_prepared_report(
    web: TestClient, make_client: Any, db: Session, rt: Runtime, rated: Cast, who: str
) -> None:
    sign_in(web, "alice")
    waiting = ask(web, "therapist", rated.alice.id, follow_redirects=False).headers["location"]
    run_due_jobs(db, rt)
    other = make_client()
    sign_in(other, who)
    assert other.get(waiting).status_code == 404
    assert other.get(f"{waiting}.pdf").status_code == 404
    assert web.get(f"{waiting}.pdf").status_code == 200


def test_a_prepared_report_is_gone_after_a_day(
    web: TestClient, db: Session, rt: Runtime, rated: Cast, clock: Any
) -> None:
    sign_in(web, "alice")
    waiting = ask(web, "therapist", rated.alice.id, follow_redirects=False).headers["location"]
    run_due_jobs(db, rt)
    assert web.get(f"{waiting}.pdf").status_code == 200
    clock.advance(hours=25)
    run_due_jobs(db, rt)
    assert db.scalars(select(PreparedReportRow)).all() == []


def test_every_client_in_the_report_is_audited_as_read(
    web: TestClient, db: Session, rt: Runtime, rated: Cast
) -> None:
    sign_in(web, "sue")
    fetch_pdf(web, db, rt, "therapist", rated.alice.id)
    events = db.scalars(
        select(AuditEventRow).where(AuditEventRow.entity == "supervision_report")
    ).all()
    assert {e.client_id for e in events} == {rated.ash.id, rated.birch.id, rated.cedar.id}
    assert {(e.actor_user_id, e.action, e.entity_id) for e in events} == {
        (rated.sue.id, "read", f"therapist:{rated.alice.id}")
    }
    assert events[0].detail["period_start"] == "2026-09-01"


@pytest.mark.parametrize("who", ["bob", "adam", "charlie"])
def test_anyone_else_gets_404_and_nothing_is_audited(
    web: TestClient, db: Session, rated: Cast, who: str
) -> None:
    sign_in(web, who)
    assert ask(web, "therapist", rated.alice.id).status_code == 404
    assert ask(web, "client", rated.ash.id).status_code == 404
    # Outsiders learn nothing from bad dates either: 404 before the dates are read.
    bad = ask(web, "therapist", rated.alice.id, {"start": "soon", "end": ""})
    assert bad.status_code == 404
    assert not db.scalars(
        select(AuditEventRow).where(AuditEventRow.entity == "supervision_report")
    ).all()
    assert db.scalars(select(PreparedReportRow)).all() == []


def test_a_clients_pdf_is_made_for_their_therapist(
    web: TestClient, db: Session, rt: Runtime, rated: Cast
) -> None:
    sign_in(web, "alice")
    waiting = ask(web, "client", rated.ash.id, follow_redirects=False).headers["location"]
    run_due_jobs(db, rt)
    response = web.get(f"{waiting}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert rated.ash.pseudonym in response.headers["content-disposition"]
    events = db.scalars(
        select(AuditEventRow).where(AuditEventRow.entity == "supervision_report")
    ).all()
    assert [(e.client_id, e.entity_id) for e in events] == [
        (rated.ash.id, f"client:{rated.ash.id}")
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-02-30", "end": "2026-11-02"}, "Start"),
        ({"start": "2026-09-01", "end": "2026/11/02"}, "End"),
        ({"start": "2026-11-02", "end": "2026-09-01"}, "End"),
    ],
)
def test_a_bad_date_is_refused_with_the_field_named(
    web: TestClient, rated: Cast, params: dict[str, str], field: str
) -> None:
    sign_in(web, "alice")
    response = ask(web, "therapist", rated.alice.id, params)
    assert response.status_code == 422
    assert f"<strong>{field}</strong>" in response.text


def test_a_client_not_seen_in_the_period_gets_a_clear_message(web: TestClient, rated: Cast) -> None:
    sign_in(web, "alice")
    response = ask(web, "client", rated.ash.id, {"start": "2025-01-01", "end": "2025-02-01"})
    assert response.status_code == 422
    assert "no sessions between 2025-01-01 and 2025-02-01" in response.text


def test_the_form_lists_what_the_person_may_open_and_asks_with_a_post(
    web: TestClient, rated: Cast
) -> None:
    sign_in(web, "alice")
    page = web.get("/reports")
    assert page.status_code == 200
    assert "Ash Sample" in page.text and "Dale Sample" not in page.text
    assert "Bob Therapist" not in page.text
    assert page.text.count('<form method="post" action="/reports/') == 2
    assert ask(web, "client", rated.dale.id).status_code == 404  # Dale is Bob's client


def test_a_report_cannot_be_asked_for_by_a_link_or_without_the_forms_token(
    web: TestClient, db: Session, rated: Cast
) -> None:
    sign_in(web, "alice")
    by_link = web.get("/reports/therapist", params={"therapist_id": rated.alice.id, **PERIOD})
    assert by_link.status_code in (404, 405)
    forged = web.post("/reports/therapist", data={"therapist_id": str(rated.alice.id), **PERIOD})
    assert forged.status_code == 403
    assert db.scalars(select(PreparedReportRow)).all() == []


@pytest.mark.parametrize("who", ["adam", "charlie"])
def test_admins_have_no_report_form(web: TestClient, rated: Cast, who: str) -> None:
    sign_in(web, who)
    assert web.get("/reports").status_code == (404 if who == "adam" else 200)
    if who == "charlie":
        assert "Ash Sample" not in web.get("/reports").text
