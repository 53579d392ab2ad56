"""Marking a triage decision wrong (therapist or clinical lead), the lead's list of them, and
the lead's request to retrain the practice's triage on them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.errors import FieldError, InvalidInput
from bordin.services import triage_corrections, triage_practice_model, triage_reader
from bordin.web.client_pages import PostedForm
from bordin.web.deps import Csrf, CurrentStaff, DbSession, RequestOrigin, Rt

router = APIRouter()

#: Where the form may send the person back to afterwards.
RETURN_TO = ("/alerts", "/concerns")


@router.post("/triage/corrections", dependencies=[Csrf])
def correct(
    db: DbSession, rt: Rt, viewer: CurrentStaff, posted: PostedForm, origin: RequestOrigin
) -> Response:
    raw_id = posted.get("submission_id")
    if not isinstance(raw_id, str) or not raw_id.isdigit():
        raise InvalidInput(FieldError("submission_id", "is missing: open the form again"))
    chosen = posted.get("correct_class")
    triage_corrections.correct_triage(
        db,
        rt,
        actor=viewer.actor,
        submission_id=int(raw_id),
        correct_class=chosen if isinstance(chosen, str) else "",
        origin=origin,
    )
    back = posted.get("return_to")
    target = back if isinstance(back, str) and back in RETURN_TO else "/alerts"
    return RedirectResponse(f"{target}?corrected=true", status_code=303)


@router.get("/triage/corrections")
def corrections_page(
    request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin
) -> Response:
    views = triage_corrections.corrections_for(db, rt, actor=viewer.actor, origin=origin)
    status = triage_practice_model.retrain_status(db, rt, actor=viewer.actor)
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "triage_corrections.html",
        {
            "views": views,
            "viewer": viewer,
            "names": triage_corrections.CLASS_NAMES,
            "status": status,
            "reading": triage_reader.reading(rt.settings),
            "asked": request.query_params.get("retrain") == "asked",
            "went_back": request.query_params.get("model") == "shipped",
        },
    )
    return response


@router.post("/triage/corrections/use-shipped", dependencies=[Csrf])
def use_shipped(db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin) -> Response:
    triage_practice_model.use_shipped_model(db, rt, actor=viewer.actor, origin=origin)
    return RedirectResponse("/triage/corrections?model=shipped", status_code=303)


@router.post("/triage/corrections/retrain", dependencies=[Csrf])
def ask_to_retrain(db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin) -> Response:
    triage_practice_model.request_retrain(db, rt, actor=viewer.actor, origin=origin)
    return RedirectResponse("/triage/corrections?retrain=asked", status_code=303)
