"""Two workers claiming at the same moment, on separate connections, never take the same job
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL; serialised writers on SQLite).

These jobs are committed for real (the claim must be seen by another connection), under a
kind no other test uses, and deleted at the end.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import Engine, delete

from bordin.services import jobs
from bordin.services.jobs import ClaimedJob
from bordin.services.runtime import Runtime
from bordin.storage.database import make_session_factory
from bordin.storage.tables import JobRow

KIND = "concurrency_test"


def test_two_workers_claiming_at_once_share_the_jobs_without_overlap(
    engine: Engine, rt: Runtime
) -> None:
    sessions = make_session_factory(engine)
    now = rt.now()
    try:
        with sessions() as db:
            for n in range(120):
                jobs.enqueue(
                    db, kind=KIND, key=f"{KIND}:{n}", run_at=now - timedelta(minutes=1), now=now
                )
            db.commit()
        taken: dict[str, list[ClaimedJob]] = {}
        start = threading.Barrier(2)

        def work(name: str) -> None:
            with sessions() as db:
                start.wait()
                mine: list[ClaimedJob] = []
                while batch := jobs.claim(db, rt, limit=10):
                    mine.extend(batch)
                taken[name] = mine

        threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        ids_a = {j.id for j in taken["a"] if j.kind == KIND}
        ids_b = {j.id for j in taken["b"] if j.kind == KIND}
        assert not ids_a & ids_b
        assert len(ids_a | ids_b) == 120
    finally:
        with sessions() as db:
            db.execute(delete(JobRow).where(JobRow.kind == KIND))
            db.commit()
