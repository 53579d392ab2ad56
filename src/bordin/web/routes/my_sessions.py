"""A client's own sessions, reached from ``/me``: see them, cancel one, or choose another time.

Works on a phone without JavaScript: each change is a page that says what will happen (late or
not) and a button that does it.
"""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput
from bordin.services import client_sessions
from bordin.services.crisis import lines_for_practice
from bordin.storage.tables import PracticeRow
from bordin.web.client_pages import render_client
from bordin.web.deps import Csrf, CurrentClient, DbSession, RequestOrigin, Rt, Viewer
from bordin.web.params import RecordId

router = APIRouter()

NOTICES = {
    "cancelled": "Your session has been cancelled. Your therapist has been told.",
    "late": "Your session has been cancelled. As it was less than the practice's notice, it is "
    "recorded as a late cancellation. Your therapist has been told.",
    "moved": "Your session has been moved. Your therapist has been told.",
}


def _page(
    request: Request,
    db: Session,
    rt: Rt,
    viewer: Viewer,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> Response:
    return render_client(
        request,
        template,
        {"csrf_token": viewer.csrf_token, "client_signed_in": True, **context},
        crisis_lines=lines_for_practice(db.get(PracticeRow, viewer.actor.practice_id), rt),
        status=status,
    )


@router.get("/me/sessions")
def my_sessions(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentClient,
    origin: RequestOrigin,
    done: str = "",
) -> Response:
    mine = client_sessions.my_sessions(db, rt, actor=viewer.actor, origin=origin)
    return _page(
        request,
        db,
        rt,
        viewer,
        "my_sessions.html",
        {"mine": mine, "notice": NOTICES.get(done), "practice_name": mine.practice_name},
    )


@router.get("/me/sessions/{appointment_id}/cancel")
def confirm_cancel(
    appointment_id: RecordId, request: Request, db: DbSession, rt: Rt, viewer: CurrentClient
) -> Response:
    session = client_sessions.own_session(db, rt, actor=viewer.actor, appointment_id=appointment_id)
    mine = client_sessions.my_sessions(db, rt, actor=viewer.actor)
    return _page(
        request,
        db,
        rt,
        viewer,
        "my_session_cancel.html",
        {"session": session, "mine": mine, "practice_name": mine.practice_name},
    )


@router.post("/me/sessions/{appointment_id}/cancel", dependencies=[Csrf])
def cancel(
    appointment_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentClient, origin: RequestOrigin
) -> Response:
    cancelled = client_sessions.cancel_own_session(
        db, rt, actor=viewer.actor, appointment_id=appointment_id, origin=origin
    )
    done = "late" if cancelled.late_cancellation else "cancelled"
    return RedirectResponse(f"/me/sessions?done={done}", status_code=303)


def _move_page(
    request: Request,
    db: Session,
    rt: Rt,
    viewer: Viewer,
    appointment_id: int,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    session = client_sessions.own_session(db, rt, actor=viewer.actor, appointment_id=appointment_id)
    mine = client_sessions.my_sessions(db, rt, actor=viewer.actor)
    times = client_sessions.free_times(db, rt, actor=viewer.actor, appointment_id=appointment_id)
    days = [(day, list(group)) for day, group in groupby(times, key=lambda t: t.date())]
    return _page(
        request,
        db,
        rt,
        viewer,
        "my_session_move.html",
        {
            "session": session,
            "mine": mine,
            "days": days,
            "errors": errors or [],
            "practice_name": mine.practice_name,
        },
        status,
    )


@router.get("/me/sessions/{appointment_id}/move")
def choose_time(
    appointment_id: RecordId, request: Request, db: DbSession, rt: Rt, viewer: CurrentClient
) -> Response:
    return _move_page(request, db, rt, viewer, appointment_id)


@router.post("/me/sessions/{appointment_id}/move", dependencies=[Csrf])
def move(
    appointment_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentClient,
    origin: RequestOrigin,
    starts_at: Annotated[str, Form()] = "",
) -> Response:
    try:
        client_sessions.rebook_own_session(
            db,
            rt,
            actor=viewer.actor,
            appointment_id=appointment_id,
            starts_at=starts_at,
            origin=origin,
        )
    except InvalidInput as invalid:
        db.rollback()
        errors = [
            {"field": e.field, "label": "New time", "message": e.message} for e in invalid.errors
        ]
        return _move_page(request, db, rt, viewer, appointment_id, errors, 422)
    return RedirectResponse("/me/sessions?done=moved", status_code=303)
