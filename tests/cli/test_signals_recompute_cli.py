"""``bordin signals recompute``: the whole-practice recompute from the command line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BORDIN = [sys.executable, "-m", "bordin.cli"]


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BORDIN_DATA_DIR": str(data_dir), "BORDIN_ENVIRONMENT": "development"}
    env.pop("BORDIN_DATABASE_URL", None)
    return subprocess.run(
        [*BORDIN, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.fixture
def demo_dir(demo_data_dir: Path) -> Path:
    """A copy of the run's demo, as ``bordin demo --today 2026-11-02`` built it."""
    return demo_data_dir


def test_it_recomputes_every_practice_and_says_what_it_did(demo_dir: Path) -> None:
    result = run(["signals", "recompute"], demo_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Practice 1: 274 episodes")
    # The demo already computed its signals as of 2026-11-02; the command runs on the real
    # clock, so only the few that depend on time passing (sessions since missed) are new.
    found = re.search(r"(\d+) signals \((\d+) new\)", lines[0])
    assert found, lines[0]
    assert int(found[2]) < int(found[1]) / 10
    assert "expected recovery:" in lines[0]


def test_it_prints_a_json_summary_for_one_practice(demo_dir: Path) -> None:
    result = run(["signals", "recompute", "--practice-id", "1", "--json"], demo_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["practice_id"] == 1
    assert summary["signals"] == sum(summary["by_type"].values()) > 0
    assert summary["new_signals"] < summary["signals"] / 10  # see the test above
    assert {"read_seconds", "compute_seconds", "write_seconds", "fitted_models"} <= set(summary)


def test_an_unknown_practice_is_one_line_and_exit_code_3(demo_dir: Path) -> None:
    result = run(["signals", "recompute", "--practice-id", "999"], demo_dir)
    assert result.returncode == 3
    assert result.stderr.strip() == "error: practice 999 not found"
    assert result.stdout == ""


def test_the_help_names_the_command(tmp_path: Path) -> None:
    result = run(["signals", "recompute", "--help"], tmp_path)
    assert result.returncode == 0
    assert "--practice-id" in result.stdout and "vectorised" in result.stdout
