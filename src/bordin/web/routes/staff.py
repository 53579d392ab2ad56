"""Editing a member of staff (admin only): details and role, therapist profile, password.

Adding people and (de)activating them stay on ``/admin/users`` (``routes/admin.py``). Someone in
another practice, or any non-admin asking, gets 404. Also ``/enrol``: enrol a client directly
and open their episode with a therapist.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import FormData

from bordin.domain import intake as vocab
from bordin.domain.access import Role, may_manage_users
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.text import parse_count, parse_record_id
from bordin.services import enrolment, staff
from bordin.services import users as user_service
from bordin.storage.tables import UserRow
from bordin.web.client_pages import PostedForm
from bordin.web.deps import Csrf, CurrentStaff, DbSession, Rt
from bordin.web.field_labels import labelled
from bordin.web.params import RecordId
from bordin.web.templating import render

router = APIRouter()

LABELS = {
    "display_name": "Name",
    "email": "Email",
    "role": "Role",
    "supervisor": "Supervisor",
    "is_clinical_lead": "Clinical lead",
    "password": "New password",
    "languages": "Languages",
    "modalities": "Ways of working",
    "specialties": "Experienced with",
    "modes": "In person or online",
    "gender": "Gender",
    "location": "Where they see clients",
    "funding_accepted": "Funding accepted",
    "weekly_capacity": "Sessions a week",
    "availability": "Times they can offer",
    "therapist": "Therapist",
    "kind": "Individual or couple",
    "partner_name": "Partner's name",
    "partner_email": "Partner's email",
    "problem_area": "Main area",
    "started_on": "First session",
}


def _edit_page(
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    user_id: int,
    *,
    errors: list[dict[str, str]] | None = None,
    saved: str | None = None,
    status: int = 200,
) -> Response:
    person = staff.staff_member(db, actor=viewer.actor, user_id=user_id)
    supervisors = [
        u
        for u in user_service.list_users(db, practice_id=viewer.actor.practice_id)
        if u.role == "supervisor" and u.id != person.id
    ]
    return render(
        request,
        "admin_user_edit.html",
        {
            "viewer": viewer,
            "person": person,
            "profile": staff.profile_of(db, person.id),
            "supervisors": supervisors,
            "errors": errors or [],
            "saved": saved,
            "days": vocab.DAYS,
            "parts": vocab.PARTS,
            "modes": vocab.MODES,
            "funding": vocab.FUNDING,
            "genders": vocab.GENDERS,
            "areas": vocab.CONCERN_AREAS,
        },
        status_code=status,
    )


@router.get("/admin/users/{user_id}")
def edit_page(
    user_id: RecordId,
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    saved: str | None = None,
) -> Response:
    return _edit_page(request, db, viewer, user_id, saved=saved)


@router.post("/admin/users/{user_id}", dependencies=[Csrf])
def save_user(
    user_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    supervisor_id: Annotated[str, Form()] = "",
    is_clinical_lead: Annotated[str, Form()] = "",
) -> Response:
    try:
        staff.update_user(
            db,
            rt,
            actor=viewer.actor,
            user_id=user_id,
            display_name=display_name,
            email=email,
            role=role,
            supervisor_id=parse_record_id(supervisor_id),
            is_clinical_lead=bool(is_clinical_lead),
        )
    except InvalidInput as invalid:
        db.rollback()
        return _edit_page(
            request, db, viewer, user_id, errors=labelled(invalid.errors, LABELS), status=422
        )
    return RedirectResponse(f"/admin/users/{user_id}?saved=details", status_code=303)


def _profile(form: FormData) -> staff.Profile:
    def words(name: str) -> tuple[str, ...]:
        return tuple(w.strip() for w in str(form.get(name) or "").split(",") if w.strip())

    def many(name: str) -> tuple[str, ...]:
        return tuple(str(v) for v in form.getlist(name))

    raw = str(form.get("weekly_capacity") or "").strip()
    return staff.Profile(
        languages=words("languages"),
        modalities=words("modalities"),
        specialties=many("specialties"),
        works_with_couples=bool(form.get("works_with_couples")),
        weekly_capacity=-1 if (count := parse_count(raw)) is None else count,
        gender=str(form.get("gender") or "") or None,
        modes=many("modes"),
        location=str(form.get("location") or "").strip() or None,
        funding_accepted=many("funding_accepted"),
        accepting_new=bool(form.get("accepting_new")),
        availability=many("availability"),
    )


@router.post("/admin/users/{user_id}/profile", dependencies=[Csrf])
def save_profile(
    user_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    form: PostedForm,
) -> Response:
    try:
        staff.update_therapist_profile(
            db, rt, actor=viewer.actor, user_id=user_id, profile=_profile(form)
        )
    except InvalidInput as invalid:
        db.rollback()
        return _edit_page(
            request, db, viewer, user_id, errors=labelled(invalid.errors, LABELS), status=422
        )
    return RedirectResponse(f"/admin/users/{user_id}?saved=profile", status_code=303)


@router.post("/admin/users/{user_id}/password", dependencies=[Csrf])
def reset_password(
    user_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        staff.reset_password(db, rt, actor=viewer.actor, user_id=user_id, password=password)
    except InvalidInput as invalid:
        db.rollback()
        return _edit_page(
            request, db, viewer, user_id, errors=labelled(invalid.errors, LABELS), status=422
        )
    return RedirectResponse(f"/admin/users/{user_id}?saved=password", status_code=303)


# --- enrolling a client directly ---------------------------------------------------------------


def _therapists(db: DbSession, viewer: CurrentStaff) -> list[UserRow]:
    actor = viewer.actor
    query = select(UserRow).where(
        UserRow.practice_id == actor.practice_id,
        UserRow.is_active,
        UserRow.role.in_(("therapist", "supervisor")),
    )
    if not (may_manage_users(actor) or actor.is_clinical_lead):
        query = query.where(UserRow.id == actor.user_id)
    return list(db.scalars(query.order_by(UserRow.display_name)))


def _enrol_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    *,
    values: dict[str, Any] | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    therapists = _therapists(db, viewer)
    if not therapists:
        raise NotFound("not found")
    return render(
        request,
        "enrol.html",
        {
            "viewer": viewer,
            "therapists": therapists,
            "values": values or {"kind": "individual", "started_on": rt.now().date().isoformat()},
            "errors": errors or [],
            "areas": vocab.CONCERN_AREAS,
        },
        status_code=status,
    )


@router.get("/enrol")
def enrol_page(request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    return _enrol_page(request, db, rt, viewer)


@router.post("/enrol", dependencies=[Csrf])
def enrol(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    form: PostedForm,
) -> Response:
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    kind = values.get("kind", "individual")
    people = [
        enrolment.NewClient(
            values.get("display_name", ""), values.get("email"), values.get("phone")
        )
    ]
    if kind == "couple":
        people.append(
            enrolment.NewClient(values.get("partner_name", ""), values.get("partner_email"))
        )
    raw_therapist = values.get("therapist_id", "")
    try:
        try:
            started_on = date.fromisoformat(values.get("started_on", ""))
        except ValueError:
            raise InvalidInput("use a date like 2026-12-07", field="started_on") from None
        done = enrolment.enrol(
            db,
            rt,
            practice_id=viewer.actor.practice_id,
            therapist_id=parse_record_id(raw_therapist) or 0,
            kind=kind,
            clients=people,
            started_on=started_on,
            problem_area=values.get("problem_area") or None,
            actor=viewer.actor,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _enrol_page(
            request,
            db,
            rt,
            viewer,
            values=values,
            errors=labelled(invalid.errors, LABELS),
            status=422,
        )
    if viewer.actor.role in (Role.THERAPIST, Role.SUPERVISOR) and (
        done.episode.therapist_id == viewer.actor.user_id
    ):
        return RedirectResponse(f"/clients/{done.clients[0].id}", status_code=303)
    return render(
        request,
        "enrolled.html",
        {"viewer": viewer, "names": [c.display_name for c in done.clients]},
    )
