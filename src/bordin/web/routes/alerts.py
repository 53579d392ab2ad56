"""The signed-in member of staff's own alerts: ``/alerts``, and marking them read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.text import parse_record_id
from bordin.services import alerts as alert_service
from bordin.services.triage_corrections import CLASS_NAMES
from bordin.web.deps import Csrf, CurrentStaff, DbSession, PostedForm, RequestOrigin, Rt

router = APIRouter()


@router.get("/alerts")
def alerts_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    corrected: bool = False,
) -> Response:
    alerts = alert_service.alerts_for(db, rt, actor=viewer.actor, origin=origin)
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "alerts.html",
        {
            "alerts": alerts,
            "viewer": viewer,
            "unread": sum(1 for a in alerts if a.read_at is None),
            "corrected": corrected,
            "correction_names": CLASS_NAMES,
        },
    )
    return response


@router.post("/alerts/read", dependencies=[Csrf])
def mark_read(db: DbSession, rt: Rt, viewer: CurrentStaff, posted: PostedForm) -> Response:
    """One alert (``alert_id``) or, without it, all of the viewer's unread alerts."""
    chosen = [
        number
        for value in posted.getlist("alert_id")
        if isinstance(value, str) and (number := parse_record_id(value)) is not None
    ]
    alert_service.mark_read(db, rt, actor=viewer.actor, alert_ids=chosen or None)
    return RedirectResponse("/alerts", status_code=303)
