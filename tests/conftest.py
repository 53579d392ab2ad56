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
from argon2 import PasswordHasher
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from bordin.notify.memory import MemoryTransport
from bordin.services import users as user_service
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.testing.clock import FakeClock
from tests.fixtures import demo as demo_fixtures
from tests.fixtures.cast import Cast, build_cast

PG_ADMIN_URL = os.environ.get("BORDIN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    # Argon2 at its production cost (RFC 9106's low-memory profile: 3 passes over 64 MiB) takes a
    # quarter of a second per hash here, and the cast alone makes five accounts per test. Tests
    # hash with the least cost argon2 accepts; what is hashed and checked is the same, and
    # tests/unit/test_password_hash_cost.py checks that the product itself keeps the full cost.
    user_service._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


#: Test files that share one expensive computation cached per process: each group runs on one
#: xdist worker, so it is computed once per run (the triage model's cross-validation, five
#: fits, about 45 s, once for the model's build test and once for its generated page).
SHARED_WORKER = {
    "tests/unit/analytics/test_triage_model_build.py": "triage model cross-validation",
    "tests/docs/test_triage_docs.py": "triage model cross-validation",
}


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """With ``--dist loadfile``: each file on one worker, and the files of a
    :data:`SHARED_WORKER` group on the same one."""
    if config.getoption("dist", None) != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedFileScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return SHARED_WORKER.get(scope, scope)

    return SharedFileScheduling(config, log)  # type: ignore[arg-type]


#: The test files that take longest (a minute or more of one worker's time each, measured with
#: ``--durations``): run first, so that the run does not end with one worker busy on one of
#: them while the other has nothing left to do.
LONGEST_FIRST = (
    "tests/web/test_generated_requests.py",
    "tests/unit/analytics/test_triage_model_build.py",
    "tests/docs/test_triage_docs.py",
    "tests/integration/services/test_signals_bulk.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
    root = config.rootpath
    first = {root / name for name in LONGEST_FIRST}
    items.sort(key=lambda item: item.path not in first)  # stable: the rest keep their order


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
def committing_postgres(tmp_path: Path) -> Iterator[tuple[sessionmaker[Session], Runtime, Cast]]:
    """A PostgreSQL database of its own, with the cast, whose sessions really commit: for tests
    of concurrent transactions (the others share one connection and roll back). It is dropped
    afterwards."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3, autocommit=True) as conn:
            name = f"bordin_race_{uuid.uuid4().hex[:8]}"
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        reason = f"PostgreSQL is not reachable: {str(error)[:100]}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    engine = make_engine(f"{base}/{name}")
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        settings = Settings(
            environment="test",
            data_dir=tmp_path,
            secret_key="race-secret-key",  # type: ignore[arg-type]
            encryption_key="race-encryption",  # type: ignore[arg-type]
            notify_transport="memory",
        )
        rt = Runtime(settings=settings, transport=MemoryTransport(), now=FakeClock())
        with sessions() as db:
            cast = build_cast(db, rt)
        yield sessions, rt, cast
    finally:
        engine.dispose()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def cast(db: Session, rt: Runtime) -> Cast:
    return build_cast(db, rt)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the shared external data folder is absent ({SHARED_DATA})")
    return SHARED_DATA


# --- the demo practice, built once per run (tests/fixtures/demo.py) ---------------------------


@pytest.fixture(scope="session")
def demo_template(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> demo_fixtures.DemoTemplate:
    root = demo_fixtures.run_root(tmp_path_factory, pytestconfig)
    return demo_fixtures.demo_template(root, PG_ADMIN_URL, _postgres_unavailable_reason())


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return  # the controller (or the only process) drops the run's template
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None:
        try:
            root = factory.getbasetemp()
            demo_fixtures.drop_template(root, PG_ADMIN_URL)
        except (OSError, psycopg.Error):
            pass


@pytest.fixture(scope="session")
def demo_sqlite_engine(
    demo_template: demo_fixtures.DemoTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    with demo_fixtures.sqlite_copy(demo_template, tmp_path_factory.mktemp("demo-sqlite")) as e:
        yield e


@pytest.fixture(scope="session")
def demo_postgres_engine(demo_template: demo_fixtures.DemoTemplate) -> Iterator[Engine]:
    if demo_template.postgres_database is None and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the PostgreSQL tests: {demo_template.postgres_skip_reason}")
    with demo_fixtures.postgres_copy(demo_template, PG_ADMIN_URL) as engine:
        yield engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo(
    request: pytest.FixtureRequest, demo_template: demo_fixtures.DemoTemplate, tmp_path: Path
) -> Iterator[demo_fixtures.DemoDatabase]:
    """The demo practice as ``bordin demo`` builds it, on both backends; each test's writes are
    rolled back."""
    engine = request.getfixturevalue(f"demo_{request.param}_engine")
    runtime = demo_fixtures.demo_runtime(demo_template, tmp_path)
    with demo_fixtures.rolled_back(engine, runtime) as loaded:
        yield loaded


@pytest.fixture
def demo_data_dir(demo_template: demo_fixtures.DemoTemplate, tmp_path: Path) -> Path:
    """A fresh copy of the demo's SQLite data folder, for the CLI or a served app."""
    return demo_fixtures.copy_data_dir(demo_template, tmp_path / "demo")
