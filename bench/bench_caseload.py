"""Benchmark: the therapist's caseload page, beside the raw SQL behind it, in the same run.

Two parts, each printed as part of one JSON object:

``demo``: the demo practice (``bordin demo``, seed 7, loaded through the services as ``make
run`` does) in an SQLite file and in a fresh PostgreSQL database. A real Bordin is started with
uvicorn in a subprocess (one worker); httpx clients signed in with the demo practice's one-click
sign-in as the demo therapist with the largest active caseload request ``/caseload`` for a fixed
time at a fixed concurrency. Reported: requests per second, latency p50/p95/p99, and, measured
in the same run against the same database, the time of

* ``raw_sql``: the very statements the caseload read model issues (captured from SQLAlchemy),
  run through the database driver with no ORM: the floor any page can reach;
* ``read_model``: :func:`bordin.reports.read.caseload.caseload` in-process (SQL + ORM + Python).

The difference between ``read_model`` and the page is the web stack: resolving the sign-in
session, rendering the template and its sparklines, HTTP.

``large``: a practice of 1,000 therapists, 50,000 clients (one individual episode each, half
active), about 1,000,000 sessions, about 1,000,000 administrations (the Session Alliance Check
after each attended session, the PHQ-9 at every fourth) and some signals, bulk-loaded with
PostgreSQL ``COPY`` (psycopg) into a fresh database migrated with
:func:`bordin.storage.migrate.upgrade`. COPY, not the services, because this is a benchmark
fixture: loading a million sessions through the services (scoring, audit events, one
transaction each) would take hours and measure the loader, not the caseload. The rows are the
same shape the services write. Then the same measurements as above for one therapist (about 25
active episodes), and ``EXPLAIN (ANALYZE, BUFFERS)`` of each caseload query, so a slow plan can
be seen.

``--quick`` uses a smaller large practice (100 therapists, 5,000 clients, about 100,000
sessions) and shorter load runs. Both modes stop by themselves; the full mode takes a few minutes
on 2 cores. The load generator shares the machine with the server, so on a 2-core machine the
throughput is a lower bound.

Usage::

    .venv/bin/python bench/bench_caseload.py [--quick] [--skip-demo] [--skip-large]
        [--pg-url postgresql://postgres@127.0.0.1:5432/test] [--concurrency 8] [--seconds 15]

PostgreSQL comes from ``--pg-url`` or ``BORDIN_BENCH_PG_URL`` (default the test server); each run
makes its own databases there and drops them afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_PG = os.environ.get("BORDIN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-key-not-for-production"
CIPHER = "bench-encryption-passphrase"


# --- small helpers ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _summary(seconds: list[float]) -> dict[str, float]:
    return {
        "n": len(seconds),
        "median_ms": _ms(statistics.median(seconds)),
        "p95_ms": _ms(_percentile(seconds, 95)),
    }


@contextmanager
def postgres_database(admin_url: str, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database (SQLAlchemy URL), dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def served(database_url: str, data_dir: Path, *, demo: bool, workers: int = 1) -> Iterator[str]:
    """Bordin served by uvicorn in a subprocess (``workers`` worker processes); yields its base
    URL."""
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "BORDIN_DATABASE_URL": database_url,
            "BORDIN_DATA_DIR": str(data_dir),
            "BORDIN_SECRET_KEY": SECRET,
            "BORDIN_ENCRYPTION_KEY": CIPHER,
            "BORDIN_NOTIFY_TRANSPORT": "memory",
            "BORDIN_DEMO_MODE": "true" if demo else "false",
            "BORDIN_LOG_LEVEL": "WARNING",
        }
    )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bordin.web.app:app_from_environment",  # as `bordin serve` builds each worker
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        *(["--workers", str(workers)] if workers > 1 else []),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("the benchmark server exited at start-up")
            try:
                httpx.get(f"{base}/login", timeout=1.0)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the benchmark server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- load ---------------------------------------------------------------------------------------


async def _load(
    base: str, cookies: dict[str, str], seconds: float, concurrency: int, path: str = "/caseload"
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, cookies=cookies, limits=limits, timeout=30
    ) as client:
        # Warm up: templates compiled, caches filled, connections open.
        for _ in range(3):
            response = await client.get(path)
            if response.status_code != 200 or (
                path == "/caseload" and "<h1>Caseload</h1>" not in response.text
            ):
                raise RuntimeError(f"{path} did not load ({response.status_code})")
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal failures
            while time.perf_counter() < stop:
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "failures": failures,
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": _ms(_percentile(latencies, 50)),
        "p95_ms": _ms(_percentile(latencies, 95)),
        "p99_ms": _ms(_percentile(latencies, 99)),
    }


def page_runs(
    base: str, cookies: dict[str, str], seconds: float, concurrency: int
) -> dict[str, Any]:
    """Latency one request at a time (no queueing), then throughput with ``concurrency`` clients."""
    return {
        "one_at_a_time": asyncio.run(_load(base, cookies, seconds / 2, 1)),
        "concurrent": asyncio.run(_load(base, cookies, seconds, concurrency)),
    }


def client_page_run(
    base: str, cookies: dict[str, str], seconds: float, client_id: int
) -> dict[str, Any]:
    """A client's page (trajectory chart, timeline, sessions) one request at a time, after the
    warm-up requests have drawn its chart once."""
    return asyncio.run(_load(base, cookies, seconds / 2, 1, f"/clients/{client_id}"))


def _first_client(db: Any, therapist_id: int) -> int:
    """A client of the therapist's active episode with the most ratings (the biggest chart)."""
    from sqlalchemy import func, select

    from bordin.storage.tables import AdministrationRow, EpisodeRow

    return int(
        db.execute(
            select(AdministrationRow.client_id)
            .join(EpisodeRow, EpisodeRow.id == AdministrationRow.episode_id)
            .where(EpisodeRow.therapist_id == therapist_id, EpisodeRow.status == "active")
            .group_by(AdministrationRow.client_id)
            .order_by(func.count().desc(), AdministrationRow.client_id)
            .limit(1)
        ).scalar_one()
    )


