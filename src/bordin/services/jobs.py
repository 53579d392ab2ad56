"""The durable job table: enqueue work for later, claim it with a lease, finish it once.

Life of a job (``docs/worker.md``, ADR 0008)
--------------------------------------------
1. **Enqueued** (:func:`enqueue`) inside the caller's transaction, so the job exists exactly
   when the booking, submission or attendance that asked for it does. ``key`` is unique:
   enqueueing a key again moves a queued job (new ``run_at`` and ``payload``) and revives a
   cancelled one; a finished job stays finished unless ``again=True``, which asks for the work
   to be done once more (the signal recompute after each submission).
2. **Claimed** (:func:`claim`) by one statement that moves due jobs to ``running`` with a lease:
   ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)`` on PostgreSQL, the same
   ``UPDATE ... WHERE status = 'queued'`` on SQLite, whose writers are serialised. A job whose
   lease ran out (its worker crashed or hung) is due again and is claimed by the next worker.
3. **Finished** (:func:`finish`) or **failed** (:func:`fail`) only by the holder of the lease.
   A failure that may pass is retried with a growing delay; after ``MAX_ATTEMPTS`` or a
   permanent failure the job is ``failed`` and stays in the table for an administrator to see.

Handlers that send messages write a delivery record (``DeliveryRow``) before the job finishes,
so a job re-run after a crash does not send the same message twice.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput
from bordin.services.runtime import Runtime
from bordin.storage.tables import JobRow

#: How long a claimed job belongs to its worker before another may take it over.
DEFAULT_LEASE = timedelta(minutes=5)
#: Kinds whose work can outlast the default lease, and their own. Fitting a practice's triage
#: model takes about a minute on an idle core; on a busy machine it could pass five, and
#: another worker would then fit the same model a second time.
LONG_LEASES: Mapping[str, timedelta] = {"triage_retrain": timedelta(minutes=30)}
#: Attempts before a job that keeps failing is given up (``status = 'failed'``).
MAX_ATTEMPTS = 6
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker holds the lease on."""

    id: int
    kind: str
    key: str
    payload: Mapping[str, Any]
    attempts: int
    lease_token: str


