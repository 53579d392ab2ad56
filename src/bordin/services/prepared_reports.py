"""Supervision report PDFs made in the background, kept encrypted until they expire.

Making a therapist's PDF can take several seconds (page layout of every client's section),
so asking for one does not make it: :func:`request_report` checks who is asking (the same
checks as the report itself: the therapist, their supervisor or the clinical lead; everyone
else is told it does not exist), notes the request and queues a ``supervision_report`` job
in the same transaction. The worker (:func:`prepare`) builds the report, encrypts the PDF with
the practice's encryption key (like client words) and marks it ready. The person who asked
sees a page that refreshes until the link appears.

Only the person who asked may download it, while they still may read it; every download is
audited as a read of each client in the report, as opening the PDF always was. A report is
removed :data:`LIFETIME` after it was asked for (a ``prepared_report_expiry`` job), and with
any client it shows when that client is erased. Job payloads hold the report's id only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import InvalidInput, NotFound
from bordin.reports.read.supervision_report import (
    BuiltReport,
    Period,
    client_report,
    report_client_for,
    report_therapist_for,
    therapist_report,
)
from bordin.services import audit, jobs
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.tables import ClientRow, PreparedReportRow, UserRow

#: How long a prepared report is kept after it was asked for.
LIFETIME = timedelta(hours=24)
JOB_KIND = "supervision_report"
EXPIRY_KIND = "prepared_report_expiry"


@dataclass(frozen=True)
class PreparedReport:
    """What the waiting page shows: the report's state in words, never a client's name."""

    id: int
    status: str  # preparing | ready | failed
    about: str
    period_start: date
    period_end: date
    expires_at: datetime


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    filename: str


def _subject(db: Session, actor: Actor, subject: str) -> UserRow | ClientRow:
    """The therapist or client a report is about, if ``actor`` may have it; else NotFound."""
    kind, _, number = subject.partition(":")
    if kind == "therapist":
        return report_therapist_for(db, actor, int(number))
    if kind == "client":
        return report_client_for(db, actor, int(number))
    raise NotFound("not found")


def request_report(db: Session, rt: Runtime, *, actor: Actor, subject: str, period: Period) -> int:
    """Ask for a supervision report on ``therapist:<id>`` or ``client:<id>``; returns its id.

    Asking again for the same report while an earlier one is still kept returns that one.
    A client not seen in the period is refused at once, naming the field.
    """
    about = _subject(db, actor, subject)
    if (
        isinstance(about, ClientRow)
        and not client_report(db, rt, client=about, period=period).data.clients
    ):
        raise InvalidInput(
            f"{about.pseudonym} had no sessions between {period.start} and {period.end}; "
            "choose a period in which they were seen",
            field="start",
        )
    now = rt.now()
    earlier = db.scalar(
        select(PreparedReportRow.id).where(
            PreparedReportRow.requested_by_user_id == actor.user_id,
            PreparedReportRow.subject == subject,
            PreparedReportRow.period_start == period.start,
            PreparedReportRow.period_end == period.end,
            PreparedReportRow.status != "failed",
            PreparedReportRow.expires_at > now,
        )
    )
    if earlier is not None:
        return earlier
    stem = (
        f"supervision-therapist-{about.id}"
        if isinstance(about, UserRow)
        else f"supervision-{about.pseudonym}"
    )
    row = PreparedReportRow(
        practice_id=actor.practice_id,
        requested_by_user_id=actor.user_id,
        subject=subject,
        period_start=period.start,
        period_end=period.end,
        status="preparing",
        filename=f"{stem}-{period.start}-{period.end}.pdf",
        client_ids=[],
        created_at=now,
        expires_at=now + LIFETIME,
    )
    db.add(row)
    db.flush()
    jobs.enqueue(
        db, kind=JOB_KIND, key=f"report:{row.id}", run_at=now, payload={"report_id": row.id}
    )
    jobs.enqueue(
        db,
        kind=EXPIRY_KIND,
        key=f"report:{row.id}:expiry",
        run_at=row.expires_at,
        payload={"report_id": row.id},
        now=now,
    )
    db.commit()
    return row.id


def prepare(db: Session, rt: Runtime, *, report_id: int, give_up: bool = False) -> None:
    """Build and store the report (the worker's ``supervision_report`` job); no commit.

    ``give_up``: this is the last attempt, so a failure marks the report failed (the waiting
    page then says so) instead of raising for a retry.
    """
    from bordin.reports.supervision_report import render_supervision_report_pdf

    row = db.get(PreparedReportRow, report_id)
    if row is None or row.status != "preparing":
        return  # expired, erased or already made
    try:
        built = _build(db, rt, row)
        pdf = render_supervision_report_pdf(built.data)
    except Exception:
        if not give_up:
            raise
        row.status = "failed"
        return
    row.pdf_sealed = rt.cipher.seal_bytes(pdf)
    row.client_ids = list(built.client_ids)
    row.status = "ready"
    row.ready_at = rt.now()


def _build(db: Session, rt: Runtime, row: PreparedReportRow) -> BuiltReport:
    period = Period(row.period_start, row.period_end)
    kind, _, number = row.subject.partition(":")
    if kind == "therapist":
        therapist = db.get(UserRow, int(number))
        if therapist is None:
            raise NotFound("not found")
        return therapist_report(db, rt, therapist=therapist, period=period)
    client = db.get(ClientRow, int(number))
    if client is None:
        raise NotFound("not found")
    return client_report(db, rt, client=client, period=period)


def _own(
    db: Session, rt: Runtime, actor: Actor, report_id: int
) -> tuple[PreparedReportRow, UserRow | ClientRow]:
    """The report and its subject if ``actor`` asked for it, it has not expired and they may
    still have it; else NotFound."""
    row = db.get(PreparedReportRow, report_id)
    if (
        row is None
        or row.requested_by_user_id != actor.user_id
        or row.practice_id != actor.practice_id
        or row.expires_at <= rt.now()
    ):
        raise NotFound("not found")
    return row, _subject(db, actor, row.subject)


def prepared_report(db: Session, rt: Runtime, *, actor: Actor, report_id: int) -> PreparedReport:
    """The state of a report ``actor`` asked for (the waiting page)."""
    row, about = _own(db, rt, actor, report_id)
    words = f"{about.display_name}'s caseload" if isinstance(about, UserRow) else "one client"
    return PreparedReport(
        row.id, row.status, words, row.period_start, row.period_end, row.expires_at
    )


def download(
    db: Session, rt: Runtime, *, actor: Actor, report_id: int, origin: Origin | None = None
) -> ReportFile:
    """The PDF, for the person who asked for it; each client in it is audited as read."""
    row, _ = _own(db, rt, actor, report_id)
    content = rt.cipher.open_bytes(row.pdf_sealed) if row.status == "ready" else None
    if content is None:
        raise NotFound("not found")
    for client_id in row.client_ids:
        audit.record(
            db,
            actor=actor,
            action="read",
            entity="supervision_report",
            entity_id=row.subject,
            client_id=int(client_id),
            origin=origin,
            at=rt.now(),
            detail={
                "period_start": row.period_start.isoformat(),
                "period_end": row.period_end.isoformat(),
            },
        )
    db.commit()
    return ReportFile(content, row.filename)


def expire(db: Session, rt: Runtime, *, report_id: int) -> None:
    """Remove the report once its time is up (the ``prepared_report_expiry`` job); no commit."""
    db.execute(
        delete(PreparedReportRow).where(
            PreparedReportRow.id == report_id, PreparedReportRow.expires_at <= rt.now()
        )
    )


def purge_for_client(db: Session, *, client_id: int, practice_id: int) -> int:
    """Remove the reports that show the client (erasure); returns how many went. No commit."""
    rows = db.scalars(
        select(PreparedReportRow).where(PreparedReportRow.practice_id == practice_id)
    ).all()
    gone = [
        r.id
        for r in rows
        if r.subject == f"client:{client_id}" or client_id in (r.client_ids or [])
    ]
    if gone:
        db.execute(delete(PreparedReportRow).where(PreparedReportRow.id.in_(gone)))
    return len(gone)