def _demo_cookies(base: str, user_id: int) -> dict[str, str]:
    """Sign in with the demo practice's one-click button, as a person would."""
    import httpx

    with httpx.Client(base_url=base, follow_redirects=False) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if token is None:
            raise RuntimeError("no CSRF token on the sign-in page")
        response = client.post(f"/demo-sign-in/{user_id}", data={"csrf_token": token.group(1)})
        if response.status_code != 303:
            raise RuntimeError(f"demo sign-in failed ({response.status_code})")
        return dict(client.cookies)


# --- the query behind the page -----------------------------------------------------------------


def _runtime(database_url: str, data_dir: Path) -> Any:
    from bordin.notify.memory import MemoryTransport
    from bordin.services.runtime import Runtime
    from bordin.settings import Settings

    settings = Settings(
        environment="development",
        data_dir=data_dir,
        database_url=database_url,
        secret_key=SECRET,
        encryption_key=CIPHER,
        notify_transport="memory",
    )
    return Runtime(settings=settings, transport=MemoryTransport())


def _busiest_therapist(db: Any, practice_id: int | None = None) -> Any:
    from sqlalchemy import func, select

    from bordin.storage.tables import EpisodeRow, UserRow

    query = (
        select(UserRow, func.count(EpisodeRow.id).label("n"))
        .join(EpisodeRow, EpisodeRow.therapist_id == UserRow.id)
        .where(EpisodeRow.status == "active", UserRow.role == "therapist")
        .group_by(UserRow.id)
        .order_by(func.count(EpisodeRow.id).desc(), UserRow.id)
        .limit(1)
    )
    if practice_id is not None:
        query = query.where(UserRow.practice_id == practice_id)
    user, active = db.execute(query).one()
    return user, int(active)


