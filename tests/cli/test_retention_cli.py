"""``bordin retention run``: removes what passed its period and prints counts per kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from tests.cli.test_practice_cli import INIT
from tests.cli.test_setup_cli import run

from bordin.domain.retention import RECORD_KINDS
from bordin.notify.memory import MemoryTransport
from bordin.services import jobs
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.tables import JobRow
from bordin.testing.clock import FakeClock


def _finished_job_a_year_ago(data_dir: Path) -> None:
    """A job that ran a year ago, made through the job service with the clock set back."""
    engine = make_engine(f"sqlite:///{data_dir / 'bordin.sqlite3'}")
    settings = Settings(environment="development", data_dir=data_dir, notify_transport="memory")
    then = datetime.now(UTC) - timedelta(days=365)
    rt = Runtime(settings=settings, transport=MemoryTransport(), now=FakeClock(then))
    with make_session_factory(engine)() as db:
        jobs.enqueue(db, kind="no_such_kind", key="old:job", run_at=then, now=then)
        db.commit()
        jobs.run_due_jobs(db, rt)  # no handler: failed for good, finished a year ago
        assert db.scalar(select(JobRow.status).where(JobRow.key == "old:job")) == "failed"
    engine.dispose()


def test_retention_run_prints_a_count_for_every_kind_and_removes_old_jobs(
    tmp_path: Path,
) -> None:
    assert run(INIT, tmp_path).returncode == 0
    _finished_job_a_year_ago(tmp_path)

    first = run(["retention", "run"], tmp_path)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == "Removed, by kind of record:"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [k.label for k in RECORD_KINDS]
    assert "  Notification records: 1" in lines

    again = run(["retention", "run"], tmp_path)
    assert "  Notification records: 0" in again.stdout.splitlines()
