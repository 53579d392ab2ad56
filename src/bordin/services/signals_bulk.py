"""Recompute every episode of a practice at once, vectorised, in one transaction.

``bordin signals recompute`` and ``bordin demo`` call :func:`recompute_practice_bulk`. It gives
the same signals as running :func:`bordin.services.signals.recompute_episode` on every episode
(a test checks this on the demo practice, on SQLite and PostgreSQL), in a fraction of the time:

1. **Read** every rating of the practice in one query: administrations joined to their
   appointments (session number and date) and episodes (ended or not), with only the item
   values the rules read (goals, tasks and bond items of alliance measures; risk items),
   extracted from the answers in SQL; and the appointments of the few episodes that could meet
   the missed-sessions half of disengagement. On PostgreSQL through ``COPY (SELECT ...) TO
   STDOUT``, parsed as it streams in, with the small reads on a second connection that shares
   the transaction's snapshot, at the same time.
2. **Fit** the practice's own expected-recovery models when it has enough completed episodes
   (:func:`bordin.services.recovery_fits.refresh_recovery_models`; refitted only when their sample
   changed), so the per-episode recompute after each submission uses the same curves.
3. **Compute** with :func:`bordin.analytics.signals.bulk_signals`, and word every signal with the
   explanation builders the per-episode rules use. Episodes that need data the ratings table
   does not hold (a rupture the therapist logged, feedback that triage classed as crisis, a risk
   item the item values do not carry) go through the per-episode rules instead; they are few.
   A large practice on PostgreSQL is worked out in two processes, half the episodes each.
4. **Write** all signals at once (``COPY`` on PostgreSQL, executemany elsewhere), replacing each
   episode's signals and keeping acknowledgements (and the time a signal was first raised,
   while its status is unchanged) by signal key. On PostgreSQL only the episodes whose signals
   differ from the stored ones (words compared by MD5 digest) are rewritten, and only their
   words are sent. No alerts: a whole-practice recompute is not news.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import psycopg.sql
from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from bordin.analytics.signals import bulk_signals, explain_rows
from bordin.analytics.signals.digest import episode_digests
from bordin.domain.alliance import (
    ExpectedRecoveryModel,
    Explanation,
    Signal,
    SignalConfig,
    evaluate_episode,
    registry_scale,
)
from bordin.domain.alliance.scale import ALLIANCE_DIMENSIONS, ScaleFacts
from bordin.domain.errors import NotFound
from bordin.domain.instruments import all_instruments
from bordin.services.recovery_fits import FIT_MIN_EPISODES, refresh_recovery_models
from bordin.services.runtime import Runtime
from bordin.services.signals import (
    EARLY_CANCELLATION_SQL,
    explanation_json,
    key_for,
    load_histories,
    summary_of,
    uncarried_risk_items,
)
from bordin.storage.tables import PracticeRow, SignalRow
from bordin.storage.tables.signals import SIGNAL_CONTENT

#: The columns a recompute writes, in order.
_SIGNAL_COLUMNS = ("episode_id", *SIGNAL_CONTENT, "computed_at")


@dataclass(frozen=True)
class RecomputeSummary:
    """What a whole-practice recompute did, and how long each step took (seconds)."""

    practice_id: int
    episodes: int
    ratings: int
    signals: int
    new_signals: int
    per_episode: int
    fitted_models: Mapping[str, int]
    refitted: tuple[str, ...] = ()
    by_type: Mapping[str, int] = field(default_factory=dict)
    read_seconds: float = 0.0
    fit_seconds: float = 0.0
    compute_seconds: float = 0.0
    write_seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "practice_id": self.practice_id,
            "episodes": self.episodes,
            "ratings": self.ratings,
            "signals": self.signals,
            "new_signals": self.new_signals,
            "per_episode": self.per_episode,
            "fitted_models": dict(self.fitted_models),
            "refitted": list(self.refitted),
            "by_type": dict(self.by_type),
            "read_seconds": round(self.read_seconds, 3),
            "fit_seconds": round(self.fit_seconds, 3),
            "compute_seconds": round(self.compute_seconds, 3),
            "write_seconds": round(self.write_seconds, 3),
        }


@dataclass
class _Practice:
    """Everything read from the database for one practice."""

    episodes: int
    completed: pd.DataFrame
    ratings: pd.DataFrame
    attendance: pd.DataFrame
    special: set[int]
    #: On PostgreSQL: each episode's stored signals in brief (see :func:`_stored_brief`).
    stored: dict[int, tuple[str | None, int]] | None = None


@dataclass
class _Computed:
    """The signals worked out: the rows of those that need storing (staged on PostgreSQL), the
    episodes whose stored signals are known to be what they would be (left as they are), and
    how many signals of each type the practice has in all."""

    rows: list[tuple[Any, ...]]
    unchanged: set[int] = field(default_factory=set)
    by_type: Counter[str] = field(default_factory=Counter)

    def add(self, other: _Computed) -> None:
        self.rows.extend(other.rows)
        self.unchanged |= other.unchanged
        self.by_type.update(other.by_type)


# --------------------------------------------------------------------------------------------
# Reading


def _is_postgres(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def needed_items(instruments: Iterable[ScaleFacts]) -> dict[int, dict[str, str]]:
    """Item position -> {instrument id: item link id} for the items the rules read."""
    out: dict[int, dict[str, str]] = {}
    for facts in instruments:
        links: set[str] = set(facts.risk_items)
        if facts.kind == "alliance":
            for name in ALLIANCE_DIMENSIONS:
                links.update(facts.dimensions.get(name, ()))
        for position, link in enumerate(facts.item_ids, start=1):
            if link in links:
                out.setdefault(position, {})[facts.instrument_id] = link
    return out


def _item_sql(postgres: bool, items: Mapping[int, Mapping[str, str]]) -> str:
    columns: list[str] = []
    for position in sorted(items):
        cases = []
        for instrument_id, link in sorted(items[position].items()):
            if postgres:
                value = f"(a.answers ->> {_quote(link)})::float8"
            else:
                path = '$."' + link.replace('"', '\\"') + '"'
                value = f"CAST(json_extract(a.answers, {_quote(path)}) AS REAL)"
            cases.append(f"WHEN {_quote(instrument_id)} THEN {value}")
        columns.append(f"CASE a.instrument_id {' '.join(cases)} END AS item_{position}")
    return "".join(", " + c for c in columns)


def _date_sql(postgres: bool, column: str) -> str:
    return f"(({column}) AT TIME ZONE 'UTC')::date" if postgres else f"date({column})"


def _ratings_sql(postgres: bool, practice_id: int, today: date) -> str:
    facts = [registry_scale(i.id) for i in all_instruments()]
    day = _date_sql(postgres, "ap.starts_at")
    today_sql = f"DATE {_quote(today.isoformat())}" if postgres else _quote(today.isoformat())
    return (
        "SELECT a.episode_id, a.client_id, p.id AS partner, ap.number AS session_number, "
        f"{day} AS date, a.instrument_id AS instrument, a.total AS score, "
        f"CASE WHEN e.status <> 'active' AND (e.ended_on IS NULL OR e.ended_on <= {today_sql}) "
        "THEN 1 ELSE 0 END AS ended, "
        f"CASE WHEN e.status = 'completed' AND (e.ended_on IS NULL OR e.ended_on <= {today_sql}) "
        "THEN 1 ELSE 0 END AS completed"
        f"{_item_sql(postgres, needed_items(facts))} "
        "FROM administrations a "
        "JOIN episodes e ON e.id = a.episode_id "
        "JOIN appointments ap ON ap.id = a.appointment_id AND ap.episode_id = a.episode_id "
        "LEFT JOIN episode_participants p "
        "ON p.episode_id = a.episode_id AND p.client_id = a.client_id "
        f"WHERE e.practice_id = {int(practice_id)} AND a.total IS NOT NULL "
        f"AND {day} <= {today_sql}"
    )


def ratings_query(db: Session, *, practice_id: int, today: date) -> str:
    """The SELECT that reads every rating of a practice (as the recompute and benchmark use it)."""
    return _ratings_sql(_is_postgres(db), practice_id, today)


def attendance_query(db: Session, *, practice_id: int, today: date) -> str:
    """The SELECT that reads the appointments of the episodes that may be disengaging."""
    return _attendance_sql(_is_postgres(db), practice_id, today, SignalConfig())


def _attendance_sql(postgres: bool, practice_id: int, today: date, config: SignalConfig) -> str:
    """The appointments of the episodes that meet the attendance half of disengagement.

    The same rule as :mod:`bordin.analytics.signals.engagement` (at least
    ``disengagement_min_missed`` cancelled or missed among the last ``disengagement_window``
    appointments up to today, or no attended session for ``disengagement_gap_days`` while the
    episode is open), evaluated in the database so that only those episodes' rows are read;
    the vectorised rule then checks them again, with the alliance half.
    """
    day = _date_sql(postgres, "ap.starts_at")
    today_sql = f"DATE {_quote(today.isoformat())}" if postgres else _quote(today.isoformat())
    last_attended = "MAX(CASE WHEN status = 'attended' THEN day END)"
    if postgres:
        silence = f"{today_sql} - {last_attended}"
    else:
        silence = f"julianday({today_sql}) - julianday({last_attended})"
    missed = "SUM(CASE WHEN status IN ('cancelled', 'no_show') THEN 1 ELSE 0 END)"
    ended = (
        f"CASE WHEN e.status <> 'active' AND (e.ended_on IS NULL OR e.ended_on <= {today_sql}) "
        "THEN 1 ELSE 0 END AS ended"
    )
    source = (
        "FROM appointments ap JOIN episodes e ON e.id = ap.episode_id "
        f"WHERE e.practice_id = {int(practice_id)} AND ap.status <> 'scheduled' "
        f"AND NOT {EARLY_CANCELLATION_SQL} AND {day} <= {today_sql}"
    )
    silent = f"(MAX(ended) = 0 AND {silence} >= {int(config.disengagement_gap_days)})"
    # ``maybe``: a cheap superset of the candidates without sorting every appointment (enough
    # missed ones in all, not only among the last few; or silent), so that only the few
    # episodes it keeps are numbered back from their latest appointment. Materialised, so that
    # it is worked out once: inlined, each of PostgreSQL's parallel workers grouped every
    # appointment of the practice again (three times the work, for the same few episodes).
    return (
        f"WITH maybe AS MATERIALIZED (SELECT episode_id FROM (SELECT ap.episode_id, ap.status, "
        f"{day} AS day, {ended} {source}) everything GROUP BY episode_id HAVING "
        f"{missed} >= {int(config.disengagement_min_missed)} OR {silent}), "
        "past AS (SELECT ap.episode_id, ap.number, ap.status, "
        f"{day} AS day, ROW_NUMBER() OVER (PARTITION BY ap.episode_id "
        f"ORDER BY {day} DESC, ap.number DESC) AS back, {ended} "
        f"{source} AND ap.episode_id IN (SELECT episode_id FROM maybe)), "
        "candidates AS (SELECT episode_id FROM past GROUP BY episode_id HAVING "
        f"SUM(CASE WHEN back <= {int(config.disengagement_window)} "
        "AND status IN ('cancelled', 'no_show') THEN 1 ELSE 0 END) "
        f">= {int(config.disengagement_min_missed)} OR {silent}) "
        "SELECT p.episode_id, p.number AS session_number, p.day AS date, "
        "p.status AS attendance FROM past p JOIN candidates c ON c.episode_id = p.episode_id"
    )


def _fetch(db: Session, sql: str, categories: Sequence[str] = ()) -> pd.DataFrame:
    """Run a SELECT; on PostgreSQL through COPY ... TO STDOUT (CSV), elsewhere row by row.
    ``categories``: text columns with few distinct values, read as categories on PostgreSQL."""
    if _is_postgres(db):
        return _copy_frame(db.connection().connection.driver_connection, sql, categories)
    result = db.execute(text(sql))
    return pd.DataFrame(result.all(), columns=list(result.keys()))


class _CopyStream(io.RawIOBase):
    """The data of a running ``COPY ... TO STDOUT`` as a file, read as it arrives."""

    def __init__(self, copy: Iterable[Any]) -> None:
        self._chunks = iter(copy)
        self._pending = bytearray()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        pending = self._pending
        for chunk in self._chunks:  # one row per chunk: gather enough of them
            pending += chunk
            if len(pending) >= size:
                break
        filled = min(size, len(pending))
        buffer[:filled] = pending[:filled]
        del pending[:filled]
        return filled


def _copy_frame(connection: Any, sql: str, categories: Sequence[str] = ()) -> pd.DataFrame:
    """A SELECT's rows read with ``COPY ... TO STDOUT`` (CSV) on a psycopg connection.

    The CSV is parsed as it streams in, so that parsing here overlaps PostgreSQL's work on the
    next rows instead of waiting for the last one.
    """
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        stream = io.BufferedReader(_CopyStream(copy), buffer_size=1 << 20)
        try:
            return pd.read_csv(
                stream,
                keep_default_na=False,
                na_values=[""],
                dtype=dict.fromkeys(categories, "category"),
            )
        except pd.errors.EmptyDataError:
            return pd.DataFrame()
        finally:
            for _ in copy:  # the rest, if parsing stopped early
                pass


def _special_episodes(
    run: Callable[[str], Iterable[Sequence[Any]]], postgres: bool, practice_id: int
) -> set[int]:
    """Episodes whose signals need data the ratings table does not hold (``run``: a SELECT's
    rows, on whichever connection reads)."""
    pid = int(practice_id)
    special: set[int] = set()
    special.update(
        int(e)
        for (e,) in run(
            "SELECT DISTINCT r.episode_id FROM rupture_logs r "
            f"JOIN episodes e ON e.id = r.episode_id WHERE e.practice_id = {pid}"
        )
    )
    special.update(
        int(e)
        for (e,) in run(
            "SELECT DISTINCT ap.episode_id FROM feedback_submissions s "
            "JOIN appointments ap ON ap.id = s.appointment_id "
            "JOIN episodes e ON e.id = ap.episode_id "
            f"WHERE e.practice_id = {pid} AND s.triage_category = 'crisis'"
        )
    )
    risk_text = "a.risk_items::text" if postgres else "a.risk_items"
    for episode_id, instrument_id, answers, risk_items in run(
        "SELECT a.episode_id, a.instrument_id, a.answers, a.risk_items FROM administrations a "
        "JOIN episodes e ON e.id = a.episode_id "
        "JOIN appointments ap ON ap.id = a.appointment_id AND ap.episode_id = a.episode_id "
        f"WHERE e.practice_id = {pid} AND a.total IS NOT NULL "
        f"AND {risk_text} IS NOT NULL AND {risk_text} NOT IN ('[]', 'null')"
    ):
        answers = json.loads(answers) if isinstance(answers, str) else answers or {}
        risk_items = json.loads(risk_items) if isinstance(risk_items, str) else risk_items or []
        items = {str(k): float(v) for k, v in answers.items() if v is not None}
        if uncarried_risk_items(str(instrument_id), list(risk_items), items):
            special.add(int(episode_id))
    return special


#: The ratings' text columns, read as categories: a handful of measures and a few hundred
#: dates among a million rows, so each is stored once and rows carry small codes (cheaper to
#: parse, to filter and to group).
_CATEGORIES = ("instrument", "date")


def _rows_of(db: Session) -> Callable[[str], Iterable[Sequence[Any]]]:
    return lambda sql: db.execute(text(sql))


@contextmanager
def _second_reader(db: Session) -> Iterator[Any | None]:
    """On PostgreSQL, a second connection that sees exactly what this transaction sees, to read
    at the same time as it (``None`` elsewhere, or when this transaction has written: its own
    writes are not visible to another connection).

    The transaction's snapshot is exported (``pg_export_snapshot``) and imported by a read-only
    repeatable-read transaction on a connection from the same pool, as ``pg_dump --jobs`` does.
    """
    if not _is_postgres(db):
        yield None
        return
    if db.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar() is not None:
        yield None
        return
    snapshot = str(db.execute(text("SELECT pg_export_snapshot()")).scalar())
    pooled = db.get_bind().engine.raw_connection()
    connection: Any = pooled.driver_connection
    try:
        connection.rollback()
        previous = connection.isolation_level
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        try:
            connection.execute(
                psycopg.sql.SQL("SET TRANSACTION SNAPSHOT {}").format(psycopg.sql.Literal(snapshot))
            )
            connection.execute("SET TRANSACTION READ ONLY")
            # Both cores are busy already (the ratings' COPY, and these reads): PostgreSQL's
            # parallel workers would only take turns with them.
            connection.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            yield connection
        finally:
            connection.rollback()
            connection.isolation_level = previous
    finally:
        pooled.close()


def _read_beside(
    connection: Any, attendance_sql: str, practice_id: int
) -> tuple[pd.DataFrame, set[int], dict[int, tuple[str | None, int]]]:
    """The attendance candidates, the per-episode episodes and the stored signals in brief, on
    the second connection."""
    attendance = _copy_frame(connection, attendance_sql)

    def rows(sql: str) -> list[Any]:
        return list(connection.execute(sql).fetchall())

    return (
        attendance,
        _special_episodes(rows, True, practice_id),
        _stored_brief(rows, practice_id),
    )


def _read(db: Session, practice_id: int, today: date) -> _Practice:
    """Everything the recompute reads. On PostgreSQL the small reads (attendance candidates,
    per-episode episodes, the stored signals in brief) run on a second connection while the
    ratings stream in on this one:
    the ratings ``COPY`` keeps one core busy in PostgreSQL, and the other core was idle."""
    postgres = _is_postgres(db)
    pid = int(practice_id)
    count = db.execute(text(f"SELECT count(*) FROM episodes WHERE practice_id = {pid}")).scalar()
    completed = _fetch(
        db,
        "SELECT e.id AS episode_id, e.ended_on FROM episodes e "
        f"WHERE e.practice_id = {pid} AND e.status = 'completed'",
    )
    ratings_sql = _ratings_sql(postgres, practice_id, today)
    attendance_sql = _attendance_sql(postgres, practice_id, today, SignalConfig())
    stored: dict[int, tuple[str | None, int]] | None = None
    with _second_reader(db) as second:
        if second is None:
            ratings = _fetch(db, ratings_sql, _CATEGORIES)
            attendance = _fetch(db, attendance_sql)
            special = _special_episodes(_rows_of(db), postgres, pid)
            if postgres:
                stored = _stored_brief(_rows_of(db), pid)
        else:
            with ThreadPoolExecutor(max_workers=1) as pool:
                beside = pool.submit(_read_beside, second, attendance_sql, pid)
                ratings = _fetch(db, ratings_sql, _CATEGORIES)
                attendance, special, stored = beside.result()
    return _Practice(int(count or 0), completed, ratings, attendance, special, stored)


# --------------------------------------------------------------------------------------------
# Computing


def _client(value: Any) -> int | None:
    """A client id as stored (None for couple-level signals)."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if value != value else int(value)
    return int(value)


