"""The benchmarks' bulk loaders still fit the schema: a column the app adds with a NOT NULL
constraint must be filled by the loader too, or `make bench` fails where nobody is looking."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import psycopg
import pytest
from sqlalchemy import func, select

from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.storage.tables import AdministrationRow, AppointmentRow
from tests.conftest import PG_ADMIN_URL

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}_under_test", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_caseload_benchmark_bulk_loads_a_small_practice_into_the_current_schema() -> None:
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as unreachable:
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {unreachable}")
    bench = _bench_module("bench_caseload")
    with bench.postgres_database(PG_ADMIN_URL, "bordin_test_bulk") as url:
        engine = make_engine(url)
        upgrade(engine)
        totals = bench.bulk_load(url, therapists=2, clients=10, sessions=60)
        with make_session_factory(engine)() as db:
            sessions = db.scalar(select(func.count()).select_from(AppointmentRow))
            ratings = db.scalar(select(func.count()).select_from(AdministrationRow))
        engine.dispose()
    assert sessions == totals["sessions"] > 0
    assert ratings == totals["administrations"] > 0


def test_the_recompute_benchmark_bulk_loads_a_small_practice_into_the_current_schema() -> None:
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as unreachable:
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {unreachable}")
    bench = _bench_module("bench_recompute")
    with _bench_module("bench_caseload").postgres_database(PG_ADMIN_URL, "bordin_test_bulk") as url:
        engine = make_engine(url)
        upgrade(engine)
        loaded = bench.load_practice(url.replace("postgresql+psycopg://", "postgresql://"), 50)
        with make_session_factory(engine)() as db:
            ratings = db.scalar(select(func.count()).select_from(AdministrationRow))
        engine.dispose()
    assert ratings > 0
    assert loaded
