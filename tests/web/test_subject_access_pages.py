"""Subject access pages: ``/data-requests`` (admin, clinical lead) and ``/me/data`` (the client).

Route × role: the admin and the lead export any client of their practice; therapists,
supervisors who are not the lead, and other practices get 404; a signed-in client exports only
their own record (their page has no client id to change), and staff routes give them 404.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.practice import add_client
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow, ClientRow
from bordin.web.deps import SESSION_COOKIE
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in

ENDINGS = ("html", "pdf", "zip")


def _as_client(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, who: ClientRow
) -> TestClient:
    signed = user_service.start_client_session(db, rt, client=who, origin=Origin("127.0.0.1"))
    db.commit()
    browser = make_client()
    browser.cookies.set(SESSION_COOKIE, signed.token)
    return browser


def _exports(db: Session) -> list[tuple[str, int | None, str | None]]:
    events = db.scalars(
        select(AuditEventRow).where(AuditEventRow.action == "export").order_by(AuditEventRow.id)
    )
    return [(e.actor_label, e.client_id, e.entity_id) for e in events]


@pytest.mark.parametrize("who", ["adam", "sue"])
def test_the_admin_and_the_clinical_lead_find_a_client_and_download_each_form(
    web: TestClient, db: Session, cast: Cast, who: str
) -> None:
    sign_in(web, who)
    listed = web.get("/data-requests")
    assert cast.dale.display_name in listed.text and cast.ash.display_name in listed.text
    page = web.post("/data-requests", data={"name": "Dale", "csrf_token": csrf_from(listed.text)})
    assert page.status_code == 200
    assert cast.dale.display_name in page.text and cast.ash.display_name not in page.text
    assert 'href="/data-requests"' in page.text  # in the navigation
    summary = web.get(f"/data-requests/clients/{cast.dale.id}/record.html")
    assert summary.status_code == 200 and summary.headers["content-type"].startswith("text/html")
    assert cast.dale.display_name in summary.text and "Bob Therapist" in summary.text
    pdf = web.get(f"/data-requests/clients/{cast.dale.id}/record.pdf")
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    archive = web.get(f"/data-requests/clients/{cast.dale.id}/record.zip")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        data = json.loads(opened.read("data.json"))
    assert data["tables"]["clients"][0]["id"] == cast.dale.id
    actor = f"user:{getattr(cast, who).id}"
    assert _exports(db) == [(actor, cast.dale.id, f) for f in ("html", "pdf", "archive")]


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
@pytest.mark.parametrize("ending", ENDINGS)
def test_therapists_and_other_practices_get_404_for_every_form(
    web: TestClient, db: Session, cast: Cast, who: str, ending: str
) -> None:
    sign_in(web, who)
    assert web.get("/data-requests").status_code == 404
    token = csrf_from(web.get("/caseload").text)
    found = web.post("/data-requests", data={"name": "Ash", "csrf_token": token})
    assert found.status_code == 404 and cast.ash.display_name not in found.text
    response = web.get(f"/data-requests/clients/{cast.ash.id}/record.{ending}")
    assert response.status_code == 404
    assert cast.ash.display_name not in response.text
    assert _exports(db) == []


def test_the_admin_of_one_practice_gets_404_for_another_practices_client(
    web: TestClient, db: Session, cast: Cast
) -> None:
    sign_in(web, "adam")
    assert web.get(f"/data-requests/clients/{cast.zed.id}/record.zip").status_code == 404
    assert cast.zed.display_name not in web.get("/data-requests").text
    assert _exports(db) == []


def test_a_client_downloads_their_own_record_from_their_page_and_only_theirs(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    browser = _as_client(make_client, db, rt, cast.birch)
    assert 'href="/me/data"' in browser.get("/me").text
    page = browser.get("/me/data")
    assert page.status_code == 200 and "Your data" in page.text
    summary = browser.get("/me/data/record.html")
    assert cast.birch.display_name in summary.text
    assert cast.cedar.display_name not in summary.text  # the partner's details are theirs
    archive = browser.get("/me/data/record.zip")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        data = json.loads(opened.read("data.json"))
    assert data["tables"]["clients"][0]["id"] == cast.birch.id
    # Staff routes, even for their own id, are not for clients.
    assert browser.get(f"/data-requests/clients/{cast.birch.id}/record.zip").status_code == 404
    assert browser.get(f"/data-requests/clients/{cast.cedar.id}/record.zip").status_code == 404
    assert _exports(db) == [
        (f"client:{cast.birch.id}", cast.birch.id, "html"),
        (f"client:{cast.birch.id}", cast.birch.id, "archive"),
    ]


def test_staff_cannot_use_the_clients_own_download(web: TestClient, cast: Cast) -> None:
    sign_in(web, "adam")
    assert web.get("/me/data/record.zip").status_code == 404


def test_the_download_needs_a_sign_in(web: TestClient) -> None:
    assert web.get("/me/data/record.zip", follow_redirects=False).status_code == 303
    assert web.get("/data-requests", follow_redirects=False).status_code == 303


def test_exports_leave_no_client_data_in_the_logs(
    web: TestClient, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sign_in(web, "sue")
    listed = web.get("/data-requests")
    web.post("/data-requests", data={"name": "Ash", "csrf_token": csrf_from(listed.text)})
    for ending in ENDINGS:
        assert web.get(f"/data-requests/clients/{cast.ash.id}/record.{ending}").status_code == 200
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/data-requests/clients/{client_id}/record.{ending}" in logged
    for secret in (cast.ash.display_name, "Ash", "Sample", str(cast.ash.email)):
        assert secret not in logged


def test_the_list_comes_a_page_at_a_time_and_a_searched_name_never_enters_an_address(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    for number in range(60):
        add_client(
            db, rt, practice_id=cast.practice.id, display_name=f"Quill Pagewell {number:02d}"
        )
    sign_in(web, "adam")
    first = web.get("/data-requests")
    assert first.status_code == 200
    assert "Showing 1–50 of" in first.text and 'href="/data-requests?page=2"' in first.text
    second = web.get("/data-requests?page=2")
    assert "Showing 51–" in second.text and 'href="/data-requests?page=1"' in second.text

    token = csrf_from(first.text)
    found = web.post("/data-requests", data={"name": "Pagewell", "csrf_token": token})
    assert "Showing 1–50 of 60 clients whose name contains “Pagewell”" in found.text
    assert "?page=" not in found.text  # the next page is asked for in a posted form
    assert 'name="name" value="Pagewell"' in found.text and 'name="page" value="2"' in found.text
    more = web.post("/data-requests", data={"name": "Pagewell", "page": "2", "csrf_token": token})
    assert "Showing 51–60 of 60" in more.text and "Quill Pagewell 59" in more.text
    assert "Quill Pagewell 00" not in more.text


@pytest.mark.parametrize("number", ["0", "two", "-1"])
def test_a_page_that_is_not_a_whole_number_from_one_is_named_as_the_problem(
    web: TestClient, cast: Cast, number: str
) -> None:
    sign_in(web, "adam")
    response = web.get(f"/data-requests?page={number}")
    assert response.status_code == 400
    assert "must be a whole number from 1" in response.text and "Page" in response.text
