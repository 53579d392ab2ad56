"""Personal access tokens: made on a page and shown once, stored only as a keyed hash, scoped,
revocable by their owner or the practice admin, and refused once revoked or expired."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import api_tokens
from bordin.services.runtime import Runtime
from bordin.storage.tables import ApiTokenRow
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.web.api.conftest import assert_error_shape, bearer
from tests.web.conftest import csrf_from, sign_in


def test_a_token_is_shown_once_on_the_page_and_only_its_hash_is_stored(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "alice")
    page = web.get("/tokens")
    made = web.post(
        "/tokens",
        data={"name": "Records system", "scopes": ["read"], "csrf_token": csrf_from(page.text)},
    )
    assert made.status_code == 200
    secret = made.text.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith("bordin_")
    row = db.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == cast.alice.id)).one()
    assert secret not in (row.token_hash, row.prefix) and row.prefix in secret
    assert row.scopes == ["read"]
    assert secret not in web.get("/tokens").text
    assert web.get("/api/v1/clients", headers=bearer(secret)).status_code == 200


def test_a_token_without_a_name_or_scope_is_refused_naming_each_field(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "alice")
    page = web.get("/tokens")
    refused = web.post(
        "/tokens", data={"name": " ", "expires_in_days": "0", "csrf_token": csrf_from(page.text)}
    )
    assert refused.status_code == 422
    for field in ("name", "scopes", "expires_in_days"):
        assert f'href="#f-{field}"' in refused.text
    assert db.scalars(select(ApiTokenRow)).all() == []


def test_only_an_admin_may_hold_the_admin_scope(
    token_for: Callable[..., str], cast: Cast, db: Session, rt: Runtime
) -> None:
    try:
        token_for(cast.sue, ["admin"])
    except Exception as refused:
        assert "admin" in str(refused)
    else:
        raise AssertionError("a supervisor was given the admin scope")
    assert token_for(cast.adam, ["admin"]).startswith("bordin_")


def test_no_token_an_unknown_token_and_a_revoked_token_get_401_as_json(
    api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session, rt: Runtime
) -> None:
    token = token_for(cast.alice)
    assert api.get("/api/v1/clients").status_code == 401
    unknown = api.get("/api/v1/clients", headers=bearer("bordin_0000_nothing"))
    assert unknown.status_code == 401
    assert_error_shape(unknown.json(), "not_authenticated")
    assert unknown.headers["www-authenticate"].startswith("Bearer")
    row = db.scalars(select(ApiTokenRow)).one()
    api_tokens.revoke_token(db, rt, actor=cast.actor(cast.alice), token_id=row.id)
    assert api.get("/api/v1/clients", headers=bearer(token)).status_code == 401


def test_an_expired_token_stops_working_and_last_use_is_noted(
    api: TestClient,
    cast: Cast,
    token_for: Callable[..., str],
    db: Session,
    clock: FakeClock,
) -> None:
    token = token_for(cast.alice, expires_in_days=1)
    assert api.get("/api/v1/clients", headers=bearer(token)).status_code == 200
    row = db.scalars(select(ApiTokenRow)).one()
    db.refresh(row)
    assert row.last_used_at is not None
    clock.advance(days=1, seconds=1)
    assert api.get("/api/v1/clients", headers=bearer(token)).status_code == 401


def test_a_read_only_token_may_not_write_and_is_told_which_scope_it_lacks(
    api: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    token = token_for(cast.alice, ["read"])
    refused = api.patch(
        f"/api/v1/appointments/{cast.ash_sessions[0].id}",
        json={"status": "attended"},
        headers=bearer(token),
    )
    assert refused.status_code == 403
    assert_error_shape(refused.json(), "insufficient_scope")
    assert "write" in refused.json()["error"]["message"]


def test_the_admin_sees_and_revokes_every_token_in_the_practice_but_no_one_elses(
    api: TestClient, web: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    alices = token_for(cast.alice)
    token_for(cast.charlie)
    admin = bearer(token_for(cast.adam, ["read", "admin"]))
    listed = api.get("/api/v1/tokens", headers=admin).json()["items"]
    assert {t["owner"] for t in listed} == {"Alice Therapist", "Adam Admin"}
    alice_id = next(t["id"] for t in listed if t["owner"] == "Alice Therapist")
    assert api.delete(f"/api/v1/tokens/{alice_id}", headers=admin).status_code == 200
    assert api.get("/api/v1/clients", headers=bearer(alices)).status_code == 401
    assert api.get("/api/v1/tokens", headers=bearer(token_for(cast.sue))).status_code == 403
    sign_in(web, "adam")
    page = web.get("/tokens")
    assert "Every token in the practice" in page.text and "Charlie" not in page.text


def test_someone_elses_token_cannot_be_revoked_from_the_page(
    web: TestClient, cast: Cast, token_for: Callable[..., str], db: Session
) -> None:
    token_for(cast.bob)
    row = db.scalars(select(ApiTokenRow)).one()
    sign_in(web, "alice")
    page = web.get("/tokens")
    refused = web.post(f"/tokens/{row.id}/revoke", data={"csrf_token": csrf_from(page.text)})
    assert refused.status_code == 404
    db.refresh(row)
    assert row.revoked_at is None
