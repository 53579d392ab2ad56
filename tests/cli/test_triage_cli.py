"""``bordin triage``: one JSON object per call, a stable contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bordin.cli.app import app

runner = CliRunner()
STABLE_KEYS = ["class", "severity", "route", "evidence"]


def run(*args: str, stdin: str | None = None) -> tuple[int, dict[str, object] | None, str]:
    result = runner.invoke(app, ["triage", *args], input=stdin)
    data = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, data, result.stderr


def test_it_prints_one_json_object_whose_first_keys_are_the_contract() -> None:
    code, data, _ = run("I didn't feel listened to today")

    assert code == 0
    assert data is not None
    assert list(data)[:4] == STABLE_KEYS
    assert data["class"] == "misalignment"
    assert data["severity"] == "routine"
    assert data["route"] == ["therapist"]
    assert data["evidence"] == ["feel listened to"]


def test_a_crisis_text_is_urgent_and_goes_to_therapist_and_lead() -> None:
    _, data, _ = run("honestly im not sure i want to be alive anymore")

    assert data is not None
    assert data["class"] == "crisis"
    assert data["severity"] == "urgent"
    assert data["route"] == ["therapist", "clinical_lead"]
    assert data["shows_crisis_help"] is True


def test_a_conduct_text_goes_to_the_clinical_lead_only() -> None:
    _, data, _ = run("My therapist asked me out for a drink.")

    assert data is not None
    assert data["class"] == "conduct"
    assert data["severity"] == "high"
    assert data["route"] == ["clinical_lead"]


def test_a_dash_reads_the_text_from_stdin() -> None:
    code, data, _ = run("-", stdin="Thank you, that really helped.\n")

    assert code == 0
    assert data is not None
    assert data["class"] == "positive"


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_is_refused_with_one_line_and_exit_2(text: str) -> None:
    code, data, stderr = run(text)

    assert code == 2
    assert data is None
    assert stderr.strip().startswith("error: the feedback text is empty")
    assert len(stderr.strip().splitlines()) == 1


def test_empty_stdin_is_refused_with_exit_2() -> None:
    code, _, stderr = run("-", stdin="")

    assert code == 2
    assert "empty" in stderr


def test_a_text_that_is_too_long_is_refused_with_exit_2() -> None:
    code, _, stderr = run("-", stdin="thanks " * 5000)

    assert code == 2
    assert "too long" in stderr


def test_the_installed_command_prints_exactly_one_json_line() -> None:
    bordin = Path(sys.executable).with_name("bordin")
    completed = subprocess.run(
        [str(bordin), "triage", "The homework sheets feel pointless"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["class"] == "misalignment"


def test_the_installed_command_refuses_empty_text_without_a_traceback() -> None:
    bordin = Path(sys.executable).with_name("bordin")
    completed = subprocess.run(
        [str(bordin), "triage", ""], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert completed.stderr.strip().splitlines() == [
        "error: the feedback text is empty; pass the text in quotes, or - to read stdin"
    ]


def test_the_output_carries_risk_review_subcategory_and_confidence() -> None:
    _, data, _ = run("I didn't feel listened to today")

    assert data is not None
    assert data["risk_review"] is False
    assert isinstance(data["subcategory"], str)
    assert 0.0 <= float(data["confidence"]) <= 1.0  # type: ignore[arg-type]


def test_jsonl_prints_one_line_per_input_in_order_with_the_id_echoed() -> None:
    lines = [
        {"id": "x1", "text": "Thank you, that really helped."},
        {"id": 2, "text": "My therapist asked me out for a drink."},
        {"id": "x3", "text": "I want to die."},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\n"

    result = runner.invoke(app, ["triage", "--jsonl", "-"], input=stdin)

    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["x1", 2, "x3"]
    assert [o["class"] for o in out] == ["positive", "conduct", "crisis"]
    for answer in out:
        for key in ("class", "risk_review", "subcategory", "route", "confidence", "evidence"):
            assert key in answer


def test_jsonl_reads_a_file_too(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "See you next week."}\n', encoding="utf-8")

    result = runner.invoke(app, ["triage", "--jsonl", str(source)])

    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "a"


def test_jsonl_answers_a_bad_line_in_its_place_and_exits_2_after_the_rest() -> None:
    stdin = '{"id": "a", "text": "Thanks"}\nnot json\n{"id": "c"}\n{"id": "d", "text": "ok"}\n'

    result = runner.invoke(app, ["triage", "--jsonl", "-"], input=stdin)

    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c", "d"]
    assert out[1]["error"] == "line 2: is not valid JSON"
    assert out[2]["error"] == "line 3: text: must be a string"
    assert "class" in out[3]
    assert "line 2" in result.stderr


def test_jsonl_names_a_missing_file() -> None:
    result = runner.invoke(app, ["triage", "--jsonl", "/nonexistent/in.jsonl"])

    assert result.exit_code == 2
    assert "no file" in result.stderr


def test_retrain_without_a_practice_is_refused_with_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["triage", "retrain"])

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: retrain needs --practice ID: the practice whose corrections to learn from"
    ]


def test_a_crisis_text_holding_a_nul_is_still_read_as_a_crisis() -> None:
    code, data, _ = run("-", stdin="I want to kill\x00 myself")

    assert code == 0
    assert data is not None
    assert data["class"] == "crisis" and data["severity"] == "urgent"


def test_the_transformer_reader_is_used_when_asked_for(tmp_path: Path) -> None:
    from tests.fixtures.tiny_transformer import write_reader

    folder = write_reader(tmp_path / "reader")
    text = "The zorblax again, all week."

    _, light, _ = run(text)
    code, both, _ = run("--reader", "transformer", "--transformer-dir", str(folder), text)

    assert light is not None and light["class"] != "crisis"
    assert code == 0
    assert both is not None and both["class"] == "crisis"


def test_the_jsonl_batch_uses_the_transformer_reader_too(tmp_path: Path) -> None:
    from tests.fixtures.tiny_transformer import write_reader

    folder = write_reader(tmp_path / "reader")
    lines = '{"id": 1, "text": "The zorblax again, all week."}\n{"id": 2, "text": "Thanks."}\n'

    result = runner.invoke(
        app,
        ["triage", "--reader", "transformer", "--transformer-dir", str(folder), "--jsonl", "-"],
        input=lines,
    )

    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["id"], a["class"]) for a in answers] == [(1, "crisis"), (2, "positive")]


def test_a_transformer_that_was_never_built_is_one_clear_error(tmp_path: Path) -> None:
    code, data, err = run(
        "--reader", "transformer", "--transformer-dir", str(tmp_path / "none"), "It helped."
    )

    assert code == 2
    assert data is None
    assert "make triage-transformer" in err
    assert "Traceback" not in err
