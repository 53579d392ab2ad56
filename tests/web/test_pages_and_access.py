"""The caseload, client and admin pages, and that outsiders get 404."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.storage.tables import AuditEventRow
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in


def test_the_therapists_caseload_lists_only_their_clients(web: TestClient, cast: Cast) -> None:
    sign_in(web, "alice")
    page = web.get("/caseload")
    assert page.status_code == 200
    for name in ("Ash Sample", "Birch Sample", "Cedar Sample"):
        assert name in page.text
    assert "Dale Sample" not in page.text and "Zed Sample" not in page.text


def test_the_caseload_can_be_filtered_to_couples(web: TestClient, cast: Cast) -> None:
    sign_in(web, "alice")
    page = web.get("/caseload", params={"kind": "couple"})
    assert "Birch Sample" in page.text and "Ash Sample" not in page.text


def test_the_caseload_exports_its_table_as_csv(web: TestClient, cast: Cast) -> None:
    sign_in(web, "alice")
    response = web.get("/caseload.csv")
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("episode_id,clients,kind")
    assert len(lines) == 1 + 2  # Ash's episode and the couple's
    assert "Ash Sample" not in response.text  # pseudonyms only


def test_a_therapist_opens_their_clients_page_and_the_read_is_audited(
    web: TestClient, db: Session, cast: Cast
) -> None:
    sign_in(web, "alice")
    page = web.get(f"/clients/{cast.ash.id}")
    assert page.status_code == 200 and "Ash Sample" in page.text
    reads = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.action == "read", AuditEventRow.client_id == cast.ash.id
        )
    ).all()
    assert [r.actor_user_id for r in reads] == [cast.alice.id]
    assert reads[0].origin == "testclient"


@pytest.mark.parametrize("who", ["bob", "adam", "charlie"])
def test_another_therapists_client_gives_404(web: TestClient, cast: Cast, who: str) -> None:
    sign_in(web, who)
    assert web.get(f"/clients/{cast.ash.id}").status_code == 404


def test_an_unknown_client_gives_the_same_404(web: TestClient, cast: Cast) -> None:
    sign_in(web, "alice")
    assert web.get("/clients/999999").status_code == 404


def test_the_supervisor_opens_a_supervisees_client(web: TestClient, cast: Cast) -> None:
    sign_in(web, "sue")
    assert web.get(f"/clients/{cast.dale.id}").status_code == 200


def test_the_admin_manages_users_but_reads_no_clinical_record(web: TestClient, cast: Cast) -> None:
    sign_in(web, "adam")
    page = web.get("/admin/users")
    assert page.status_code == 200 and "Alice Therapist" in page.text
    assert web.get(f"/clients/{cast.ash.id}").status_code == 404
    assert web.get("/caseload").status_code == 404


def test_an_admin_adds_a_user_and_bad_input_names_the_field_and_stores_nothing(
    web: TestClient, cast: Cast
) -> None:
    sign_in(web, "adam")
    token = csrf_from(web.get("/admin/users").text)
    bad = web.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "X Y",
            "email": "nope",
            "display_name": "Eve New",
            "role": "therapist",
            "password": "short",
        },
    )
    assert bad.status_code == 422
    for field in ("Username", "Email", "Initial password"):  # the page's words, not its keys
        assert f"<strong>{field}</strong>" in bad.text
    assert "Eve New" not in web.get("/admin/users").text.split("Add a member")[0]
    eve = {
        "csrf_token": token,
        "username": "eve",
        "email": "eve@example.org",
        "display_name": "Eve New",
        "role": "therapist",
    }
    common = web.post("/admin/users", data={**eve, "password": "password1234"})
    assert common.status_code == 422
    assert "<strong>Initial password</strong>" in common.text and "too easy to guess" in common.text
    good = web.post(
        "/admin/users", data={**eve, "password": "long enough pass"}, follow_redirects=False
    )
    assert good.status_code == 303
    assert "Eve New" in web.get("/admin/users").text


def test_therapists_cannot_reach_admin_pages(web: TestClient, cast: Cast) -> None:
    sign_in(web, "alice")
    assert web.get("/admin/users").status_code == 404
    assert web.get("/audit").status_code == 404


def test_the_clinical_lead_reads_the_audit_trail(web: TestClient, cast: Cast) -> None:
    sign_in(web, "alice")
    web.get(f"/clients/{cast.ash.id}")
    web.cookies.clear()
    sign_in(web, "sue")
    page = web.get("/audit")
    assert page.status_code == 200
    assert "Alice Therapist" in page.text and "client_record" in page.text


def test_request_logs_hold_no_client_names(
    web: TestClient, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sign_in(web, "alice")
    web.get("/caseload")
    web.get(f"/clients/{cast.ash.id}")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/clients/{client_id}" in logged
    for name in ("Ash", "Birch", "Cedar", "Sample"):
        assert name not in logged


def test_the_caseload_audits_each_listed_client_as_read(
    web: TestClient, db: Session, cast: Cast
) -> None:
    sign_in(web, "alice")
    web.get("/caseload")
    reads = db.scalars(select(AuditEventRow).where(AuditEventRow.entity == "caseload")).all()
    assert {r.client_id for r in reads} == {cast.ash.id, cast.birch.id, cast.cedar.id}
    assert {r.actor_user_id for r in reads} == {cast.alice.id}


def test_a_supervisors_caseload_is_their_own_not_their_supervisees(
    web: TestClient, cast: Cast
) -> None:
    sign_in(web, "sue")
    page = web.get("/caseload")
    assert page.status_code == 200
    assert "Ash Sample" not in page.text and "Dale Sample" not in page.text
