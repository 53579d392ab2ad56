"""API test helpers: a token for any member of the cast, and a client that sends it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bordin.services import api_tokens
from bordin.services.measures import record_administration
from bordin.services.runtime import Runtime
from bordin.storage.tables import AdministrationRow, UserRow
from tests.fixtures.cast import Cast

ALL = ["read", "write"]


@pytest.fixture
def token_for(db: Session, rt: Runtime, cast: Cast) -> Callable[..., str]:
    def make(user: UserRow, scopes: list[str] | None = None, **kw: object) -> str:
        made = api_tokens.create_token(
            db,
            rt,
            actor=cast.actor(user),
            name=f"{user.username} system",
            scopes=scopes or ALL,
            **kw,  # type: ignore[arg-type]
        )
        return made.secret

    return make


@pytest.fixture
def api(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def ash_phq9(db: Session, rt: Runtime, cast: Cast) -> AdministrationRow:
    return record_administration(
        db,
        rt,
        client_id=cast.ash.id,
        episode_id=cast.ash_episode.id,
        instrument_id="phq9",
        answers={f"q{i}": 1 for i in range(1, 10)},
        appointment_id=cast.ash_sessions[0].id,
        source="feedback_link",
    )


def assert_error_shape(response_json: object, code: str | None = None) -> None:
    assert isinstance(response_json, dict)
    error = response_json["error"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], list)
    if code is not None:
        assert error["code"] == code