def _bulk_rows(signals: pd.DataFrame, explanations: Sequence[Explanation]) -> list[tuple[Any, ...]]:
    """(episode, client, session, type, severity, status, instrument, explanation) per signal."""
    return [
        (int(e), _client(c), int(s), str(t), str(sev), str(st), i, x)
        for e, c, s, t, sev, st, i, x in zip(
            signals["episode_id"].tolist(),
            signals["client_id"].tolist(),
            signals["session_number"].tolist(),
            signals["type"].tolist(),
            signals["severity"].tolist(),
            signals["status"].tolist(),
            signals["instrument_id"].tolist(),
            explanations,
            strict=True,
        )
    ]


def _pure_rows(episode_id: int, signals: Sequence[Signal]) -> list[tuple[Any, ...]]:
    return [
        (
            episode_id,
            _client(s.client_id),
            s.session_number,
            s.type,
            s.severity,
            s.status,
            s.instrument_id,
            s.explanation,
        )
        for s in signals
    ]


#: From this many ratings on, a PostgreSQL recompute works out the signals in two processes at
#: once when the machine has two cores or more (a second process is not worth its start below).
PARALLEL_MIN_RATINGS = 200_000


def _bulk_part(
    data: _Practice,
    episodes: tuple[int, int] | None,
    models: Mapping[str, ExpectedRecoveryModel],
    today: date,
    stage: bool,
) -> _Computed:
    """The vectorised signals of the episodes whose ids are in ``episodes`` (an inclusive
    range; ``None``: all), worded, and staged for writing when ``stage``.

    When staging (on PostgreSQL, against the stored signals in brief: ``data.stored``), the
    episodes whose stored signals carry the digest of their new rows (:func:`episode_digests`),
    and are as many, are left out: their words would come out the same.
    """
    ratings, attendance = data.ratings, data.attendance
    if episodes is not None:
        low, high = episodes
        ratings = ratings[ratings["episode_id"].between(low, high)]
        if not attendance.empty:
            attendance = attendance[attendance["episode_id"].between(low, high)]
    # Every episode's signals depend on its own rows alone, so the few episodes that take the
    # per-episode path are left out of the (small) result rather than out of the (large)
    # ratings table, which would copy every column of every rating.
    signals = bulk_signals(
        ratings, now=today, recovery_models=models, details=True, attendance=attendance
    )
    if data.special and not signals.empty:
        signals = signals[~signals["episode_id"].isin(data.special)].reset_index(drop=True)
    by_type = Counter(signals["type"].tolist()) if not signals.empty else Counter[str]()
    if not stage:
        return _Computed(_bulk_rows(signals, explain_rows(signals)), by_type=by_type)
    digests = episode_digests(signals)
    stored = data.stored or {}
    unchanged = {e for e, digest in digests.items() if stored.get(e) == digest}
    if unchanged:
        signals = signals[~signals["episode_id"].isin(unchanged)].reset_index(drop=True)
    rows = _staged(_bulk_rows(signals, explain_rows(signals)), digests)
    return _Computed(rows, unchanged, by_type)


