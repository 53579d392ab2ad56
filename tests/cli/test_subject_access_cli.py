"""``bordin clients export``: a client's whole record to a file, and a clear line when absent."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tests.cli.test_practice_cli import INIT
from tests.cli.test_setup_cli import run

TESS = ["user", "add", "--username", "tess", "--email", "tess@example.org"]
TESS += ["--name", "Tess Therapist", "--password", "a long password"]


def test_export_writes_the_archive_and_the_pdf_for_one_client(tmp_path: Path) -> None:
    assert run(INIT, tmp_path).returncode == 0
    assert run(TESS, tmp_path).returncode == 0
    added = run(["clients", "add", "--name", "Oak Sample", "--therapist", "tess"], tmp_path)
    assert added.returncode == 0, added.stderr

    out = tmp_path / "oak.zip"
    result = run(["clients", "export", "--client-id", "1", "--out", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote the archive for client 1 to {out}")
    assert "Oak" not in result.stdout  # the operator's screen shows no client data
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        data = json.loads(archive.read("data.json"))
        assert "fhir-bundle.json" in archive.namelist()
    assert data["tables"]["clients"][0]["display_name"] == "Oak Sample"

    pdf = tmp_path / "oak.pdf"
    result = run(["clients", "export", "--client-id", "1", "--out", str(pdf)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")

    # Both exports are in the client's trail, as coming from the command line.
    again = tmp_path / "again.zip"
    result = run(["clients", "export", "--client-id", "1", "--out", str(again)], tmp_path)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(io.BytesIO(again.read_bytes())) as archive:
        trail = json.loads(archive.read("data.json"))["tables"]["audit_events"]
    exports = [(e["entity_id"], e["origin"]) for e in trail if e["action"] == "export"]
    assert exports == [("archive", "cli"), ("pdf", "cli")]


def test_export_of_a_client_who_does_not_exist_says_so_in_one_line(tmp_path: Path) -> None:
    assert run(INIT, tmp_path).returncode == 0
    out = tmp_path / "nobody.zip"
    result = run(["clients", "export", "--client-id", "99", "--out", str(out)], tmp_path)
    assert result.returncode == 3
    assert result.stderr.strip() == "error: no client with id 99"
    assert not out.exists()
