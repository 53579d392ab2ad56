"""Supervision reports made by the worker: stored encrypted, for the person who asked only,
removed when they expire or when a client they show is erased."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import NotFound
from bordin.reports.read.supervision_report import Period
from bordin.services import prepared_reports
from bordin.services.jobs import run_due_jobs
from bordin.services.runtime import Runtime
from bordin.storage.tables import JobRow, PreparedReportRow
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.integration.reports.helpers import rate

PERIOD = Period(date(2026, 9, 1), date(2026, 11, 2))


@pytest.fixture
def asked(db: Session, rt: Runtime, cast: Cast) -> int:
    rate(
        db,
        rt,
        client_id=cast.ash.id,
        episode_id=cast.ash_episode.id,
        sessions=cast.ash_sessions[:3],
        alliance=[9, 6, 9],
    )
    return prepared_reports.request_report(
        db, rt, actor=cast.actor(cast.alice), subject=f"therapist:{cast.alice.id}", period=PERIOD
    )


def test_asking_queues_a_job_holding_only_the_reports_id(
    db: Session, rt: Runtime, cast: Cast, asked: int
) -> None:
    job = db.scalars(select(JobRow).where(JobRow.kind == "supervision_report")).one()
    assert job.payload == {"report_id": asked}
    state = prepared_reports.prepared_report(db, rt, actor=cast.actor(cast.alice), report_id=asked)
    assert state.status == "preparing"


def test_the_job_makes_the_pdf_stores_it_encrypted_and_offers_the_link(
    db: Session, rt: Runtime, cast: Cast, asked: int
) -> None:
    run_due_jobs(db, rt)
    row = db.get(PreparedReportRow, asked)
    assert row is not None and row.status == "ready" and row.pdf_sealed is not None
    assert not row.pdf_sealed.startswith(b"%PDF")  # sealed at rest
    assert cast.ash.id in row.client_ids
    state = prepared_reports.prepared_report(db, rt, actor=cast.actor(cast.alice), report_id=asked)
    assert state.status == "ready"
    pdf = prepared_reports.download(db, rt, actor=cast.actor(cast.alice), report_id=asked)
    assert pdf.content.startswith(b"%PDF")
    assert pdf.filename.endswith("-2026-09-01-2026-11-02.pdf")


@pytest.mark.parametrize("who", ["sue", "bob", "charlie"])
def test_nobody_but_the_person_who_asked_may_download_it(
    db: Session, rt: Runtime, cast: Cast, asked: int, who: str
) -> None:
    run_due_jobs(db, rt)
    with pytest.raises(NotFound):
        prepared_reports.download(db, rt, actor=cast.actor(getattr(cast, who)), report_id=asked)


def test_it_is_deleted_when_it_expires(
    db: Session, rt: Runtime, clock: FakeClock, cast: Cast, asked: int
) -> None:
    run_due_jobs(db, rt)
    clock.advance(hours=23)
    run_due_jobs(db, rt)
    assert db.get(PreparedReportRow, asked) is not None
    clock.advance(hours=2)
    run_due_jobs(db, rt)
    db.expire_all()
    assert db.get(PreparedReportRow, asked) is None


def test_erasing_a_client_removes_the_reports_that_show_them(
    db: Session, rt: Runtime, cast: Cast, asked: int
) -> None:
    run_due_jobs(db, rt)
    removed = prepared_reports.purge_for_client(
        db, client_id=cast.ash.id, practice_id=cast.practice.id
    )
    assert removed == 1
    db.expire_all()
    assert db.get(PreparedReportRow, asked) is None
