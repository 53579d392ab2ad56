"""Engines and sessions. Built from settings on demand, never at import time.

SQLite runs in WAL mode with foreign keys enforced and a busy timeout, so the embedded
database behaves like a real one under several web workers. PostgreSQL is used as it comes.

How transactions begin on SQLite (ADR 0005):

* A session that may write begins with ``BEGIN IMMEDIATE``: it takes SQLite's one write lock
  before its first read, so it waits (up to the busy timeout) rather than failing half-way when
  another writer got there first. That is the default, for services, commands and workers.
* A session marked with :func:`reading` (the web app marks the sessions of ``GET`` and ``HEAD``
  requests) begins a plain deferred ``BEGIN``: in WAL mode it reads a snapshot without any lock,
  beside a writer. Its audit rows wait until it commits: the read transaction ends, then the
  rows go in with one ``executemany`` in a short write transaction of their own.
* Writers queue at a gate (:func:`write_gate`, one per engine) before ``BEGIN IMMEDIATE``: a
  lock for the process's threads and a file lock beside the database for other processes, so
  that each is woken about when the writer before it is done, instead of sleeping in SQLite's
  busy handler (:mod:`bordin.storage.write_gate`).

Rows that only get inserted and never read back by the code that wrote them (the audit trail)
are queued with :func:`insert_later` and go in with one ``executemany`` per table: before the
session's next statement or commit (the caller's transaction, on PostgreSQL and for writers), or
as just said for reading sessions on SQLite.

Every engine hides SQL parameters (``hide_parameters=True``): when a statement fails,
SQLAlchemy's error and log messages would otherwise carry the values bound to it (a client's
name, their words, an email address, a password hash).
"""

from __future__ import annotations

import functools
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Insert, Table, create_engine, event, insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from bordin.settings import DEFAULT_POOL_SIZE
from bordin.storage.write_gate import WriteGate

#: Seconds a writer waits for SQLite's write lock before giving up with "database is locked".
#: Writes are short (milliseconds), so a wait this long means something is wrong.
SQLITE_BUSY_SECONDS = 10

_READING = "bordin.reading"
_CHECKED_IN = "bordin.checked_in"
_PENDING = "bordin.pending_rows"
_WRITER = "bordin.writer"
_GATE = "bordin.write_gate"
_READ_ENGINES: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_WRITE_GATES: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()


def make_engine(url: str, *, echo: bool = False, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """Create an engine for ``url`` with Bordin's connection settings."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "future": True, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        on_disk = Path(parsed.database) if parsed.database not in (None, "", ":memory:") else None
        if on_disk is not None:
            on_disk.parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, decide where transactions begin (so BEGIN is real).
        gate = _WRITE_GATES[engine] = WriteGate(on_disk)
        event.listen(engine, "begin", functools.partial(_sqlite_begin, gate))
        for name in ("commit", "rollback"):
            event.listen(engine, name, _transaction_done)
        for name in ("checkin", "invalidate", "close", "detach"):
            event.listen(engine.pool, name, _connection_done)
        return engine
    # Connections kept open for reuse, and a few more for a burst (those are closed when given
    # back). Too few kept open, and a busy web worker opens and closes a PostgreSQL connection
    # for most requests: a new server process each time, which cost more CPU than the
    # submission's own statements (docs/performance.md).
    kwargs["pool_size"] = pool_size
    kwargs["max_overflow"] = max(2, pool_size // 4)
    engine = create_engine(url, **kwargs)
    event.listen(engine.pool, "checkin", _note_checkin)
    event.listen(engine.pool, "checkout", functools.partial(_ping_if_idle, engine.dialect))
    return engine


#: A pooled connection idle longer than this is pinged before it is handed out again.
IDLE_PING_SECONDS = 5.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_CHECKED_IN] = time.monotonic()


def _ping_if_idle(dialect: Any, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Check a pooled connection that sat idle before using it (PostgreSQL restarted, a firewall
    dropped it): a dead one raises ``DisconnectionError``, so the pool discards it and hands out
    a fresh connection, up to three times (SQLAlchemy's documented checkout-event form of
    pessimistic disconnect handling).

    ``pool_pre_ping`` did this on every checkout: one round trip per request, about a tenth of a
    busy submission's CPU. A connection used moments ago is as likely to have died during the
    request itself, which no ping can prevent, so only idle ones are pinged."""
    idle_since = record.info.get(_CHECKED_IN) if record is not None else None
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)  # what pool_pre_ping runs (outside any transaction)
    except Exception as error:
        raise DisconnectionError("pooled connection no longer usable") from error


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # autocommit at the driver; BEGIN comes from events
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


