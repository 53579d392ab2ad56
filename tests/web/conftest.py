"""A TestClient on the real app, sharing the test's database transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.web.app import create_app
from tests.fixtures.cast import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    found = CSRF.search(html)
    assert found, "page has no CSRF token"
    return found.group(1)


@pytest.fixture
def make_client(
    settings: Settings, rt: Runtime, sessions: sessionmaker[Session]
) -> Iterator[Callable[..., TestClient]]:
    made: list[TestClient] = []

    def make(base_url: str = "http://127.0.0.1", **overrides: object) -> TestClient:
        app_settings = settings.model_copy(update=overrides) if overrides else settings
        runtime = Runtime(settings=app_settings, transport=rt.transport, now=rt.now)
        client = TestClient(
            create_app(app_settings, runtime=runtime, sessions=sessions), base_url=base_url
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def web(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
