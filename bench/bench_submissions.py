"""Benchmark: feedback submissions through the whole web stack, beside raw PostgreSQL.

In one run, on a fresh PostgreSQL database it creates on 127.0.0.1:5432 (dropped afterwards):

1. Seeds a synthetic practice through the services: one therapist, ``--clients`` clients each
   in an individual episode with ``--sessions`` attended sessions, and one feedback link per
   client per session.
2. Serves Bordin with uvicorn in a subprocess (``--workers`` workers) and sends feedback from
   ``--concurrency`` concurrent simulated phones for ``--seconds`` seconds (after a short
   warm-up), each submission on a new connection. The requests are built beforehand and sent
   as bytes over asyncio streams (an HTTP client library would take as much CPU as the server
   on these two shared cores); the load generator's own CPU per submission is reported too.
   Each request is a real ``POST /f/<token>``: CSRF check, link claim, validation, scoring,
   encrypted free text, triage, audit, the episode queued for the signal recompute, commit.
   The server's CPU time (uvicorn and its workers, from ``psutil``) over the measured window is
   divided by the submissions in it.
3. Runs ``pgbench -n -c 32 -j 2 -T <seconds>`` with a custom script doing the equivalent raw
   transaction: ``BEGIN; INSERT`` a submission; ``INSERT`` an administration; ``END``.
4. Runs the worker's due jobs in-process (``services.worker.run_due``): the signal recomputes
   the submissions queued, coalesced by episode, and times how long they take.

Prints one JSON object: submissions per second, p50/p95/p99 latency, errors, and pgbench's
rate and latency for the raw two-insert transaction. Usage::

    python bench/bench_submissions.py [--seconds 10] [--workers CORES] [--concurrency 32]

One uvicorn worker per core by default: the work is CPU-bound, and more workers than cores
only add switching (4 workers on 2 cores took about 1 ms more CPU a submission).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import psutil
import psycopg
from pydantic import SecretStr
from sqlalchemy import text

from bordin.domain.access import Role
from bordin.notify.memory import MemoryTransport
from bordin.services import feedback
from bordin.services import practice as practice_service
from bordin.services import users as user_service
from bordin.services.runtime import Runtime
from bordin.services.worker import run_due
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade

ADMIN_URL = os.environ.get("BORDIN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-key-not-for-production"
ENCRYPTION = "bench-encryption-passphrase"
TEXTS = (
    "",
    "",
    "Thanks, that was helpful.",
    "We covered a lot today.",
    "I'd like more time on the work stuff next week.",
)

PGBENCH_SCRIPT = r"""
\set r random(0, {clients_minus_1})
\set k random(0, {sessions_minus_1})
BEGIN;
INSERT INTO feedback_submissions (client_id, appointment_id, received_at, triage_evidence,
  triage_risk_review, crisis_shown) VALUES ({client0} + :r, {appointment0} + :r * {sessions} + :k,
  now(), '[]', false, false);
INSERT INTO administrations (client_id, episode_id, appointment_id, submission_id,
  instrument_id, instrument_version, answered_at, answers, total, subscales, cutoff_exceeded,
  risk_items, prorated, source) VALUES ({client0} + :r, {episode0} + :r,
  {appointment0} + :r * {sessions} + :k,
  currval(pg_get_serial_sequence('feedback_submissions', 'id')), 'bordin_sac', '1.0', now(),
  '{{"goals": 8, "tasks": 7, "bond": 9, "overall": 8}}', 32,
  '{{"goals": 8, "tasks": 7, "bond": 9, "overall": 8}}', false, '[]', false, 'pgbench');
END;
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(url: str, *, clients: int, sessions: int) -> tuple[list[str], dict[str, int]]:
    """Practice, therapist, clients, episodes, attended sessions, links. Returns the tokens."""
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    settings = Settings(
        environment="test", secret_key=SecretStr(SECRET), encryption_key=SecretStr(ENCRYPTION)
    )
    rt = Runtime(settings=settings, transport=MemoryTransport())
    tokens: list[str] = []
    ids: dict[str, int] = {}
    with factory() as db:
        practice = practice_service.create_practice(db, rt, name="Benchmark Test Practice")
        therapist = user_service.add_user(
            db,
            rt,
            practice_id=practice.id,
            username="bench-therapist",
            email="bench-therapist@example.org",
            display_name="Bench Therapist",
            role=Role.THERAPIST,
            password=None,
        )
        start = datetime.now(UTC) - timedelta(days=7 * sessions)
        for number in range(clients):
            client = practice_service.add_client(
                db,
                rt,
                practice_id=practice.id,
                display_name=f"Bench Client {number}",
                email=f"bench{number}@example.org",
                commit=False,
            )
            episode = practice_service.open_episode(
                db,
                rt,
                therapist_id=therapist.id,
                client_ids=[client.id],
                kind="individual",
                started_on=start.date(),
                commit=False,
            )
            if number == 0:
                ids["client0"], ids["episode0"] = client.id, episode.id
            for week in range(sessions):
                appointment = practice_service.schedule_appointment(
                    db,
                    rt,
                    episode_id=episode.id,
                    starts_at=start + timedelta(days=7 * week),
                    status="attended",
                    commit=False,
                )
                db.flush()
                if number == 0 and week == 0:
                    ids["appointment0"] = appointment.id
                for issued in feedback.issue_links(
                    db, rt, appointment_id=appointment.id, commit=False
                ):
                    tokens.append(issued.token)
            if number % 50 == 49:
                db.commit()
        db.commit()
    engine.dispose()
    return tokens, ids