@contextmanager
def _in_second_process(work: Callable[[], _Computed]) -> Iterator[Callable[[], _Computed]]:
    """Run ``work`` in a forked copy of this process; yields a function that waits for its
    result. The copy shares the parent's memory as it was (nothing is sent to it), touches no
    connection, and sends back only its rows; it is stopped if the parent fails first."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def run() -> None:
        try:
            sender.send(("done", work()))
        except Exception as error:  # reported to the parent, which raises
            sender.send(("failed", f"{type(error).__name__}: {error}"))

    process = context.Process(target=run, name="bordin-recompute", daemon=True)
    process.start()
    sender.close()

    def result() -> _Computed:
        try:
            outcome, value = receiver.recv()
        except EOFError:
            raise RuntimeError("the recompute's second process ended without its result") from None
        if outcome != "done":
            raise RuntimeError(f"the recompute's second process failed: {value}")
        assert isinstance(value, _Computed)
        return value

    try:
        yield result
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        receiver.close()


def _can_fork() -> bool:
    """A second process is worth starting: two cores or more, and Linux (forking a process
    that has loaded numpy and pyarrow is not safe on macOS, and Windows cannot fork)."""
    return sys.platform == "linux" and (os.cpu_count() or 1) > 1


def _split(ratings: pd.DataFrame) -> tuple[tuple[int, int], tuple[int, int]]:
    """Two inclusive ranges of episode ids holding about half the ratings each."""
    ids = ratings["episode_id"].to_numpy()
    middle = int(np.partition(ids, len(ids) // 2)[len(ids) // 2])
    return (int(ids.min()), middle), (middle + 1, max(int(ids.max()), middle + 1))


def _compute(
    db: Session,
    data: _Practice,
    models: Mapping[str, ExpectedRecoveryModel],
    now: datetime,
    *,
    stage: bool,
) -> _Computed:
    """Every signal of the practice, in episode order, the per-episode ones last; staged for
    writing (see :func:`_staged`) when ``stage``, where the episodes known to be unchanged are
    left out (see :func:`_bulk_part`).

    A large practice on PostgreSQL is worked out in two processes: a forked copy takes the
    episodes with the higher ids while this one takes the rest and the per-episode episodes
    (which read from the database). Each episode's signals depend on its own rows alone, so
    the two halves, joined, are what one pass gives, row for row.
    """
    today = now.date()
    special = sorted(data.special)

    def per_episode() -> _Computed:
        found: list[tuple[Any, ...]] = []
        for episode_id, history in sorted(load_histories(db, special, now=now).items()):
            signals = evaluate_episode(history, now=now, recovery_models=models)
            found.extend(_pure_rows(episode_id, signals))
        by_type = Counter(row[3] for row in found)
        return _Computed(_staged(found, {}) if stage else found, by_type=by_type)

    if data.ratings.empty:
        return per_episode()
    if not (stage and len(data.ratings) >= PARALLEL_MIN_RATINGS and _can_fork()):
        computed = _bulk_part(data, None, models, today, stage)
        computed.add(per_episode())
        return computed
    first, second = _split(data.ratings)
    with _in_second_process(lambda: _bulk_part(data, second, models, today, stage)) as later:
        computed = _bulk_part(data, first, models, today, stage)
        tail = per_episode()
        computed.add(later())
    computed.add(tail)
    return computed


# --------------------------------------------------------------------------------------------
# Writing


_ENCODE = json.JSONEncoder(check_circular=False, allow_nan=False, separators=(",", ":")).encode


def _json_text(explanation: Explanation, instrument_id: str | None) -> str:
    """:func:`explanation_json` as JSON text (the common case without NaN is one encode)."""
    numbers = explanation.numbers
    data = {
        "rule": explanation.rule,
        "sentence": explanation.sentence,
        "numbers": numbers if isinstance(numbers, dict) else dict(numbers),
        "sessions": list(explanation.sessions),
        "next_step": explanation.next_step,
        "citation": explanation.citation,
        "instrument": instrument_id,
    }
    try:
        return _ENCODE(data)
    except ValueError:  # a NaN or infinity among the numbers: stored as null
        return _ENCODE(explanation_json(explanation, instrument_id))


#: The columns of the temporary table that holds the changed episodes' new signals, in order.
_STAGE_COLUMNS = ("seq", "episode_id", *SIGNAL_CONTENT, "inputs_digest")

#: The columns that make two stored signals the same, besides the words (compared by digest)
#: and the times and acknowledgement (which carry over by key).
_SAME = tuple(c for c in SIGNAL_CONTENT if c not in ("summary", "explanation"))


def _md5(value: str) -> str:
    """The hexadecimal MD5 of ``value`` in UTF-8: what PostgreSQL's ``md5()`` gives for it."""
    return hashlib.md5(value.encode(), usedforsecurity=False).hexdigest()


