"""Administration: users (admin only) and the audit trail (admin and clinical lead)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from bordin.domain.access import may_manage_users, may_read_audit
from bordin.domain.errors import Conflict, InvalidInput, NotFound
from bordin.services import audit
from bordin.services import users as user_service
from bordin.storage.tables import UserRow
from bordin.web.deps import Csrf, CurrentStaff, DbSession, Rt
from bordin.web.templating import render

router = APIRouter()


def _users_page(
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    *,
    errors: list[dict[str, str]] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    people = user_service.list_users(db, practice_id=viewer.actor.practice_id)
    supervisors = [u for u in people if u.role == "supervisor"]
    return render(
        request,
        "admin_users.html",
        {
            "people": people,
            "supervisors": supervisors,
            "errors": errors or [],
            "form": form or {},
            "viewer": viewer,
        },
        status_code=status,
    )


@router.get("/admin/users")
def users_page(request: Request, db: DbSession, viewer: CurrentStaff) -> Response:
    if not may_manage_users(viewer.actor):
        raise NotFound("not found")
    return _users_page(request, db, viewer)


@router.post("/admin/users", dependencies=[Csrf])
def add_user(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    username: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "therapist",
    password: Annotated[str, Form()] = "",
    supervisor_id: Annotated[str, Form()] = "",
    is_clinical_lead: Annotated[str, Form()] = "",
) -> Response:
    if not may_manage_users(viewer.actor):
        raise NotFound("not found")
    form = {
        "username": username,
        "email": email,
        "display_name": display_name,
        "role": role,
        "supervisor_id": supervisor_id,
    }
    try:
        user_service.add_user(
            db,
            rt,
            practice_id=viewer.actor.practice_id,
            username=username,
            email=email,
            display_name=display_name,
            role=role,
            password=password,
            supervisor_id=int(supervisor_id) if supervisor_id.isdigit() else None,
            is_clinical_lead=bool(is_clinical_lead),
            actor=viewer.actor,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _users_page(
            request, db, viewer, errors=[e.as_dict() for e in invalid.errors], form=form, status=422
        )
    except Conflict as clash:
        db.rollback()
        return _users_page(
            request,
            db,
            viewer,
            errors=[{"field": "username", "message": str(clash)}],
            form=form,
            status=409,
        )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active", dependencies=[Csrf])
def set_active(
    user_id: int,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    active: Annotated[str, Form()] = "false",
) -> Response:
    if not may_manage_users(viewer.actor):
        raise NotFound("not found")
    user_service.set_active(db, rt, actor=viewer.actor, user_id=user_id, active=active == "true")
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request, db: DbSession, viewer: CurrentStaff, client_id: int | None = None
) -> Response:
    if not may_read_audit(viewer.actor):
        raise NotFound("not found")
    events = audit.events(db, practice_id=viewer.actor.practice_id, client_id=client_id)
    names = dict(
        db.execute(
            select(UserRow.id, UserRow.display_name).where(
                UserRow.practice_id == viewer.actor.practice_id
            )
        ).all()
    )
    return render(
        request,
        "audit.html",
        {"events": events, "names": names, "client_id": client_id},
    )
