"""Benchmark: matching a waiting list against a practice's therapists, beside plain SQL.

A synthetic waiting list (default 2,000 clients) and practice (default 300 therapists), drawn
with a fixed seed from small vocabularies so that a realistic share of pairs is admissible:
4 languages, 3 modes, 3 places, 21 weekly slots, 3 kinds of funding, 12 problem areas, 5
modalities, some required genders, a few exclusions, some therapists full or not accepting, and
a track record for most of them.

Measured, best of ``--repeat`` runs:

* ``domain``: :func:`bordin.domain.matching.propose_all`: every client against every therapist,
  hard constraints checked, the admissible ranked with reasons and the shrunk track record;
* ``sql_filter``: the same *hard constraints only* as one plain SQL statement over normalised
  tables (one row per therapist language, mode, slot, funding; per client mode, slot, funding,
  exclusion), counting admissible therapists per client, in SQLite (in memory) and, when
  reachable, PostgreSQL. It ranks nothing and writes no reasons: it is the floor for the
  filtering alone.

The admissible counts of the two must agree for every client; the script stops if they do not.

Usage::

    .venv/bin/python bench/bench_matching.py [--clients 2000] [--therapists 300] [--repeat 3]
        [--quick] [--pg-url postgresql://postgres@127.0.0.1:5432/test] [--skip-pg]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bordin.domain.matching import Client, Therapist, TrackRecord, client, propose_all, therapist

LANGUAGES = ["english", "polish", "urdu", "welsh"]
LANGUAGE_WEIGHTS = [70, 12, 10, 8]
MODES = ["in_person", "online", "phone"]
PLACES = ["leeds", "york", "bradford"]
SLOTS = [
    f"{d}_{p}"
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for p in ("morning", "afternoon", "evening")
]
FUNDING = ["private", "insurer", "charity"]
NEEDS = [
    "depression",
    "anxiety",
    "trauma",
    "relationship",
    "bereavement",
    "stress",
    "self_esteem",
    "eating",
    "substance",
    "sleep",
    "work",
    "other",
]
MODALITIES = ["cbt", "person_centred", "psychodynamic", "emdr", "act"]
GENDERS = ["woman", "man", "non_binary"]


def make_therapists(n: int, rng: random.Random) -> list[Therapist]:
    out = []
    for i in range(n):
        languages = {"english"} | set(rng.sample(LANGUAGES, rng.choice([0, 0, 1, 2])))
        episodes = rng.choice([0, 2, 5, 10, 20, 40, 80])
        by_need = {
            need: TrackRecord(e, rng.randint(0, e))
            for need in rng.sample(NEEDS, 3)
            if (e := rng.randint(0, max(episodes // 3, 0))) > 0
        }
        out.append(
            therapist(
                i + 1,
                languages=sorted(languages),
                specialisms=rng.sample(NEEDS, rng.randint(2, 5)),
                modalities=rng.sample(MODALITIES, rng.randint(1, 2)),
                gender=rng.choices(GENDERS, [55, 40, 5])[0],
                modes=rng.sample(MODES, rng.randint(1, 3)),
                location=rng.choice(PLACES),
                availability=rng.sample(SLOTS, rng.randint(3, 9)),
                funding=rng.sample(FUNDING, rng.randint(1, 3)),
                accepting=rng.random() > 0.1,
                open_slots=rng.choice([0, 1, 2, 3, 5]),
                outcomes=TrackRecord(episodes, rng.randint(episodes // 4, episodes * 3 // 4))
                if episodes
                else None,
                outcomes_by_need=by_need,
            )
        )
    return out


def make_clients(n: int, n_therapists: int, rng: random.Random) -> list[Client]:
    out = []
    for i in range(n):
        modes = rng.sample(MODES, rng.randint(1, 3))
        required = rng.random() < 0.15
        out.append(
            client(
                f"c{i + 1}",
                languages=[rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]],
                needs=rng.sample(NEEDS, rng.randint(1, 3)),
                modes=modes,
                location=rng.choice(PLACES) if "in_person" in modes else None,
                availability=rng.sample(SLOTS, rng.randint(2, 8)),
                funding=[rng.choice(FUNDING)],
                therapist_gender=[rng.choice(GENDERS[:2])] if rng.random() < 0.4 else None,
                gender_required=required,
                exclude_therapists=[rng.randint(1, n_therapists)] if rng.random() < 0.05 else [],
                modalities=rng.sample(MODALITIES, 1) if rng.random() < 0.3 else (),
            )
        )
    return out


SCHEMA = [
    "CREATE TABLE t (id INTEGER PRIMARY KEY, gender TEXT, location TEXT, has_room INTEGER)",
    "CREATE TABLE t_lang (tid INTEGER, v TEXT)",
    "CREATE TABLE t_mode (tid INTEGER, v TEXT)",
    "CREATE TABLE t_slot (tid INTEGER, v TEXT)",
    "CREATE TABLE t_fund (tid INTEGER, v TEXT)",
    "CREATE TABLE c (id TEXT PRIMARY KEY, language TEXT, location TEXT, gender_req TEXT)",
    "CREATE TABLE c_mode (cid TEXT, v TEXT)",
    "CREATE TABLE c_slot (cid TEXT, v TEXT)",
    "CREATE TABLE c_fund (cid TEXT, v TEXT)",
    "CREATE TABLE c_excl (cid TEXT, tid INTEGER)",
    "CREATE INDEX ix_t_lang ON t_lang (tid, v)",
    "CREATE INDEX ix_t_mode ON t_mode (tid, v)",
    "CREATE INDEX ix_t_slot ON t_slot (tid, v)",
    "CREATE INDEX ix_t_fund ON t_fund (tid, v)",
    "CREATE INDEX ix_c_mode ON c_mode (cid, v)",
    "CREATE INDEX ix_c_slot ON c_slot (cid, v)",
    "CREATE INDEX ix_c_fund ON c_fund (cid, v)",
    "CREATE INDEX ix_c_excl ON c_excl (cid, tid)",
]

#: The hard constraints of domain/matching/constraints.py, as one statement.
FILTER = """
SELECT c.id, COUNT(t.id) FROM c JOIN t ON t.has_room = 1
WHERE EXISTS (SELECT 1 FROM t_lang WHERE t_lang.tid = t.id AND t_lang.v = c.language)
  AND EXISTS (SELECT 1 FROM c_mode JOIN t_mode ON t_mode.tid = t.id AND t_mode.v = c_mode.v
              WHERE c_mode.cid = c.id
                AND (c_mode.v <> 'in_person' OR c.location IS NULL OR t.location = c.location))
  AND EXISTS (SELECT 1 FROM c_slot JOIN t_slot ON t_slot.tid = t.id AND t_slot.v = c_slot.v
              WHERE c_slot.cid = c.id)
  AND EXISTS (SELECT 1 FROM c_fund JOIN t_fund ON t_fund.tid = t.id AND t_fund.v = c_fund.v
              WHERE c_fund.cid = c.id)
  AND (c.gender_req IS NULL OR t.gender = c.gender_req)
  AND NOT EXISTS (SELECT 1 FROM c_excl WHERE c_excl.cid = c.id AND c_excl.tid = t.id)