def _staged(
    rows: Sequence[tuple[Any, ...]], digests: Mapping[int, tuple[str, int]]
) -> list[tuple[Any, ...]]:
    """Per new signal: (episode, client, session, type, severity, status, rule, summary,
    explanation text, key, the episode's inputs digest from ``digests`` or None, MD5 of the
    summary, MD5 of the explanation text), in the order the rows come."""
    out: list[tuple[Any, ...]] = []
    for episode_id, client_id, session, kind, severity, status, instrument, x in rows:
        inputs = digests.get(episode_id)
        summary = summary_of(x.sentence)
        explanation = _json_text(x, instrument)
        out.append(
            (
                episode_id,
                client_id,
                session,
                kind,
                severity,
                status,
                x.rule[:60],
                summary,
                explanation,
                key_for(
                    kind, None if client_id is None else str(client_id), instrument, session, x.rule
                ),
                None if inputs is None else inputs[0],
                _md5(summary),
                _md5(explanation),
            )
        )
    return out


def _stored_brief(
    run: Callable[[str], Iterable[Sequence[Any]]], practice_id: int
) -> dict[int, tuple[str | None, int]]:
    """Episode id -> (the inputs digest its stored signals share, or None when one has none or
    they differ; how many it has), for every episode of the practice with stored signals."""
    brief: dict[int, tuple[str | None, int]] = {}
    for episode_id, count, low, high, digested in run(
        "SELECT s.episode_id, count(*), min(s.inputs_digest), max(s.inputs_digest), "
        "count(s.inputs_digest) FROM signals s JOIN episodes e ON e.id = s.episode_id "
        f"WHERE e.practice_id = {int(practice_id)} GROUP BY s.episode_id"
    ):
        shared = low if low == high and digested == count else None
        brief[int(episode_id)] = (shared, int(count))
    return brief


