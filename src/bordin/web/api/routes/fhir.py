"""FHIR R4B: the practice's Questionnaires, QuestionnaireResponses and score Observations, as
``application/fhir+json``. Refusals keep the API's one error shape (not OperationOutcome)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from bordin.services import fhir_exports
from bordin.services.measures import export_administration_fhir
from bordin.web.api.auth import Reader
from bordin.web.api.http import FHIR_JSON, MAX_ID, read_response
from bordin.web.deps import DbSession, Rt

router = APIRouter(prefix="/fhir", tags=["fhir"])
AdministrationId = Path(ge=1, le=MAX_ID)
InstrumentId = Path(max_length=40)
FHIR_BODY: dict[int | str, dict[str, Any]] = {
    200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}}}
}


@router.get("/Questionnaire", responses=FHIR_BODY, summary="The practice's Questionnaires")
def list_questionnaires(request: Request, db: DbSession, rt: Rt, caller: Reader) -> Response:
    """A searchset Bundle of every measure the practice can use. Item wording appears only where
    the practice imported it or the measure ships its own (never licensed wording)."""
    resources = fhir_exports.questionnaires(db, rt, actor=caller.actor)
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"fullUrl": f"{request.url.path}/{r['id']}", "resource": r} for r in resources],
    }
    return read_response(request, bundle, media_type=FHIR_JSON)


@router.get(
    "/Questionnaire/{instrument_id}", responses=FHIR_BODY, summary="One measure as a Questionnaire"
)
def get_questionnaire(
    request: Request, db: DbSession, rt: Rt, caller: Reader, instrument_id: str = InstrumentId
) -> Response:
    resource = fhir_exports.questionnaire(db, rt, actor=caller.actor, instrument_id=instrument_id)
    return read_response(request, resource, media_type=FHIR_JSON)


@router.get(
    "/QuestionnaireResponse/{administration_id}",
    responses=FHIR_BODY,
    summary="One administration as a QuestionnaireResponse",
)
def get_questionnaire_response(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Reader,
    administration_id: int = AdministrationId,
) -> Response:
    """The answers and scores, the client named by pseudonym only. The read is audited."""
    resource = export_administration_fhir(
        db, rt, actor=caller.actor, administration_id=administration_id, origin=caller.origin
    )
    return read_response(request, resource, media_type=FHIR_JSON)


@router.get(
    "/Observation/{administration_id}",
    responses=FHIR_BODY,
    summary="One administration's score as an Observation",
)
def get_observation(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Reader,
    administration_id: int = AdministrationId,
) -> Response:
    """The total (LOINC code where known) with a component per subscale. The read is audited."""
    resource = fhir_exports.score_observation(
        db, rt, actor=caller.actor, administration_id=administration_id, origin=caller.origin
    )
    return read_response(request, resource, media_type=FHIR_JSON)