GROUP BY c.id
"""


def load(engine: Engine, therapists: list[Therapist], clients: list[Client]) -> None:
    rows: dict[str, list[dict[str, Any]]] = {
        k: []
        for k in (
            "t",
            "t_lang",
            "t_mode",
            "t_slot",
            "t_fund",
            "c",
            "c_mode",
            "c_slot",
            "c_fund",
            "c_excl",
        )
    }
    for th in therapists:
        rows["t"].append(
            {
                "id": th.id,
                "gender": th.gender,
                "location": th.location,
                "has_room": int(th.has_room),
            }
        )
        for table, values in (
            ("t_lang", th.languages),
            ("t_mode", th.modes),
            ("t_slot", th.availability),
            ("t_fund", th.funding),
        ):
            rows[table] += [{"tid": th.id, "v": v} for v in values]
    for cl in clients:
        gender = cl.therapist_gender
        rows["c"].append(
            {
                "id": cl.id,
                "language": next(iter(cl.languages or ())),
                "location": cl.location,
                "gender_req": next(iter(gender.values)) if gender and gender.required else None,
            }
        )
        for table, values in (
            ("c_mode", cl.modes),
            ("c_slot", cl.availability),
            ("c_fund", cl.funding),
        ):
            rows[table] += [{"cid": cl.id, "v": v} for v in values or ()]
        rows["c_excl"] += [{"cid": cl.id, "tid": int(t)} for t in cl.exclude_therapists]
    with engine.begin() as conn:
        for statement in SCHEMA:
            conn.execute(text(statement))
        for table, values in rows.items():
            if values:
                names = list(values[0])
                conn.execute(
                    text(
                        f"INSERT INTO {table} ({', '.join(names)}) "
                        f"VALUES ({', '.join(':' + n for n in names)})"
                    ),
                    values,
                )
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))


def timed(repeat: int, run: Callable[[], object]) -> tuple[list[float], object]:
    """Wall-clock seconds of each run, and the last result (CPU seconds in ``CPU``)."""
    times, result = [], None
    CPU.clear()
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - start)
        CPU.append(time.process_time() - cpu)
    return times, result


#: This process's CPU seconds of each run of the last :func:`timed` (the machine is shared, so
#: wall-clock time includes waiting for a core; CPU time does not).
CPU: list[float] = []


def sql_figures(engine: Engine, repeat: int, expected: dict[str, int]) -> dict[str, Any]:
    def run() -> dict[str, int]:
        with engine.connect() as conn:
            return {str(cid): int(n) for cid, n in conn.execute(text(FILTER))}

    times, counts = timed(repeat, run)
    assert isinstance(counts, dict)
    got = {cid: counts.get(cid, 0) for cid in expected}
    if got != expected:
        wrong = [cid for cid in expected if got[cid] != expected[cid]][:5]
        raise SystemExit(f"SQL and domain disagree on admissible counts for {wrong}")
    return {
        "best_s": round(min(times), 4),
        "median_s": round(statistics.median(times), 4),
        # in-process for SQLite; for PostgreSQL only the client's side (the server's is not here)
        "best_cpu_s": round(min(CPU), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--therapists", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="500 clients, 100 therapists")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BORDIN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    if args.quick:
        args.clients, args.therapists = 500, 100
    rng = random.Random(args.seed)
    therapists = make_therapists(args.therapists, rng)
    clients = make_clients(args.clients, args.therapists, rng)

    times, results = timed(args.repeat, lambda: propose_all(clients, therapists))
    assert isinstance(results, list)
    expected = {str(r.client_id): len(r.proposals) for r in results}
    pairs = len(clients) * len(therapists)
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "clients": len(clients),
        "therapists": len(therapists),
        "pairs": pairs,
        "admissible_pairs": sum(expected.values()),
        "clients_unmatched": sum(1 for n in expected.values() if n == 0),
        "domain": {
            "best_s": round(min(times), 4),
            "median_s": round(statistics.median(times), 4),
            "best_cpu_s": round(min(CPU), 4),
            "per_client_ms": round(min(times) / len(clients) * 1000, 3),
            "pairs_per_s": round(pairs / min(times)),
        },
    }
    sqlite = create_engine("sqlite://")
    load(sqlite, therapists, clients)
    report["sql_filter_sqlite"] = sql_figures(sqlite, args.repeat, expected)
    if not args.skip_pg:
        pg_url = args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
        name = f"bench_matching_{uuid.uuid4().hex[:8]}"
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE {name}"))
        except Exception as error:  # report and carry on without PostgreSQL
            report["sql_filter_postgresql"] = f"skipped: {type(error).__name__}"
        else:
            pg = create_engine(pg_url.rsplit("/", 1)[0] + f"/{name}")
            try:
                load(pg, therapists, clients)
                report["sql_filter_postgresql"] = sql_figures(pg, args.repeat, expected)
            finally:
                pg.dispose()
                with admin.connect() as conn:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
