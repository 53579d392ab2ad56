"""The measures commands: `bordin score`, `bordin change` and `bordin instruments`.

`score` and `change` are a stable contract other tools depend on, so their JSON keys are
tested exactly. One test runs the installed `bordin` executable to check real exit codes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bordin.cli.app import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("BORDIN_FHIR_TEST_DATA", ROOT.parent / "shared" / "data" / "fhir"))
SCORE_KEYS = [
    "valid",
    "instrument",
    "total",
    "subscales",
    "band",
    "cutoff_exceeded",
    "risk_items",
    "prorated",
]


def run(*args: str):
    result = runner.invoke(app, list(args))
    return result, result.stdout.strip()


def test_score_prints_one_json_object_with_the_contract_keys():
    result, out = run("score", "phq9", "--answers", "1,0,2,1,0,0,1,2,1")
    assert result.exit_code == 0
    data = json.loads(out)
    assert list(data) == SCORE_KEYS
    assert data == {
        "valid": True,
        "instrument": "phq9",
        "total": 8,
        "subscales": {},
        "band": "mild",
        "cutoff_exceeded": False,
        "risk_items": ["q9"],
        "prorated": False,
    }


def test_an_empty_value_is_a_missing_item_and_core10_total_is_the_clinical_score():
    result, out = run("score", "core10", "--answers", "1,4,4,1,1,1,1,1,,1")
    data = json.loads(out)
    assert result.exit_code == 0
    assert (data["total"], data["prorated"], data["risk_items"]) == (7.78, True, ["q6"])


def test_srs_reports_subscales_and_the_concern_side_of_the_cut_off():
    _, out = run("score", "srs", "--answers", "9.1,8.5,9,7.3")
    data = json.loads(out)
    assert data["subscales"] == {"goals": 8.5, "tasks": 9.0, "bond": 9.1, "overall": 7.3}
    assert data["total"] == 33.9 and data["cutoff_exceeded"] is True


@pytest.mark.parametrize(
    ("instrument", "answers", "field", "fragment"),
    [
        ("phq9", "1,0,5,1,0,0,1,2,1", "q3", "out of range"),
        ("phq9", "1,0,x,1,0,0,1,2,1", "q3", "not a number"),
        ("phq9", "1,0,,1,0,0,1,2,1", "q3", "required"),
        ("phq9", "1,0,1", "answers", "9 or 10 values"),
        ("core10", "1,1,1,1,1,1,1,1,,", "answers", "2 of 10 scored items are missing"),
        ("nope", "1", "instrument", "unknown instrument"),
    ],
)
def test_invalid_input_prints_valid_false_with_errors_and_exits_2(
    instrument, answers, field, fragment
):
    result, out = run("score", instrument, "--answers", answers)
    assert result.exit_code == 2
    data = json.loads(out)
    assert data["valid"] is False
    assert any(e["field"] == field and fragment in e["message"] for e in data["errors"]), data


def test_change_prints_the_contract_keys_first():
    result, out = run("change", "phq9", "--before", "18", "--after", "8")
    assert result.exit_code == 0
    data = json.loads(out)
    assert list(data)[:4] == ["delta", "reliable", "direction", "classification"]
    assert (data["delta"], data["reliable"], data["direction"], data["classification"]) == (
        -10,
        True,
        "improved",
        "recovered",
    )


def test_change_without_reliable_change_is_a_one_line_error():
    result = runner.invoke(app, ["change", "srs", "--before", "30", "--after", "38"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no reliable-change threshold" in result.stderr


def test_change_refuses_scores_off_the_scale():
    result = runner.invoke(app, ["change", "gad7", "--before", "30", "--after", "8"])
    assert result.exit_code == 2 and "before" in result.stderr


def test_instruments_list_shows_every_instrument():
    result, out = run("instruments", "list")
    assert result.exit_code == 0
    for instrument_id in ("phq9", "gad7", "core10", "wai_sr", "srs", "ors", "bordin_sac"):
        assert instrument_id in out
    result, out = run("instruments", "list", "--json")
    assert [i["id"] for i in json.loads(out)][:3] == ["phq9", "gad7", "core10"]


def test_instruments_show_gives_the_scoring_rules():
    result, out = run("instruments", "show", "wai_sr")
    data = json.loads(out)
    assert result.exit_code == 0
    assert data["dimensions"]["bond"] == ["q3", "q5", "q7", "q9"]
    assert data["has_wording"] is False


def test_instruments_show_an_unknown_id_is_a_one_line_error():
    result = runner.invoke(app, ["instruments", "show", "oq45"])
    assert result.exit_code == 2 and "unknown instrument" in result.stderr


@pytest.mark.skipif(not DATA.is_dir(), reason=f"external FHIR test files not found at {DATA}")
def test_instruments_import_prints_what_matched(monkeypatch):
    result, out = run(
        "instruments", "import", "--check", str(DATA / "pco__Questionnaire-GAD7.json")
    )
    assert result.exit_code == 0
    data = json.loads(out)
    assert (data["valid"], data["action"], data["instrument"]) == (True, "attached_wording", "gad7")
    assert len(data["items_matched"]) == 7


@pytest.mark.skipif(not DATA.is_dir(), reason=f"external FHIR test files not found at {DATA}")
def test_importing_a_file_that_is_not_a_questionnaire_fails_clearly():
    result, out = run(
        "instruments",
        "import",
        "--check",
        str(DATA / "uscore__Observation-PHQ9-item-example-44261-6.json"),
    )
    assert result.exit_code == 2
    assert json.loads(out)["errors"][0] == {
        "field": "$.resourceType",
        "message": "not a Questionnaire: this file is an Observation",
    }


def test_importing_a_missing_file_is_a_one_line_error(tmp_path):
    result = runner.invoke(app, ["instruments", "import", str(tmp_path / "absent.json")])
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_the_installed_command_exits_2_on_invalid_answers():
    executable = Path(sys.executable).with_name("bordin")
    if not executable.exists():
        pytest.skip("the bordin entry point is not installed next to this Python")
    done = subprocess.run(
        [str(executable), "score", "gad7", "--answers", "9,0,0,0,0,0,0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert json.loads(done.stdout)["valid"] is False


def _questionnaire(item: str) -> str:
    return '{"resourceType": "Questionnaire", "status": "active", "item": [' + item + "]}"


WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
HOSTILE = {
    "nested arrays": (
        '{"resourceType": "Questionnaire", "item": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "nests more than 64 levels deep",
    ),
    "nested groups": (
        _questionnaire(
            '{"linkId": "g", "type": "group", "item": [' * 300
            + '{"linkId": "q", "type": "integer", "text": "q"}'
            + "]}" * 300
        ),
        "nests more than 64 levels deep",
    ),
    "huge option value": (
        _questionnaire(
            '{"linkId": "a", "type": "choice", "answerOption": [{"valueInteger": '
            + "9" * 400
            + "}]}"
        ),
        "a number too large to use",
    ),
    "number past int conversion": (
        _questionnaire('{"linkId": "a", "type": "integer", "maxValue": ' + "9" * 5000 + "}"),
        "a number too large to use",
    ),
    "infinite weight": (
        _questionnaire(
            '{"linkId": "a", "type": "choice", "answerOption": [{"valueInteger": 1, '
            f'"extension": [{{"url": "{WEIGHT}", "valueDecimal": 1e999}}]}}]}}'
        ),
        "a number too large to use",
    ),
    "NaN": (
        _questionnaire('{"linkId": "a", "type": "decimal", "initial": NaN}'),
        "NaN, which is not a number JSON allows",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_importing_deeply_nested_json_or_huge_numbers_is_one_line_and_no_traceback(
    tmp_path, case: str
):
    content, message = HOSTILE[case]
    path = tmp_path / "hostile.json"
    path.write_text(content)
    result = runner.invoke(app, ["instruments", "import", "--check", str(path)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2
    out = result.stdout.strip()
    assert "\n" not in out and "Traceback" not in result.output
    assert message in json.loads(out)["errors"][0]["message"]
