"""Benchmark: the job scheduler for a practice group with 50,000 sessions a week.

For each backend (SQLite file, PostgreSQL database of its own, dropped at the end) it migrates
a fresh database and bulk-loads one week of jobs as ``schedule_reminders_for`` would plan them
for ``--sessions`` sessions: two reminders (48 h and 2 h) on two channels and the
``session_ended`` prompt per session, five jobs each (250,000 for 50,000 sessions), spread over
the week's working hours. The loading is a fixture written straight into the table with
``executemany``, not through the services; what is measured is the scheduler.

Then, with the clock at the end of the week (every job due), it times:

- ``bare_due_query``: the raw SQL a scheduler must run at least, ``SELECT id FROM jobs WHERE
  status = 'queued' AND run_at <= :now ORDER BY run_at LIMIT 200``, repeated (ms per query);
- ``claim_finish``: :func:`bordin.services.jobs.claim` (one ``UPDATE ... RETURNING``; ``FOR
  UPDATE SKIP LOCKED`` on PostgreSQL) and :func:`bordin.services.jobs.finish` with a handler
  that does nothing, in batches of 200, for ``--drain`` jobs: jobs per second through the
  scheduler itself, the ceiling for the worker before any email or SMS is sent.

Prints one JSON object. Usage::

    python bench/bench_scheduler.py [--sessions 50000] [--drain 20000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from pydantic import SecretStr
from sqlalchemy import Engine, insert, text

from bordin.notify.memory import MemoryTransport
from bordin.services import jobs
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.storage.tables import JobRow

ADMIN_URL = os.environ.get("BORDIN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
WEEK_START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def postgres_engine() -> Iterator[Engine]:
    name = f"bordin_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    engine = make_engine(f"{base}/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def week_of_jobs(sessions: int, seed: int = 7) -> list[dict[str, object]]:
    """Five jobs per session, sessions on weekdays 08:00-18:00 across one week."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for number in range(sessions):
        day = rng.randrange(5)
        start = WEEK_START + timedelta(days=day, minutes=rng.randrange(0, 600, 10))
        stamp = start.strftime("%Y%m%dT%H%M")
        plan = [
            (f"appt:{number}:reminder:{channel}:{hours}h:{stamp}", start - timedelta(hours=hours))
            for hours in (48, 2)
            for channel in ("email", "sms")
        ]
        plan.append((f"appt:{number}:ended", start + timedelta(minutes=50)))
        for key, run_at in plan:
            rows.append(
                {
                    "kind": "bench",
                    "key": key,
                    "payload": {"appointment_id": number},
                    "status": "queued",
                    "run_at": run_at,
                    "attempts": 0,
                    "run_again": False,
                    "created_at": WEEK_START - timedelta(days=7),
                }
            )
    return rows


def run_backend(name: str, engine: Engine, sessions: int, drain: int) -> dict[str, object]:
    upgrade(engine)
    rows = week_of_jobs(sessions)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, len(rows), 10_000):
            conn.execute(insert(JobRow), rows[start : start + 10_000])
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE jobs"))
    load_seconds = time.perf_counter() - t0
    now = WEEK_START + timedelta(days=7)
    due_sql = text(
        "SELECT id FROM jobs WHERE status = 'queued' AND run_at <= :now ORDER BY run_at LIMIT 200"
    )
    timings = []
    with engine.connect() as conn:
        for _ in range(50):
            started = time.perf_counter()
            conn.execute(due_sql, {"now": now}).all()
            timings.append((time.perf_counter() - started) * 1000)
    settings = Settings(
        environment="test",
        data_dir=Path(tempfile.gettempdir()),
        secret_key=SecretStr("bench-secret-key-not-for-production"),
        encryption_key=SecretStr("bench-encryption-passphrase"),
        notify_transport="memory",
    )
    rt = Runtime(settings=settings, transport=MemoryTransport(), now=lambda: now)
    sessions_factory = make_session_factory(engine)
    claimed = 0
    claim_ms: list[float] = []
    started = time.perf_counter()
    with sessions_factory() as db:
        while claimed < drain:
            t = time.perf_counter()
            batch = jobs.claim(db, rt, limit=200)
            claim_ms.append((time.perf_counter() - t) * 1000)
            if not batch:
                break
            jobs.finish(db, rt, batch)
            db.commit()
            claimed += len(batch)
    elapsed = time.perf_counter() - started
    return {
        "backend": name,
        "sessions": sessions,
        "jobs": len(rows),
        "load_seconds": round(load_seconds, 2),
        "bare_due_query_ms": {
            "p50": round(statistics.median(timings), 2),
            "p95": round(sorted(timings)[int(len(timings) * 0.95) - 1], 2),
        },
        "claim_ms_per_batch_of_200": {
            "p50": round(statistics.median(claim_ms), 2),
            "p95": round(sorted(claim_ms)[max(0, int(len(claim_ms) * 0.95) - 1)], 2),
        },
        "claim_finish_jobs": claimed,
        "claim_finish_jobs_per_second": round(claimed / elapsed, 1) if elapsed else None,
        "week_average_jobs_per_second": round(len(rows) / (7 * 24 * 3600), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--drain", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="5,000 sessions, 5,000 jobs drained")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    sessions, drain = (5_000, 5_000) if args.quick else (args.sessions, args.drain)
    results = []
    if args.backend in ("sqlite", "both"):
        with sqlite_engine() as engine:
            results.append(run_backend("sqlite", engine, sessions, drain))
    if args.backend in ("postgres", "both"):
        with postgres_engine() as engine:
            results.append(run_backend("postgresql", engine, sessions, drain))
    print(
        json.dumps(
            {"benchmark": "scheduler", "python": platform.python_version(), "results": results},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
