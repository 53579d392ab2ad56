"""Concerns for the clinical lead only (everyone else gets 404): list and mark handled."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bordin.services import concerns as concern_service
from bordin.services.triage_corrections import CLASS_NAMES
from bordin.web.deps import Csrf, CurrentStaff, DbSession, RequestOrigin, Rt
from bordin.web.params import RecordId

router = APIRouter()


@router.get("/concerns")
def concerns_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    done: bool = False,
    corrected: bool = False,
) -> Response:
    views = concern_service.concerns_for(db, rt, actor=viewer.actor, origin=origin)
    notice = "Marked as handled." if done else None
    if corrected:
        notice = "Thank you: the correction is recorded."
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "concerns.html",
        {"views": views, "viewer": viewer, "notice": notice, "correction_names": CLASS_NAMES},
    )
    return response


@router.post("/concerns/{concern_id}/handled", dependencies=[Csrf])
def mark_handled(concern_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    concern_service.mark_handled(db, rt, actor=viewer.actor, concern_id=concern_id)
    return RedirectResponse(f"/concerns?done=true#concern-{concern_id}", status_code=303)