def query_timings(engine: Any, user: Any, *, repeat: int, explain: bool = False) -> dict[str, Any]:
    """Time the caseload read model in-process, and the raw SQL it issues through the driver."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from bordin.reports.read.caseload import caseload
    from bordin.services.access import visible_therapist_ids
    from bordin.services.users import actor_for_user

    actor = actor_for_user(user)
    now = dt.datetime.now(dt.UTC)
    captured: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    with Session(engine) as db:
        rows = caseload(db, therapist_ids=visible_therapist_ids(actor), now=now)  # warm
        event.listen(engine, "before_cursor_execute", grab)
        try:
            caseload(db, therapist_ids=visible_therapist_ids(actor), now=now)
        finally:
            event.remove(engine, "before_cursor_execute", grab)
        model: list[float] = []
        for _ in range(repeat):
            db.expire_all()
            started = time.perf_counter()
            caseload(db, therapist_ids=visible_therapist_ids(actor), now=now)
            model.append(time.perf_counter() - started)

    raw: list[float] = []
    per_statement: list[list[float]] = [[] for _ in captured]
    fetched: list[int] = [0 for _ in captured]
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for _ in range(repeat):
            started = time.perf_counter()
            for i, (statement, parameters) in enumerate(captured):
                t0 = time.perf_counter()
                cursor.execute(statement, parameters)
                fetched[i] = len(cursor.fetchall())
                per_statement[i].append(time.perf_counter() - t0)
            raw.append(time.perf_counter() - started)
        plans: list[dict[str, Any]] = []
        if explain and engine.dialect.name == "postgresql":
            for i, (statement, parameters) in enumerate(captured):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = [str(r[0]) for r in cursor.fetchall()]
                plans.append({"query": i + 1, "plan": plan})
        connection.rollback()
    finally:
        connection.close()
    result: dict[str, Any] = {
        "episodes_on_page": len(rows),
        "queries": len(captured),
        "raw_sql": _summary(raw),
        "raw_sql_per_query": [
            {
                "query": i + 1,
                "rows": fetched[i],
                "median_ms": _ms(statistics.median(t)),
                "sql": " ".join(captured[i][0].split())[:160],
            }
            for i, t in enumerate(per_statement)
        ],
        "read_model": _summary(model),
    }
    if explain and engine.dialect.name == "postgresql":
        result["explain"] = plans
    return result


# --- part (a): the demo practice -----------------------------------------------------------------


def bench_demo(
    database_url: str, data_dir: Path, *, seconds: float, concurrency: int, repeat: int
) -> dict[str, Any]:
    from bordin.demo import generate_demo_practice
    from bordin.services.demo import build_demo_practice
    from bordin.storage.database import make_engine, make_session_factory
    from bordin.storage.migrate import upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    rt = _runtime(database_url, data_dir)
    started = time.perf_counter()
    with make_session_factory(engine)() as db:
        built = build_demo_practice(db, rt, generate_demo_practice(seed=7, today=rt.now().date()))
        loaded = built.load
        user, active = _busiest_therapist(db, loaded.practice_id)
        client_id = _first_client(db, user.id)
    load_seconds = time.perf_counter() - started
    with served(database_url, data_dir, demo=True) as base:
        cookies = _demo_cookies(base, user.id)
        page = page_runs(base, cookies, seconds, concurrency)
        client_page = client_page_run(base, cookies, seconds, client_id)
    timings = query_timings(engine, user, repeat=repeat)
    engine.dispose()
    return {
        "database": engine.dialect.name,
        "practice": {
            "therapists": 8,
            "clients": loaded.clients,
            "episodes": loaded.episodes,
            "sessions": loaded.sessions,
            "administrations": loaded.administrations,
            "load_seconds": round(load_seconds, 1),
        },
        "therapist": {"active_episodes": active},
        "page": page,
        "client_page": client_page,
        **timings,
    }


# --- part (b): a large practice, bulk-loaded -----------------------------------------------------

PHQ9_KEYS = [f"q{i}" for i in range(1, 10)]


def bulk_load(
    sqlalchemy_url: str, *, therapists: int, clients: int, sessions: int, seed: int = 7
) -> dict[str, Any]:
    """Fill a migrated, empty database with COPY; returns the counts and the seconds taken."""
    import numpy as np
    import psycopg

    rng = np.random.default_rng(seed)
    url = sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://")
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    today = now.date()
    per_client = max(4, sessions // clients)
    counts = rng.integers(max(3, per_client // 2), per_client + per_client // 2 + 1, clients)
    started = time.perf_counter()
    totals: dict[str, Any] = {"therapists": therapists, "clients": clients, "episodes": clients}
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO practices (id, name, locale, timezone, feedback_measures, created_at) "
            "VALUES (1, 'Bench Practice (synthetic)', 'UK', 'Europe/London', %s, %s)",
            ('["bordin_sac", "phq9"]', now),
        )
        with cur.copy(
            "COPY users (id, practice_id, username, email, display_name, role, is_clinical_lead,"
            " is_active, is_demo, created_at) FROM STDIN"
        ) as copy:
            for t in range(1, therapists + 1):
                copy.write_row(
                    (t, 1, f"bench-t{t}", f"t{t}@example.org", f"Bench Therapist {t:04d}",
                     "therapist", False, True, False, now)
                )  # fmt: skip
        with cur.copy(
            "COPY clients (id, practice_id, pseudonym, display_name, locale, preferred_language,"
            " is_demo, created_at) FROM STDIN"
        ) as copy:
            for c in range(1, clients + 1):
                copy.write_row((c, 1, f"B-{c:06d}", f"Bench Client {c:06d}", "UK", "English",
                                False, now))  # fmt: skip
        episodes = cur.copy(
            "COPY episodes (id, practice_id, therapist_id, kind, status, started_on, ended_on,"
            " created_at) FROM STDIN"
        )
        appointment_rows: list[tuple[Any, ...]] = []
        admin_rows: list[tuple[Any, ...]] = []
        signal_rows: list[tuple[Any, ...]] = []
        is_active = rng.random(clients) < 0.5
        statuses = rng.random(int(counts.sum()))
        alliance = rng.integers(28, 41, int(counts.sum()))
        phq = rng.integers(3, 24, int(counts.sum()))
        appointment_id = admin_id = signal_id = k = 0
        with episodes as copy:
            for c in range(1, clients + 1):
                n = int(counts[c - 1])
                active = bool(is_active[c - 1])
                if active:  # two sessions still to come, the next within a week
                    first = now - dt.timedelta(days=7 * (n - 2) - int(rng.integers(1, 7)))
                else:
                    first = now - dt.timedelta(days=int(rng.integers(7 * n + 14, 7 * n + 700)))
                ended = None if active else (first + dt.timedelta(days=7 * (n - 1))).date()
                copy.write_row(
                    (c, 1, (c - 1) % therapists + 1, "individual",
                     "active" if active else "completed", first.date(), ended, now)
                )  # fmt: skip
                attended_count = 0
                for number in range(1, n + 1):
                    appointment_id += 1
                    starts = first + dt.timedelta(days=7 * (number - 1))
                    if starts > now:
                        status = "scheduled"
                    else:
                        r = statuses[k]
                        status = "attended" if r < 0.85 else "cancelled" if r < 0.93 else "no_show"
                    appointment_rows.append(
                        (appointment_id, c, number, starts, 50, status, "in_person", False)
                    )
                    if status == "attended":
                        attended_count += 1
                        a = int(alliance[k])
                        items = [a // 4 + (1 if i < a % 4 else 0) for i in range(4)]
                        admin_id += 1
                        admin_rows.append(
                            (admin_id, c, c, appointment_id, "bordin_sac", "1.0", starts,
                             json.dumps(dict(zip(("goals", "tasks", "bond", "overall"), items,
                                                 strict=True))),
                             float(a), "{}", None, False, "[]", False, "feedback_link")
                        )  # fmt: skip
                        if attended_count % 4 == 1:
                            p = int(phq[k])
                            values = [min(3, max(0, p - 3 * i)) for i in range(9)]
                            admin_id += 1
                            admin_rows.append(
                                (admin_id, c, c, appointment_id, "phq9", "1.0", starts,
                                 json.dumps(dict(zip(PHQ9_KEYS, values, strict=True))),
                                 float(sum(values)), "{}", None, sum(values) >= 10, "[]",
                                 False, "feedback_link")
                            )  # fmt: skip
                    k += 1
                if active and rng.random() < 0.2:
                    for kind, severity, state in (
                        ("not_on_track", "high", "active"),
                        ("rupture", "routine", "open"),
                    )[: int(rng.integers(1, 3))]:
                        signal_id += 1
                        sentence = f"Synthetic {kind.replace('_', ' ')} signal for the benchmark."
                        signal_rows.append(
                            (signal_id, c, c, max(1, attended_count), kind, severity, state,
                             f"bench.{kind}", sentence,
                             json.dumps({"rule": f"bench.{kind}", "sentence": sentence}),
                             f"{kind}|{c}|bench", now)
                        )  # fmt: skip
        with cur.copy(
            "COPY episode_participants (id, episode_id, client_id, label) FROM STDIN"
        ) as copy:
            for c in range(1, clients + 1):
                copy.write_row((c, c, c, "Client"))
        with cur.copy(
            "COPY appointments (id, episode_id, number, starts_at, duration_minutes, status,"
            " mode, late_cancellation) FROM STDIN"
        ) as copy:
            for row in appointment_rows:
                copy.write_row(row)
        with cur.copy(
            "COPY administrations (id, client_id, episode_id, appointment_id, instrument_id,"
            " instrument_version, answered_at, answers, total, subscales, band, cutoff_exceeded,"
            " risk_items, prorated, source) FROM STDIN"
        ) as copy:
            for row in admin_rows:
                copy.write_row(row)
        with cur.copy(
            "COPY signals (id, episode_id, client_id, session_number, type, severity, status,"
            " rule, summary, explanation, key, computed_at) FROM STDIN"
        ) as copy:
            for row in signal_rows:
                copy.write_row(row)
        for table in (
            "practices",
            "users",
            "clients",
            "episodes",
            "episode_participants",
            "appointments",
            "administrations",
            "signals",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        conn.commit()
        load_seconds = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        t0 = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        analyze_seconds = time.perf_counter() - t0
    totals.update(
        {
            "sessions": len(appointment_rows),
            "administrations": len(admin_rows),
            "signals": len(signal_rows),
            "copy_seconds": round(load_seconds, 1),
            "vacuum_analyze_seconds": round(analyze_seconds, 1),
            "today": today.isoformat(),
        }
    )
    return totals


def bench_large(
    admin_url: str,
    data_dir: Path,
    *,
    therapists: int,
    clients: int,
    sessions: int,
    seconds: float,
    concurrency: int,
    repeat: int,
) -> dict[str, Any]:
    from sqlalchemy import select

    from bordin.services.audit import Origin
    from bordin.services.users import start_session
    from bordin.storage.database import make_engine, make_session_factory
    from bordin.storage.migrate import upgrade
    from bordin.storage.tables import UserRow

    with postgres_database(admin_url, "bordin_bench_large") as url:
        engine = make_engine(url)
        upgrade(engine)
        practice = bulk_load(url, therapists=therapists, clients=clients, sessions=sessions)
        rt = _runtime(url, data_dir)
        with make_session_factory(engine)() as db:
            user, active = _busiest_therapist(db)
            user = db.scalars(select(UserRow).where(UserRow.id == user.id)).one()
            signed = start_session(db, rt, user=user, origin=Origin("bench"))
            client_id = _first_client(db, user.id)
        with served(url, data_dir, demo=False) as base:
            cookies = {"bordin_session": signed.token}
            page = page_runs(base, cookies, seconds, concurrency)
            client_page = client_page_run(base, cookies, seconds, client_id)
        timings = query_timings(engine, user, repeat=repeat, explain=True)
        engine.dispose()
    return {
        "database": "postgresql",
        "practice": practice,
        "therapist": {"active_episodes": active},
        "page": page,
        "client_page": client_page,
        **timings,
    }


def summary(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each part's headline figures beside the raw SQL behind the caseload page."""
    lines: list[dict[str, Any]] = []
    for name in ("demo_sqlite", "demo_postgresql", "large_postgresql"):
        part = report.get(name)
        if not isinstance(part, dict) or "error" in part:
            continue
        raw = part["raw_sql"]["median_ms"]
        page = part["page"]["one_at_a_time"]
        lines += [
            {"figure": f"{name}: caseload p95 (ms)", "value": page["p95_ms"], "raw": raw},
            {
                "figure": f"{name}: caseload read model median (ms)",
                "value": part["read_model"]["median_ms"],
                "raw": raw,
            },
            {
                "figure": f"{name}: caseload p99, {part['page']['concurrent']['concurrency']} "
                "clients (ms)",
                "value": part["page"]["concurrent"]["p99_ms"],
                "raw": raw,
            },
            {
                "figure": f"{name}: client page p95 (ms)",
                "value": part["client_page"]["p95_ms"],
                "raw": None,
            },
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Caseload page throughput and latency.")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter runs")
    parser.add_argument("--skip-demo", action="store_true", help="leave out part (a)")
    parser.add_argument("--skip-large", action="store_true", help="leave out part (b)")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL server (admin URL)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once")
    parser.add_argument("--seconds", type=float, default=None, help="length of each load run")
    args = parser.parse_args(argv)
    seconds = args.seconds or (4.0 if args.quick else 15.0)
    repeat = 20 if args.quick else 100
    size = (100, 5_000, 100_000) if args.quick else (1_000, 50_000, 1_000_000)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "benchmark": "caseload",
        "mode": "quick" if args.quick else "full",
        "command": "python bench/bench_caseload.py" + (" --quick" if args.quick else ""),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "server": "uvicorn, 1 worker, in a subprocess; load generator in this process",
    }
    with tempfile.TemporaryDirectory(prefix="bordin-bench-") as folder:
        data_dir = Path(folder)
        runs: list[tuple[str, Callable[[], dict[str, Any]]]] = []
        if not args.skip_demo:
            sqlite_url = f"sqlite:///{data_dir / 'demo.sqlite3'}"
            runs.append(
                (
                    "demo_sqlite",
                    lambda: bench_demo(
                        sqlite_url,
                        data_dir,
                        seconds=seconds,
                        concurrency=args.concurrency,
                        repeat=repeat,
                    ),
                )
            )

            def demo_postgres() -> dict[str, Any]:
                with postgres_database(args.pg_url, "bordin_bench_demo") as url:
                    return bench_demo(
                        url, data_dir, seconds=seconds, concurrency=args.concurrency, repeat=repeat
                    )

            runs.append(("demo_postgresql", demo_postgres))
        if not args.skip_large:
            runs.append(
                (
                    "large_postgresql",
                    lambda: bench_large(
                        args.pg_url,
                        data_dir,
                        therapists=size[0],
                        clients=size[1],
                        sessions=size[2],
                        seconds=seconds,
                        concurrency=args.concurrency,
                        repeat=repeat,
                    ),
                )
            )
        for name, run in runs:
            try:
                report[name] = run()
            except Exception as error:  # report and carry on with the other parts
                report[name] = {"error": f"{type(error).__name__}: {error}"}
    report["summary"] = summary(report)
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))
    return 0 if not any("error" in v for v in report.values() if isinstance(v, dict)) else 1


if __name__ == "__main__":
    sys.exit(main())
