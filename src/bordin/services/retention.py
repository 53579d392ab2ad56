"""Retention: each practice's periods, and the purge of what has passed them (ADR 0004).

:func:`run_retention` is what ``bordin retention run`` and the daily ``retention`` job do. For
each practice it reads the periods (``retention_settings``, or the defaults in
``domain/retention.py``) and, with the clock the runtime gives (``rt.now()``):

1. erases clients whose care ended longer ago than ``closed_records`` and who have nothing
   open, and people whose referral closed without therapy longer ago than
   ``unmatched_intake`` (``services/erasure.py``: each leaves a tombstone);
2. empties written feedback older than ``feedback_text`` (scores stay), with the copy a
   triage correction kept;
3. removes delivery records, read alerts, finished jobs, ended sign-ins and links, counted
   attempts and audit events older than their periods (erasure tombstones are kept).

Jobs and counted sign-in attempts belong to no one practice: they follow the longest period any
practice chose. Everything is one transaction; the counts per kind are returned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_request_erasure
from bordin.domain.erasure import RETENTION_REASON
from bordin.domain.errors import NotFound
from bordin.domain.retention import (
    RECORD_KINDS,
    RetentionPeriods,
    default_periods,
    parse_periods,
)
from bordin.services import audit, jobs
from bordin.services.audit import Origin
from bordin.services.erasure import erase_for_retention
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AlertRow,
    AuditEventRow,
    AuthSessionRow,
    ClientPreferenceRow,
    ClientRow,
    DeliveryRow,
    EpisodeRow,
    ErasureRequestRow,
    IdempotencyKeyRow,
    IntakeRow,
    JobRow,
    LoginAttemptRow,
    MagicLinkRow,
    MatchRow,
    ParticipantRow,
    PracticeRow,
    RetentionSettingsRow,
    SubmissionRow,
    TriageCorrectionRow,
    UserRow,
)

FINISHED_JOBS = ("done", "failed", "cancelled")
#: The hour (UTC) the daily retention job runs: a quiet time for most practices.
RETENTION_HOUR = 3


@dataclass
class RetentionReport:
    """Rows removed (or emptied) per kind of record, over every practice."""

    removed: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        labels = {kind.key: kind.label for kind in RECORD_KINDS}
        return [f"{labels[kind.key]}: {self.removed.get(kind.key, 0)}" for kind in RECORD_KINDS]


def periods_for(db: Session, practice_id: int) -> RetentionPeriods:
    row = db.get(RetentionSettingsRow, practice_id)
    if row is None:
        return default_periods()
    return RetentionPeriods({kind.key: int(getattr(row, kind.field)) for kind in RECORD_KINDS})


def save_periods(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    form: Mapping[str, str],
    origin: Origin | None = None,
) -> RetentionPeriods:
    """Set the practice's periods from a form (admin only); audited; commits.

    Every bad field is reported at once (``InvalidInput``) and nothing changes.
    """
    if not may_request_erasure(actor):
        raise NotFound("not found")
    periods = parse_periods(form)
    row = db.get(RetentionSettingsRow, actor.practice_id)
    if row is None:
        row = RetentionSettingsRow(practice_id=actor.practice_id, updated_at=rt.now())
        db.add(row)
    for kind in RECORD_KINDS:
        setattr(row, kind.field, periods.days[kind.key])
    row.updated_at = rt.now()
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="retention_settings",
        entity_id=actor.practice_id,
        origin=origin,
        at=rt.now(),
        detail={"days": dict(periods.days)},
    )
    db.commit()
    return periods


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _delete(db: Session, table: type, condition: ColumnElement[bool]) -> int:
    return _count(
        db.execute(delete(table).where(condition).execution_options(synchronize_session=False))
    )


def run_retention(db: Session, rt: Runtime) -> RetentionReport:
    """Purge what has passed its period in every practice (see the module docstring); commits."""
    now = rt.now()
    report = RetentionReport()
    longest: dict[str, int] = {}
    for practice_id in db.scalars(select(PracticeRow.id).order_by(PracticeRow.id)).all():
        periods = periods_for(db, practice_id)
        for key, days in periods.days.items():
            longest[key] = max(longest.get(key, 0), days)
        _purge_practice(db, rt, practice_id, periods, report, now)
    if longest:
        _purge_install(db, RetentionPeriods(longest), report, now)
    db.commit()
    return report


def _purge_practice(
    db: Session,
    rt: Runtime,
    practice_id: int,
    periods: RetentionPeriods,
    report: RetentionReport,
    now: datetime,
) -> None:
    clients = select(ClientRow.id).where(ClientRow.practice_id == practice_id)
    staff = select(UserRow.id).where(UserRow.practice_id == practice_id)

    for client_id in _closed_records(db, practice_id, periods.cutoff("closed_records", now)):
        erase_for_retention(
            db, rt, practice_id=practice_id, client_id=client_id, reason=RETENTION_REASON
        )
        report.removed["closed_records"] += 1
    report.removed["unmatched_intake"] += _unmatched_intake(
        db, rt, practice_id, periods.cutoff("unmatched_intake", now)
    )

    text_cutoff = periods.cutoff("feedback_text", now)
    old = [
        submission_id
        for submission_id, text, evidence in db.execute(
            select(
                SubmissionRow.id, SubmissionRow.text_encrypted, SubmissionRow.triage_evidence
            ).where(SubmissionRow.client_id.in_(clients), SubmissionRow.received_at < text_cutoff)
        )
        if text is not None or evidence
    ]
    if old:
        db.execute(
            update(SubmissionRow)
            .where(SubmissionRow.id.in_(old))
            .values(text_encrypted=None, triage_evidence=[])
            .execution_options(synchronize_session=False)
        )
    report.removed["feedback_text"] += len(old)
    report.removed["feedback_text"] += _delete(
        db,
        TriageCorrectionRow,
        and_(
            TriageCorrectionRow.practice_id == practice_id,
            TriageCorrectionRow.submission_id.in_(
                select(SubmissionRow.id).where(SubmissionRow.received_at < text_cutoff)
            ),
        ),
    )

    notices = periods.cutoff("notification_records", now)
    report.removed["notification_records"] += _delete(
        db, DeliveryRow, and_(DeliveryRow.client_id.in_(clients), DeliveryRow.at < notices)
    )
    report.removed["notification_records"] += _delete(
        db,
        AlertRow,
        and_(AlertRow.recipient_user_id.in_(staff), AlertRow.read_at < notices),
    )

    sign_ins = periods.cutoff("sign_in_records", now)
    report.removed["sign_in_records"] += _delete(
        db,
        AuthSessionRow,
        and_(
            or_(AuthSessionRow.user_id.in_(staff), AuthSessionRow.client_id.in_(clients)),
            func.coalesce(AuthSessionRow.revoked_at, AuthSessionRow.expires_at) < sign_ins,
        ),
    )
    report.removed["sign_in_records"] += _delete(
        db,
        MagicLinkRow,
        and_(
            MagicLinkRow.client_id.in_(clients),
            func.coalesce(MagicLinkRow.used_at, MagicLinkRow.expires_at) < sign_ins,
        ),
    )

    report.removed["audit_trail"] += _delete(
        db,
        AuditEventRow,
        and_(
            AuditEventRow.practice_id == practice_id,
            AuditEventRow.at < periods.cutoff("audit_trail", now),
            AuditEventRow.entity != "client_erasure",
        ),
    )


def _closed_records(db: Session, practice_id: int, cutoff: datetime) -> list[int]:
    """Clients whose every episode ended before ``cutoff`` and who have nothing open."""
    ended = (
        select(ParticipantRow.client_id)
        .join(EpisodeRow, EpisodeRow.id == ParticipantRow.episode_id)
        .join(ClientRow, ClientRow.id == ParticipantRow.client_id)
        .where(ClientRow.practice_id == practice_id)
        .group_by(ParticipantRow.client_id)
        .having(
            # every episode has ended (an active one has no end date) ...
            func.count() == func.count(EpisodeRow.ended_on),
            # ... and the last ended before the cutoff
            func.max(EpisodeRow.ended_on) < cutoff.date(),
        )
    )
    return [c for c in db.scalars(ended).all() if not _has_open_business(db, c)]


def _has_open_business(db: Session, client_id: int) -> bool:
    """A referral waiting, or an erasure request waiting: leave the client to people."""
    waiting = db.scalar(
        select(IntakeRow.id).where(IntakeRow.client_id == client_id, IntakeRow.status == "waiting")
    )
    pending = db.scalar(
        select(ErasureRequestRow.id).where(
            ErasureRequestRow.client_id == client_id, ErasureRequestRow.status == "pending"
        )
    )
    return waiting is not None or pending is not None


def _unmatched_intake(db: Session, rt: Runtime, practice_id: int, cutoff: datetime) -> int:
    """Referrals closed without therapy before ``cutoff``; the person too if they never had an
    episode and nothing else is open."""
    referrals = db.execute(
        select(IntakeRow.id, IntakeRow.client_id).where(
            IntakeRow.practice_id == practice_id,
            IntakeRow.status == "closed",
            IntakeRow.episode_id.is_(None),
            IntakeRow.closed_at < cutoff,
        )
    ).all()
    removed = 0
    for intake_id, client_id in referrals:
        if db.get(IntakeRow, intake_id) is None:
            continue  # went with an earlier erasure of the same person
        had_care = db.scalar(
            select(ParticipantRow.id).where(ParticipantRow.client_id == client_id).limit(1)
        )
        others = db.scalar(
            select(IntakeRow.id).where(
                IntakeRow.client_id == client_id,
                IntakeRow.id != intake_id,
                IntakeRow.status != "closed",
            )
        )
        if had_care is None and others is None and not _has_open_business(db, client_id):
            erase_for_retention(
                db, rt, practice_id=practice_id, client_id=client_id, reason=RETENTION_REASON
            )
        else:
            for table, column in (
                (ClientPreferenceRow, ClientPreferenceRow.intake_id),
                (MatchRow, MatchRow.intake_id),
            ):
                db.execute(
                    update(table)
                    .where(column == intake_id)
                    .values(intake_id=None)
                    .execution_options(synchronize_session=False)
                )
            _delete(db, IntakeRow, IntakeRow.id == intake_id)
        removed += 1
    return removed


def _purge_install(
    db: Session, periods: RetentionPeriods, report: RetentionReport, now: datetime
) -> None:
    """Records that belong to no one practice, by the longest period any practice chose."""
    notices = periods.cutoff("notification_records", now)
    report.removed["notification_records"] += _delete(
        db,
        JobRow,
        and_(
            JobRow.status.in_(FINISHED_JOBS),
            func.coalesce(JobRow.finished_at, JobRow.created_at) < notices,
        ),
    )
    report.removed["notification_records"] += _delete(
        db, DeliveryRow, and_(DeliveryRow.client_id.is_(None), DeliveryRow.at < notices)
    )
    report.removed["sign_in_records"] += _delete(
        db, LoginAttemptRow, LoginAttemptRow.at < periods.cutoff("sign_in_records", now)
    )
    # Stored answers to API writes (ADR 0011) are only needed while a client might retry.
    report.removed["sign_in_records"] += _delete(
        db, IdempotencyKeyRow, IdempotencyKeyRow.created_at < periods.cutoff("sign_in_records", now)
    )
    report.removed["audit_trail"] += _delete(
        db,
        AuditEventRow,
        and_(
            AuditEventRow.practice_id.is_(None),
            AuditEventRow.at < periods.cutoff("audit_trail", now),
            AuditEventRow.entity != "client_erasure",
        ),
    )


def schedule_next_retention(db: Session, rt: Runtime) -> None:
    """Queue the next daily retention run at ``RETENTION_HOUR`` UTC (one job a day, by key)."""
    now = rt.now()
    at = now.replace(hour=RETENTION_HOUR, minute=0, second=0, microsecond=0)
    if at <= now:
        at += timedelta(days=1)
    jobs.enqueue(db, kind="retention", key=f"retention:{at.date().isoformat()}", run_at=at, now=now)
    db.commit()
