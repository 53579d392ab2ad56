"""Benchmark: the whole-practice signal recompute in PostgreSQL, and the cost per submission.

Builds a fresh PostgreSQL database (its own, dropped at the end), migrates it with
:func:`bordin.storage.migrate.upgrade`, and bulk-loads one synthetic practice with ``COPY``:
100,000 episodes and 1,000,000 ratings in the full mode (10,000 and 100,000 with ``--quick``).
The loading is a benchmark fixture written straight into the tables, **not** through the
services (which would take hours and is not what is measured). The practice: 90% individual
episodes rating the Session Alliance Check and the PHQ-9 at each of 5 attended sessions, 10%
couples where both partners rate the Session Alliance Check; a cancelled or missed appointment
in about one episode in three; half the episodes completed, a tenth dropped out, the rest
active; a few drops in the alliance, PHQ-9 item 9 endorsed now and then, and 0.2% of episodes
with a rupture the therapist logged or crisis feedback (they take the per-episode path).

Then it times:

- ``raw_copy``: PostgreSQL alone reading the rows the recompute reads, with
  ``COPY (SELECT ...) TO STDOUT`` (the same query, output discarded): the floor for any
  recompute that reads from the database;
- ``bulk``: :func:`bordin.services.signals_bulk.recompute_practice_bulk`, broken down into read
  (COPY into pandas), fit (the practice's expected-recovery models), compute (vectorised rules
  and explanations) and write (COPY into a temporary table, rewrite the episodes whose signals
  changed, commit); run twice: into an empty signals table, then over what the first run stored
  (the steady state, which the ``bulk_vs_raw_copy`` ratio uses);
- ``per_submission``: :func:`bordin.services.signals.recompute_episode` for one episode on the
  big database, as after each submission (read, evaluate, store, alerts, commit), p50 and p95
  over random episodes.

Prints one JSON object (with the machine's load average, as the cores are shared) and exits. Usage::

    python bench/bench_recompute.py [--quick] [--episodes N] [--samples N]

PostgreSQL: ``BORDIN_BENCH_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``), an
administrative connection used only to create and drop the benchmark database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg

from bordin.notify.memory import MemoryTransport
from bordin.services.runtime import Runtime
from bordin.services.signals import recompute_episode
from bordin.services.signals_bulk import ratings_query, recompute_practice_bulk
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.testing.clock import FakeClock

ADMIN_URL = os.environ.get("BORDIN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CREATED = NOW.isoformat()
SESSIONS = 5
CHUNK = 200_000


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty database for this run; dropped afterwards whatever happens."""
    name = f"bordin_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_frame(conn: psycopg.Connection, table: str, frame: pd.DataFrame) -> None:
    """COPY a DataFrame into ``table`` (columns named as in the frame), in chunks."""
    columns = ", ".join(frame.columns)
    with (
        conn.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        for start in range(0, len(frame), CHUNK):
            buffer = io.StringIO()
            frame.iloc[start : start + CHUNK].to_csv(buffer, header=False, index=False)
            copy.write(buffer.getvalue())


def _json_objects(keys: list[str], values: np.ndarray) -> list[str]:
    """``{"k1":v1,...}`` per row of an integer matrix."""
    template = "{" + ",".join(f'"{k}":%d' for k in keys) + "}"
    return [template % tuple(row) for row in values.tolist()]


@dataclass(frozen=True)
class _Episodes:
    """The episodes written so far: ids, kind, start dates and each one's first client id."""

    ids: np.ndarray
    couple: np.ndarray
    started: np.ndarray
    partners: np.ndarray
    first_client: np.ndarray


@dataclass(frozen=True)
class _Visits:
    """The attended appointments: episode, appointment id and when the ratings were given."""

    episode: np.ndarray
    appointment: np.ndarray
    answered: pd.DatetimeIndex


def _load_staff(conn: psycopg.Connection, therapists: int) -> None:
    conn.execute(
        "INSERT INTO practices (id, name, locale, timezone, feedback_measures, created_at) "
        "VALUES (1, 'Benchmark Test Practice', 'en-GB', 'Europe/London', '[]', %s)",
        (CREATED,),
    )
    copy_frame(
        conn,
        "users",
        pd.DataFrame(
            {
                "id": np.arange(1, therapists + 1),
                "practice_id": 1,
                "username": [f"bench-therapist-{k}" for k in range(therapists)],
                "email": [f"bench-therapist-{k}@example.org" for k in range(therapists)],
                "display_name": [f"Bench Therapist {k}" for k in range(therapists)],
                "role": "therapist",
                "is_clinical_lead": np.arange(therapists) == 0,
                "is_active": True,
                "is_demo": True,
                "created_at": CREATED,
            }
        ),
    )


def _load_episodes(
    conn: psycopg.Connection, rng: np.random.Generator, episodes: int, therapists: int
) -> _Episodes:
    """Episodes (the last tenth are couples), their clients and participants."""
    today = NOW.date()
    ids = np.arange(1, episodes + 1)
    couple = ids > episodes - episodes // 10
    roll = rng.random(episodes)
    status = np.where(roll < 0.5, "completed", np.where(roll < 0.6, "dropped_out", "active"))
    active = status == "active"
    # Active episodes started in the last 5-7 weeks, the others over the last two years.
    start_days = np.where(active, rng.integers(35, 50, episodes), rng.integers(60, 730, episodes))
    started = np.array([today - dt.timedelta(days=int(d)) for d in start_days])
    last_session = started + dt.timedelta(weeks=SESSIONS)
    copy_frame(
        conn,
        "episodes",
        pd.DataFrame(
            {
                "id": ids,
                "practice_id": 1,
                "therapist_id": rng.integers(1, therapists + 1, episodes),
                "kind": np.where(couple, "couple", "individual"),
                "status": status,
                "started_on": [str(x) for x in started],
                "ended_on": [
                    None if a else str(d) for a, d in zip(active, last_session, strict=True)
                ],
                "created_at": CREATED,
            }
        ),
    )
    partners = np.where(couple, 2, 1)
    client_episode = np.repeat(ids, partners)
    client_id = np.arange(1, len(client_episode) + 1)
    copy_frame(
        conn,
        "clients",
        pd.DataFrame(
            {
                "id": client_id,
                "practice_id": 1,
                "pseudonym": [f"B{k:07d}" for k in client_id],
                "display_name": [f"Bench Sample {k}" for k in client_id],
                "locale": "en-GB",
                "preferred_language": "English",
                "is_demo": True,
                "created_at": CREATED,
            }
        ),
    )
    copy_frame(
        conn,
        "episode_participants",
        pd.DataFrame(
            {
                "id": client_id,
                "episode_id": client_episode,
                "client_id": client_id,
                "label": "Client",
            }
        ),
    )
    first_client = client_id[np.concatenate([[0], np.cumsum(partners)[:-1]])]
    return _Episodes(ids, couple, started, partners, first_client)


def _load_appointments(
    conn: psycopg.Connection, rng: np.random.Generator, ep: _Episodes
) -> tuple[_Visits, int]:
    """SESSIONS attended appointments per episode, plus (one episode in three) a missed one."""
    n = len(ep.ids)
    extra = rng.random(n) < 0.35
    per_episode = SESSIONS + extra.astype(int)
    episode = np.repeat(ep.ids, per_episode)
    first_row = np.concatenate([[0], np.cumsum(per_episode)[:-1]])
    number = np.arange(len(episode)) - np.repeat(first_row, per_episode) + 1
    missed_at = np.where(extra, rng.integers(2, SESSIONS + 1, n), 0)
    status = np.where(
        number == np.repeat(missed_at, per_episode),
        np.where(rng.random(len(episode)) < 0.5, "cancelled", "no_show"),
        "attended",
    )
    starts = np.repeat(ep.started.astype("datetime64[D]"), per_episode) + (number - 1) * 7
    starts_at = pd.to_datetime(starts) + pd.Timedelta(hours=10)
    appointment = np.arange(1, len(episode) + 1)
    copy_frame(
        conn,
        "appointments",
        pd.DataFrame(
            {
                "id": appointment,
                "episode_id": episode,
                "number": number,
                "starts_at": starts_at.strftime("%Y-%m-%d %H:%M:%S+00"),
                "duration_minutes": 50,
                "status": status,
                "mode": "in_person",
                "late_cancellation": False,
            }
        ),
    )
    attended = status == "attended"
    visits = _Visits(
        episode[attended], appointment[attended], starts_at[attended] + pd.Timedelta(hours=1)
    )
    return visits, len(appointment)


def _load_ratings(
    conn: psycopg.Connection, rng: np.random.Generator, ep: _Episodes, visits: _Visits
) -> int:
    """The Session Alliance Check from every client at every attended session (a few drops),
    and the PHQ-9 from individual clients (improving on average; item 9 endorsed now and then)."""
    rows_per_visit = ep.partners[visits.episode - 1]
    sac_visit = np.repeat(np.arange(len(visits.appointment)), rows_per_visit)
    sac_partner = np.arange(len(sac_visit)) - np.repeat(
        np.concatenate([[0], np.cumsum(rows_per_visit)[:-1]]), rows_per_visit
    )
    sac_episode = visits.episode[sac_visit]
    sac_client = ep.first_client[sac_episode - 1] + sac_partner
    level = rng.uniform(6.5, 10.0, int(ep.partners.sum()))[sac_client - 1]
    items = np.clip(np.rint(level[:, None] + rng.normal(0, 0.7, (len(sac_visit), 4))), 0, 10)
    drop = rng.random(len(sac_visit)) < 0.03
    items[drop] = np.clip(items[drop] - rng.integers(2, 5, (int(drop.sum()), 4)), 0, 10)
    items = items.astype(int)
    phq_visit = np.flatnonzero(rows_per_visit == 1)
    phq_episode = visits.episode[phq_visit]
    intake = rng.uniform(0.8, 2.6, len(ep.ids))[phq_episode - 1]
    slope = rng.normal(-0.25, 0.2, len(ep.ids))[phq_episode - 1]
    # Visits are in session order within each episode: the rank is the visit index.
    group_start = np.r_[0, np.flatnonzero(np.diff(phq_episode)) + 1]
    visit = np.arange(len(phq_episode)) - np.repeat(
        group_start, np.diff(np.r_[group_start, len(phq_episode)])
    )
    mean_item = np.clip(intake + slope * np.log1p(visit), 0, 3)
    phq = np.clip(np.rint(mean_item[:, None] + rng.normal(0, 0.6, (len(phq_visit), 10))), 0, 3)
    phq[:, 8] = np.where(rng.random(len(phq_visit)) < 0.01, np.maximum(phq[:, 8], 1), 0)
    phq = phq.astype(int)
    sac_n, phq_n = len(sac_visit), len(phq_visit)
    stamp = "%Y-%m-%d %H:%M:%S+00"
    admin = pd.DataFrame(
        {
            "id": np.arange(1, sac_n + phq_n + 1),
            "client_id": np.concatenate([sac_client, ep.first_client[phq_episode - 1]]),
            "episode_id": np.concatenate([sac_episode, phq_episode]),
            "appointment_id": np.concatenate(
                [visits.appointment[sac_visit], visits.appointment[phq_visit]]
            ),
            "instrument_id": ["bordin_sac"] * sac_n + ["phq9"] * phq_n,
            "instrument_version": "1",
            "answered_at": np.concatenate(
                [
                    visits.answered[sac_visit].strftime(stamp),
                    visits.answered[phq_visit].strftime(stamp),
                ]
            ),
            "answers": _json_objects(["goals", "tasks", "bond", "overall"], items)
            + _json_objects([f"q{k}" for k in range(1, 10)] + ["difficulty"], phq),
            "total": np.concatenate([items.sum(axis=1), phq[:, :9].sum(axis=1)]).astype(float),
            "subscales": "{}",
            "cutoff_exceeded": False,
            "risk_items": ["[]"] * sac_n + np.where(phq[:, 8] > 0, '["q9"]', "[]").tolist(),
            "prorated": False,
            "source": "benchmark",
        }
    )
    copy_frame(conn, "administrations", admin)
    return len(admin)


def _load_special(
    conn: psycopg.Connection, rng: np.random.Generator, ep: _Episodes, visits: _Visits
) -> int:
    """A rupture the therapist logged (half) or crisis feedback (half) in 0.2% of episodes."""
    singles = np.flatnonzero(~ep.couple) + 1
    special = rng.choice(singles, size=max(len(ep.ids) // 500, 2), replace=False)
    logs, crises = special[: len(special) // 2], special[len(special) // 2 :]
    last_visit = dict(zip(visits.episode.tolist(), visits.appointment.tolist(), strict=True))
    copy_frame(
        conn,
        "rupture_logs",
        pd.DataFrame(
            {
                "episode_id": logs,
                "appointment_id": [last_visit[int(e)] for e in logs],
                "client_id": ep.first_client[logs - 1],
                "logged_by_user_id": 1,
                "logged_at": CREATED,
                "rupture_type": "withdrawal",
                "markers": '["minimal_response"]',
                "strategies": '["invite_discussion"]',
                "resolved": "yes",
            }
        ),
    )
    copy_frame(
        conn,
        "feedback_submissions",
        pd.DataFrame(
            {
                "client_id": ep.first_client[crises - 1],
                "appointment_id": [last_visit[int(e)] for e in crises],
                "received_at": CREATED,
                "triage_category": "crisis",
                "triage_severity": "urgent",
                "triage_evidence": "[]",
                "triage_risk_review": False,
                "crisis_shown": True,
            }
        ),
    )
    return len(special)


def load_practice(url: str, episodes: int, seed: int = 1) -> dict[str, int]:
    """Bulk-load the synthetic practice (a benchmark fixture, not through the services)."""
    rng = np.random.default_rng(seed)
    therapists = 200
    with psycopg.connect(url) as conn:
        _load_staff(conn, therapists)
        ep = _load_episodes(conn, rng, episodes, therapists)
        visits, appointments = _load_appointments(conn, rng, ep)
        counts = {
            "episodes": episodes,
            "clients": int(ep.partners.sum()),
            "appointments": appointments,
            "ratings": _load_ratings(conn, rng, ep, visits),
            "per_episode_path": _load_special(conn, rng, ep, visits),
        }
        for table in (
            "practices",
            "users",
            "episodes",
            "clients",
            "episode_participants",
            "appointments",
            "administrations",
        ):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return counts


def raw_copy_seconds(url: str, sql: str, repeat: int) -> tuple[float, int]:
    """PostgreSQL alone: COPY (SELECT ...) TO STDOUT, output read and discarded."""
    times: list[float] = []
    size = 0
    with psycopg.connect(url) as conn:
        for _ in range(repeat):
            t0 = time.perf_counter()
            size = 0
            with (
                conn.cursor() as cursor,
                cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy,
            ):
                for chunk in copy:
                    size += len(chunk)
            times.append(time.perf_counter() - t0)
    return min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10,000 episodes, fewer samples")
    parser.add_argument("--episodes", type=int, default=None)
    parser.add_argument("--samples", type=int, default=None, help="episodes for per_submission")
    args = parser.parse_args()
    episodes = args.episodes or (10_000 if args.quick else 100_000)
    samples = args.samples or (60 if args.quick else 300)
    started = time.perf_counter()
    report: dict[str, object] = {
        "benchmark": "recompute",
        "mode": "quick" if args.quick else "full",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    with fresh_database() as url:
        engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        upgrade(engine)
        t0 = time.perf_counter()
        report["data"] = load_practice(url, episodes)
        report["load_seconds"] = round(time.perf_counter() - t0, 1)
        clock = FakeClock(NOW)
        settings = Settings(
            environment="test",
            data_dir=Path("/tmp"),
            secret_key="bench-secret-key-not-for-production",  # type: ignore[arg-type]
            encryption_key="bench-encryption-passphrase",  # type: ignore[arg-type]
            notify_transport="memory",
        )
        rt = Runtime(settings=settings, transport=MemoryTransport(), now=clock)
        factory = make_session_factory(engine)
        with factory() as db:
            sql = ratings_query(db, practice_id=1, today=NOW.date())
        report["load_average_before_timing"] = [round(x, 2) for x in os.getloadavg()]
        raw_seconds, raw_bytes = raw_copy_seconds(url, sql, repeat=3)
        table_seconds, table_bytes = raw_copy_seconds(url, "SELECT * FROM administrations", 2)
        report["raw_copy"] = {
            "ratings_query_seconds": round(raw_seconds, 3),
            "ratings_query_mb": round(raw_bytes / 1e6, 1),
            "administrations_table_seconds": round(table_seconds, 3),
            "administrations_table_mb": round(table_bytes / 1e6, 1),
        }
        runs = []
        for label in ("into_empty", "steady_state"):
            with factory() as db:
                t0 = time.perf_counter()
                summary = recompute_practice_bulk(db, rt, practice_id=1)
                total = time.perf_counter() - t0
            runs.append({"run": label, "total_seconds": round(total, 3), **summary.as_dict()})
        report["bulk"] = runs
        rng = np.random.default_rng(3)
        chosen = rng.choice(episodes, size=min(samples, episodes), replace=False) + 1
        per: list[float] = []
        with factory() as db:
            recompute_episode(db, rt, episode_id=int(chosen[0]))  # warm caches
            for episode_id in chosen.tolist():
                t0 = time.perf_counter()
                recompute_episode(db, rt, episode_id=int(episode_id))
                per.append((time.perf_counter() - t0) * 1000)
        per.sort()
        report["per_submission_ms"] = {
            "p50": round(statistics.median(per), 2),
            "p95": round(per[int(0.95 * (len(per) - 1))], 2),
            "max": round(per[-1], 2),
            "samples": len(per),
        }
        steady_seconds = float(str(runs[-1]["total_seconds"]))
        report["bulk_vs_raw_copy"] = round(steady_seconds / raw_seconds, 1)
        report["per_episode_loop_estimate_seconds"] = round(
            statistics.mean(per) * episodes / 1000, 1
        )
        engine.dispose()
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    report["machine"] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "psycopg": psycopg.__version__,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