def _stored_digests(
    db: Session, practice_id: int, episodes: Iterable[int]
) -> dict[int, list[tuple[Any, ...]]]:
    """Episode id -> its stored signals as compared (see :func:`_changed`), in id order, for
    the given episodes: the columns that make two signals the same, and MD5 digests of their
    words (taken by PostgreSQL as it reads them)."""
    stored: dict[int, list[tuple[Any, ...]]] = {}
    for row in db.execute(
        text(
            f"SELECT s.episode_id, {', '.join('s.' + c for c in _SAME)}, md5(s.summary), "
            "md5(s.explanation::text) FROM signals s JOIN episodes e ON e.id = s.episode_id "
            f"WHERE e.practice_id = {int(practice_id)} AND s.episode_id = ANY(:episodes) "
            "ORDER BY s.episode_id, s.id"
        ),
        {"episodes": sorted(episodes)},
    ):
        stored.setdefault(int(row[0]), []).append(tuple(row[1:]))
    return stored


def _changed(
    staged: Sequence[tuple[Any, ...]], stored: Mapping[int, Sequence[tuple[Any, ...]]]
) -> set[int]:
    """The episodes whose new signals, in order, differ from their stored ones: in any column
    that makes two signals the same, or in their words (by digest), or in number."""
    new: dict[int, list[tuple[Any, ...]]] = {}
    for e, c, s, t, sev, st, rule, _summary, _words, key, _inputs, summary_md5, words_md5 in staged:
        new.setdefault(e, []).append((c, s, t, sev, st, rule, key, summary_md5, words_md5))
    return {e for e in new.keys() | stored.keys() if new.get(e) != list(stored.get(e, ()))}


