"""``bordin signals --from-csv FILE``: the stable CLI contract for offline analysis."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bordin.cli.app import app

HEADER = "episode_id,client_id,session_number,date,instrument,score,item_1,item_2,item_3,item_4\n"
RUPTURE = [
    "E1,C1,1,2024-01-08,bordin_sac,36,9,9,9,9",
    "E1,C1,2,2024-01-15,bordin_sac,37,9,10,9,9",
    "E1,C1,3,2024-01-22,bordin_sac,36,9,9,9,9",
    "E1,C1,4,2024-01-29,bordin_sac,36,9,9,9,9",
    "E1,C1,5,2024-02-05,bordin_sac,26,7,5,7,7",
    "E1,C1,6,2024-02-12,bordin_sac,36,9,9,9,9",
]
COUPLE = [
    "E2,PA,1,2024-01-08,srs,38,,,,",
    "E2,PB,1,2024-01-08,srs,30,,,,",
    "E2,PA,2,2024-01-15,srs,38.5,,,,",
    "E2,PB,2,2024-01-15,srs,29.2,,,,",
]
runner = CliRunner()


def _write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "ratings.csv"
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(path: Path) -> tuple[int, list[dict[str, object]], str]:
    result = runner.invoke(app, ["signals", "--from-csv", str(path)])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_it_prints_one_json_line_per_signal_with_the_contract_keys(tmp_path: Path) -> None:
    code, lines, _ = _run(_write(tmp_path, RUPTURE))
    assert code == 0
    assert [(x["type"], x["session_number"], x["status"]) for x in lines] == [
        ("rupture", 5, "repaired"),
        ("rupture_repaired", 6, "repaired"),
    ]
    first = lines[0]
    assert {
        "episode_id",
        "client_id",
        "session_number",
        "type",
        "severity",
        "status",
        "explanation",
    } <= set(first)
    assert (
        isinstance(first["explanation"], str)
        and "Possible rupture in session 5" in first["explanation"]
    )
    details = first["details"]
    assert isinstance(details, dict) and details["rule"] == "rupture.baseline_drop_2sd"


def test_two_clients_in_one_episode_are_a_couple(tmp_path: Path) -> None:
    code, lines, _ = _run(_write(tmp_path, COUPLE))
    assert code == 0
    [split] = [x for x in lines if x["type"] == "split_alliance"]
    assert split["client_id"] is None
    assert split["episode_id"] == "E2"


def test_a_bad_number_names_the_line_and_column_and_exits_2(tmp_path: Path) -> None:
    bad = [*RUPTURE[:2], RUPTURE[2].replace(",36,", ",3x,")]
    code, lines, err = _run(_write(tmp_path, bad))
    assert code == 2
    assert lines == []
    assert err.strip() == "error: line 4, column score: '3x' is not a number"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "E1,C1,1,08/01/2024,bordin_sac,36,9,9,9,9",
            "line 2, column date: '08/01/2024' is not an ISO date (YYYY-MM-DD)",
        ),
        ("E1,C1,1,2024-01-08,phq10,3,,,,", "line 2, column instrument: unknown instrument 'phq10'"),
        (
            "E1,C1,1,2024-01-08,bordin_sac,41,9,9,9,9",
            "line 2, column score: 41 is outside bordin_sac's range 0-40",
        ),
        (
            "E1,C1,1,2024-01-08,bordin_sac,36,9,9,9,11",
            "line 2, column item_4: 11 is outside the item's range 0-10",
        ),
        (
            "E1,C1,zero,2024-01-08,bordin_sac,36,9,9,9,9",
            "line 2, column session_number: 'zero' is not a whole number",
        ),
        ("E1,,1,2024-01-08,bordin_sac,36,9,9,9,9", "line 2, column client_id: is empty"),
        ("E1,C1,1,2024-01-08,bordin_sac,36,9,9", "line 2, column -: expected 10 values, found 8"),
    ],
)
def test_each_kind_of_bad_row_gets_one_clear_line(tmp_path: Path, row: str, message: str) -> None:
    code, _, err = _run(_write(tmp_path, [row]))
    assert code == 2
    assert err.strip() == f"error: {message}"


def test_a_third_client_in_an_episode_is_refused(tmp_path: Path) -> None:
    rows = [*COUPLE, "E2,PC,1,2024-01-08,srs,35,,,,"]
    code, _, err = _run(_write(tmp_path, rows))
    assert code == 2
    assert "line 6, column client_id: episode 'E2' already has two clients" in err


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        ["E1,C1,1,2024-01-08,bordin_sac"],
        header="episode_id,client_id,session_number,date,instrument\n",
    )
    code, _, err = _run(path)
    assert code == 2
    assert err.strip() == "error: line 1, column header: missing column(s): score"


def test_an_item_column_beyond_the_instruments_items_is_refused(tmp_path: Path) -> None:
    header = HEADER.rstrip("\n") + ",item_5\n"
    code, _, err = _run(
        _write(tmp_path, ["E1,C1,1,2024-01-08,bordin_sac,36,9,9,9,9,3"], header=header)
    )
    assert code == 2
    assert "column item_5: bordin_sac has only 4 items" in err


def test_an_ended_episode_closes_an_open_rupture(tmp_path: Path) -> None:
    header = HEADER.rstrip("\n") + ",episode_status\n"
    rows = [f"{r},dropped_out" for r in RUPTURE[:5]]
    code, lines, _ = _run(_write(tmp_path, rows, header=header))
    assert code == 0
    assert [x["type"] for x in lines] == ["rupture", "rupture_unrepaired"]


def test_without_a_file_it_shows_help() -> None:
    result = runner.invoke(app, ["signals"])
    assert result.exit_code == 0
    assert "--from-csv" in result.stdout


def test_the_installed_command_exits_2_on_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, ["E1,C1,1,2024-01-08,bordin_sac,abc,9,9,9,9"])
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from bordin.cli.app import main; main()",
            "signals",
            "--from-csv",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "error: line 2, column score: 'abc' is not a number"
    assert "Traceback" not in done.stderr