def requests_for(tokens: list[str], host: str) -> list[tuple[str, bytes]]:
    """Each link's ``POST /f/<token>`` as the bytes a phone would send, built before the run.

    The answers are random in a plausible range and one submission in five carries a short
    comment. Building the requests beforehand keeps the load generator's own CPU (it shares the
    machine's two cores with the server) to opening a connection, writing and reading."""
    rng = random.Random(7)
    made = []
    for token in tokens:
        body = urlencode(
            {
                "csrf_token": "bench",
                "bordin_sac.goals": str(rng.randint(5, 10)),
                "bordin_sac.tasks": str(rng.randint(5, 10)),
                "bordin_sac.bond": str(rng.randint(6, 10)),
                "bordin_sac.overall": str(rng.randint(5, 10)),
                "text": rng.choice(TEXTS),
            }
        ).encode()
        head = (
            f"POST /f/{token} HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nCookie: bordin_csrf=bench\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        made.append((token, head + body))
    return made


async def send(host: str, port: int, request: bytes) -> str:
    """One submission on its own connection, as from a phone; "ok" or what went wrong."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        response = await reader.read(-1)  # the server closes the connection after the page
    finally:
        writer.close()
    status = response[9:12]
    if status != b"200":
        return f"http_{status.decode(errors='replace')}"
    return "ok" if b"Thank you" in response else "no_thank_you_page"


async def load(
    base_url: str,
    tokens: list[str],
    *,
    concurrency: int,
    seconds: float,
    warmup: float,
    server_pid: int | None = None,
) -> dict[str, object]:
    address = urlsplit(base_url)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for request in requests_for(tokens, f"{host}:{port}"):
        queue.put_nowait(request)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    done = 0
    measuring = False
    stop_at = 0.0

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop_at and not queue.empty():
            _, request = queue.get_nowait()
            began = time.perf_counter()
            try:
                key = await asyncio.wait_for(send(host, port, request), timeout=60)
            except (OSError, TimeoutError) as error:
                key = type(error).__name__
            elapsed = time.perf_counter() - began
            if measuring:
                if key == "ok":
                    latencies.append(elapsed)
                    done += 1
                else:
                    errors[key] = errors.get(key, 0) + 1

    stop_at = time.perf_counter() + warmup
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    measuring = True
    cpu_before = server_cpu_seconds(server_pid) if server_pid else 0.0
    machine_before = machine_busy_seconds()
    own_before = time.process_time()
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    own = time.process_time() - own_before
    cpu = (server_cpu_seconds(server_pid) - cpu_before) if server_pid else 0.0
    machine = machine_busy_seconds() - machine_before
    return {
        "submissions": done,
        "seconds": round(elapsed, 2),
        "submissions_per_second": round(done / elapsed, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "latency_ms_p95": round(percentile(latencies, 0.95) * 1000, 1),
        "latency_ms_p99": round(percentile(latencies, 0.99) * 1000, 1),
        "errors": errors,
        "links_left": queue.qsize(),
        "server_cpu_ms_per_submission": round(cpu * 1000 / done, 2)
        if done and server_pid
        else None,
        "load_generator_cpu_ms_per_submission": round(own * 1000 / done, 2) if done else None,
        # What the machine spent besides the server and the load generator: PostgreSQL, the
        # kernel's network and disk work, and anything else running.
        "rest_of_machine_cpu_ms_per_submission": round((machine - cpu - own) * 1000 / done, 2)
        if done and server_pid
        else None,
        "cores_busy": round(machine / elapsed, 2),
    }


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the uvicorn process and its workers so far."""
    parent = psutil.Process(pid)
    total = 0.0
    for process in [parent, *parent.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy so far, over all cores (not idle, not waiting
    for the disk): the server, the load generator, PostgreSQL and everything else."""
    times = psutil.cpu_times()
    return float(sum(times)) - times.idle - getattr(times, "iowait", 0.0)


def drain_jobs(url: str, folder: Path) -> dict[str, object]:
    """Run the worker's due jobs once the load is over: the queued signal recomputes."""
    settings = Settings(
        environment="test",
        data_dir=folder,
        database_url=url,
        secret_key=SecretStr(SECRET),
        encryption_key=SecretStr(ENCRYPTION),
        notify_transport="memory",
    )
    engine = make_engine(url)
    rt = Runtime(settings=settings, transport=MemoryTransport())
    with make_session_factory(engine)() as db:
        queued = db.scalar(
            text("SELECT count(*) FROM jobs WHERE kind = 'recompute' AND status = 'queued'")
        )
        began = time.perf_counter()
        ran = run_due(db, rt)
        seconds = time.perf_counter() - began
    engine.dispose()
    return {
        "recompute_jobs_queued": queued,
        "jobs_run": ran,
        "seconds": round(seconds, 2),
        "episodes_per_second": round(ran / seconds, 1) if seconds else None,
    }


def _number(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    if found is None:
        raise RuntimeError(f"pgbench output did not match {pattern!r}")
    return float(found.group(1))


def run_pgbench(
    dbname: str, ids: dict[str, int], *, clients: int, sessions: int, seconds: int, folder: Path
) -> dict[str, object]:
    script = folder / "two_inserts.sql"
    script.write_text(
        PGBENCH_SCRIPT.format(
            clients_minus_1=clients - 1, sessions_minus_1=sessions - 1, sessions=sessions, **ids
        )
    )
    base = ADMIN_URL.rsplit("/", 1)[0]
    match = re.match(r"postgresql://(?:(\w+)@)?([\w.]+):(\d+)", base)
    assert match, "BORDIN_BENCH_PG_URL must look like postgresql://user@host:port/db"
    user, host, port = match.group(1) or "postgres", match.group(2), match.group(3)
    command = [
        "pgbench",
        "-n",
        "-c",
        "32",
        "-j",
        "2",
        "-T",
        str(seconds),
        "-f",
        str(script),
        "-l",
        "--log-prefix",
        str(folder / "pgbench"),
        "-h",
        host,
        "-p",
        port,
        "-U",
        user,
        dbname,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    tps = _number(r"tps = ([\d.]+) \(without initial connection time\)", output)
    latency = _number(r"latency average = ([\d.]+) ms", output)
    per_transaction: list[float] = []
    for log in folder.glob("pgbench*"):
        if log.suffix == ".sql":
            continue
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3:
                per_transaction.append(float(parts[2]) / 1000)
    return {
        "command": " ".join(command[:10]) + " ...",
        "transactions_per_second": round(tps, 1),
        "latency_ms_average": round(latency, 2),
        "latency_ms_p95": round(percentile(per_transaction, 0.95), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=12)
    args = parser.parse_args()

    dbname = f"bordin_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    url = f"{base}/{dbname}"
    server: subprocess.Popen[bytes] | None = None
    try:
        began = time.perf_counter()
        tokens, ids = seed(url, clients=args.clients, sessions=args.sessions)
        seed_seconds = time.perf_counter() - began
        with psycopg.connect(f"{ADMIN_URL.rsplit('/', 1)[0]}/{dbname}", autocommit=True) as conn:
            # As a practice's database is between bursts: statistics current, nothing left for
            # autovacuum to do in the measured window (it would count as the machine's CPU).
            conn.execute("VACUUM ANALYZE")
        random.Random(3).shuffle(tokens)
        with tempfile.TemporaryDirectory() as folder_name:
            folder = Path(folder_name)
            port = free_port()
            env = {
                **os.environ,
                "BORDIN_DATABASE_URL": url,
                "BORDIN_SECRET_KEY": SECRET,
                "BORDIN_ENCRYPTION_KEY": ENCRYPTION,
                "BORDIN_ENVIRONMENT": "test",
                "BORDIN_NOTIFY_TRANSPORT": "log",
                "BORDIN_DATA_DIR": str(folder),
                "BORDIN_BASE_URL": f"http://127.0.0.1:{port}",
                "BORDIN_LOG_LEVEL": "WARNING",  # no log line a request in the measured CPU
            }
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "bordin.web.app:app_from_environment",  # as `bordin serve` builds workers
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    str(args.workers),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                env=env,
            )
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("uvicorn did not start")
                time.sleep(0.3)
            app = asyncio.run(
                load(
                    f"http://127.0.0.1:{port}",
                    tokens,
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    server_pid=server.pid,
                )
            )
            server.terminate()
            server.wait(timeout=30)
            server = None
            drained = drain_jobs(url, folder)
            raw = run_pgbench(
                dbname,
                ids,
                clients=args.clients,
                sessions=args.sessions,
                seconds=args.seconds,
                folder=folder,
            )
        rate = float(str(app["submissions_per_second"]))
        raw_rate = float(str(raw["transactions_per_second"]))
        print(
            json.dumps(
                {
                    "benchmark": "feedback submissions (POST /f/<token>) vs pgbench two-insert "
                    "transaction, same PostgreSQL, same run",
                    "when": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {
                        "cpus": os.cpu_count(),
                        "python": platform.python_version(),
                        "platform": platform.platform(),
                    },
                    "setup": {
                        "clients": args.clients,
                        "sessions_each": args.sessions,
                        "links": len(tokens),
                        "seed_seconds": round(seed_seconds, 1),
                        "uvicorn_workers": args.workers,
                        "concurrency": args.concurrency,
                        "seconds": args.seconds,
                    },
                    "bordin": app,
                    "pgbench": raw,
                    "worker_drain_after_load": drained,
                    "bordin_share_of_raw_rate": round(rate / raw_rate, 3),
                },
                indent=2,
            )
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


if __name__ == "__main__":
    main()
