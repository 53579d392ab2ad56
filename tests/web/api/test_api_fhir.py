"""FHIR R4B through the API: the practice's measures as Questionnaires (never licensed wording
unless this practice imported it), and scores as Observations with LOINC codes where known."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from sqlalchemy.orm import Session

from bordin.services.instruments import import_questionnaire
from bordin.services.runtime import Runtime
from bordin.storage.tables import AdministrationRow
from tests.fixtures.cast import Cast
from tests.web.api.conftest import bearer


def test_the_practices_measures_come_as_a_bundle_of_valid_questionnaires(
    api: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    response = api.get("/api/v1/fhir/Questionnaire", headers=bearer(token_for(cast.adam)))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(response.json())
    ids = {entry.resource.id for entry in bundle.entry or []}
    assert {"phq9", "gad7", "bordin-sac"} <= ids


def test_licensed_wording_appears_only_for_the_practice_that_imported_it(
    api: TestClient,
    cast: Cast,
    token_for: Callable[..., str],
    db: Session,
    rt: Runtime,
    shared_data: Path,
) -> None:
    ours, theirs = bearer(token_for(cast.alice)), bearer(token_for(cast.charlie))
    before = Questionnaire.model_validate(
        api.get("/api/v1/fhir/Questionnaire/gad7", headers=ours).json()
    )
    assert all(item.text is None for item in before.item or [])
    assert before.code and before.code[0].code == "69737-5"
    data = (shared_data / "fhir" / "pco__Questionnaire-GAD7.json").read_bytes()
    import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)
    after = api.get("/api/v1/fhir/Questionnaire/gad7", headers=ours).json()
    assert all(item.get("text") for item in after["item"][:7])
    elsewhere = api.get("/api/v1/fhir/Questionnaire/gad7", headers=theirs).json()
    assert not any(item.get("text") for item in elsewhere["item"])


def test_the_alliance_check_ships_its_own_wording(
    api: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    body = api.get(
        "/api/v1/fhir/Questionnaire/bordin_sac", headers=bearer(token_for(cast.bob))
    ).json()
    assert all(item.get("text") for item in body["item"])
    assert (
        api.get("/api/v1/fhir/Questionnaire/nothing", headers=bearer(token_for(cast.bob))).json()[
            "error"
        ]["code"]
        == "not_found"
    )


def test_a_phq9_score_is_an_observation_with_its_loinc_code_and_the_pseudonym_only(
    api: TestClient, cast: Cast, token_for: Callable[..., str], ash_phq9: AdministrationRow
) -> None:
    response = api.get(
        f"/api/v1/fhir/Observation/{ash_phq9.id}", headers=bearer(token_for(cast.alice))
    )
    observation = Observation.model_validate(response.json())
    codes = {(c.system, c.code) for c in observation.code.coding or []}
    assert ("http://loinc.org", "44261-6") in codes
    assert observation.valueQuantity is not None and observation.valueQuantity.value == 9
    assert observation.subject is not None
    assert observation.subject.identifier.value == cast.ash.pseudonym  # type: ignore[union-attr]
    assert "Ash" not in response.text
