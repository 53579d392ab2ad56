"""Hostile or broken input at the edge: control characters, over-large ids, absurd lengths.

Each runs on SQLite and PostgreSQL (PostgreSQL refuses a NUL in text and ids above 2^31-1,
SQLite ids above 2^63-1): words are kept, bad ids are "not found", nothing answers 500, and
every error page a client may see shows the crisis lines.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bordin.domain.text import MAX_RECORD_ID
from bordin.notify.memory import MemoryTransport
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AlertRow,
    ConcernRow,
    LoginAttemptRow,
    RuptureLogRow,
    SubmissionRow,
    UserRow,
)
from bordin.web.deps import DbSession
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in
from tests.web.test_feedback_pages import SAC, link_for

NUL_CRISIS = "I want to kill\x00 myself"
TOO_BIG = [2**31, 2**63, 2**70]


def _lenient(make_client: Callable[..., TestClient], **overrides: object) -> TestClient:
    """A client that answers a crash with the app's 500 page instead of raising it."""
    client = make_client(**overrides)
    client._transport.raise_server_exceptions = False  # type: ignore[attr-defined]
    return client


def test_a_crisis_message_with_a_nul_is_stored_triaged_as_crisis_and_alerts_the_lead(
    web: TestClient, db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    page = web.get(f"/f/{token}")
    done = web.post(
        f"/f/{token}", data={**SAC, "text": NUL_CRISIS, "csrf_token": csrf_from(page.text)}
    )
    assert done.status_code == 200
    assert done.text.index('id="crisis-help"') < done.text.index("<h1>Thank you</h1>")
    submission = db.scalars(select(SubmissionRow)).one()
    assert submission.triage_category == "crisis"
    assert rt.cipher.decrypt(submission.text_encrypted) == "I want to kill myself"
    lead_alerts = db.scalars(
        select(AlertRow).where(AlertRow.recipient_user_id == cast.sue.id, AlertRow.kind == "crisis")
    ).all()
    assert len(lead_alerts) == 1 and lead_alerts[0].severity == "urgent"
    assert len(outbox.of_kind("urgent_alert")) == 2


def test_a_concern_with_a_nul_is_stored_and_reaches_the_lead(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    page = web.get(f"/f/{token}/concern")
    done = web.post(
        f"/f/{token}/concern",
        data={"concern_text": NUL_CRISIS, "csrf_token": csrf_from(page.text)},
    )
    assert done.status_code == 200
    concern = db.scalars(select(ConcernRow)).one()
    assert concern.category == "crisis"
    assert rt.cipher.decrypt(concern.text_encrypted) == "I want to kill myself"


def test_a_rupture_note_and_a_display_name_with_control_characters_are_stored_clean(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    sign_in(web, "alice")
    token = csrf_from(web.get(f"/clients/{cast.ash.id}").text)
    logged = web.post(
        f"/clients/{cast.ash.id}/ruptures",
        data={
            "csrf_token": token,
            "appointment_id": str(cast.ash_sessions[2].id),
            "rupture_type": "withdrawal",
            "resolved": "partly",
            "note": "went\x00 quiet\x1b after\r\nhomework",
        },
        follow_redirects=False,
    )
    assert logged.status_code == 303
    note = db.scalars(select(RuptureLogRow)).one().note_encrypted
    assert rt.cipher.decrypt(note) == "went quiet after\nhomework"
    web.post("/logout", data={"csrf_token": token})
    sign_in(web, "adam")
    token = csrf_from(web.get("/admin/users").text)
    added = web.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "eve\x00",
            "email": "eve\x00@example.org",
            "display_name": "Eve\x00 New",
            "role": "therapist",
            "password": "long enough pass",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    eve = db.scalars(select(UserRow).where(UserRow.username == "eve")).one()
    assert (eve.display_name, eve.email) == ("Eve New", "eve@example.org")


def test_an_over_long_display_name_is_refused_naming_the_field(
    web: TestClient, db: Session, cast: Cast
) -> None:
    sign_in(web, "adam")
    token = csrf_from(web.get("/admin/users").text)
    refused = web.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "eve",
            "email": "eve@example.org",
            "display_name": "E" * 100_000,
            "role": "therapist",
            "password": "long enough pass",
        },
    )
    assert refused.status_code == 422
    assert "<strong>Display name</strong>: is too long (up to 200 characters)" in refused.text
    assert "display_name" not in refused.text
    assert db.scalars(select(UserRow).where(UserRow.username == "eve")).all() == []


@pytest.mark.parametrize("big", TOO_BIG)
def test_over_large_and_malformed_ids_are_not_found(
    make_client: Callable[..., TestClient], cast: Cast, big: int
) -> None:
    web = _lenient(make_client)
    sign_in(web, "sue")
    for path in (
        f"/clients/{big}",
        f"/sessions/{big}",
        f"/api/administrations/{big}/fhir",
        f"/reports/prepared/{big}",
        f"/reports/prepared/{big}.pdf",
        f"/clients/{cast.ash.id}/episodes/{big}/trajectory.csv",
        f"/audit?client_id={big}",
        "/clients/0",
        "/clients/-1",
        "/clients/abc",
        "/audit?client_id=x",
    ):
        assert web.get(path).status_code == 404, path
    assert web.get(f"/supervision?therapist={big}").status_code == 422


@pytest.mark.parametrize("big", TOO_BIG)
def test_anonymous_demo_sign_in_with_an_over_large_id_is_not_found(
    make_client: Callable[..., TestClient], cast: Cast, big: int
) -> None:
    web = _lenient(make_client, demo_mode=True)
    page = web.get("/login")
    response = web.post(f"/demo-sign-in/{big}", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 404
    assert 'href="tel:999"' in response.text


@pytest.mark.parametrize("username", ["sue\x00", "a\x00b", "x" * 100_000])
def test_a_username_with_a_nul_or_absurd_length_is_refused_without_a_crash(
    make_client: Callable[..., TestClient], db: Session, cast: Cast, username: str
) -> None:
    web = _lenient(make_client)
    page = web.get("/login")
    response = web.post(
        "/login",
        data={"username": username, "password": "wrong", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code in (401, 422)
    assert 'href="tel:999"' in response.text or "do not match" in response.text
    assert all(len(key) <= 200 for key in db.scalars(select(LoginAttemptRow.key)))


def test_a_crash_shows_the_crisis_lines_even_when_the_database_failed(
    make_client: Callable[..., TestClient], cast: Cast
) -> None:
    web = _lenient(make_client)

    def broken(db: DbSession) -> None:
        db.execute(text("SELECT no_such_column FROM no_such_table"))

    web.app.add_api_route("/broken", broken)  # type: ignore[attr-defined]
    crashed = web.get("/broken")
    assert crashed.status_code == 500
    assert "Something went wrong" in crashed.text
    assert 'href="tel:999"' in crashed.text and 'href="tel:116123"' in crashed.text


def test_staff_error_pages_leave_the_crisis_lines_out(web: TestClient, cast: Cast) -> None:
    sign_in(web, "alice")
    missing = web.get(f"/clients/{cast.zed.id}")
    assert missing.status_code == 404
    assert "tel:999" not in missing.text


def test_every_form_is_cleaned_before_a_route_reads_it_but_passwords_are_kept_as_typed(
    web: TestClient,
) -> None:
    async def echo(request: Request) -> dict[str, list[str]]:
        form = await request.form()
        return {key: [str(v) for v in form.getlist(key)] for key in form}

    web.app.add_api_route("/echo", echo, methods=["POST"])  # type: ignore[attr-defined]
    sent = web.post(
        "/echo",
        data={
            "words": "kill\x00 my\x1bself\r\nnow",
            "markers": ["a\x00", "b"],
            "new_password": "p\x00ss",
            "empty": "",
        },
    )
    assert sent.json() == {
        "words": ["kill myself\nnow"],
        "markers": ["a", "b"],
        "new_password": ["p\x00ss"],
        "empty": [""],
    }


def test_every_id_a_route_takes_is_checked_as_a_record_id(web: TestClient) -> None:
    unchecked = []
    for path, methods in web.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                schema = next((s for s in schema.get("anyOf", []) if "type" in s), schema)
                is_id = parameter["in"] == "path" or parameter["name"].endswith("_id")
                if is_id and (schema.get("minimum"), schema.get("maximum")) != (1, MAX_RECORD_ID):
                    if parameter["in"] == "path" and schema.get("type") == "string":
                        continue  # a link token, not an id
                    unchecked.append(f"{method.upper()} {path} {parameter['name']}")
    assert unchecked == []


@pytest.mark.parametrize("typed", ["²", "9" * 5000, str(2**63)])
def test_numbers_typed_in_forms_that_are_not_counts_or_ids_are_refused_not_crashed(
    make_client: Callable[..., TestClient], cast: Cast, typed: str
) -> None:
    web = _lenient(make_client)
    sign_in(web, "adam")
    token = csrf_from(web.get(f"/admin/users/{cast.alice.id}").text)
    profile = web.post(
        f"/admin/users/{cast.alice.id}/profile",
        data={"csrf_token": token, "weekly_capacity": typed},
    )
    assert profile.status_code == 422 and "weekly_capacity" in profile.text
    details = web.post(
        f"/admin/users/{cast.alice.id}",
        data={
            "csrf_token": token,
            "display_name": "Alice Therapist",
            "email": "alice@example.org",
            "role": "therapist",
            "supervisor_id": typed,
        },
    )
    assert details.status_code < 500
