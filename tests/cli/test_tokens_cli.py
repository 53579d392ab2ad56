"""``bordin tokens``: a token made on the command line is printed once, listed without its
secret, works against the API until revoked, and a bad scope is one clear line."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_practice_cli import INIT
from tests.cli.test_setup_cli import run
from tests.cli.test_subject_access_cli import TESS


def test_a_token_is_made_listed_and_revoked_from_the_command_line(tmp_path: Path) -> None:
    assert run(INIT, tmp_path).returncode == 0
    assert run(TESS, tmp_path).returncode == 0
    made = run(
        ["tokens", "create", "--username", "tess", "--name", "Records", "--scope", "read"],
        tmp_path,
    )
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("bordin_")
    listed = run(["tokens", "list"], tmp_path)
    assert "tess" in listed.stdout and "active" in listed.stdout
    assert secret not in listed.stdout and secret[:15] in listed.stdout
    revoked = run(["tokens", "revoke", "--token-id", "1"], tmp_path)
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in run(["tokens", "list"], tmp_path).stdout


def test_a_scope_a_therapist_may_not_hold_is_refused_in_one_line(tmp_path: Path) -> None:
    assert run(INIT, tmp_path).returncode == 0
    assert run(TESS, tmp_path).returncode == 0
    refused = run(
        ["tokens", "create", "--username", "tess", "--name", "X", "--scope", "admin"], tmp_path
    )
    assert refused.returncode == 2
    assert (
        refused.stderr.strip() == "error: scopes: Only a practice admin may hold the admin scope."
    )
