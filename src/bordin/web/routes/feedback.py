"""The client's feedback form, reached by the link in their email: ``/f/<token>``.

Phone-first and usable without JavaScript. A POST is idempotent: a double submit or a refresh
shows the thank-you page again, and the submission is stored once. A link that cannot be used
says why, kindly, on a page that still shows crisis help.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput
from bordin.services import concerns as concern_service
from bordin.services import feedback as feedback_service
from bordin.services.feedback import FeedbackForm
from bordin.services.feedback_form import CONCERN_FIELD, TEXT_FIELD
from bordin.services.feedback_links import FeedbackLinkUnavailable, find_link
from bordin.services.runtime import Runtime
from bordin.web.client_pages import (
    PostedForm,
    concern_page,
    form_token,
    render_client,
    set_session_cookie,
)
from bordin.web.deps import Csrf, DbSession, MaybeViewer, RequestOrigin, Rt

router = APIRouter()

HEADINGS = {
    "used": "You have already sent this feedback",
    "expired": "This link has expired",
    "unknown": "We could not find this link",
    "withdrawn": "Session feedback is turned off",
}


def _unavailable(
    request: Request, db: Session, rt: Runtime, token: str, refused: FeedbackLinkUnavailable
) -> Response:
    concern_link = None
    if refused.kind in ("used", "withdrawn"):
        concern_link = f"/f/{token}/concern"
    return render_client(
        request,
        "feedback_unavailable.html",
        {
            "heading": HEADINGS.get(refused.kind, "This link cannot be used"),
            "message": refused.reason,
            "concern_link": concern_link,
        },
        crisis_lines=feedback_service.crisis_lines_for_token(db, rt, token),
        status=404 if refused.kind == "unknown" else 410,
    )


def _form_page(
    request: Request,
    token: str,
    form: FeedbackForm,
    csrf: str,
    *,
    values: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    concern_text: str = "",
    status: int = 200,
) -> Response:
    labels: dict[str, str] = {TEXT_FIELD: "Your words", CONCERN_FIELD: "Your concern"}
    anchors: dict[str, str] = {TEXT_FIELD: "text", CONCERN_FIELD: "concern_text"}
    for measure in form.measures:
        labels[measure.instrument_id] = measure.title
        anchors[measure.instrument_id] = f"m-{measure.instrument_id}"
        for number, item in enumerate(measure.items, start=1):
            short = item.label if len(item.label) <= 60 else item.label[:57] + "…"
            labels[item.field] = (
                f"{measure.title}, question {number} ({short})"
                if not item.generic
                else f"{measure.title}, {item.label.lower()}"
            )
            anchors[item.field] = item.dom_id if item.is_number else f"{item.dom_id}-0"
    field_errors = {e["field"]: e["message"] for e in errors or []}
    return render_client(
        request,
        "feedback_form.html",
        {
            "form": form,
            "token": token,
            "csrf_token": csrf,
            "values": values or {},
            "errors": errors or [],
            "field_errors": field_errors,
            "labels": labels,
            "anchors": anchors,
            "text": text,
            "concern_text": concern_text,
            "practice_name": form.practice_name,
        },
        crisis_lines=form.crisis_lines,
        status=status,
    )


@router.get("/f/{token}")
def feedback_form(
    token: str, request: Request, db: DbSession, rt: Rt, viewer: MaybeViewer
) -> Response:
    try:
        form = feedback_service.open_link(db, rt, token)
    except FeedbackLinkUnavailable as refused:
        return _unavailable(request, db, rt, token, refused)
    return _form_page(request, token, form, form_token(request, viewer))


@router.post("/f/{token}", dependencies=[Csrf])
def submit_feedback(
    token: str,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: MaybeViewer,
    origin: RequestOrigin,
    posted: PostedForm,
) -> Response:
    values = {
        key: str(value)
        for key, value in posted.items()
        if key not in ("csrf_token",) and isinstance(value, str)
    }
    text = values.pop(TEXT_FIELD, "")
    concern_text = values.pop(CONCERN_FIELD, "")
    try:
        result = feedback_service.submit_feedback(
            db,
            rt,
            token=token,
            answers=values,
            text=text,
            concern_text=concern_text,
            origin=origin,
        )
    except FeedbackLinkUnavailable as refused:
        return _unavailable(request, db, rt, token, refused)
    except InvalidInput as invalid:
        db.rollback()
        form = feedback_service.open_link(db, rt, token)
        return _form_page(
            request,
            token,
            form,
            form_token(request, viewer),
            values=values,
            errors=[e.as_dict() for e in invalid.errors],
            text=text,
            concern_text=concern_text,
            status=422,
        )
    return render_client(
        request,
        "feedback_thanks.html",
        {
            "result": result,
            "token": token,
            "csrf_token": form_token(request, viewer),
            "practice_name": result.practice_name,
        },
        crisis_lines=result.crisis_lines,
        crisis_first=result.crisis,
    )


@router.post("/f/{token}/progress", dependencies=[Csrf])
def progress_from_link(
    token: str, request: Request, db: DbSession, rt: Rt, origin: RequestOrigin
) -> Response:
    """From the thank-you page to the client's own progress page (a short client session)."""
    try:
        signed = feedback_service.progress_session_from_link(db, rt, token=token, origin=origin)
    except FeedbackLinkUnavailable as refused:
        return _unavailable(request, db, rt, token, refused)
    except InvalidInput:
        return RedirectResponse(f"/f/{token}", status_code=303)
    response = RedirectResponse("/me", status_code=303)
    set_session_cookie(response, signed.token, secure=rt.settings.secure_cookies, hours=1)
    return response


def _concern_page(
    request: Request,
    db: Session,
    rt: Runtime,
    token: str,
    csrf: str,
    *,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    status: int = 200,
) -> Response:
    return concern_page(
        request,
        action=f"/f/{token}/concern",
        csrf_token=csrf,
        crisis_lines=feedback_service.crisis_lines_for_token(db, rt, token),
        errors=errors,
        text=text,
        status=status,
    )


@router.get("/f/{token}/concern")
def concern_form(
    token: str, request: Request, db: DbSession, rt: Rt, viewer: MaybeViewer
) -> Response:
    try:
        link = find_link(db, token)
        if link.expires_at <= rt.now():
            raise FeedbackLinkUnavailable("expired")
    except FeedbackLinkUnavailable as refused:
        return _unavailable(request, db, rt, token, refused)
    return _concern_page(request, db, rt, token, form_token(request, viewer))


@router.post("/f/{token}/concern", dependencies=[Csrf])
def raise_concern(
    token: str,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: MaybeViewer,
    origin: RequestOrigin,
    concern_text: Annotated[str, Form()] = "",
) -> Response:
    try:
        receipt = concern_service.raise_concern(
            db, rt, token=token, text=concern_text, origin=origin
        )
    except FeedbackLinkUnavailable as refused:
        return _unavailable(request, db, rt, token, refused)
    except InvalidInput as invalid:
        db.rollback()
        return _concern_page(
            request,
            db,
            rt,
            token,
            form_token(request, viewer),
            errors=[e.as_dict() for e in invalid.errors],
            text=concern_text,
            status=422,
        )
    return render_client(
        request,
        "concern_thanks.html",
        {"receipt": receipt},
        crisis_lines=feedback_service.crisis_lines_for_token(db, rt, token),
        crisis_first=receipt.crisis,
    )
