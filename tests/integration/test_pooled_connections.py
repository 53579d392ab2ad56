"""A pooled PostgreSQL connection that died while idle (a server restart, a dropped firewall
state) is replaced before a request uses it, so the request does not fail."""

from __future__ import annotations

import os
import time

import psycopg
import pytest
from sqlalchemy import text

from bordin.settings import Settings
from bordin.storage import database
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.postgres


def _url() -> str:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            pass
    except psycopg.Error as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {error}")
        pytest.skip(f"PostgreSQL is not reachable: {str(error)[:100]}")
    return PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://")


def _backend(engine: object) -> int:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_killed_while_idle_is_replaced_before_the_next_request() -> None:
    engine = database.make_engine(_url())
    try:
        first = _backend(engine)
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [first])
        time.sleep(database.IDLE_PING_SECONDS + 0.2)  # idle long enough to be checked
        second = _backend(engine)
        assert second != first
    finally:
        engine.dispose()


def test_without_the_idle_check_the_dead_connection_would_fail_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The same steps with the check switched off show what it prevents (so the test above can
    # fail): the pool hands out the dead connection and the request's first statement fails.
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", float("inf"))
    engine = database.make_engine(_url())
    try:
        first = _backend(engine)
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [first])
        with pytest.raises(Exception, match=r"terminat|closed|connection"):
            _backend(engine)
    finally:
        engine.dispose()


def _backends_after_a_burst(engine: object, concurrent: int) -> set[int]:
    """Check out ``concurrent`` connections at once, give them back, and return their backends."""
    held = [engine.connect() for _ in range(concurrent)]  # type: ignore[attr-defined]
    pids = {int(c.execute(text("SELECT pg_backend_pid()")).scalar_one()) for c in held}
    for conn in held:
        conn.close()
    return pids


def test_a_busy_worker_reuses_its_connections_instead_of_opening_one_a_request() -> None:
    # A web worker serving 16 requests at once keeps all 16 connections: the next 16 requests
    # run on the same PostgreSQL backends (a new backend is a new server process, which costs
    # more CPU than a feedback submission's own statements).
    engine = database.make_engine(_url())
    try:
        first = _backends_after_a_burst(engine, Settings().database_pool_size)
        again = _backends_after_a_burst(engine, Settings().database_pool_size)
        assert again == first
    finally:
        engine.dispose()


def test_a_pool_smaller_than_the_burst_opens_new_connections_each_time() -> None:
    # What the test above guards against: a pool keeping five open closes the two overflow
    # connections of a burst of seven when they are given back, and opens two new ones (two
    # new server processes) for the next burst. SQLAlchemy's default keeps five.
    engine = database.make_engine(_url(), pool_size=5)
    try:
        first = _backends_after_a_burst(engine, 5 + 2)
        again = _backends_after_a_burst(engine, 5 + 2)
        assert len(again - first) == 2
    finally:
        engine.dispose()
