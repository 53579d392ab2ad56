"""The worker: runs due jobs from the durable job table (``bordin worker``).

Each kind of job has one handler here. A handler gets the jobs of its kind that one claim took
(``recompute`` jobs are coalesced: one batch recompute for all queued episodes) and does the
work; :func:`run_due` then marks them done in the same transaction. A handler that raises
leaves its jobs to be retried (``jobs.fail``); a worker that dies leaves them ``running``
until their lease runs out, when the next worker claims them again. See ``docs/worker.md``.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bordin.notify.base import DeliveryError
from bordin.services import jobs
from bordin.services.jobs import ClaimedJob
from bordin.services.runtime import Runtime

log = logging.getLogger("bordin.worker")

Handler = Callable[[Session, Runtime, Sequence[ClaimedJob]], None]


def _recompute(db: Session, rt: Runtime, batch: Sequence[ClaimedJob]) -> None:
    from bordin.services.signals import recompute_episodes

    ids = [int(job.payload["episode_id"]) for job in batch]
    recompute_episodes(db, rt, episode_ids=ids)


def _one_by_one(run: Callable[[Session, Runtime, ClaimedJob], None]) -> Handler:
    def handler(db: Session, rt: Runtime, batch: Sequence[ClaimedJob]) -> None:
        for job in batch:
            run(db, rt, job)

    return handler


def _reminder(db: Session, rt: Runtime, job: ClaimedJob) -> None:
    from bordin.services.reminders import send_reminder

    send_reminder(db, rt, job=job)


def _booking_email(db: Session, rt: Runtime, job: ClaimedJob) -> None:
    from bordin.services.calendar import send_booking_email

    send_booking_email(db, rt, job=job)


def _session_ended(db: Session, rt: Runtime, job: ClaimedJob) -> None:
    from bordin.services.attendance import session_ended

    session_ended(db, rt, appointment_id=int(job.payload["appointment_id"]))


def _feedback_links(db: Session, rt: Runtime, job: ClaimedJob) -> None:
    from bordin.services.attendance import send_feedback_links

    send_feedback_links(db, rt, appointment_id=int(job.payload["appointment_id"]))


def _digest(db: Session, rt: Runtime, job: ClaimedJob) -> None:
    from bordin.services.alerts import send_daily_digest

    send_daily_digest(db, rt, now=rt.now())
    schedule_next_digest(db, rt)


def _retention(db: Session, rt: Runtime, job: ClaimedJob) -> None:
    from bordin.services.retention import run_retention, schedule_next_retention

    report = run_retention(db, rt)
    log.info("retention run: %s", dict(report.removed))
    schedule_next_retention(db, rt)


def _supervision_report(db: Session, rt: Runtime, job: ClaimedJob) -> None:
    from bordin.services.prepared_reports import prepare

    prepare(
        db, rt, report_id=int(job.payload["report_id"]), give_up=job.attempts >= jobs.MAX_ATTEMPTS
    )


def _triage_retrain(db: Session, rt: Runtime, job: ClaimedJob) -> None:
    from bordin.domain.errors import InvalidInput
    from bordin.services.triage_practice_model import retrain

    practice_id = int(job.payload["practice_id"])
    try:
        report = retrain(db, rt, practice_id=practice_id)
    except InvalidInput:
        # The corrections went (a client erased) between the request and the run.
        log.warning("triage retrain for practice %s: no corrections left", practice_id)
        return
    log.info("triage retrain for practice %s: model %s", practice_id, report.model_id)


def _prepared_report_expiry(db: Session, rt: Runtime, job: ClaimedJob) -> None:
    from bordin.services.prepared_reports import expire

    expire(db, rt, report_id=int(job.payload["report_id"]))


#: kind -> handler. ``recompute`` takes the whole batch at once; the others go one by one.
HANDLERS: dict[str, Handler] = {
    "recompute": _recompute,
    "reminder": _one_by_one(_reminder),
    "booking_email": _one_by_one(_booking_email),
    "session_ended": _one_by_one(_session_ended),
    "feedback_links": _one_by_one(_feedback_links),
    "digest": _one_by_one(_digest),
    "retention": _one_by_one(_retention),
    "supervision_report": _one_by_one(_supervision_report),
    "prepared_report_expiry": _one_by_one(_prepared_report_expiry),
    "triage_retrain": _one_by_one(_triage_retrain),
}


def schedule_next_digest(db: Session, rt: Runtime) -> None:
    """Queue the next daily digest at ``digest_hour`` UTC (one job per day, by key)."""
    now = rt.now()
    at = now.replace(hour=rt.settings.digest_hour, minute=0, second=0, microsecond=0)
    if at <= now:
        at += timedelta(days=1)
    jobs.enqueue(db, kind="digest", key=f"digest:{at.date().isoformat()}", run_at=at, now=now)
    db.commit()


def run_due(db: Session, rt: Runtime, *, limit: int = 200) -> int:
    """Claim and run due jobs until none is left; returns how many ran."""
    ran = 0
    while True:
        claimed = jobs.claim(db, rt, limit=limit)
        if not claimed:
            return ran
        by_kind: dict[str, list[ClaimedJob]] = defaultdict(list)
        for job in claimed:
            by_kind[job.kind].append(job)
        # Long jobs last, so that the others finish well inside their shorter lease.
        for kind in sorted(by_kind, key=lambda k: k in jobs.LONG_LEASES):
            run_batch(db, rt, kind, by_kind[kind])
        ran += len(claimed)


def run_batch(db: Session, rt: Runtime, kind: str, batch: Sequence[ClaimedJob]) -> None:
    """Run one kind's claimed jobs and mark them done; on failure, record it for a retry."""
    handler = HANDLERS.get(kind)
    if handler is None:
        for job in batch:
            jobs.fail(db, rt, job, reason=f"no handler for kind {kind}", permanent=True)
        return
    try:
        handler(db, rt, batch)
        jobs.finish(db, rt, batch)
        db.commit()
    except DeliveryError as error:
        db.rollback()
        log.warning(
            "%s job(s) %s failed: delivery (permanent=%s)", kind, _ids(batch), error.permanent
        )
        for job in batch:
            jobs.fail(db, rt, job, reason="delivery failed", permanent=error.permanent)
    except Exception as error:
        db.rollback()
        log.error("%s job(s) %s failed: %s", kind, _ids(batch), type(error).__name__)
        log.debug("job failure", exc_info=True)
        for job in batch:
            jobs.fail(db, rt, job, reason=type(error).__name__)


def _ids(batch: Sequence[ClaimedJob]) -> str:
    return ",".join(str(job.id) for job in batch[:10])


def run_forever(
    sessions: sessionmaker[Session],
    rt: Runtime,
    *,
    stop: threading.Event,
    poll_seconds: float = 1.0,
) -> None:
    """The worker loop: run due jobs, wait ``poll_seconds`` when there were none, until ``stop``."""
    from bordin.services.retention import schedule_next_retention

    with sessions() as db:
        schedule_next_digest(db, rt)
        schedule_next_retention(db, rt)
    log.info("worker started")
    while not stop.is_set():
        try:
            with sessions() as db:
                ran = run_due(db, rt)
        except Exception as error:  # the database went away: wait and try again
            log.error("worker loop error: %s", type(error).__name__)
            ran = 0
        if not ran:
            stop.wait(poll_seconds)
    log.info("worker stopped")
