"""Simultaneous submissions of one link store it once (PostgreSQL, real concurrent transactions).

The other tests share one connection and roll back; this one needs separate connections that
really commit, so it makes its own database and drops it afterwards.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bordin.notify.memory import MemoryTransport
from bordin.services import feedback
from bordin.services.feedback import FeedbackResult
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.storage.tables import AdministrationRow, SubmissionRow
from bordin.testing.clock import FakeClock
from tests.conftest import PG_ADMIN_URL
from tests.fixtures.cast import Cast, build_cast

pytestmark = pytest.mark.postgres

SAC = {
    "bordin_sac.goals": "8",
    "bordin_sac.tasks": "7",
    "bordin_sac.bond": "9",
    "bordin_sac.overall": "8",
}


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[tuple[sessionmaker[Session], Runtime, Cast]]:
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


def test_simultaneous_submissions_of_one_link_store_it_once(
    own_database: tuple[sessionmaker[Session], Runtime, Cast],
) -> None:
    sessions, rt, cast = own_database
    tokens = []
    with sessions() as db:
        for appointment in cast.ash_sessions[:4] + cast.couple_sessions[:4]:
            tokens += [i.token for i in feedback.issue_links(db, rt, appointment_id=appointment.id)]

    def submit(
        token: str,
        barrier: threading.Barrier,
        results: list[FeedbackResult],
        failures: list[BaseException],
    ) -> None:
        with sessions() as db:
            barrier.wait()
            try:
                results.append(feedback.submit_feedback(db, rt, token=token, answers=SAC))
            except BaseException as error:  # collected and reported below
                failures.append(error)

    for token in tokens:
        barrier = threading.Barrier(4)
        results: list[FeedbackResult] = []
        failures: list[BaseException] = []
        threads = [
            threading.Thread(target=submit, args=(token, barrier, results, failures))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not failures, failures
        assert len(results) == 4
        assert sum(not r.duplicate for r in results) == 1
        assert len({r.submission_id for r in results}) == 1
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(SubmissionRow)) == len(tokens)
        assert db.scalar(select(func.count()).select_from(AdministrationRow)) == len(tokens)
