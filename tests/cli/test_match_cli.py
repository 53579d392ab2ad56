"""``bordin match --from-json FILE``: one JSON line per client, a stable contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bordin.cli.app import app

runner = CliRunner()

THERAPISTS = [
    {
        "id": 1,
        "languages": ["English", "Polish"],
        "specialisms": ["anxiety", "depression"],
        "modalities": ["CBT"],
        "gender": "female",
        "modes": ["online", "in_person"],
        "location": "Leeds",
        "availability": ["mon_evening", "tue_morning"],
        "funding": ["self_pay", "insurance"],
        "accepting": True,
        "open_slots": 2,
        "outcomes": {"episodes": 30, "reliable_improvement": 18},
    },
    {
        "id": "t2",
        "languages": ["english"],
        "specialisms": ["trauma"],
        "modalities": ["EMDR"],
        "gender": "male",
        "modes": ["online"],
        "availability": ["Mon_Evening"],
        "funding": ["self_pay"],
        "accepting": True,
        "open_slots": 1,
        "outcomes": {"episodes": 3, "reliable_improvement": 3},
    },
    {
        "id": 3,
        "languages": ["English"],
        "specialisms": ["anxiety"],
        "gender": "female",
        "modes": ["in_person"],
        "location": "York",
        "availability": ["mon_evening"],
        "funding": ["self_pay"],
        "accepting": False,
        "open_slots": 0,
    },
]


def run(data: object, tmp_path: Path, *extra: str) -> tuple[int, list[dict], str]:
    path = tmp_path / "match.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    result = runner.invoke(app, ["match", "--from-json", str(path), *extra])
    lines = (
        [json.loads(line) for line in result.stdout.splitlines()] if not result.exit_code else []
    )
    return result.exit_code, lines, result.stderr


def test_it_prints_one_line_per_client_with_matches_best_first(tmp_path: Path) -> None:
    clients = [
        {
            "id": "c1",
            "language": "ENGLISH",
            "needs": ["anxiety"],
            "modes": ["online"],
            "availability": ["MON_EVENING"],
            "funding": "self_pay",
        },
        {"id": 2, "language": "Polish", "modes": ["online"], "funding": "insurance"},
    ]
    code, lines, _ = run({"therapists": THERAPISTS, "clients": clients}, tmp_path)

    assert code == 0
    assert [list(line) for line in lines] == [["client_id", "matches", "unmatched_reason"]] * 2
    assert lines[0]["client_id"] == "c1"
    assert [m["therapist_id"] for m in lines[0]["matches"]] == [1, "t2"]
    assert lines[0]["matches"][0]["reasons"][0] == "Works with anxiety"
    assert lines[0]["unmatched_reason"] is None
    assert lines[1]["client_id"] == 2
    assert [m["therapist_id"] for m in lines[1]["matches"]] == [1]


def test_an_unmatched_client_gets_the_reason_instead(tmp_path: Path) -> None:
    clients = [
        {
            "id": "c9",
            "language": "Urdu",
            "modes": ["in_person"],
            "location": "York",
            "availability": ["sun_morning"],
            "funding": "self_pay",
            "therapist_gender": {"value": "female", "required": True},
            "exclude_therapists": [1],
        }
    ]
    code, lines, _ = run({"therapists": THERAPISTS, "clients": clients}, tmp_path)

    assert code == 0
    assert lines[0]["matches"] == []
    assert lines[0]["unmatched_reason"] == (
        "None of the 3 therapists meets every requirement: "
        "1 is excluded for this client (a conflict of interest); "
        "1 is not taking new clients or has no open slot; "
        "3 do not speak Urdu; "
        "2 do not offer in-person sessions in York; "
        "3 have no free time in common with the client; "
        "1 is not of the gender the client requires (a woman)."
    )


def test_optional_fields_may_be_left_out(tmp_path: Path) -> None:
    data = {"therapists": [{"id": 5, "modes": ["online"]}], "clients": [{"id": 1}]}
    code, lines, _ = run(data, tmp_path)

    assert code == 0
    assert lines == [
        {
            "client_id": 1,
            "matches": [
                {
                    "therapist_id": 5,
                    "score": 0.5,
                    "reasons": ["Meets every requirement: can meet online"],
                }
            ],
            "unmatched_reason": None,
        }
    ]


def test_top_keeps_the_best_matches(tmp_path: Path) -> None:
    data = {"therapists": THERAPISTS, "clients": [{"id": 1, "modes": ["online"]}]}
    code, lines, _ = run(data, tmp_path, "--top", "1")

    assert code == 0
    assert len(lines[0]["matches"]) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON (Expecting property name enclosed in double quotes"),
        ([], "file: must be an object"),
        ({"clients": []}, "therapists: is required (a list)"),
        ({"therapists": [], "clients": {}}, "clients: must be a list"),
        (
            {"therapists": [{"languages": ["English"]}], "clients": []},
            "therapists[0].id: is required",
        ),
        (
            {"therapists": [{"id": 1, "open_slots": "two"}], "clients": []},
            "therapists[0].open_slots: must be a whole number, 0 or more",
        ),
        (
            {"therapists": [], "clients": [{"id": 1, "availability": [3]}]},
            "clients[0].availability: must be a string or a list of strings",
        ),
        (
            {"therapists": [{"id": 1}, {"id": "1"}], "clients": []},
            "therapists[1].id: '1' is used twice",
        ),
        (
            {
                "therapists": [{"id": 1, "outcomes": {"episodes": 2, "reliable_improvement": 3}}],
                "clients": [],
            },
            "therapists[0].outcomes.reliable_improvement: is more than the 2 episodes",
        ),
        ('{"therapists": [], "clients": [{"id": NaN}]}', "NaN is not a number JSON allows"),
    ],
)
def test_a_bad_file_gives_one_line_naming_the_field_and_exit_2(
    tmp_path: Path, data: object, message: str
) -> None:
    code, lines, stderr = run(data, tmp_path)

    assert code == 2
    assert lines == []
    assert len(stderr.strip().splitlines()) == 1
    assert message in stderr


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    result = runner.invoke(app, ["match", "--from-json", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.json'}: no such file"


def test_the_installed_command_reads_standard_input_and_exits_2_without_a_traceback() -> None:
    bordin = Path(sys.executable).with_name("bordin")
    good = subprocess.run(
        [str(bordin), "match", "--from-json", "-"],
        input=json.dumps({"therapists": THERAPISTS, "clients": [{"id": "x"}]}),
        capture_output=True,
        text=True,
        check=False,
    )
    bad = subprocess.run(
        [str(bordin), "match", "--from-json", "-"],
        input='{"therapists": 1, "clients": []}',
        capture_output=True,
        text=True,
        check=False,
    )

    assert good.returncode == 0, good.stderr
    assert [json.loads(line)["client_id"] for line in good.stdout.splitlines()] == ["x"]
    assert bad.returncode == 2
    assert bad.stderr.splitlines() == ["error: therapists: must be a list"]
