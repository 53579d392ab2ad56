"""Subject access pages: ``/data-requests`` for the admin and clinical lead, ``/me/data`` for
the client. Each offers the readable summary, its PDF and the archive (services/subject_access.py
checks who may export and audits every export)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from bordin.domain.errors import FieldError
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
from bordin.web.field_labels import labelled
from bordin.web.params import RecordId, whole_number
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


def _data_requests(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    *,
    name: str,
    page: str,
) -> Response:
    errors: list[FieldError] = []
    number = whole_number("page", page, errors, "must be a whole number from 1") or 1
    found = sar.exportable_clients(db, rt, viewer.actor, name=name, page=number, origin=origin)
    return render(
        request,
        "data_requests.html",
        {
            "viewer": viewer,
            "found": found,
            "name": name,
            "errors": labelled(errors),
            "csrf_token": viewer.csrf_token,
        },
        status_code=400 if errors else 200,
    )


@router.get("/data-requests")
def data_requests(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    page: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """The practice's clients, a page at a time (``?page=2``: a number, never a name)."""
    return _data_requests(request, db, rt, viewer, origin, name="", page=page)


@router.post("/data-requests", dependencies=[Csrf])
def find_client(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    posted: PostedForm,
) -> Response:
    """Find a client by name, a page at a time. Posted, not in the address, so that a client's
    name never lands in browser history or a proxy's log."""
    name = str(posted.get("name", ""))[:200]
    page = str(posted.get("page", ""))[:12]
    return _data_requests(request, db, rt, viewer, origin, name=name, page=page)


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
