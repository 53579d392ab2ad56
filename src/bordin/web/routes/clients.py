"""A client's page: episodes, sessions, scores, their words, signals and ruptures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bordin.reports.read.client_record import client_record
from bordin.services.access import get_client_for_user
from bordin.web.deps import CurrentStaff, DbSession, RequestOrigin, Rt

router = APIRouter()


@router.get("/clients/{client_id}")
def client_page(
    client_id: int, request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff,
    origin: RequestOrigin,
) -> Response:
    get_client_for_user(db, rt, viewer.actor, client_id, origin=origin)
    record = client_record(db, rt.cipher, client_id)
    db.commit()  # the audited read
    return request.app.state.templates.TemplateResponse(
        request, "client.html", {"record": record, "viewer": viewer, "now": rt.now()},
    )