def _is_postgres(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def enqueue(
    db: Session,
    *,
    kind: str,
    key: str,
    run_at: datetime,
    payload: Mapping[str, Any] | None = None,
    again: bool = False,
    now: datetime | None = None,
) -> None:
    """Add (or move) the job called ``key``; never commits (it joins the caller's transaction).

    One statement (``INSERT ... ON CONFLICT (key) DO UPDATE``) on both databases, so two
    requests enqueueing the same key at once leave one job.
    """
    if not kind or len(kind) > 40:
        raise InvalidInput("must be a short name", field="kind")
    if not key or len(key) > 200:
        raise InvalidInput("must be 1 to 200 characters", field="key")
    if run_at.tzinfo is None:
        raise InvalidInput("needs a time zone", field="run_at")
    # Core, not the ORM: no autoflush, no ORM bulk-insert machinery (this runs on every
    # feedback submission); the connection is the session's, so it is the same transaction.
    db.connection().execute(
        _upsert(db.get_bind().dialect.name, again),
        {
            "kind": kind,
            "key": key,
            "payload": dict(payload or {}),
            "run_at": run_at,
            "created_at": now or run_at,
        },
    )


@functools.cache
def _upsert(dialect: str, again: bool) -> Any:
    """The enqueue statement, built once per database kind (building it costs more than
    running it). The values are bound parameters named after the columns."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    columns = JobRow.__table__.c
    stmt = insert(JobRow).values(
        kind=bindparam("kind"),
        key=bindparam("key"),
        payload=bindparam("payload", type_=columns.payload.type),
        status="queued",
        run_at=bindparam("run_at", type_=columns.run_at.type),
        attempts=0,
        run_again=False,
        created_at=bindparam("created_at", type_=columns.created_at.type),
    )
    revive: ColumnElement[bool] = columns.status.in_(("queued", "cancelled"))
    if again:
        revive = or_(revive, columns.status.in_(("done", "failed")))
    return stmt.on_conflict_do_update(
        index_elements=[columns.key],
        set_={
            "status": case((revive, "queued"), else_=columns.status),
            "run_at": case((revive, stmt.excluded.run_at), else_=columns.run_at),
            "payload": case((revive, stmt.excluded.payload), else_=columns.payload),
            "attempts": case((revive, 0), else_=columns.attempts),
            "run_again": or_(columns.run_again, and_(columns.status == "running", literal(again))),
        },
    )


def cancel(db: Session, *, key: str) -> None:
    """Cancel the queued job called ``key`` (a running or finished one is left alone)."""
    db.execute(
        update(JobRow)
        .where(JobRow.key == key, JobRow.status == "queued")
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


def cancel_prefix(db: Session, *, prefix: str, keep: Iterable[str] = ()) -> None:
    """Cancel every queued job whose key starts with ``prefix``, except those in ``keep``."""
    kept = list(keep)
    condition = and_(JobRow.key.startswith(prefix, autoescape=True), JobRow.status == "queued")
    if kept:
        condition = and_(condition, JobRow.key.not_in(kept))
    db.execute(
        update(JobRow)
        .where(condition)
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


def due_condition(now: datetime) -> Any:
    """Queued jobs whose time has come, and running jobs whose lease has run out."""
    return or_(
        and_(JobRow.status == "queued", JobRow.run_at <= now),
        and_(JobRow.status == "running", JobRow.lease_until < now),
    )


def claim(
    db: Session,
    rt: Runtime,
    *,
    limit: int = 200,
    lease: timedelta = DEFAULT_LEASE,
) -> list[ClaimedJob]:
    """Take up to ``limit`` due jobs for this worker and commit the claim (one statement).

    The due jobs are picked by two subqueries that each walk the ``(status, run_at)`` index:
    queued jobs by ``run_at`` (oldest first), and running jobs whose lease ran out (few). A
    kind in :data:`LONG_LEASES` is leased for its own time, if that is longer than ``lease``.
    """
    now = rt.now()
    lease_type = JobRow.lease_until.type
    lease_until = case(
        *(
            (JobRow.kind == kind, literal(now + max(lease, own), lease_type))
            for kind, own in LONG_LEASES.items()
        ),
        else_=literal(now + lease, lease_type),
    )
    token = secrets.token_hex(16)
    queued = (
        select(JobRow.id)
        .where(JobRow.status == "queued", JobRow.run_at <= now)
        .order_by(JobRow.run_at)
        .limit(limit)
    )
    expired = (
        select(JobRow.id).where(JobRow.status == "running", JobRow.lease_until < now).limit(limit)
    )
    if _is_postgres(db):
        queued = queued.with_for_update(skip_locked=True)
        expired = expired.with_for_update(skip_locked=True)
    rows = db.execute(
        update(JobRow)
        .where(
            or_(JobRow.id.in_(queued.scalar_subquery()), JobRow.id.in_(expired.scalar_subquery()))
        )
        .values(
            status="running",
            lease_until=lease_until,
            lease_token=token,
            attempts=JobRow.attempts + 1,
            run_again=False,
        )
        .returning(JobRow.id, JobRow.kind, JobRow.key, JobRow.payload, JobRow.attempts)
        .execution_options(synchronize_session=False)
    ).all()
    db.commit()
    return sorted(
        (ClaimedJob(r.id, r.kind, r.key, r.payload or {}, r.attempts, token) for r in rows),
        key=lambda job: job.id,
    )


def finish(db: Session, rt: Runtime, jobs: Iterable[ClaimedJob]) -> int:
    """Mark jobs done (or queued again if re-enqueued while running); no commit.

    Only jobs whose lease this worker still holds change (one statement per lease); returns
    how many did.
    """
    by_lease: dict[str, list[int]] = {}
    for job in jobs:
        by_lease.setdefault(job.lease_token, []).append(job.id)
    done = 0
    for token, ids in by_lease.items():
        result = db.execute(
            update(JobRow)
            .where(JobRow.id.in_(ids), JobRow.lease_token == token)
            .values(
                status=case((JobRow.run_again, "queued"), else_="done"),
                run_again=False,
                lease_token=None,
                lease_until=None,
                finished_at=rt.now(),
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
        done += int(getattr(result, "rowcount", 0) or 0)
    return done


def fail(
    db: Session, rt: Runtime, job: ClaimedJob, *, reason: str, permanent: bool = False
) -> None:
    """Record a failed attempt: retry later with a growing delay, or give up. Commits.

    ``reason`` is stored, so it must never hold client data (an error class name, a code).
    """
    give_up = permanent or job.attempts >= MAX_ATTEMPTS
    delay = timedelta(minutes=2 ** min(job.attempts, 8))
    db.execute(
        update(JobRow)
        .where(JobRow.id == job.id, JobRow.lease_token == job.lease_token)
        .values(
            status="failed" if give_up else "queued",
            run_at=rt.now() + delay,
            lease_token=None,
            lease_until=None,
            last_error=reason[:200],
            finished_at=rt.now() if give_up else None,
        )
        .execution_options(synchronize_session=False)
    )
    db.commit()


def counts(db: Session) -> dict[str, int]:
    """Jobs by status (for ``bordin worker --status`` and the docs)."""
    return {
        status: int(n)
        for status, n in db.execute(select(JobRow.status, func.count()).group_by(JobRow.status))
    }


def run_due_jobs(db: Session, rt: Runtime, *, limit: int = 200) -> int:
    """Run every job due now, as the worker would, and return how many ran (for tests too)."""
    from bordin.services.worker import run_due

    return run_due(db, rt, limit=limit)
