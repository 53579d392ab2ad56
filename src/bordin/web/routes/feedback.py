"""The client's feedback form, reached by the link in their email: ``/f/<token>``.

Phone-first and usable without JavaScript. A POST is idempotent: a double submit or a refresh
shows the thank-you page again, and the submission is stored once. A link that cannot be used
says why, kindly, on a page that still shows crisis help.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import escape
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, RateLimited
from bordin.services import concerns as concern_service
from bordin.services import feedback as feedback_service
from bordin.services.feedback import FeedbackForm, FeedbackResult
from bordin.services.feedback_form import CONCERN_FIELD, TEXT_FIELD, burden
from bordin.services.feedback_links import FeedbackLinkUnavailable, find_link
from bordin.services.runtime import Runtime
from bordin.web.client_pages import (
    concern_page,
    form_token,
    refusal_errors,
    render_client,
    set_session_cookie,
)
from bordin.web.deps import CheckedForm, Csrf, DbSession, MaybeViewer, RequestOrigin, Rt
from bordin.web.params import FreeText

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
            "burden": burden(form.measures),
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


@router.post("/f/{token}")
def submit_feedback(token: str, request: Request, post: CheckedForm) -> Response:
    db, rt, viewer = post.db, post.rt, post.viewer  # CSRF checked (CheckedForm)
    values = {
        key: str(value)
        for key, value in post.form.items()
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
            origin=post.origin,
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
    html = _thanks_page(request.app.state.templates, replace(result, submission_id=0))
    csrf = form_token(request, viewer)
    return HTMLResponse(html.replace(_TOKEN, str(escape(token))).replace(_CSRF, str(escape(csrf))))


#: Stand-ins for the link's token and the form's CSRF token in a cached thank-you page; the
#: real ones, escaped as the template would, replace them for each response.
_TOKEN = "\u27e6token\u27e7"
_CSRF = "\u27e6csrf\u27e7"


@functools.lru_cache(maxsize=256)
def _thanks_page(templates: Jinja2Templates, result: FeedbackResult) -> str:
    """The thank-you page, rendered once per process for each kind of result and practice
    (its name, crisis lines and complaint route are in ``result``, so a changed setting is a
    new entry). It holds nothing about the client: the submission's id is left out of
    ``result`` and the two tokens are stand-ins. Rendering it cost about a tenth of a
    submission's CPU."""
    return templates.get_template("feedback_thanks.html").render(
        result=result,
        token=_TOKEN,
        csrf_token=_CSRF,
        practice_name=result.practice_name,
        crisis_lines=list(result.crisis_lines),
        crisis_first=result.crisis,
    )


@router.post("/f/{token}/progress", dependencies=[Csrf])
def progress_from_link(
    token: str,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: MaybeViewer,
    origin: RequestOrigin,
) -> Response:
    """From the thank-you page to the client's own progress page (a short client session);
    a client already signed in keeps the session they have."""
    try:
        if viewer is not None and viewer.actor.client_id == find_link(db, token).client_id:
            return RedirectResponse("/me", status_code=303)
        signed = feedback_service.progress_session_from_link(db, rt, token=token, origin=origin)
    except FeedbackLinkUnavailable as refused:
        return _unavailable(request, db, rt, token, refused)
    except InvalidInput:
        return RedirectResponse(f"/f/{token}", status_code=303)
    except RateLimited as limited:
        db.rollback()
        return render_client(
            request,
            "feedback_unavailable.html",
            {"heading": "Please wait", "message": str(limited), "concern_link": None},
            crisis_lines=feedback_service.crisis_lines_for_token(db, rt, token),
            status=429,
        )
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
    concern_text: FreeText = "",
) -> Response:
    try:
        receipt = concern_service.raise_concern(
            db, rt, token=token, text=concern_text, origin=origin
        )
    except FeedbackLinkUnavailable as refused:
        return _unavailable(request, db, rt, token, refused)
    except (InvalidInput, RateLimited) as refused:
        db.rollback()
        return _concern_page(
            request,
            db,
            rt,
            token,
            form_token(request, viewer),
            errors=refusal_errors(refused),
            text=concern_text,
            status=422 if isinstance(refused, InvalidInput) else 429,
        )
    return render_client(
        request,
        "concern_thanks.html",
        {"receipt": receipt},
        crisis_lines=feedback_service.crisis_lines_for_token(db, rt, token),
        crisis_first=receipt.crisis,
    )
