"""Generated requests to every operation of the API's OpenAPI document: none gets a server
error, and every refusal (4xx) is JSON in the API's one error shape.

Schemathesis reads ``/api/v1/openapi.json`` and draws, per operation, valid requests, broken
ones (wrong types, missing fields, odd strings) and valid ones aimed at records that exist, sent
with a therapist's read-and-write token and with an admin's admin token, on SQLite and
PostgreSQL. Bounded and repeatable: a few examples per operation, derandomised Hypothesis.
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

from bordin.storage.tables import AdministrationRow
from tests.fixtures.cast import Cast

EXAMPLES = 3


def _problems(response: Any, label: str) -> list[str]:
    status = response.status_code
    if status >= 500:
        return [f"{label}: {status}"]
    if status < 400:
        return []
    kind = response.headers.get("content-type", "")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if not str(kind).startswith("application/json"):
        return [f"{label}: {status} is not JSON"]
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    if not (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
        and error["message"]
        and isinstance(error.get("fields"), list)
    ):
        return [f"{label}: {status} lacks the error shape"]
    return []


def _call_each(
    label: str, cases: st.SearchStrategy[Any], headers: dict[str, str], found: list[str]
) -> int:
    sent = [0]

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
        try:
            response = case.call(headers={**(case.headers or {}), **headers})
        except Exception as crash:  # a crash is what we are looking for
            found.append(f"{label}: {type(crash).__name__}")
            return
        sent[0] += 1
        found.extend(_problems(response, label))

    with suppress(Unsatisfiable):  # no broken request exists for an operation without input
        call()
    return sent[0]


def _check(api: TestClient, token: str, known: dict[str, object]) -> tuple[list[str], int]:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api.app)
    headers = {"Authorization": f"Bearer {token}"}
    found: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        strategies = [
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
        ]
        fixed = {p.name: known[p.name] for p in operation.path_parameters if p.name in known}
        if fixed:
            strategies.append(operation.as_strategy(path_parameters=fixed))
        for cases in strategies:
            sent += _call_each(operation.label, cases, headers, found)
    return sorted(set(found)), sent


@pytest.mark.parametrize("who", ["alice", "adam"])
def test_generated_api_requests_get_no_server_error_and_every_refusal_is_the_error_shape(
    who: str,
    api: TestClient,
    cast: Cast,
    token_for: Callable[..., str],
    ash_phq9: AdministrationRow,
) -> None:
    token = token_for(getattr(cast, who), ["read", "write", "admin"] if who == "adam" else None)
    token_for(cast.bob)  # a token that exists to be listed and revoked
    known = {
        "client_id": cast.ash.id,
        "episode_id": cast.ash_episode.id,
        "appointment_id": cast.ash_sessions[3].id,
        "administration_id": ash_phq9.id,
        "instrument_id": "phq9",
        "token_id": 2,
    }
    problems, sent = _check(api, token, known)
    assert problems == []
    assert sent > 50  # the requests reached the app
