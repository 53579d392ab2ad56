"""The signed-in member of staff's own alerts: ``/alerts``, and marking them read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bordin.services import alerts as alert_service
from bordin.web.client_pages import PostedForm
from bordin.web.deps import Csrf, CurrentStaff, DbSession, Rt

router = APIRouter()


@router.get("/alerts")
def alerts_page(request: Request, db: DbSession, viewer: CurrentStaff) -> Response:
    alerts = alert_service.alerts_for(db, actor=viewer.actor)
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "alerts.html",
        {"alerts": alerts, "viewer": viewer, "unread": sum(1 for a in alerts if a.read_at is None)},
    )
    return response


@router.post("/alerts/read", dependencies=[Csrf])
def mark_read(db: DbSession, rt: Rt, viewer: CurrentStaff, posted: PostedForm) -> Response:
    """One alert (``alert_id``) or, without it, all of the viewer's unread alerts."""
    chosen = [int(v) for v in posted.getlist("alert_id") if isinstance(v, str) and v.isdigit()]
    alert_service.mark_read(db, rt, actor=viewer.actor, alert_ids=chosen or None)
    return RedirectResponse("/alerts", status_code=303)
