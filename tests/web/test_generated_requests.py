"""Generated requests to every route in the OpenAPI schema never get a server error.

Schemathesis reads the schema FastAPI generates and draws requests for each operation, valid
ones, deliberately broken ones (wrong types, odd strings) and hostile ones (ids above 2^63,
a NUL in every text field), for an anonymous visitor on SQLite and PostgreSQL, and for
signed-in staff: the supervisor who is the clinical lead on PostgreSQL, the admin on SQLite.
Forms carry the session's CSRF token, so the drawn values reach the routes rather than stopping
at the CSRF check. A refusal (4xx) is fine; a 5xx fails.

Bounded and repeatable: a few examples per operation, derandomised Hypothesis.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in

#: Examples drawn per operation from each kind of request (valid, broken, known ids, hostile).
EXAMPLES = 2
TOO_BIG = 2**63
#: Operations that end the signed-in session would make the rest of the run anonymous.
SIGN_OUTS = {"POST /logout", "POST /me/sign-out"}


def _known_ids(cast: Cast) -> dict[str, int]:
    """Ids of records that exist, so some requests reach past "not found"."""
    return {
        "client_id": cast.ash.id,
        "episode_id": cast.ash_episode.id,
        "appointment_id": cast.ash_sessions[3].id,
        "user_id": cast.alice.id,
    }


def _hostile(case: Any) -> Any:
    """The same request with a NUL in every text field and an over-large id in the query."""
    if isinstance(case.body, dict):
        case.body = {k: f"kill\x00 {v}" if isinstance(v, str) else v for k, v in case.body.items()}
    if isinstance(case.query, dict):
        case.query = {k: TOO_BIG if k.endswith("_id") else v for k, v in case.query.items()}
    return case


def _call_each(
    label: str, cases: st.SearchStrategy[Any], token: str, cookies: dict[str, str], found: list[str]
) -> None:
    """Send a few drawn requests for one operation; note each server error or crash."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def call(case: Any) -> None:
        if isinstance(case.body, dict):
            case.body = {**case.body, "csrf_token": token}
        try:
            response = case.call(cookies=cookies, timeout=600)
        except Exception as crash:  # a crash is what we are looking for
            found.append(f"{label}: {type(crash).__name__}")
            return
        if response.status_code >= 500:
            found.append(f"{label}: {response.status_code}")

    with suppress(Unsatisfiable):  # no broken request exists for an operation without input
        call()


def _server_errors(web: TestClient, cast: Cast, *, signed_in: bool) -> list[str]:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", web.app)
    token = csrf_from(web.get("/login" if not signed_in else "/alerts").text)
    cookies = dict(web.cookies)
    known = _known_ids(cast)
    found: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if signed_in and operation.label in SIGN_OUTS:
            continue
        fixed = {p.name: known[p.name] for p in operation.path_parameters if p.name in known}
        strategies = [
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
        ]
        if fixed and not operation.path.endswith(".pdf"):  # real PDFs are tested elsewhere
            strategies.append(operation.as_strategy(path_parameters=fixed))
        huge = {p.name: TOO_BIG for p in operation.path_parameters if p.name.endswith("_id")}
        strategies.append(operation.as_strategy(path_parameters=huge).map(_hostile))

        for cases in strategies:
            _call_each(operation.label, cases, token, cookies, found)
    return sorted(set(found))


@pytest.mark.slow
def test_generated_requests_from_an_anonymous_visitor_get_no_server_error(
    make_client: Callable[..., TestClient], cast: Cast
) -> None:
    web = make_client()
    assert _server_errors(web, cast, signed_in=False) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "who"),
    # Each role on one backend (the anonymous run covers both with every operation): the
    # clinical lead on PostgreSQL, the admin on SQLite, so each backend sees signed-in pages.
    [("sqlite", "adam"), pytest.param("postgres", "sue", marks=pytest.mark.postgres)],
    indirect=["engine"],
)
def test_generated_requests_from_signed_in_staff_get_no_server_error(
    make_client: Callable[..., TestClient], cast: Cast, who: str
) -> None:
    web = make_client()
    sign_in(web, who)
    assert _server_errors(web, cast, signed_in=True) == []
