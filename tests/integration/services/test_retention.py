"""Retention periods (issue 14): the clock walks forward and what passed its period goes.

The clock is the runtime's (``rt.now()``), so each test moves it to just before and just after
a period ends. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.retention import RECORD_KINDS, default_periods
from bordin.services import feedback, intake, jobs, retention
from bordin.services import practice as practice_service
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AdministrationRow,
    AuditEventRow,
    ClientRow,
    ErasureRequestRow,
    JobRow,
    SubmissionRow,
)
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.integration.services.test_erasure import ROWAN
from tests.integration.services.test_feedback import issue, last_attended, sac

DAY = timedelta(days=1)


def _days(key: str) -> timedelta:
    return timedelta(days=default_periods().days[key])


def test_written_feedback_is_emptied_once_its_period_passes_and_the_scores_stay(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    feedback.submit_feedback(db, rt, token=token, answers=sac(), text="Some words of mine")
    sent = rt.now()

    clock.set(sent + _days("feedback_text") - DAY)
    assert retention.run_retention(db, rt).removed["feedback_text"] == 0
    stored = db.scalar(select(SubmissionRow).where(SubmissionRow.client_id == cast.ash.id))
    assert stored is not None and stored.text_encrypted is not None

    clock.set(sent + _days("feedback_text") + DAY)
    report = retention.run_retention(db, rt)
    assert report.removed["feedback_text"] == 1
    db.refresh(stored)
    assert (stored.text_encrypted, stored.triage_evidence) == (None, [])
    scores = db.scalar(select(func.count()).where(AdministrationRow.client_id == cast.ash.id))
    assert scores == 1
    assert retention.run_retention(db, rt).removed["feedback_text"] == 0  # once only


def test_a_client_whose_care_ended_longer_ago_than_the_period_is_erased_with_a_tombstone(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    ended = rt.now().date()
    practice_service.end_episode(
        db, rt, episode_id=cast.ash_episode.id, status="completed", ended_on=ended
    )
    clock.set(rt.now() + _days("closed_records") - DAY)
    assert retention.run_retention(db, rt).removed["closed_records"] == 0
    assert db.get(ClientRow, cast.ash.id) is not None

    clock.set(rt.now() + 2 * DAY)
    report = retention.run_retention(db, rt)
    assert report.removed["closed_records"] == 1
    db.expire_all()
    assert db.get(ClientRow, cast.ash.id) is None
    # Clients still in therapy are kept, however old their records.
    assert db.get(ClientRow, cast.birch.id) is not None
    assert db.get(ClientRow, cast.dale.id) is not None
    tombstone = db.scalar(select(ErasureRequestRow))
    assert tombstone is not None
    assert (tombstone.status, tombstone.reason, tombstone.client_id) == (
        "done",
        "retention_period",
        None,
    )
    assert tombstone.removed["clients"] == 1
    event = db.scalar(select(AuditEventRow).where(AuditEventRow.entity == "client_erasure"))
    assert event is not None and event.practice_id == cast.practice.id


def test_a_referral_closed_without_therapy_goes_with_the_person_after_its_period(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    taken = intake.submit_intake(
        db, rt, practice_id=cast.practice.id, answers=ROWAN, origin=Origin("203.0.113.7")
    )
    intake.close_intake(
        db, rt, actor=cast.actor(cast.sue), intake_id=taken.intake_id, status="closed"
    )
    closed = rt.now()
    clock.set(closed + _days("unmatched_intake") - DAY)
    assert retention.run_retention(db, rt).removed["unmatched_intake"] == 0
    clock.set(closed + _days("unmatched_intake") + DAY)
    assert retention.run_retention(db, rt).removed["unmatched_intake"] == 1
    db.expire_all()
    assert db.get(ClientRow, taken.client_id) is None


def test_finished_jobs_and_old_audit_events_go_but_queued_jobs_and_tombstones_stay(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    start = rt.now()
    jobs.enqueue(db, kind="digest", key="digest:old", run_at=start, now=start)
    jobs.enqueue(db, kind="digest", key="digest:later", run_at=start + 3000 * DAY, now=start)
    db.commit()
    jobs.run_due_jobs(db, rt)
    events_before = db.scalar(select(func.count()).select_from(AuditEventRow)) or 0
    assert events_before > 0

    clock.set(start + _days("audit_trail") + DAY)
    report = retention.run_retention(db, rt)
    keys = set(db.scalars(select(JobRow.key)))
    assert "digest:old" not in keys and "digest:later" in keys
    assert report.removed["notification_records"] >= 1
    assert report.removed["audit_trail"] == events_before
    assert db.scalar(select(func.count()).select_from(AuditEventRow)) == 0


def test_periods_are_a_practice_setting_and_bad_input_names_the_field_and_changes_nothing(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    form = {kind.field: str(kind.default_days) for kind in RECORD_KINDS}
    with pytest.raises(InvalidInput) as refused:
        retention.save_periods(
            db,
            rt,
            actor=cast.actor(cast.adam),
            form={**form, "feedback_text_days": "", "audit_trail_days": "ten"},
        )
    assert [e.field for e in refused.value.errors] == ["feedback_text_days", "audit_trail_days"]
    db.rollback()
    assert retention.periods_for(db, cast.practice.id) == default_periods()
    for who in (cast.sue, cast.alice, cast.charlie):
        with pytest.raises(NotFound):
            retention.save_periods(db, rt, actor=cast.actor(who), form=form)

    retention.save_periods(
        db, rt, actor=cast.actor(cast.adam), form={**form, "feedback_text_days": "30"}
    )
    assert retention.periods_for(db, cast.practice.id).days["feedback_text"] == 30
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    feedback.submit_feedback(db, rt, token=token, answers=sac(), text="Some words of mine")
    clock.set(rt.now() + 31 * DAY)
    assert retention.run_retention(db, rt).removed["feedback_text"] == 1


def test_the_worker_runs_retention_daily_and_queues_the_next_run(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    retention.schedule_next_retention(db, rt)
    queued = db.scalar(select(JobRow).where(JobRow.kind == "retention"))
    assert queued is not None and queued.run_at.hour == retention.RETENTION_HOUR
    clock.set(queued.run_at + timedelta(minutes=1))
    assert jobs.run_due_jobs(db, rt) >= 1
    db.expire_all()
    runs = {j.key: j.status for j in db.scalars(select(JobRow).where(JobRow.kind == "retention"))}
    assert runs[queued.key] == "done"
    assert sorted(runs.values()) == ["done", "queued"]
