"""``bordin worker``: ``--once`` runs what is due and exits; the long-running worker stops
cleanly on SIGTERM (as from Ctrl-C or a service manager)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

BORDIN = [sys.executable, "-m", "bordin.cli"]


def env_for(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "BORDIN_DATA_DIR": str(data_dir), "BORDIN_ENVIRONMENT": "development"}
    env.pop("BORDIN_DATABASE_URL", None)
    return env


def test_worker_once_runs_the_due_jobs_and_says_what_is_left(tmp_path: Path) -> None:
    result = subprocess.run(
        [*BORDIN, "worker", "--once"],
        capture_output=True,
        text=True,
        env=env_for(tmp_path),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Ran 0 job(s). Queued now: ")
    assert (tmp_path / "bordin.sqlite3").exists()


def test_the_worker_stops_cleanly_when_asked(tmp_path: Path) -> None:
    worker = subprocess.Popen(
        [*BORDIN, "worker"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(tmp_path),
    )
    assert worker.stdout is not None
    first = worker.stdout.readline()
    assert "worker running" in first
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert "worker stopped" in out
