"""Shared fixtures: settings, a fake clock, and real databases (SQLite and PostgreSQL).

Database tests take the ``db`` fixture, which runs each test once per backend inside a
transaction that is rolled back afterwards (SQLAlchemy's "join a session into an external
transaction" recipe), so services may commit freely. PostgreSQL is at ``BORDIN_TEST_PG_URL``
(default 127.0.0.1:5432, trust auth, database ``test``); each test run makes its own database
there. When it is unreachable the PostgreSQL half is skipped with the reason, except under CI
(``CI=true``), where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from bordin.notify.memory import MemoryTransport
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine
from bordin.storage.migrate import upgrade
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast, build_cast

PG_ADMIN_URL = os.environ.get("BORDIN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        secret_key="test-secret-key-not-for-production",  # type: ignore[arg-type]
        encryption_key="test-encryption-passphrase",  # type: ignore[arg-type]
        notify_transport="memory",
    )


@pytest.fixture
def outbox() -> MemoryTransport:
    return MemoryTransport()


@pytest.fixture
def rt(settings: Settings, clock: FakeClock, outbox: MemoryTransport) -> Runtime:
    return Runtime(settings=settings, transport=outbox, now=clock)


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("sqlite") / "bordin.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _postgres_unavailable_reason() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {str(error).strip()[:200]}"


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    reason = _postgres_unavailable_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    name = f"bordin_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    engine = make_engine(f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}")
    upgrade(engine)
    yield engine
    engine.dispose()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits are savepoints inside the test's transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(sessions: sessionmaker[Session]) -> Iterator[Session]:
    session = sessions()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def cast(db: Session, rt: Runtime) -> Cast:
    return build_cast(db, rt)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the shared external data folder is absent ({SHARED_DATA})")
    return SHARED_DATA