def _new_digests(
    staged: Sequence[tuple[Any, ...]],
    brief: Mapping[int, tuple[str | None, int]],
    changed: set[int],
) -> dict[int, str | None]:
    """The episodes kept as they are whose stored inputs digest is not their new one (after a
    per-episode recompute, say), with the digest to store."""
    new = {row[0]: row[10] for row in staged if row[0] not in changed}
    return {e: digest for e, digest in new.items() if brief.get(e, (None, 0))[0] != digest}


def _write_postgres(
    db: Session,
    practice_id: int,
    computed: _Computed,
    now: datetime,
    brief: Mapping[int, tuple[str | None, int]],
) -> int:
    """Rewrite only the episodes whose signals changed; leave the others' rows untouched.

    The episodes the compute step found unchanged by their inputs digest were not staged and
    are left as they are. Every other episode with new or stored signals is compared: it is
    unchanged when its stored signals, in id order, equal its new ones in order (every column
    but the times and acknowledgement, which an unchanged signal keeps anyway; the words by MD5
    digest): :func:`_changed`. Its inputs digest is brought up to date if need be, so that the
    next recompute need not compare it again. In the steady state nothing is written.

    The changed episodes' new signals go by ``COPY`` into a temporary table (no indexes, no
    foreign keys to check); their stored rows are deleted and the new ones inserted in order,
    each keeping the acknowledgement (and, while its status is unchanged, the time it was first
    raised) of the stored signal with the same key: what replacing every episode's signals
    would store, without rewriting the ones that did not change.
    """
    db.flush()
    staged = computed.rows
    candidates = ({row[0] for row in staged} | brief.keys()) - computed.unchanged
    if not candidates:
        return 0
    changed = _changed(staged, _stored_digests(db, practice_id, candidates))
    digests = _new_digests(staged, brief, changed)
    raw = db.connection().connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        if digests:
            _store_digests(cursor, digests)
        if changed:
            return _rewrite(cursor, staged, changed, now)
    return 0


