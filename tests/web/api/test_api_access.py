"""Every read route of the API, for every kind of caller: the token acts as its owner, with the
pages' access rules, and outsiders get 404 as JSON (never 403, never the record)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.storage.tables import AdministrationRow, AuditEventRow
from bordin.web.api import openapi_document
from tests.fixtures.cast import Cast
from tests.web.api.conftest import assert_error_shape, bearer

#: Who may read Ash's record: Alice treats Ash, Sue supervises Alice. Bob (a colleague), Adam
#: (an admin, who never reads clinical content) and Charlie (another practice) may not.
READERS = {"alice": 200, "sue": 200, "bob": 404, "adam": 404, "charlie": 404}


def _ash_routes(cast: Cast, administration: AdministrationRow) -> list[str]:
    episode = cast.ash_episode.id
    return [
        f"/api/v1/clients/{cast.ash.id}",
        f"/api/v1/episodes/{episode}",
        f"/api/v1/episodes/{episode}/appointments",
        f"/api/v1/episodes/{episode}/administrations",
        f"/api/v1/episodes/{episode}/signals",
        f"/api/v1/appointments/{cast.ash_sessions[0].id}",
        f"/api/v1/administrations/{administration.id}",
        f"/api/v1/fhir/QuestionnaireResponse/{administration.id}",
        f"/api/v1/fhir/Observation/{administration.id}",
    ]


@pytest.mark.parametrize("who", sorted(READERS))
def test_each_read_of_ashs_record_follows_the_pages_rules(
    who: str,
    api: TestClient,
    cast: Cast,
    token_for: Callable[..., str],
    ash_phq9: AdministrationRow,
    db: Session,
) -> None:
    user = getattr(cast, who)
    headers = bearer(token_for(user))
    for path in _ash_routes(cast, ash_phq9):
        response = api.get(path, headers=headers)
        assert response.status_code == READERS[who], (who, path, response.text)
        if READERS[who] == 404:
            assert response.headers["content-type"].startswith("application/json")
            assert_error_shape(response.json(), "not_found")
            assert "Ash" not in response.text
        else:
            assert response.headers["etag"].startswith('"')
    reads = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.actor_user_id == user.id, AuditEventRow.action == "read"
        )
    ).all()
    if READERS[who] == 200:
        assert len(reads) >= len(_ash_routes(cast, ash_phq9))
        assert all(
            e.client_id == cast.ash.id or cast.ash.id in e.detail.get("client_ids", [])
            for e in reads
        )
    else:
        assert reads == []


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("alice", {"Ash Sample", "Birch Sample", "Cedar Sample"}),
        ("bob", {"Dale Sample"}),
        ("sue", {"Ash Sample", "Birch Sample", "Cedar Sample", "Dale Sample"}),
        ("adam", set()),
        ("charlie", {"Zed Sample"}),
    ],
)
def test_the_client_list_holds_exactly_the_callers_caseload(
    who: str, expected: set[str], api: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    response = api.get("/api/v1/clients", headers=bearer(token_for(getattr(cast, who))))
    assert response.status_code == 200
    assert {c["display_name"] for c in response.json()["items"]} == expected


def test_the_episode_list_pages_with_a_next_link_until_the_last_page(
    api: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    headers = bearer(token_for(cast.sue))
    seen: list[int] = []
    url: str | None = "/api/v1/episodes?limit=1"
    while url:
        body = api.get(url, headers=headers).json()
        seen += [e["id"] for e in body["items"]]
        url = body["next"] and f"/api/v1{body['next'].removeprefix('/api/v1')}"
    assert seen == sorted([cast.ash_episode.id, cast.couple_episode.id, cast.dale_episode.id])


def test_a_read_sent_again_with_its_etag_gets_304_and_no_body(
    api: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    headers = bearer(token_for(cast.alice))
    first = api.get(f"/api/v1/clients/{cast.ash.id}", headers=headers)
    again = api.get(
        f"/api/v1/clients/{cast.ash.id}",
        headers={**headers, "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304
    assert again.content == b""
    stale = api.get(
        f"/api/v1/clients/{cast.ash.id}", headers={**headers, "If-None-Match": '"other"'}
    )
    assert stale.status_code == 200


def test_a_therapist_asking_for_another_practices_client_learns_nothing(
    api: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    headers = bearer(token_for(cast.alice))
    missing = api.get("/api/v1/clients/999999", headers=headers)
    elsewhere = api.get(f"/api/v1/clients/{cast.zed.id}", headers=headers)
    assert missing.status_code == elsewhere.status_code == 404
    assert missing.json() == elsewhere.json()


def test_the_served_openapi_document_holds_the_api_routes_only(api: TestClient) -> None:
    served = api.get("/api/v1/openapi.json").json()
    assert served == openapi_document()
    assert "/clients" in served["paths"]
    assert not {"/login", "/caseload", "/tokens/{token_id}/revoke", "/me"} & set(served["paths"])
    assert served["servers"] == [{"url": "/api/v1"}]


def test_api_request_logs_hold_no_client_names_and_no_token(
    api: TestClient, cast: Cast, token_for: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = token_for(cast.alice)
    api.get("/api/v1/clients", headers=bearer(token))
    api.get(f"/api/v1/clients/{cast.ash.id}", headers=bearer(token))
    api.post(
        "/api/v1/administrations",
        json={"client_id": cast.ash.id, "episode_id": 1, "instrument_id": "x", "answers": {}},
        headers=bearer(token),
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/clients/{client_id}" in logged
    # The token is "<start>_<prefix>_<random>"; the random part may itself hold "_".
    random_part = token.split("_", 2)[-1]
    assert len(random_part) >= 40
    for secret in ("Ash", "Birch", "Sample", token, random_part):
        assert secret not in logged


def test_a_token_over_its_budget_gets_429_with_retry_after_in_the_one_error_shape(
    make_client: Callable[..., TestClient], cast: Cast, token_for: Callable[..., str]
) -> None:
    api = make_client(api_requests_per_minute=2)
    headers = bearer(token_for(cast.alice))
    assert [api.get("/api/v1/clients", headers=headers).status_code for _ in range(2)] == [
        200,
        200,
    ]
    refused = api.get("/api/v1/clients", headers=headers)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert_error_shape(refused.json(), "too_many_requests")
    assert "2 requests in the last minute" in refused.json()["error"]["message"]
    other = bearer(token_for(cast.bob))
    assert api.get("/api/v1/clients", headers=other).status_code == 200
