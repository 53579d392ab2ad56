"""Subject access pages: ``/data-requests`` for the admin and clinical lead, ``/me/data`` for
the client. Each offers the readable summary, its PDF and the archive (services/subject_access.py
checks who may export and audits every export)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bordin.services import subject_access as sar
from bordin.services.crisis import lines_for_practice
from bordin.storage.tables import PracticeRow
from bordin.web.client_pages import render_client
from bordin.web.deps import (
    Csrf,
    CurrentClient,
    CurrentStaff,
    DbSession,
    PostedForm,
    RequestOrigin,
    Rt,
)
from bordin.web.params import RecordId
from bordin.web.templating import render

router = APIRouter()

Ending = Literal["html", "pdf", "zip"]
FORMS: dict[str, str] = {"html": "html", "pdf": "pdf", "zip": "archive"}


def _send(export: sar.Export) -> Response:
    inline = export.media_type == "text/html"
    disposition = "inline" if inline else "attachment"
    return Response(
        export.content,
        media_type=f"{export.media_type}; charset=utf-8" if inline else export.media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{export.filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/data-requests")
def data_requests(
    request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin
) -> Response:
    clients = sar.exportable_clients(db, rt, viewer.actor, origin=origin)
    return render(
        request,
        "data_requests.html",
        {"viewer": viewer, "clients": clients, "name": "", "csrf_token": viewer.csrf_token},
    )


@router.post("/data-requests", dependencies=[Csrf])
def find_client(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    posted: PostedForm,
) -> Response:
    """Find a client by name. Posted, not in the address, so that a client's name never
    lands in browser history or a proxy's log."""
    name = str(posted.get("name", ""))[:200]
    clients = sar.exportable_clients(db, rt, viewer.actor, name=name, origin=origin)
    return render(
        request,
        "data_requests.html",
        {"viewer": viewer, "clients": clients, "name": name, "csrf_token": viewer.csrf_token},
    )


@router.get("/data-requests/clients/{client_id}/record.{ending}")
def staff_export(
    client_id: RecordId,
    ending: Ending,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
) -> Response:
    export = sar.export_client(
        db, rt, actor=viewer.actor, client_id=client_id, form=FORMS[ending], origin=origin
    )
    return _send(export)


@router.get("/me/data")
def my_data(request: Request, db: DbSession, rt: Rt, viewer: CurrentClient) -> Response:
    practice = db.get(PracticeRow, viewer.actor.practice_id)
    return render_client(
        request,
        "my_data.html",
        {"client_signed_in": True, "csrf_token": viewer.csrf_token},
        crisis_lines=lines_for_practice(practice, rt),
    )


@router.get("/me/data/record.{ending}")
def my_export(
    ending: Ending, db: DbSession, rt: Rt, viewer: CurrentClient, origin: RequestOrigin
) -> Response:
    assert viewer.actor.client_id is not None
    export = sar.export_client(
        db,
        rt,
        actor=viewer.actor,
        client_id=viewer.actor.client_id,
        form=FORMS[ending],
        origin=origin,
    )
    return _send(export)
