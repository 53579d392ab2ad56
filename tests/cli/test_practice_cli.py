"""``bordin practice init`` and ``bordin clients add``: a practice started from the command line."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_setup_cli import run

INIT = [
    "practice",
    "init",
    "--name",
    "Riverside Therapy",
    "--admin-username",
    "ada",
    "--admin-email",
    "ada@example.org",
    "--admin-name",
    "Ada Example",
    "--admin-password",
    "a long password",
]


def test_init_starts_a_practice_once_and_refuses_a_second(tmp_path: Path) -> None:
    first = run(INIT, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Started Riverside Therapy. Sign in as ada" in first.stdout
    again = run(INIT, tmp_path)
    assert again.returncode == 1
    assert again.stderr.strip() == "error: this Bordin already has a practice"


def test_init_names_every_bad_field_in_one_line(tmp_path: Path) -> None:
    result = run([*INIT[:-1], "short", "--timezone", "Nowhere/Here"], tmp_path)
    assert result.returncode == 2
    assert "timezone" in result.stderr and "password" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_clients_add_enrols_a_couple_with_a_therapist(tmp_path: Path) -> None:
    assert run(INIT, tmp_path).returncode == 0
    added = run(
        [
            "user",
            "add",
            "--username",
            "tess",
            "--email",
            "tess@example.org",
            "--name",
            "Tess Therapist",
            "--password",
            "a long password",
        ],
        tmp_path,
    )
    assert added.returncode == 0, added.stderr
    result = run(
        [
            "clients",
            "add",
            "--name",
            "Oak Sample",
            "--partner-name",
            "Yew Sample",
            "--kind",
            "couple",
            "--therapist",
            "tess",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip() == "Enrolled Oak Sample and Yew Sample with Tess Therapist (couple)."
    )


def test_clients_add_refuses_a_therapist_who_does_not_exist(tmp_path: Path) -> None:
    assert run(INIT, tmp_path).returncode == 0
    result = run(["clients", "add", "--name", "Oak Sample", "--therapist", "nobody"], tmp_path)
    assert result.returncode == 3
    assert result.stderr.strip() == "error: no therapist called 'nobody'"
