"""The embedded database does not lock up under a few staff at once (issue 9).

A real Bordin on a SQLite file, served by uvicorn in a thread, and eight real HTTP clients at
once, each signed in as a therapist, mixing page views (which write audit rows) with writes.
Before ADR 0005 this ended in "database is locked" errors after 30 s waits. The 3-second bound
is a lock-up check, far above a normal request, not a speed figure (those are in
``bench/bench_concurrency.py`` and docs/performance.md).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bordin.notify.memory import MemoryTransport
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.storage.tables import AuditEventRow
from bordin.testing.clock import FakeClock
from bordin.testing.server import serve_in_thread
from bordin.web.app import create_app
from tests.fixtures.cast import PASSWORD, Cast, build_cast

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CLIENTS = 8
SECONDS = 10.0
LOCK_UP = 3.0


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Cast, Runtime]]:
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'bordin.sqlite3'}",
        secret_key="concurrency-test-secret-key",  # type: ignore[arg-type]
        encryption_key="concurrency-test-encryption-passphrase",  # type: ignore[arg-type]
        notify_transport="memory",
    )
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    runtime = Runtime(settings=settings, transport=MemoryTransport(), now=FakeClock())
    with make_session_factory(engine)() as db:
        cast = build_cast(db, runtime)
    # The app makes its own engine and sessions from the settings, as in production.
    app = create_app(settings, runtime=runtime)
    try:
        with serve_in_thread(app) as base_url:
            yield base_url, cast, runtime
    finally:
        engine.dispose()


def _signed_in(base_url: str, username: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base_url, timeout=60, follow_redirects=False)
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token is not None
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 303, response.text
    caseload = client.get("/caseload")
    token = CSRF.search(caseload.text)
    assert caseload.status_code == 200 and token is not None
    return client, token.group(1)


def test_eight_staff_reading_and_writing_at_once_get_no_errors_and_no_lock_up(
    served: tuple[str, Cast, Runtime],
) -> None:
    base_url, cast, runtime = served
    ash = cast.ash.id
    outcomes: list[tuple[str, int, float]] = []
    errors: list[BaseException] = []
    clients = [_signed_in(base_url, "alice" if i % 2 else "sue") for i in range(CLIENTS)]
    # The worker's first chart loads matplotlib; that start-up cost is not what is tested here.
    assert clients[0][0].get(f"/clients/{ash}").status_code == 200

    def work(index: int) -> None:
        client, token = clients[index]
        writer = index < CLIENTS // 2
        try:
            while time.monotonic() < stop:
                for method, path in (
                    [("POST", "/alerts/read"), ("GET", "/caseload")]
                    if writer
                    else [("GET", "/caseload"), ("GET", f"/clients/{ash}")]
                ):
                    started = time.monotonic()
                    if method == "POST":
                        response = client.post(path, data={"csrf_token": token})
                    else:
                        response = client.get(path)
                    outcomes.append((path, response.status_code, time.monotonic() - started))
        except BaseException as error:  # a timeout or dropped connection fails the test below
            errors.append(error)

    stop = time.monotonic() + SECONDS
    threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client, _ in clients:
        client.close()

    assert not errors, errors
    failed = [(path, status) for path, status, _ in outcomes if status >= 500]
    assert not failed, f"{len(failed)} of {len(outcomes)} requests failed: {failed[:5]}"
    assert {status for _, status, _ in outcomes} <= {200, 303}
    slowest = max(outcomes, key=lambda outcome: outcome[2])
    assert slowest[2] < LOCK_UP, f"a request took {slowest[2]:.1f} s ({slowest[0]})"
    # Every page view was audited: the reads wrote their audit rows despite the writers.
    engine = make_engine(runtime.settings.resolved_database_url)
    try:
        with make_session_factory(engine)() as db:
            audited = db.scalar(
                select(func.count()).where(
                    AuditEventRow.entity == "client_record", AuditEventRow.client_id == ash
                )
            )
    finally:
        engine.dispose()
    client_pages = sum(1 for path, _, _ in outcomes if path == f"/clients/{ash}")
    assert client_pages > 0 and audited is not None and audited >= client_pages
