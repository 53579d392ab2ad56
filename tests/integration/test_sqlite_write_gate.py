"""On SQLite, writers queue at a gate before SQLite's write lock (ADR 0005): a process's threads
at a lock, processes at a lock file beside the database.

A writer waiting in SQLite's own busy handler sleeps 1, 2, 5 ... 100 ms at a time however soon
the lock is free; the gate wakes the next writer as the one before it finishes. These tests
check who holds the gate and when it is passed on, never how long anything takes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, text

from bordin.storage.database import (
    insert_later,
    make_engine,
    make_session_factory,
    reading,
    write_gate,
)
from bordin.storage.write_gate import WriteGate


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = make_engine(f"sqlite:///{tmp_path / 'gate.sqlite3'}")
    with made.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield made
    made.dispose()


def _gate(engine: Engine) -> WriteGate:
    gate = write_gate(engine)
    assert gate is not None
    return gate


def test_a_writing_transaction_holds_the_gate_until_it_commits(engine: Engine) -> None:
    gate = _gate(engine)
    with make_session_factory(engine)() as db:
        assert not gate.locked()
        db.execute(text("INSERT INTO notes (body) VALUES ('first')"))
        assert gate.locked()
        db.commit()
        assert not gate.locked()


def test_the_gate_is_passed_on_after_a_rollback_and_after_an_error(engine: Engine) -> None:
    gate = _gate(engine)
    with make_session_factory(engine)() as db:
        db.execute(text("INSERT INTO notes (body) VALUES ('undone')"))
        db.rollback()
        assert not gate.locked()
    with pytest.raises(RuntimeError), make_session_factory(engine)() as db:
        db.execute(text("INSERT INTO notes (body) VALUES ('lost')"))
        raise RuntimeError("the request failed")
    assert not gate.locked()
    with make_session_factory(engine)() as db:
        assert db.execute(text("SELECT count(*) FROM notes")).scalar() == 0


def test_a_connection_that_begins_again_does_not_wait_for_itself(engine: Engine) -> None:
    gate = _gate(engine)
    with engine.connect() as conn:
        for body in ("one", "two", "three"):
            with conn.begin():
                conn.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": body})
                assert gate.locked()
            assert not gate.locked()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes")).scalar() == 3


def test_a_reading_session_takes_the_gate_only_to_write_its_audit_rows(engine: Engine) -> None:
    gate = _gate(engine)
    notes = Table(
        "notes", MetaData(), Column("id", Integer, primary_key=True), Column("body", Text)
    )
    with reading(make_session_factory(engine)()) as db:
        db.execute(text("SELECT count(*) FROM notes")).scalar()
        insert_later(db, notes, {"body": "viewed"})
        assert not gate.locked()  # a read holds no lock, nor the gate
        db.commit()  # the queued row goes in through the gate
    assert not gate.locked()
    with engine.connect() as conn:
        assert list(conn.scalars(text("SELECT body FROM notes"))) == ["viewed"]


def test_a_second_writer_waits_at_the_gate_and_goes_on_when_the_first_commits(
    engine: Engine,
) -> None:
    gate = _gate(engine)
    factory = make_session_factory(engine)
    first_wrote = threading.Event()
    second_saw: list[str] = []

    def second() -> None:
        first_wrote.wait()
        with factory() as db:
            db.execute(text("INSERT INTO notes (body) VALUES ('second')"))
            second_saw.extend(db.scalars(text("SELECT body FROM notes ORDER BY id")))
            db.commit()

    waiting = threading.Thread(target=second)
    waiting.start()
    with factory() as db:
        db.execute(text("INSERT INTO notes (body) VALUES ('first')"))
        first_wrote.set()
        waiting.join(timeout=0.2)
        assert waiting.is_alive() and gate.locked()  # the second writer is at the gate
        db.commit()
    waiting.join()
    assert second_saw == ["first", "second"]
    assert not gate.locked()


def test_engines_other_than_sqlite_have_no_gate() -> None:
    assert write_gate(make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")) is None


# --- across processes ---------------------------------------------------------------------------

_HOLDER = """
import sys
from sqlalchemy import text
from bordin.storage.database import make_engine, make_session_factory
engine = make_engine(sys.argv[1])
with make_session_factory(engine)() as db:
    db.execute(text("INSERT INTO notes (body) VALUES ('from the other process')"))
    print("holding", flush=True)
    sys.stdin.readline()
    db.commit()
print("committed", flush=True)
"""


def test_a_writer_in_another_process_holds_the_gate_until_its_transaction_ends(
    engine: Engine, tmp_path: Path
) -> None:
    gate = _gate(engine)
    other = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(engine.url)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert other.stdin is not None and other.stdout is not None
    try:
        assert other.stdout.readline().strip() == "holding"
        assert not gate.acquire(timeout=0.2)  # the other process's transaction is open
        assert not gate.locked()  # and a gate not passed is not held here either
        other.stdin.write("go on\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "committed"
        assert gate.acquire(timeout=10)
        gate.release()
    finally:
        other.kill()
        other.wait()
    with engine.connect() as conn:
        assert list(conn.scalars(text("SELECT body FROM notes"))) == ["from the other process"]


def test_processes_queue_on_a_lock_file_beside_the_database(tmp_path: Path) -> None:
    on_disk = make_engine(f"sqlite:///{tmp_path / 'practice.sqlite3'}")
    in_memory = make_engine("sqlite://")
    try:
        assert _gate(on_disk).lock_file == tmp_path / "practice.sqlite3-writelock"
        assert _gate(in_memory).lock_file is None  # only this process's threads can write it
    finally:
        on_disk.dispose()
        in_memory.dispose()
