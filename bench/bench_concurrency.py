"""Benchmark: eight staff at once on SQLite, mixing page views and writes (issues 9 and 15).

The demo practice (``bordin demo``, seed 7, loaded through the services) in an SQLite file,
served by uvicorn in a subprocess with ``--workers`` worker processes (by default as many as
``bordin serve`` starts: one per core, at most four). ``--clients`` httpx clients (default 8),
each signed in as the demo therapist with the largest caseload, loop for ``--seconds``: half of
them view ``/caseload`` and a client's page in turn (reads that write audit rows), the other
half mark their alerts read (``POST /alerts/read``, a write) and view ``/caseload``. Before the
clock starts, every client views every client's page once, over its own connection: the first
view in a worker process loads matplotlib and draws the chart, later views of an unchanged
episode reuse it. Which worker takes a connection is the kernel's choice, and a connection
stays with its worker, so with several workers the load is shared as the connections fell.
Reported: requests, failures (any status other than 200/303), p50/p95/p99 and the slowest
request, per kind and overall.

The raw limit, measured in the same run on the same file: the same number of threads doing the
bare SQLite work of that mix with the standard library's ``sqlite3`` and no web stack: a read
transaction (one indexed ``SELECT``) and a one-row ``BEGIN IMMEDIATE`` write, in turn.

Usage::

    .venv/bin/python bench/bench_concurrency.py [--quick] [--clients 8] [--seconds 10] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_caseload import _demo_cookies, _ms, _percentile, _runtime, served

from bordin.cli.server import default_workers


def _figures(latencies: list[float], failures: int) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "failures": failures,
        "p50_ms": _ms(_percentile(latencies, 50)),
        "p95_ms": _ms(_percentile(latencies, 95)),
        "p99_ms": _ms(_percentile(latencies, 99)),
        "max_ms": _ms(max(latencies)) if latencies else None,
    }


def load_demo(database_url: str, data_dir: Path) -> tuple[int, list[int]]:
    """The demo practice in a fresh database; the busiest therapist and their active clients."""
    from bench_caseload import _busiest_therapist
    from sqlalchemy import select

    from bordin.demo import generate_demo_practice
    from bordin.services.demo import load_demo_practice
    from bordin.services.signals import recompute_practice
    from bordin.storage.database import make_engine, make_session_factory
    from bordin.storage.migrate import upgrade
    from bordin.storage.tables import EpisodeRow, ParticipantRow

    engine = make_engine(database_url)
    upgrade(engine)
    rt = _runtime(database_url, data_dir)
    with make_session_factory(engine)() as db:
        loaded = load_demo_practice(db, rt, generate_demo_practice(seed=7, today=rt.now().date()))
        recompute_practice(db, rt, practice_id=loaded.practice_id)
        user, _ = _busiest_therapist(db, loaded.practice_id)
        clients = list(
            db.scalars(
                select(ParticipantRow.client_id)
                .join(EpisodeRow, EpisodeRow.id == ParticipantRow.episode_id)
                .where(EpisodeRow.therapist_id == user.id, EpisodeRow.status == "active")
            )
        )
        user_id = int(user.id)
    engine.dispose()
    return user_id, clients


def web_mix(
    base: str, user_id: int, client_ids: list[int], *, clients: int, seconds: float
) -> dict[str, Any]:
    import httpx

    kinds: dict[str, list[float]] = {"page": [], "write": []}
    failures = {"page": 0, "write": 0}
    lock = threading.Lock()
    sessions = []
    for _ in range(clients):
        cookies = _demo_cookies(base, user_id)
        client = httpx.Client(base_url=base, cookies=cookies, timeout=60, follow_redirects=False)
        page = client.get("/caseload")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if page.status_code != 200 or token is None:
            raise RuntimeError(f"the caseload page did not load ({page.status_code})")
        sessions.append((client, token.group(1)))
    for client, _ in sessions:  # warm up every worker: matplotlib loaded, each chart drawn
        for client_id in client_ids:
            client.get(f"/clients/{client_id}")
    stop = time.perf_counter() + seconds

    def worker(index: int) -> None:
        client, token = sessions[index]
        writer = index % 2 == 1
        turn = 0
        while time.perf_counter() < stop:
            turn += 1
            started = time.perf_counter()
            kind = "write" if writer and turn % 2 else "page"
            try:
                if kind == "write":
                    status = client.post("/alerts/read", data={"csrf_token": token}).status_code
                elif turn % 2:
                    client_id = client_ids[(index + turn) % len(client_ids)]
                    status = client.get(f"/clients/{client_id}").status_code
                else:
                    status = client.get("/caseload").status_code
            except httpx.HTTPError:  # a timeout (60 s) or a dropped connection: a failure
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                kinds[kind].append(elapsed)
                failures[kind] += status not in (200, 303)

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    for client, _ in sessions:
        client.close()
    everything = kinds["page"] + kinds["write"]
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(everything) / elapsed, 1),
        "all": _figures(everything, sum(failures.values())),
        "pages": _figures(kinds["page"], failures["page"]),
        "writes": _figures(kinds["write"], failures["write"]),
    }


def raw_mix(path: Path, *, clients: int, seconds: float) -> dict[str, Any]:
    """The bare SQLite work of the same mix: a read transaction and a one-row write, in turn."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(index: int) -> None:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA synchronous=NORMAL")
        turn = 0
        while time.perf_counter() < stop:
            turn += 1
            started = time.perf_counter()
            if turn % 2:
                conn.execute("BEGIN")
                conn.execute(
                    "SELECT count(*) FROM audit_events WHERE client_id = ?", (index + 1,)
                ).fetchall()
                conn.execute("COMMIT")
            else:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO audit_events (at, actor_label, action, entity, detail)"
                    " VALUES (datetime('now'), 'bench', 'read', 'bench', '{}')"
                )
                conn.execute("COMMIT")
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"clients": clients, "all": _figures(latencies, 0)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Eight staff at once on SQLite.")
    parser.add_argument("--quick", action="store_true", help="a shorter run")
    parser.add_argument("--clients", type=int, default=8, help="clients at once")
    parser.add_argument("--seconds", type=float, default=None, help="length of the run")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="uvicorn worker processes (default: as many as `bordin serve` starts)",
    )
    args = parser.parse_args(argv)
    seconds = args.seconds or (5.0 if args.quick else 10.0)
    report: dict[str, Any] = {
        "benchmark": "concurrency",
        "command": "python bench/bench_concurrency.py" + (" --quick" if args.quick else ""),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": [round(x, 1) for x in os.getloadavg()],
        },
        "server": f"uvicorn, {args.workers} worker(s), in a subprocess;"
        " clients are threads in this process",
    }
    with tempfile.TemporaryDirectory(prefix="bordin-bench-") as folder:
        data_dir = Path(folder)
        path = data_dir / "demo.sqlite3"
        url = f"sqlite:///{path}"
        user_id, client_ids = load_demo(url, data_dir)
        with served(url, data_dir, demo=True, workers=args.workers) as base:
            report["bordin"] = web_mix(
                base, user_id, client_ids, clients=args.clients, seconds=seconds
            )
        report["raw_sqlite"] = raw_mix(path, clients=args.clients, seconds=seconds)
    bordin, raw = report["bordin"]["all"], report["raw_sqlite"]["all"]
    label = f"{args.clients} clients on SQLite"
    report["summary"] = [
        {"figure": f"{label}: p99 (ms)", "value": bordin["p99_ms"], "raw": raw["p99_ms"]},
        {"figure": f"{label}: slowest (ms)", "value": bordin["max_ms"], "raw": raw["max_ms"]},
        {"figure": f"{label}: failures", "value": bordin["failures"], "raw": 0},
    ]
    print(json.dumps(report, indent=2))
    return 0 if bordin["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