def _store_digests(cursor: Any, digests: Mapping[int, str | None]) -> None:
    """Set the inputs digest of every stored signal of the given episodes."""
    cursor.execute("DROP TABLE IF EXISTS bulk_signals_digests")
    cursor.execute(
        "CREATE TEMPORARY TABLE bulk_signals_digests (episode_id integer, digest text) "
        "ON COMMIT DROP"
    )
    with cursor.copy("COPY bulk_signals_digests (episode_id, digest) FROM STDIN") as copy:
        for row in sorted(digests.items()):
            copy.write_row(row)
    cursor.execute(
        "UPDATE signals s SET inputs_digest = d.digest FROM bulk_signals_digests d "
        "WHERE s.episode_id = d.episode_id"
    )


def _rewrite(
    cursor: Any, staged: Sequence[tuple[Any, ...]], changed: set[int], now: datetime
) -> int:
    """Replace the stored signals of the ``changed`` episodes with their staged ones; returns
    how many are new (no stored signal had their key)."""
    # (Dropped at commit; dropped here too in case the caller's transaction is still open
    # after an earlier recompute, as inside a savepoint.)
    cursor.execute("DROP TABLE IF EXISTS bulk_signals_new, bulk_signals_changed")
    cursor.execute(
        "CREATE TEMPORARY TABLE bulk_signals_new (seq integer, episode_id integer, "
        "client_id integer, session_number integer, type text, severity text, status text, "
        "rule text, summary text, explanation text, key text, inputs_digest text) "
        "ON COMMIT DROP"
    )
    with cursor.copy(f"COPY bulk_signals_new ({', '.join(_STAGE_COLUMNS)}) FROM STDIN") as copy:
        for seq, row in enumerate(staged):
            if row[0] in changed:
                copy.write_row((seq, *row[:11]))
    cursor.execute(
        "CREATE TEMPORARY TABLE bulk_signals_changed (episode_id integer) ON COMMIT DROP"
    )
    with cursor.copy("COPY bulk_signals_changed (episode_id) FROM STDIN") as copy:
        for episode_id in sorted(changed):
            copy.write_row((episode_id,))
    cursor.execute(
        "WITH gone AS (DELETE FROM signals s USING bulk_signals_changed c "
        "WHERE s.episode_id = c.episode_id RETURNING s.id, s.episode_id, s.key, s.status, "
        "s.computed_at, s.acknowledged_at, s.acknowledged_by_user_id), "
        "before AS (SELECT DISTINCT ON (episode_id, key) * FROM gone "
        "ORDER BY episode_id, key, id DESC), "
        f"added AS (INSERT INTO signals ({', '.join(_SIGNAL_COLUMNS)}, acknowledged_at, "
        "acknowledged_by_user_id, inputs_digest) "
        "SELECT n.episode_id, n.client_id, n.session_number, n.type, n.severity, n.status, "
        "n.rule, n.summary, n.explanation::json, n.key, "
        "CASE WHEN b.status = n.status THEN b.computed_at ELSE %(now)s END, "
        "b.acknowledged_at, b.acknowledged_by_user_id, n.inputs_digest "
        "FROM bulk_signals_new n "
        "LEFT JOIN before b ON b.episode_id = n.episode_id AND b.key = n.key "
        "ORDER BY n.seq RETURNING 1) "
        "SELECT (SELECT count(*) FROM added), count(*) FROM bulk_signals_new n "
        "WHERE NOT EXISTS (SELECT 1 FROM before b "
        "WHERE b.episode_id = n.episode_id AND b.key = n.key)",
        {"now": now},
    )
    counted = cursor.fetchone()
    return int(counted[1]) if counted else 0


