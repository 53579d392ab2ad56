"""Administration: users (admin only) and the audit trail (admin and clinical lead)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from bordin.domain.access import may_manage_users, may_read_audit
from bordin.domain.errors import Conflict, FieldError, InvalidInput, NotFound
from bordin.domain.text import parse_record_id
from bordin.services import audit
from bordin.services import users as user_service
from bordin.storage.tables import AuditEventRow, UserRow
from bordin.web.deps import Csrf, CurrentStaff, DbSession, Rt
from bordin.web.field_labels import labelled
from bordin.web.params import (
    ChoiceField,
    EmailField,
    NameField,
    PasswordField,
    QueryRecordId,
    RecordId,
    UsernameField,
    whole_number,
)
from bordin.web.templating import render

router = APIRouter()

#: The add-a-member form's fields as the page names them (errors say these, never the keys).
LABELS = {
    "display_name": "Name",
    "username": "Username",
    "email": "Email",
    "role": "Role",
    "supervisor": "Supervisor",
    "is_clinical_lead": "Clinical lead",
    "password": "Initial password",
}


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
    username: UsernameField = "",
    email: EmailField = "",
    display_name: NameField = "",
    role: ChoiceField = "therapist",
    password: PasswordField = "",
    supervisor_id: ChoiceField = "",
    is_clinical_lead: ChoiceField = "",
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
            supervisor_id=parse_record_id(supervisor_id),
            is_clinical_lead=bool(is_clinical_lead),
            actor=viewer.actor,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _users_page(
            request,
            db,
            viewer,
            errors=labelled(invalid.errors, LABELS),
            form=form,
            status=422,
        )
    except Conflict as clash:
        db.rollback()
        return _users_page(
            request,
            db,
            viewer,
            errors=labelled([FieldError("username", str(clash))], LABELS),
            form=form,
            status=409,
        )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active", dependencies=[Csrf])
def set_active(
    user_id: RecordId,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    active: ChoiceField = "false",
) -> Response:
    if not may_manage_users(viewer.actor):
        raise NotFound("not found")
    user_service.set_active(db, rt, actor=viewer.actor, user_id=user_id, active=active == "true")
    return RedirectResponse("/admin/users", status_code=303)


AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters, checked: UTC days ``since`` to ``until`` (both included)."""

    since: date | None = None
    until: date | None = None
    user_id: int | None = None
    client_id: int | None = None
    page: int = 1

    def query(self, **changes: object) -> str:
        values = {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "user": str(self.user_id or ""),
            "client_id": str(self.client_id or ""),
            "page": str(self.page),
        }
        values.update({k: str(v) for k, v in changes.items()})
        return urlencode({k: v for k, v in values.items() if v and (k, v) != ("page", "1")})


def _day_field(field: str, value: str, errors: list[FieldError]) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors.append(FieldError(field, "must be a date written as YYYY-MM-DD, e.g. 2026-12-01"))
        return None


def _audit_filter(
    since: str, until: str, user: str, client_id: int | None, page: str, staff: dict[int, str]
) -> tuple[AuditFilter, list[FieldError]]:
    errors: list[FieldError] = []
    first = _day_field("since", since, errors)
    last = _day_field("until", until, errors)
    if first and last and last < first:
        errors.append(FieldError("until", "must be the same day as 'since' or later"))
    user_id = whole_number("user", user, errors, "choose someone from the list")
    if user_id is not None and user_id not in staff:
        errors.append(FieldError("user", "choose someone from the list"))
    client = client_id
    number = whole_number("page", page, errors, "must be a whole number from 1") or 1
    return AuditFilter(first, last, user_id, client, number), errors


def _utc_start(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=UTC)


@router.get("/audit")
def audit_page(
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    since: str = "",
    until: str = "",
    user: str = "",
    client_id: QueryRecordId = None,
    page: str = "",
) -> Response:
    if not may_read_audit(viewer.actor):
        raise NotFound("not found")
    names = dict(
        db.execute(
            select(UserRow.id, UserRow.display_name).where(
                UserRow.practice_id == viewer.actor.practice_id
            )
        ).all()
    )
    chosen, errors = _audit_filter(since, until, user, client_id, page, names)
    events: list[AuditEventRow] = []
    if not errors:
        events = audit.events(
            db,
            practice_id=viewer.actor.practice_id,
            client_id=chosen.client_id,
            actor_user_id=chosen.user_id,
            since=_utc_start(chosen.since),
            before=_utc_start(chosen.until + timedelta(days=1) if chosen.until else None),
            limit=AUDIT_PAGE_SIZE + 1,
            offset=(chosen.page - 1) * AUDIT_PAGE_SIZE,
        )
    return render(
        request,
        "audit.html",
        {
            "events": events[:AUDIT_PAGE_SIZE],
            "more": len(events) > AUDIT_PAGE_SIZE,
            "names": names,
            "staff": sorted(names.items(), key=lambda item: item[1]),
            "chosen": chosen,
            "form": {"since": since, "until": until, "user": user},
            "errors": labelled(errors),
        },
        status_code=422 if errors else 200,
    )
