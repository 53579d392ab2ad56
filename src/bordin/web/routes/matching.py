"""Matching for the clinical lead (everyone else gets 404), and the client's private fit check.

Lead: ``/matching/{intake_id}`` (proposals with reasons, exclusions, confirm), ``/fit-checks``
(requests to change therapist: re-match or stay). Client: ``/me/fit-check``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.errors import FieldError, InvalidInput
from bordin.domain.fit_check import ANSWERS, WHAT_HAPPENS, FitAnswer
from bordin.domain.instruments import get_instrument
from bordin.domain.responsiveness import INSTRUMENT_ID as CULTURAL_CHECK
from bordin.domain.text import parse_record_id
from bordin.services import fit_check as fit_service
from bordin.services import matching as matching_service
from bordin.services.crisis import lines_for_practice
from bordin.storage.tables import PracticeRow
from bordin.web.client_pages import PostedForm, render_client
from bordin.web.deps import Csrf, CurrentClient, CurrentStaff, DbSession, RequestOrigin, Rt
from bordin.web.params import RecordId

router = APIRouter()


def _matching_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    intake_id: int,
    *,
    errors: list[FieldError] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    view = matching_service.proposals_for(
        db, rt, actor=viewer.actor, intake_id=intake_id, origin=origin
    )
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "matching.html",
        {
            "view": view,
            "viewer": viewer,
            "errors": [e.as_dict() for e in errors or []],
            "notice": notice,
            "reasons": matching_service.EXCLUSION_REASONS,
        },
        status_code=status,
    )
    return response


@router.get("/matching/{intake_id}")
def matching_page(
    intake_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    done: str = "",
) -> Response:
    notices = {"excluded": "Exclusion recorded.", "removed": "Exclusion removed."}
    return _matching_page(request, db, rt, viewer, origin, intake_id, notice=notices.get(done))


@router.post("/matching/{intake_id}/exclusions", dependencies=[Csrf])
def add_exclusion(
    intake_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    posted: PostedForm,
) -> Response:
    view = matching_service.proposals_for(db, rt, actor=viewer.actor, intake_id=intake_id)
    try:
        matching_service.add_exclusion(
            db,
            rt,
            actor=viewer.actor,
            client_id=view.client_id,
            therapist_id=_therapist(posted),
            reason=str(posted.get("reason") or ""),
            note=str(posted.get("note") or ""),
        )
    except InvalidInput as invalid:
        db.rollback()
        return _matching_page(
            request, db, rt, viewer, origin, intake_id, errors=invalid.errors, status=422
        )
    return RedirectResponse(f"/matching/{intake_id}?done=excluded", status_code=303)


@router.post("/matching/{intake_id}/exclusions/{exclusion_id}/remove", dependencies=[Csrf])
def remove_exclusion(
    intake_id: RecordId, exclusion_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff
) -> Response:
    matching_service.remove_exclusion(db, rt, actor=viewer.actor, exclusion_id=exclusion_id)
    return RedirectResponse(f"/matching/{intake_id}?done=removed", status_code=303)


def _therapist(posted: PostedForm) -> int:
    therapist = parse_record_id(str(posted.get("therapist") or ""))
    if therapist is None:
        raise InvalidInput("choose a therapist", field="therapist")
    return therapist


def _when(db: DbSession, viewer: CurrentStaff, text: str) -> datetime:
    practice = db.get(PracticeRow, viewer.actor.practice_id)
    zone = ZoneInfo(practice.timezone if practice else "Europe/London")
    try:
        return datetime.fromisoformat(text).replace(tzinfo=zone)
    except ValueError:
        raise InvalidInput(
            "give the date and time of the first session", field="first_session_at"
        ) from None


@router.post("/matching/{intake_id}/confirm", dependencies=[Csrf])
def confirm_match(
    intake_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    posted: PostedForm,
) -> Response:
    try:
        match = matching_service.confirm_match(
            db,
            rt,
            actor=viewer.actor,
            intake_id=intake_id,
            therapist_id=_therapist(posted),
            first_session_at=_when(db, viewer, str(posted.get("first_session_at") or "")),
        )
    except InvalidInput as invalid:
        db.rollback()
        return _matching_page(
            request, db, rt, viewer, origin, intake_id, errors=invalid.errors, status=422
        )
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "match_confirmed.html",
        {
            "viewer": viewer,
            "therapist": matching_service.therapist_name(db, match.therapist_id),
            "client": matching_service.client_name(db, match.client_id),
            "first_session": matching_service.first_session(db, match.episode_id),
        },
    )
    return response


@router.get("/fit-checks")
def change_requests(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    done: str = "",
) -> Response:
    requests = fit_service.change_requests(db, rt, actor=viewer.actor, origin=origin)
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "fit_checks.html",
        {
            "requests": requests,
            "viewer": viewer,
            "notice": "Closed: the client stays with their therapist."
            if done == "stayed"
            else None,
        },
    )
    return response


@router.post("/fit-checks/{fit_check_id}/rematch", dependencies=[Csrf])
def rematch(fit_check_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    intake_id = fit_service.rematch(db, rt, actor=viewer.actor, fit_check_id=fit_check_id)
    return RedirectResponse(f"/matching/{intake_id}", status_code=303)


@router.post("/fit-checks/{fit_check_id}/stay", dependencies=[Csrf])
def stay(fit_check_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    fit_service.stay(db, rt, actor=viewer.actor, fit_check_id=fit_check_id)
    return RedirectResponse("/fit-checks?done=stayed", status_code=303)


def _fit_form(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentClient,
    *,
    values: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
    status: int = 200,
) -> Response:
    assert viewer.actor.client_id is not None
    due = fit_service.due_checks(db, rt, client_id=viewer.actor.client_id)
    return render_client(
        request,
        "fit_check.html",
        {
            "due": due[0] if due else None,
            "answers": ANSWERS,
            "check": get_instrument(CULTURAL_CHECK),
            "csrf_token": viewer.csrf_token,
            "client_signed_in": True,
            "values": values or {},
            "errors": [e.as_dict() for e in errors or []],
        },
        crisis_lines=lines_for_practice(db.get(PracticeRow, viewer.actor.practice_id), rt),
        status=status,
    )


@router.get("/me/fit-check")
def fit_check_form(request: Request, db: DbSession, rt: Rt, viewer: CurrentClient) -> Response:
    return _fit_form(request, db, rt, viewer)


@router.post("/me/fit-check", dependencies=[Csrf])
def submit_fit_check(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentClient,
    origin: RequestOrigin,
    posted: PostedForm,
) -> Response:
    values = {k: str(v) for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    episode = values.get("episode", "")
    prefix = f"{CULTURAL_CHECK}."
    try:
        fit_service.record_fit_check(
            db,
            rt,
            actor=viewer.actor,
            episode_id=parse_record_id(episode) or -1,
            answer=FitAnswer(
                answer=values.get("fit", ""),
                note=values.get("fit_note", ""),
                share_with_therapist=values.get("share") == "yes",
            ),
            cultural_answers={
                k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)
            },
            origin=origin,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _fit_form(request, db, rt, viewer, values=values, errors=invalid.errors, status=422)
    return render_client(
        request,
        "fit_check_thanks.html",
        {"message": WHAT_HAPPENS[values["fit"]], "client_signed_in": True},
        crisis_lines=lines_for_practice(db.get(PracticeRow, viewer.actor.practice_id), rt),
    )
