"""Supervision report PDFs: private to the therapist, their supervisor and the clinical lead;
every client in a report audited; bad dates named."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow
from tests.fixtures.cast import Cast
from tests.integration.reports.helpers import rate
from tests.web.conftest import sign_in

PERIOD = {"start": "2026-09-01", "end": "2026-11-02"}


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
    web: TestClient, rated: Cast, who: str
) -> None:
    sign_in(web, who)
    response = web.get(f"/reports/therapists/{rated.alice.id}.pdf", params=PERIOD)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_every_client_in_the_report_is_audited_as_read(
    web: TestClient, db: Session, rated: Cast
) -> None:
    sign_in(web, "sue")
    web.get(f"/reports/therapists/{rated.alice.id}.pdf", params=PERIOD)
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
    assert web.get(f"/reports/therapists/{rated.alice.id}.pdf", params=PERIOD).status_code == 404
    assert web.get(f"/reports/clients/{rated.ash.id}.pdf", params=PERIOD).status_code == 404
    # Outsiders learn nothing from bad dates either: 404 before the dates are read.
    bad = web.get(f"/reports/therapists/{rated.alice.id}.pdf", params={"start": "soon"})
    assert bad.status_code == 404
    assert not db.scalars(
        select(AuditEventRow).where(AuditEventRow.entity == "supervision_report")
    ).all()


def test_a_clients_pdf_is_made_for_their_therapist(
    web: TestClient, db: Session, rated: Cast
) -> None:
    sign_in(web, "alice")
    response = web.get(f"/reports/clients/{rated.ash.id}.pdf", params=PERIOD)
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
        ({"start": "2026-02-30", "end": "2026-11-02"}, "start"),
        ({"start": "2026-09-01", "end": "2026/11/02"}, "end"),
        ({"start": "2026-11-02", "end": "2026-09-01"}, "end"),
    ],
)
def test_a_bad_date_is_refused_with_the_field_named(
    web: TestClient, rated: Cast, params: dict[str, str], field: str
) -> None:
    sign_in(web, "alice")
    response = web.get(f"/reports/therapists/{rated.alice.id}.pdf", params=params)
    assert response.status_code == 422
    assert f"<strong>{field}</strong>" in response.text


def test_a_client_not_seen_in_the_period_gets_a_clear_message(web: TestClient, rated: Cast) -> None:
    sign_in(web, "alice")
    response = web.get(
        f"/reports/clients/{rated.ash.id}.pdf", params={"start": "2025-01-01", "end": "2025-02-01"}
    )
    assert response.status_code == 422
    assert "no sessions between 2025-01-01 and 2025-02-01" in response.text


def test_the_form_lists_what_the_person_may_open_and_leads_to_the_pdf(
    web: TestClient, rated: Cast
) -> None:
    sign_in(web, "alice")
    page = web.get("/reports")
    assert page.status_code == 200
    assert "Ash Sample" in page.text and "Dale Sample" not in page.text
    assert "Bob Therapist" not in page.text
    chosen = web.get(
        "/reports/therapist",
        params={"therapist_id": rated.alice.id, **PERIOD},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    assert chosen.headers["location"] == (
        f"/reports/therapists/{rated.alice.id}.pdf?start=2026-09-01&end=2026-11-02"
    )
    client = web.get(
        "/reports/client", params={"client_id": rated.ash.id, **PERIOD}, follow_redirects=False
    )
    assert client.headers["location"].startswith(f"/reports/clients/{rated.ash.id}.pdf?")
    assert web.get("/reports/client", params={"client_id": rated.dale.id}).status_code == 404


@pytest.mark.parametrize("who", ["adam", "charlie"])
def test_admins_have_no_report_form(web: TestClient, rated: Cast, who: str) -> None:
    sign_in(web, who)
    assert web.get("/reports").status_code == (404 if who == "adam" else 200)
    if who == "charlie":
        assert "Ash Sample" not in web.get("/reports").text
