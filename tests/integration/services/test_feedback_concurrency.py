"""Simultaneous submissions of one link store it once (PostgreSQL, real concurrent transactions,
on the ``committing_postgres`` database)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bordin.services import feedback
from bordin.services.feedback import FeedbackResult
from bordin.services.runtime import Runtime
from bordin.storage.tables import AdministrationRow, SubmissionRow
from tests.fixtures.cast import Cast

pytestmark = pytest.mark.postgres

SAC = {
    "bordin_sac.goals": "8",
    "bordin_sac.tasks": "7",
    "bordin_sac.bond": "9",
    "bordin_sac.overall": "8",
}


def test_simultaneous_submissions_of_one_link_store_it_once(
    committing_postgres: tuple[sessionmaker[Session], Runtime, Cast],
) -> None:
    sessions, rt, cast = committing_postgres
    tokens = []
    with sessions() as db:
        for appointment in cast.ash_sessions[:4] + cast.couple_sessions[:4]:
            tokens += [i.token for i in feedback.issue_links(db, rt, appointment_id=appointment.id)]

    def submit(
        token: str,
        barrier: threading.Barrier,
        results: list[FeedbackResult],
        failures: list[BaseException],
    ) -> None:
        with sessions() as db:
            barrier.wait()
            try:
                results.append(feedback.submit_feedback(db, rt, token=token, answers=SAC))
            except BaseException as error:  # collected and reported below
                failures.append(error)

    for token in tokens:
        barrier = threading.Barrier(4)
        results: list[FeedbackResult] = []
        failures: list[BaseException] = []
        threads = [
            threading.Thread(target=submit, args=(token, barrier, results, failures))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not failures, failures
        assert len(results) == 4
        assert sum(not r.duplicate for r in results) == 1
        assert len({r.submission_id for r in results}) == 1
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(SubmissionRow)) == len(tokens)
        assert db.scalar(select(func.count()).select_from(AdministrationRow)) == len(tokens)
