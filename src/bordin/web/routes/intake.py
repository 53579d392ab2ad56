"""Intake and the waiting list.

* ``/self-referral``: the public form a practice links from its website. No sign-in; CSRF tied
  to a cookie; a few submissions an hour per address; crisis help on the page, and first on the
  page that follows a "yes" to a risk question.
* ``/intake/new``: the same form for staff taking a referral (by telephone, from a GP).
* ``/waiting-list``: who is waiting and for how long (admin and clinical lead).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from bordin.domain import intake as vocab
from bordin.domain.errors import InvalidInput, RateLimited
from bordin.domain.intake import IntakeAnswers, Preferences
from bordin.services import intake as intake_service
from bordin.services.crisis import lines_for_practice
from bordin.services.practice import the_practice
from bordin.storage.tables import PracticeRow
from bordin.web.client_pages import PostedForm, form_token, render_client
from bordin.web.deps import Csrf, CurrentStaff, DbSession, MaybeViewer, RequestOrigin, Rt
from bordin.web.field_labels import labelled
from bordin.web.params import RecordId
from bordin.web.templating import render

router = APIRouter()

#: How each field is named on the page, for error messages.
LABELS = {
    "display_name": "Your name",
    "email": "Email",
    "phone": "Telephone",
    "contact_by": "How we contact you",
    "episode_kind": "On your own or as a couple",
    "concern_areas": "What brings you",
    "concerns_text": "In your own words",
    "risk_now": "Thoughts of harming yourself or someone else now",
    "risk_recent": "Such thoughts in the last month",
    "language": "Language",
    "modes": "In person or online",
    "location": "Where",
    "slots": "Times you can make",
    "funding": "How sessions will be paid for",
    "therapist_gender": "Therapist's gender",
    "gender_required": "Gender is essential",
    "specialisms": "Particular experience",
    "identity_notes": "Identity and culture",
    "consent_to_store": "Keeping your referral",
    "referrer": "Referred by",
}


def _vocabulary() -> dict[str, Any]:
    return {
        "days": vocab.DAYS,
        "parts": vocab.PARTS,
        "modes": vocab.MODES,
        "funding": vocab.FUNDING,
        "genders": vocab.GENDERS,
        "contact": vocab.CONTACT,
        "kinds": vocab.EPISODE_KINDS,
        "areas": vocab.CONCERN_AREAS,
    }


def _answers(form: FormData, *, staff: bool) -> IntakeAnswers:
    def text(name: str) -> str:
        return str(form.get(name) or "")

    def many(name: str) -> tuple[str, ...]:
        return tuple(str(v) for v in form.getlist(name))

    return IntakeAnswers(
        display_name=text("display_name"),
        email=text("email").strip() or None,
        phone=text("phone").strip() or None,
        contact_by=text("contact_by"),
        ok_to_leave_message=bool(form.get("ok_to_leave_message")),
        episode_kind=text("episode_kind") or "individual",
        concern_areas=many("concern_areas"),
        concerns_text=text("concerns_text"),
        risk_now=text("risk_now"),
        risk_recent=text("risk_recent"),
        preferences=Preferences(
            language=text("language") or "English",
            modes=many("modes"),
            location=text("location").strip() or None,
            slots=many("slots"),
            funding=text("funding"),
            therapist_gender=text("therapist_gender") or None,
            gender_required=bool(form.get("gender_required")),
            specialisms=many("specialisms"),
        ),
        identity_notes=text("identity_notes"),
        consent_to_store=bool(form.get("consent_to_store")),
        consent_feedback=bool(form.get("consent_feedback")),
        consent_progress=bool(form.get("consent_progress")),
        referrer=(text("referrer").strip() or None) if staff else None,
    )


def _values(form: FormData | None) -> dict[str, Any]:
    """What was entered, to fill the form again (lists for the checkboxes)."""
    if form is None:
        return {
            "language": "English",
            "modes": ["in_person", "remote"],
            "contact_by": "email",
            "episode_kind": "individual",
            "consent_feedback": "1",
        }
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    for name in ("concern_areas", "modes", "slots", "specialisms"):
        values[name] = [str(v) for v in form.getlist(name)]
    return values


def _public_practice(db: DbSession) -> PracticeRow:
    return the_practice(db)  # NotFound (404) until a practice has been set up


def _public_page(
    request: Request,
    rt: Rt,
    practice: PracticeRow,
    csrf: str,
    *,
    values: Mapping[str, Any],
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    return render_client(
        request,
        "intake_public.html",
        {
            "csrf_token": csrf,
            "values": values,
            "errors": errors or [],
            "field_errors": {e["field"]: e["message"] for e in errors or []},
            "practice_name": practice.name,
            "notice": notice,
            "staff": False,
            "action": "/self-referral",
            **_vocabulary(),
        },
        crisis_lines=lines_for_practice(practice, rt),
        status=status,
    )


@router.get("/self-referral")
def public_form(request: Request, db: DbSession, rt: Rt, viewer: MaybeViewer) -> Response:
    practice = _public_practice(db)
    return _public_page(request, rt, practice, form_token(request, viewer), values=_values(None))


@router.post("/self-referral", dependencies=[Csrf])
def public_submit(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: MaybeViewer,
    origin: RequestOrigin,
    form: PostedForm,
) -> Response:
    practice = _public_practice(db)
    csrf = form_token(request, viewer)
    try:
        result = intake_service.submit_intake(
            db, rt, practice_id=practice.id, answers=_answers(form, staff=False), origin=origin
        )
    except InvalidInput as invalid:
        db.rollback()
        return _public_page(
            request,
            rt,
            practice,
            csrf,
            values=_values(form),
            errors=labelled(invalid.errors, LABELS),
            status=422,
        )
    except RateLimited as limited:
        db.rollback()
        return _public_page(
            request, rt, practice, csrf, values=_values(form), notice=str(limited), status=429
        )
    return render_client(
        request,
        "intake_thanks.html",
        {"result": result, "practice_name": result.practice_name},
        crisis_lines=result.crisis_lines,
        crisis_first=result.at_risk,
    )


def _staff_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    *,
    values: Mapping[str, Any],
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    practice = db.get(PracticeRow, viewer.actor.practice_id)
    return render(
        request,
        "intake_staff.html",
        {
            "viewer": viewer,
            "csrf_token": viewer.csrf_token,
            "values": values,
            "errors": errors or [],
            "field_errors": {e["field"]: e["message"] for e in errors or []},
            "staff": True,
            "action": "/intake/new",
            "crisis_lines": lines_for_practice(practice, rt),
            **_vocabulary(),
        },
        status_code=status,
    )


@router.get("/intake/new")
def staff_form(request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    return _staff_page(request, db, rt, viewer, values=_values(None))


@router.post("/intake/new", dependencies=[Csrf])
def staff_submit(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    form: PostedForm,
) -> Response:
    try:
        result = intake_service.submit_intake(
            db,
            rt,
            practice_id=viewer.actor.practice_id,
            answers=_answers(form, staff=True),
            actor=viewer.actor,
            origin=origin,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _staff_page(
            request,
            db,
            rt,
            viewer,
            values=_values(form),
            errors=labelled(invalid.errors, LABELS),
            status=422,
        )
    return render(
        request,
        "intake_recorded.html",
        {"viewer": viewer, "result": result, "crisis_lines": result.crisis_lines},
    )


@router.get("/waiting-list")
def waiting_list(
    request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin
) -> Response:
    entries = intake_service.waiting_list(db, rt, actor=viewer.actor, origin=origin)
    return render(
        request,
        "waiting_list.html",
        {"viewer": viewer, "entries": entries, **_vocabulary()},
    )


@router.get("/waiting-list/{intake_id}")
def waiting_entry(
    intake_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
) -> Response:
    detail = intake_service.intake_detail(
        db, rt, actor=viewer.actor, intake_id=intake_id, origin=origin
    )
    return render(
        request,
        "waiting_entry.html",
        {
            "viewer": viewer,
            "d": detail,
            "e": detail.entry,
            **_vocabulary(),
        },
    )


@router.post("/waiting-list/{intake_id}/close", dependencies=[Csrf])
def close_entry(intake_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    intake_service.close_intake(db, rt, actor=viewer.actor, intake_id=intake_id, status="closed")
    return RedirectResponse("/waiting-list", status_code=303)