def _sqlite_begin(gate: WriteGate, conn: Any) -> None:
    """Begin a transaction: deferred for a reading session, else ``BEGIN IMMEDIATE`` after
    passing the write gate.

    The connection holds the gate until its transaction ends (:func:`_transaction_done`, or
    when the connection is done with: :func:`_connection_done`). A writer that cannot pass the
    gate within SQLite's busy timeout goes on to SQLite's lock as before.
    """
    if conn.get_execution_options().get(_READING, False):
        conn.exec_driver_sql("BEGIN")
        return
    info = conn.connection.info
    if _GATE not in info and gate.acquire(timeout=SQLITE_BUSY_SECONDS):
        info[_GATE] = gate
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def write_gate(engine: Engine) -> WriteGate | None:
    """The write gate of an SQLite engine made by :func:`make_engine` (None for others): held
    while one of the process's connections is in a transaction that writes."""
    return _WRITE_GATES.get(engine)


def _transaction_done(conn: Any) -> None:
    """Pass the write gate on as the transaction that holds it commits or rolls back."""
    _open_gate(conn.connection.info)


def _connection_done(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
    """Pass the write gate on if a connection is done with while it holds it (back in the pool,
    invalidated, closed or detached): a safeguard, as its transaction has ended already."""
    _open_gate(getattr(record, "info", None))


def _open_gate(info: dict[Any, Any] | None) -> None:
    gate = info.pop(_GATE, None) if info is not None else None
    if gate is not None:
        gate.release()


class BordinSession(Session):
    """A session whose reading mode (see :func:`reading`) keeps SQLite's write lock out of reads."""

    def commit(self) -> None:
        if not self.info.get(_READING) or not self.info.get(_PENDING):
            super().commit()
            return
        pending = self.info.pop(_PENDING)
        super().commit()  # ends the read snapshot; nothing of ours was written in it
        reader = self.bind
        self.bind = self.info[_WRITER]  # a short write: through the gate, BEGIN IMMEDIATE
        try:
            _insert(self, pending)
            super().commit()
        finally:
            self.bind = reader


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, class_=BordinSession, expire_on_commit=False, autoflush=True)


def reading(session: Session) -> Session:
    """Mark ``session`` as one that reads (and audits) but writes nothing else.

    On SQLite its transactions begin deferred, so they take no lock; elsewhere nothing changes.
    Sessions not made by :func:`make_session_factory` (tests' joined sessions) are left alone.
    """
    bind = session.bind
    if isinstance(session, BordinSession) and isinstance(bind, Engine) and is_sqlite(bind):
        read_engine = _READ_ENGINES.get(bind)
        if read_engine is None:
            read_engine = bind.execution_options(**{_READING: True})
            _READ_ENGINES[bind] = read_engine
        session.bind = read_engine
        session.info[_READING] = True
        session.info[_WRITER] = bind
    return session


def insert_later(session: Session, table: Table, row: dict[str, Any]) -> None:
    """Queue ``row`` for ``table``; it goes in with the session's next statement or commit."""
    session.info.setdefault(_PENDING, {}).setdefault(table, []).append(row)


def _insert(session: Session, pending: dict[Table, list[dict[str, Any]]]) -> None:
    for table, rows in pending.items():
        session.execute(_insert_into(table), rows)


@functools.cache
def _insert_into(table: Table) -> Insert:
    """One ``INSERT`` per table, built once per process (building it on every request cost more
    CPU than running it)."""
    return insert(table)


def _flush_pending(session: Session) -> None:
    if session.info.get(_PENDING) and not session.info.get(_READING):
        _insert(session, session.info.pop(_PENDING))


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    _flush_pending(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _flush_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: SessionTransaction) -> None:
    session.info.pop(_PENDING, None)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that is always closed; services decide when to commit."""
    session = factory()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