def _write_generic(
    db: Session, practice_id: int, rows: Sequence[tuple[Any, ...]], now: datetime
) -> int:
    """Swap the practice's signals with the ORM's executemany (SQLite and other databases)."""
    from bordin.storage.tables import EpisodeRow

    episodes = select(EpisodeRow.id).where(EpisodeRow.practice_id == practice_id)
    previous: dict[tuple[int, str], tuple[str, datetime, datetime | None, int | None]] = {}
    for row in db.execute(
        select(
            SignalRow.episode_id,
            SignalRow.key,
            SignalRow.status,
            SignalRow.computed_at,
            SignalRow.acknowledged_at,
            SignalRow.acknowledged_by_user_id,
        )
        .where(SignalRow.episode_id.in_(episodes))
        .order_by(SignalRow.id)
    ):
        previous[(row[0], row[1])] = (row[2], row[3], row[4], row[5])
    db.execute(delete(SignalRow).where(SignalRow.episode_id.in_(episodes)))
    new = 0
    values: list[dict[str, Any]] = []
    for episode_id, client_id, session, kind, severity, status, instrument, x in rows:
        key = key_for(
            kind, None if client_id is None else str(client_id), instrument, session, x.rule
        )
        value: dict[str, Any] = {
            "episode_id": episode_id,
            "client_id": client_id,
            "session_number": session,
            "type": kind,
            "severity": severity,
            "status": status,
            "rule": x.rule[:60],
            "summary": summary_of(x.sentence),
            "explanation": explanation_json(x, instrument),
            "key": key,
            "computed_at": now,
            "acknowledged_at": None,
            "acknowledged_by_user_id": None,
        }
        before = previous.get((episode_id, key))
        if before is None:
            new += 1
        else:
            if before[0] == status:
                value["computed_at"] = before[1]
            value["acknowledged_at"], value["acknowledged_by_user_id"] = before[2], before[3]
        values.append(value)
    if values:
        db.execute(insert(SignalRow), values)
    return new


# --------------------------------------------------------------------------------------------
# The use case


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration (it is switched back on after).

    The recompute allocates millions of short-lived objects (parsed rows, frames, explanation
    texts) that hold no reference cycles; the collector's full passes over every live object
    of the process took about a third of the recompute's time. Reference counting still frees
    everything as usual; the collector resumes its work afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def recompute_practice_bulk(
    db: Session,
    rt: Runtime,
    *,
    practice_id: int,
    min_fit_episodes: int = FIT_MIN_EPISODES,
) -> RecomputeSummary:
    """Recompute every episode of a practice (see the module docstring); one transaction.

    ``min_fit_episodes`` is the number of completed episodes a measure needs before the
    practice's own expected-recovery model is fitted and used. Raises ``NotFound`` for an
    unknown practice.
    """
    if db.get(PracticeRow, practice_id) is None:
        raise NotFound(f"practice {practice_id} not found")
    db.flush()
    now = rt.now()
    with _collector_paused():
        return _recompute(db, practice_id, now, min_fit_episodes)


def _recompute(
    db: Session, practice_id: int, now: datetime, min_fit_episodes: int
) -> RecomputeSummary:
    t0 = time.perf_counter()
    data = _read(db, practice_id, now.date())
    t1 = time.perf_counter()
    models, refitted = refresh_recovery_models(
        db,
        practice_id=practice_id,
        ratings=data.ratings,
        completed=data.completed,
        now=now,
        min_episodes=min_fit_episodes,
    )
    t2 = time.perf_counter()
    postgres = _is_postgres(db)
    computed = _compute(db, data, models, now, stage=postgres)
    t3 = time.perf_counter()
    if postgres:
        assert data.stored is not None  # read on PostgreSQL
        new = _write_postgres(db, practice_id, computed, now, data.stored)
    else:
        new = _write_generic(db, practice_id, computed.rows, now)
    db.commit()
    db.expire_all()
    t4 = time.perf_counter()
    by_type = {str(kind): count for kind, count in computed.by_type.items()}
    return RecomputeSummary(
        practice_id=practice_id,
        episodes=data.episodes,
        ratings=len(data.ratings),
        signals=sum(by_type.values()),
        new_signals=new,
        per_episode=len(data.special),
        fitted_models={k: m.n_episodes for k, m in sorted(models.items())},
        refitted=tuple(refitted),
        by_type=dict(sorted(by_type.items())),
        read_seconds=t1 - t0,
        fit_seconds=t2 - t1,
        compute_seconds=t3 - t2,
        write_seconds=t4 - t3,
    )
