"""Exporting administrations as FHIR R4B QuestionnaireResponses."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from bordin.domain.instruments import apply_import, builtin_registry, get_instrument
from bordin.domain.instruments.administration import administer
from bordin.interop.fhir.questionnaire import load_questionnaire_file
from bordin.interop.fhir.questionnaire_response import (
    dumps,
    export_questionnaire_response,
    questionnaire_canonical,
    questionnaire_response_json,
)

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("BORDIN_FHIR_TEST_DATA", ROOT.parent / "shared" / "data" / "fhir"))
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"external FHIR test files not found at {DATA}"
)
WHEN = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)


def _administer(instrument, answers, **extra):
    return administer(
        instrument,
        answers,
        administration_id="adm-0001",
        respondent_id="client-0042",
        completed_at=WHEN,
        session_id="session-7",
        **extra,
    )


def _imported(name: str):
    registry = builtin_registry()
    summary = apply_import(load_questionnaire_file(DATA / name), registry)
    return registry.get(summary.instrument_id)


def _questionnaire_items(name: str) -> dict:
    found = {}

    def walk(items):
        for item in items:
            found[item["linkId"]] = item
            walk(item.get("item", []))

    walk(json.loads((DATA / name).read_text())["item"])
    return found


def _answers(data):
    """linkId → answer, flattened over groups."""
    found = {}

    def walk(items):
        for item in items:
            if "answer" in item:
                found[item["linkId"]] = item["answer"][0]
            walk(item.get("item", []))

    walk(data["item"])
    return found


@needs_data
def test_a_phq9_response_carries_the_imported_questionnaires_url_link_ids_and_codes():
    name = "uscore__Questionnaire-phq-9-example.json"
    phq9 = _imported(name)
    values = [1, 0, 2, 1, 0, 0, 1, 2, 1, 0]
    admin = _administer(phq9, dict(zip(phq9.link_ids, values, strict=True)))
    data = questionnaire_response_json(admin, phq9)
    QuestionnaireResponse.model_validate(data)
    assert data["questionnaire"] == "http://hl7.org/fhir/us/core/Questionnaire/phq-9-example"
    items = _questionnaire_items(name)
    answers = _answers(data)
    for ours, value in zip(phq9.items, values, strict=True):
        link_id = ours.source.link_id
        assert items[link_id]["code"][0]["code"] == ours.code
        coding = answers[link_id]["valueCoding"]
        option = next(
            o for o in items[link_id]["answerOption"] if o["valueCoding"]["code"] == coding["code"]
        )
        assert option["valueCoding"]["system"] == coding["system"] == "http://loinc.org"
        assert ours.option_for(value).code == coding["code"]
    assert answers["/44261-6"] == {"valueDecimal": 8.0}


@needs_data
def test_a_nested_questionnaire_gets_nested_answers_and_its_quantity_total():
    phq9 = _imported("sdc__questionnaire-sdc-profile-example-PHQ9.json")
    admin = _administer(phq9, dict(zip(phq9.link_ids, [0, 0, 0, 1, 2, 1, 3, 2, 1], strict=False)))
    data = questionnaire_response_json(admin, phq9)
    assert data["questionnaire"].endswith("questionnaire-sdc-profile-example-PHQ9|0.0.1")
    group = data["item"][0]
    assert group["linkId"] == "H1/T1" and len(data["item"]) == 1
    assert [i["linkId"] for i in group["item"]] == [f"H1/T1/Q{n}" for n in range(1, 10)] + ["H1/TS"]
    assert group["item"][6]["answer"][0]["valueCoding"]["code"] == "Nearly every day"
    total = group["item"][9]
    assert total["answer"][0]["valueQuantity"]["value"] == 10


@needs_data
def test_an_integer_total_item_is_answered_with_an_integer():
    phq9 = _imported("cqf-sample__Questionnaire-phq-9-questionnaire.json")
    answers = {f"q{n}": 0 for n in range(1, 10)} | {"q1": 3}
    data = questionnaire_response_json(_administer(phq9, answers), phq9)
    assert _answers(data)["TotalScore"] == {"valueInteger": 3}


def test_a_built_in_without_import_points_at_bordins_own_canonical():
    sac = get_instrument("bordin_sac")
    admin = _administer(sac, {"goals": 8, "tasks": 6, "bond": 9, "overall": 7})
    data = questionnaire_response_json(admin, sac)
    assert data["questionnaire"] == "urn:bordin:questionnaire:bordin_sac|1.0"
    answers = _answers(data)
    assert answers["goals"] == {"valueInteger": 8}
    assert answers["total"] == {"valueDecimal": 30.0}
    assert answers["subscale-bond"] == {"valueDecimal": 9.0}
    assert questionnaire_canonical(
        sac, canonical_base="https://example.org/fhir/Questionnaire/"
    ) == ("https://example.org/fhir/Questionnaire/bordin_sac|1.0")


def test_who_answered_is_only_a_pseudonymous_identifier_and_the_session_an_encounter():
    srs = get_instrument("srs")
    data = questionnaire_response_json(
        _administer(srs, dict(zip(srs.link_ids, [9.1, 8.5, 9, 7.3], strict=True))), srs
    )
    assert data["subject"] == {
        "identifier": {"system": "urn:bordin:respondent", "value": "client-0042"}
    }
    assert data["source"] == data["subject"]
    assert data["encounter"]["identifier"]["value"] == "session-7"
    assert data["authored"].startswith("2026-03-04T17:30:00")
    assert _answers(data)["overall"] == {"valueDecimal": 7.3}
    assert data["status"] == "completed" and data["id"] == "adm-0001"


def test_free_text_is_left_out_unless_asked_for():
    sac = get_instrument("bordin_sac")
    admin = _administer(
        sac,
        {"goals": 8, "tasks": 6, "bond": 9, "overall": 7},
        free_text={"didnt_land": "Synthetic: the pace felt quick."},
    )
    assert "didnt_land" not in dumps(export_questionnaire_response(admin, sac))
    with_text = questionnaire_response_json(admin, sac, include_free_text=True)
    assert _answers(with_text)["didnt_land"] == {"valueString": "Synthetic: the pace felt quick."}


def test_missing_answers_are_left_out():
    core10 = get_instrument("core10")
    answers = dict(zip(core10.link_ids, [1, 3, 3, 1, 1, 0, 1, 1, None, 1], strict=True))
    data = questionnaire_response_json(_administer(core10, answers), core10)
    assert "q9" not in _answers(data)
    assert _answers(data)["total"] == {"valueDecimal": 8.89}


def test_an_administration_of_another_instrument_is_refused():
    sac = get_instrument("bordin_sac")
    admin = _administer(sac, {"goals": 8, "tasks": 6, "bond": 9, "overall": 7})
    with pytest.raises(ValueError, match="bordin_sac"):
        export_questionnaire_response(admin, get_instrument("srs"))
