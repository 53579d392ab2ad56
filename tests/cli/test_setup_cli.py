"""The set-up commands: db upgrade, user add, demo; errors are one line without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.demo import DemoTemplate

BORDIN = [sys.executable, "-m", "bordin.cli"]


ADD_ADA = ["user", "add", "--username", "ada", "--email", "ada@example.org"]
ADD_ADA += ["--name", "Ada Example"]


def run(
    args: list[str], data_dir: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BORDIN_DATA_DIR": str(data_dir), "BORDIN_ENVIRONMENT": "development"}
    env.pop("BORDIN_DATABASE_URL", None)
    return subprocess.run(
        [*BORDIN, *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_every_command_has_help_that_reads_well(tmp_path: Path) -> None:
    for command in (
        ["--help"],
        ["serve", "--help"],
        ["demo", "--help"],
        ["db", "upgrade", "--help"],
        ["user", "add", "--help"],
    ):
        result = run(command, tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Usage:" in result.stdout


def test_db_upgrade_creates_the_database(tmp_path: Path) -> None:
    result = run(["db", "upgrade"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "bordin.sqlite3").exists()


def test_user_add_creates_a_practice_and_a_therapist(tmp_path: Path) -> None:
    result = run([*ADD_ADA, "--password", "a long password"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Added therapist ada" in result.stdout


def test_bad_input_is_one_clear_line_without_a_traceback(tmp_path: Path) -> None:
    result = run(
        [
            "user",
            "add",
            "--username",
            "Ada Lovelace",
            "--email",
            "not-an-email",
            "--name",
            "Ada",
            "--password",
            "short",
        ],
        tmp_path,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "username" in lines[0] and "email" in lines[0] and "password" in lines[0]


def test_user_add_refuses_a_common_password_naming_the_field(tmp_path: Path) -> None:
    result = run([*ADD_ADA, "--password", "password1234"], tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "password" in line and "too easy to guess" in line


def test_a_duplicate_username_is_refused_in_one_line(tmp_path: Path) -> None:
    args = [
        "user",
        "add",
        "--username",
        "ada",
        "--email",
        "ada@example.org",
        "--name",
        "Ada",
        "--password",
        "a long password",
    ]
    assert run(args, tmp_path).returncode == 0
    again = run(args, tmp_path)
    assert again.returncode == 1
    assert again.stderr.strip() == "error: username 'ada' is taken"


def test_a_bad_setting_names_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "BORDIN_DATA_DIR": str(tmp_path), "BORDIN_SESSION_HOURS": "forever"}
    result = subprocess.run(
        [*BORDIN, "db", "upgrade"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "BORDIN_SESSION_HOURS" in result.stderr and "Traceback" not in result.stderr


def test_demo_builds_the_practice_once_and_refuses_a_second_time(
    demo_template: DemoTemplate, demo_data_dir: Path
) -> None:
    # The run's demo was built by ``bordin demo --today 2026-11-02`` (tests/fixtures/demo.py).
    assert "298 clients" in demo_template.stdout and "alerts" in demo_template.stdout
    second = run(["demo"], demo_data_dir)
    assert second.returncode == 1
    assert "already holds a practice" in second.stderr


def test_demo_refuses_a_bad_date(tmp_path: Path) -> None:
    result = run(["demo", "--today", "22/11/2026"], tmp_path)
    assert result.returncode == 2
    assert "--today" in result.stderr


def test_a_usage_error_is_shown_briefly_with_exit_code_2(tmp_path: Path) -> None:
    result = run(["serve", "--no-such-option"], tmp_path)
    assert result.returncode == 2
    assert "No such option" in result.stderr and "Traceback" not in result.stderr
