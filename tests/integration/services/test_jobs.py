"""The durable job table and the worker: enqueue, claim with a lease, re-run after a crash.

Every test runs on SQLite and PostgreSQL (the ``db`` fixture) with the synthetic cast; time is
the fake clock, and ``run_due_jobs`` plays the worker (no sleeping, no threads).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import feedback, jobs, worker
from bordin.services.jobs import run_due_jobs
from bordin.services.runtime import Runtime
from bordin.storage.tables import JobRow, SignalRow
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast


def job(db: Session, key: str) -> JobRow:
    db.expire_all()
    return db.scalars(select(JobRow).where(JobRow.key == key)).one()


def test_enqueueing_the_same_key_twice_keeps_one_job_and_moves_it(db: Session, rt: Runtime) -> None:
    now = rt.now()
    jobs.enqueue(db, kind="digest", key="k1", run_at=now + timedelta(hours=1), now=now)
    jobs.enqueue(db, kind="digest", key="k1", run_at=now + timedelta(hours=2), now=now)
    db.commit()
    rows = db.scalars(select(JobRow).where(JobRow.key == "k1")).all()
    assert len(rows) == 1
    assert rows[0].run_at == now + timedelta(hours=2)
    assert rows[0].status == "queued"


def test_it_refuses_a_job_time_without_a_time_zone(db: Session, rt: Runtime) -> None:
    from bordin.domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match="run_at"):
        jobs.enqueue(db, kind="digest", key="k", run_at=rt.now().replace(tzinfo=None))


def test_only_due_jobs_are_claimed_and_a_claimed_job_is_not_claimed_again(
    db: Session, rt: Runtime, clock: FakeClock
) -> None:
    now = rt.now()
    jobs.enqueue(db, kind="digest", key="due", run_at=now, now=now)
    jobs.enqueue(db, kind="digest", key="later", run_at=now + timedelta(hours=1), now=now)
    db.commit()
    first = jobs.claim(db, rt)
    assert [j.key for j in first] == ["due"]
    assert jobs.claim(db, rt) == []
    assert job(db, "due").status == "running"
    assert job(db, "later").status == "queued"


def test_a_job_claimed_by_a_crashed_worker_is_run_again_once_its_lease_runs_out(
    db: Session, rt: Runtime, clock: FakeClock
) -> None:
    now = rt.now()
    jobs.enqueue(db, kind="digest", key="crash", run_at=now, now=now)
    db.commit()
    crashed = jobs.claim(db, rt)  # the worker dies here: never finishes
    assert len(crashed) == 1
    clock.advance(seconds=jobs.DEFAULT_LEASE.total_seconds() - 1)
    assert jobs.claim(db, rt) == []  # still leased
    clock.advance(seconds=2)
    retaken = jobs.claim(db, rt)
    assert [j.id for j in retaken] == [crashed[0].id]
    assert retaken[0].attempts == 2
    # The crashed worker, if it woke up, can no longer finish a job it lost.
    assert jobs.finish(db, rt, crashed) == 0
    assert jobs.finish(db, rt, retaken) == 1
    db.commit()
    assert job(db, "crash").status == "done"


def test_a_practice_model_being_fitted_keeps_its_lease_past_the_usual_five_minutes(
    db: Session, rt: Runtime, clock: FakeClock
) -> None:
    now = rt.now()
    jobs.enqueue(db, kind="triage_retrain", key="retrain", run_at=now, now=now)
    jobs.enqueue(db, kind="digest", key="digest", run_at=now, now=now)
    db.commit()
    claimed = jobs.claim(db, rt)
    assert sorted(j.kind for j in claimed) == ["digest", "triage_retrain"]
    clock.advance(seconds=jobs.DEFAULT_LEASE.total_seconds() + 1)
    # The digest's worker is presumed dead; the fit may still be running.
    assert [j.key for j in jobs.claim(db, rt)] == ["digest"]
    clock.advance(seconds=jobs.LONG_LEASES["triage_retrain"].total_seconds())
    # By now both leases have run out: the fit's, and the digest's second one.
    assert sorted(j.key for j in jobs.claim(db, rt)) == ["digest", "retrain"]


def test_a_worker_runs_the_long_jobs_it_claimed_after_the_short_ones(
    db: Session, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []
    for kind in ("triage_retrain", "digest"):
        monkeypatch.setitem(
            worker.HANDLERS, kind, lambda db, rt, batch, kind=kind: ran.append(kind)
        )
    now = rt.now()
    # The long job is older, so it comes first in the claim.
    jobs.enqueue(
        db, kind="triage_retrain", key="retrain", run_at=now - timedelta(minutes=1), now=now
    )
    jobs.enqueue(db, kind="digest", key="digest", run_at=now, now=now)
    db.commit()
    assert run_due_jobs(db, rt) == 2
    assert ran == ["digest", "triage_retrain"]


def test_a_finished_job_is_not_revived_by_enqueueing_its_key_again(
    db: Session, rt: Runtime
) -> None:
    now = rt.now()
    jobs.enqueue(db, kind="digest", key="once", run_at=now, now=now)
    db.commit()
    jobs.finish(db, rt, jobs.claim(db, rt))
    db.commit()
    jobs.enqueue(db, kind="digest", key="once", run_at=now, now=now)
    db.commit()
    assert job(db, "once").status == "done"


def test_enqueueing_again_while_a_job_runs_makes_it_run_once_more(db: Session, rt: Runtime) -> None:
    now = rt.now()
    payload = {"episode_id": 1}
    jobs.enqueue(db, kind="recompute", key="r", run_at=now, payload=payload, again=True, now=now)
    db.commit()
    running = jobs.claim(db, rt)
    jobs.enqueue(db, kind="recompute", key="r", run_at=now, payload=payload, again=True, now=now)
    db.commit()
    jobs.finish(db, rt, running)
    db.commit()
    assert job(db, "r").status == "queued"


def test_a_failing_job_is_retried_later_and_given_up_after_the_last_attempt(
    db: Session, rt: Runtime, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("simulated fault")

    monkeypatch.setitem(worker.HANDLERS, "digest", broken)
    now = rt.now()
    jobs.enqueue(db, kind="digest", key="flaky", run_at=now, now=now)
    db.commit()
    assert run_due_jobs(db, rt) == 1
    row = job(db, "flaky")
    assert (row.status, row.last_error) == ("queued", "RuntimeError")
    assert row.run_at > rt.now()
    for _ in range(jobs.MAX_ATTEMPTS):
        clock.advance(days=1)
        run_due_jobs(db, rt)
    assert job(db, "flaky").status == "failed"


def test_cancelling_a_queued_job_stops_it_and_enqueueing_revives_it(
    db: Session, rt: Runtime
) -> None:
    now = rt.now()
    jobs.enqueue(db, kind="digest", key="c", run_at=now, now=now)
    jobs.cancel(db, key="c")
    db.commit()
    assert jobs.claim(db, rt) == []
    jobs.enqueue(db, kind="digest", key="c", run_at=now, now=now)
    db.commit()
    assert job(db, "c").status == "queued"


# ---- the signal recompute leaves the request path -------------------------------------------


def _submit_falling_alliance(db: Session, rt: Runtime, cast: Cast) -> None:
    """Ash rates three sessions highly, then the fourth very low: a rupture signal."""
    for index, value in ((0, "9"), (1, "9"), (2, "9"), (3, "1")):
        appointment = cast.ash_sessions[index].id
        links = feedback.issue_links(db, rt, appointment_id=appointment)
        token = {i.client_id: i.token for i in links}[cast.ash.id]
        answers = {f"bordin_sac.{item}": value for item in ("goals", "tasks", "bond", "overall")}
        feedback.submit_feedback(db, rt, token=token, answers=answers)


def _signals(db: Session, cast: Cast) -> list[SignalRow]:
    db.expire_all()
    return list(db.scalars(select(SignalRow).where(SignalRow.episode_id == cast.ash_episode.id)))


def test_a_submission_queues_its_episode_and_the_worker_computes_the_signals(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _submit_falling_alliance(db, rt, cast)
    assert job(db, f"recompute:{cast.ash_episode.id}").status == "queued"
    assert _signals(db, cast) == []
    assert run_due_jobs(db, rt) >= 1
    assert _signals(db, cast)
    assert job(db, f"recompute:{cast.ash_episode.id}").status == "done"


def test_no_signal_is_lost_when_the_worker_crashes_in_the_middle_of_a_recompute(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    _submit_falling_alliance(db, rt, cast)
    crashed = jobs.claim(db, rt)  # the worker took the batch and died before finishing
    assert [j.kind for j in crashed] == ["recompute"]
    assert run_due_jobs(db, rt) == 0  # leased: not run twice at once
    assert _signals(db, cast) == []
    clock.advance(seconds=jobs.DEFAULT_LEASE.total_seconds() + 1)
    assert run_due_jobs(db, rt) == 1
    assert _signals(db, cast)


def test_a_fault_in_the_recompute_leaves_the_episode_queued_for_a_retry(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bordin.services import signals

    real = signals.recompute_episodes

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("simulated fault in the signal rules")

    monkeypatch.setattr(signals, "recompute_episodes", broken)
    _submit_falling_alliance(db, rt, cast)
    run_due_jobs(db, rt)
    assert job(db, f"recompute:{cast.ash_episode.id}").status == "queued"
    monkeypatch.setattr(signals, "recompute_episodes", real)
    clock.advance(hours=1)
    run_due_jobs(db, rt)
    assert _signals(db, cast)
