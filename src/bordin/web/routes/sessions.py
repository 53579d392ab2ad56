"""The therapist's session view ``/sessions/<id>``: what each client said last time, open
signals and alerts with "discussed with the client", attendance, and the feedback links."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.errors import NotFound
from bordin.services import alerts as alert_service
from bordin.services import feedback as feedback_service
from bordin.services import practice as practice_service
from bordin.services.session_view import acknowledge_signal, session_view
from bordin.storage.tables import AppointmentRow
from bordin.web.deps import Csrf, CurrentStaff, DbSession, RequestOrigin, Rt
from bordin.web.params import ChoiceField, RecordId

router = APIRouter()

NOTICES = {
    "attended": "Marked attended. Each client who agreed gets their feedback link once the "
    "session has ended (within a minute if it already has).",
    "cancelled": "Marked cancelled.",
    "no_show": "Marked as not attended.",
    "scheduled": "Marked as scheduled.",
    "discussed": "Recorded as discussed with the client.",
    "sent": "Unsent feedback links were sent again.",
}


@router.get("/sessions/{appointment_id}")
def session_page(
    appointment_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    done: str = "",
) -> Response:
    view = session_view(db, rt, actor=viewer.actor, appointment_id=appointment_id, origin=origin)
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "session.html",
        {"view": view, "viewer": viewer, "notice": NOTICES.get(done), "now": rt.now()},
    )
    return response


def _back(appointment_id: int, done: str) -> Response:
    return RedirectResponse(f"/sessions/{appointment_id}?done={done}", status_code=303)


@router.post("/sessions/{appointment_id}/attendance", dependencies=[Csrf])
def set_attendance(
    appointment_id: RecordId,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    status: ChoiceField = "",
) -> Response:
    appointment = practice_service.set_attendance(
        db, rt, actor=viewer.actor, appointment_id=appointment_id, status=status
    )
    return _back(appointment_id, appointment.status)


@router.post("/sessions/{appointment_id}/links/send", dependencies=[Csrf])
def resend_links(appointment_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    """Retry links whose email failed (each gets a fresh token; the old one never arrived)."""
    view = session_view(db, rt, actor=viewer.actor, appointment_id=appointment_id)
    if not view.may_act:
        raise NotFound("session not found")
    feedback_service.send_links(db, rt, appointment_id=appointment_id)
    return _back(appointment_id, "sent")


@router.post("/sessions/{appointment_id}/signals/{signal_id}/discussed", dependencies=[Csrf])
def signal_discussed(
    appointment_id: RecordId, signal_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff
) -> Response:
    if db.get(AppointmentRow, appointment_id) is None:
        raise NotFound("session not found")
    acknowledge_signal(db, rt, actor=viewer.actor, signal_id=signal_id)
    return _back(appointment_id, "discussed")


@router.post("/sessions/{appointment_id}/alerts/{alert_id}/discussed", dependencies=[Csrf])
def alert_discussed(
    appointment_id: RecordId, alert_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff
) -> Response:
    if db.get(AppointmentRow, appointment_id) is None:
        raise NotFound("session not found")
    alert_service.acknowledge_alert(db, rt, actor=viewer.actor, alert_id=alert_id)
    return _back(appointment_id, "discussed")
