"""``bordin research create`` and ``bordin research export`` from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bordin.domain.research import COLUMN_NAMES

BORDIN = [sys.executable, "-m", "bordin.cli"]


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BORDIN_DATA_DIR": str(data_dir), "BORDIN_ENVIRONMENT": "development"}
    env.pop("BORDIN_DATABASE_URL", None)
    return subprocess.run(
        [*BORDIN, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def practice_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("practice")
    steps = [
        ["practice", "init", "--name", "Test Practice", "--admin-username", "ada",
         "--admin-email", "ada@example.org", "--admin-name", "Ada Example",
         "--admin-password", "a long enough test password 1"],
        ["user", "add", "--username", "lee", "--email", "lee@example.org",
         "--name", "Lee Lead", "--role", "supervisor", "--clinical-lead",
         "--password", "another long test password 2"],
        ["research", "create", "--project", "Alliance study", "--as", "ada"],
    ]  # fmt: skip
    for step in steps:
        done = run(step, folder)
        assert done.returncode == 0, done.stderr
    return folder


def test_the_lead_exports_a_project_as_parquet_with_the_documented_columns(
    practice_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "alliance.parquet"
    result = run(
        ["research", "export", "--project", "Alliance study", "--format", "parquet",
         "--out", str(out), "--as", "lee"],
        practice_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "0 clients left out" in result.stdout
    assert pq.read_table(out).column_names == list(COLUMN_NAMES)


def test_the_admin_cannot_export_and_nothing_is_written(practice_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = run(
        ["research", "export", "--project", "Alliance study", "--out", str(out), "--as", "ada"],
        practice_dir,
    )
    assert result.returncode == 3 and not out.exists()


def test_an_unknown_project_is_one_line_naming_it(practice_dir: Path, tmp_path: Path) -> None:
    result = run(
        ["research", "export", "--project", "Nope", "--out", str(tmp_path / "x"), "--as", "lee"],
        practice_dir,
    )
    assert result.returncode == 3
    assert (
        result.stderr.strip()
        == "error: project: no research project called 'Nope' in this practice"
    )
