"""Erasure requests and retention periods (docs/data-rights.md).

* ``/admin/erasure``: an admin asks for a client to be erased; a second person (another admin
  or the clinical lead) confirms or withdraws it; erasures carried out are listed (tombstones).
* ``/admin/retention``: the admin sets how long each kind of record is kept.

Who may do what is decided in ``domain/access.py``; everyone else gets 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from bordin.domain.access import may_confirm_erasure, may_request_erasure
from bordin.domain.erasure import REASONS
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.retention import RECORD_KINDS
from bordin.domain.text import parse_record_id
from bordin.services import erasure, retention
from bordin.storage.tables import ClientRow
from bordin.web.client_pages import PostedForm
from bordin.web.deps import Csrf, CurrentStaff, DbSession, RequestOrigin, Rt
from bordin.web.field_labels import labelled
from bordin.web.params import ChoiceField, RecordId
from bordin.web.templating import render

router = APIRouter()

LABELS = {
    "client": "Client",
    "reason": "Reason",
    "confirmed_by": "Who confirms",
    **{kind.field: kind.label for kind in RECORD_KINDS},
}


def _may_see(viewer: CurrentStaff) -> None:
    if not (may_request_erasure(viewer.actor) or may_confirm_erasure(viewer.actor)):
        raise NotFound("not found")


def _erasure_page(
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    *,
    errors: list[dict[str, str]] | None = None,
    form: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> Response:
    _may_see(viewer)
    clients: list[tuple[int, str, str]] = []
    if may_request_erasure(viewer.actor):
        clients = [
            (int(i), str(name), str(pseudonym))
            for i, name, pseudonym in db.execute(
                select(ClientRow.id, ClientRow.display_name, ClientRow.pseudonym)
                .where(ClientRow.practice_id == viewer.actor.practice_id)
                .order_by(ClientRow.display_name, ClientRow.id)
            )
        ]
    return render(
        request,
        "erasure.html",
        {
            "viewer": viewer,
            "pending": erasure.pending_erasures(db, actor=viewer.actor),
            "done_list": erasure.done_erasures(db, actor=viewer.actor),
            "clients": clients,
            "reasons": REASONS,
            "may_ask": may_request_erasure(viewer.actor),
            "may_confirm": may_confirm_erasure(viewer.actor),
            "errors": errors or [],
            "form": form or {},
            "done": done,
        },
        status_code=status,
    )


@router.get("/admin/erasure")
def erasure_page(request: Request, db: DbSession, viewer: CurrentStaff, done: str = "") -> Response:
    return _erasure_page(request, db, viewer, done=done or None)


@router.post("/admin/erasure", dependencies=[Csrf])
def ask_for_erasure(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    client: ChoiceField = "",
    reason: ChoiceField = "",
) -> Response:
    _may_see(viewer)
    try:
        erasure.request_erasure(
            db,
            rt,
            actor=viewer.actor,
            client_id=parse_record_id(client),
            reason=reason,
            origin=origin,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _erasure_page(
            request,
            db,
            viewer,
            errors=labelled(invalid.errors, LABELS),
            form={"client": client, "reason": reason},
            status=422,
        )
    return RedirectResponse("/admin/erasure?done=asked", status_code=303)


@router.post("/admin/erasure/{request_id}/confirm", dependencies=[Csrf])
def confirm_erasure(
    request: Request,
    request_id: RecordId,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
) -> Response:
    try:
        erasure.confirm_erasure(db, rt, actor=viewer.actor, request_id=request_id, origin=origin)
    except InvalidInput as invalid:
        db.rollback()
        return _erasure_page(
            request, db, viewer, errors=labelled(invalid.errors, LABELS), status=422
        )
    return RedirectResponse("/admin/erasure?done=erased", status_code=303)


@router.post("/admin/erasure/{request_id}/cancel", dependencies=[Csrf])
def withdraw_erasure(
    request_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin
) -> Response:
    erasure.cancel_erasure(db, rt, actor=viewer.actor, request_id=request_id, origin=origin)
    return RedirectResponse("/admin/erasure?done=withdrawn", status_code=303)


def _retention_page(
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    *,
    values: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    if not may_request_erasure(viewer.actor):
        raise NotFound("not found")
    periods = retention.periods_for(db, viewer.actor.practice_id)
    shown = values or {kind.field: str(periods.days[kind.key]) for kind in RECORD_KINDS}
    return render(
        request,
        "retention.html",
        {
            "viewer": viewer,
            "kinds": RECORD_KINDS,
            "values": shown,
            "errors": errors or [],
            "saved": saved,
        },
        status_code=status,
    )


@router.get("/admin/retention")
def retention_page(
    request: Request, db: DbSession, viewer: CurrentStaff, saved: str = ""
) -> Response:
    return _retention_page(request, db, viewer, saved=bool(saved))


@router.post("/admin/retention", dependencies=[Csrf])
def save_retention(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    form: PostedForm,
) -> Response:
    if not may_request_erasure(viewer.actor):
        raise NotFound("not found")
    values = {kind.field: str(form.get(kind.field, "")) for kind in RECORD_KINDS}
    try:
        retention.save_periods(db, rt, actor=viewer.actor, form=values, origin=origin)
    except InvalidInput as invalid:
        db.rollback()
        return _retention_page(
            request, db, viewer, values=values, errors=labelled(invalid.errors, LABELS), status=422
        )
    return RedirectResponse("/admin/retention?saved=1", status_code=303)
