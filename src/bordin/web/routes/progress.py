"""The client's own progress page ``/me``, sign-in by emailed link, consents and concerns."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from bordin.domain.errors import InvalidInput, LinkUnavailable
from bordin.services import concerns as concern_service
from bordin.services import practice as practice_service
from bordin.services import progress as progress_service
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.crisis import lines_for_install, lines_for_practice
from bordin.services.runtime import Runtime
from bordin.storage.tables import ClientRow, PracticeRow
from bordin.web.client_pages import (
    PostedForm,
    concern_page,
    form_token,
    render_client,
    set_session_cookie,
)
from bordin.web.deps import (
    SESSION_COOKIE,
    Csrf,
    CurrentClient,
    DbSession,
    MaybeViewer,
    RequestOrigin,
    Rt,
    Viewer,
)
from bordin.web.sparklines import sparkline

router = APIRouter()


def _practice(db: Session, viewer: Viewer) -> PracticeRow | None:
    return db.get(PracticeRow, viewer.actor.practice_id)


@router.get("/me")
def my_progress(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentClient,
    origin: RequestOrigin,
    saved: bool = False,
) -> Response:
    assert viewer.actor.client_id is not None
    view = progress_service.own_progress(
        db, rt, client_id=viewer.actor.client_id, actor=viewer.actor, origin=origin
    )
    return render_client(
        request,
        "progress.html",
        {
            "view": view,
            "csrf_token": viewer.csrf_token,
            "client_signed_in": True,
            "sparkline": sparkline,
            "saved": saved,
            "practice_name": view.practice_name,
        },
        crisis_lines=lines_for_practice(_practice(db, viewer), rt),
    )


@router.post("/me/consents", dependencies=[Csrf])
def save_consents(db: DbSession, rt: Rt, viewer: CurrentClient, posted: PostedForm) -> Response:
    assert viewer.actor.client_id is not None
    for purpose in practice_service.CONSENT_PURPOSES:
        answer = posted.get(purpose)
        if answer not in ("yes", "no"):
            continue
        granted = answer == "yes"
        if practice_service.has_consent(db, viewer.actor.client_id, purpose) != granted:
            practice_service.set_consent(
                db,
                rt,
                actor=viewer.actor,
                client_id=viewer.actor.client_id,
                purpose=purpose,
                granted=granted,
            )
    return RedirectResponse("/me?saved=true", status_code=303)


@router.post("/me/sign-out", dependencies=[Csrf])
def sign_out(request: Request, db: DbSession, rt: Rt) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        user_service.sign_out(db, rt, token)
    response = RedirectResponse("/me/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me/sign-in")
def sign_in_form(request: Request, db: DbSession, rt: Rt, viewer: MaybeViewer) -> Response:
    return render_client(
        request,
        "sign_in.html",
        {
            "csrf_token": form_token(request, viewer),
            "sent": False,
            "email": "",
            "minutes": rt.settings.magic_link_minutes,
        },
        crisis_lines=lines_for_install(db, rt),
    )


@router.post("/me/sign-in", dependencies=[Csrf])
def ask_for_link(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: MaybeViewer,
    origin: RequestOrigin,
    background: BackgroundTasks,
    email: Annotated[str, Form()] = "",
) -> Response:
    # The same answer whether or not the address is known; the email goes after the response,
    # so the time taken does not tell either.
    response = render_client(
        request,
        "sign_in.html",
        {
            "csrf_token": form_token(request, viewer),
            "sent": True,
            "email": "",
            "minutes": rt.settings.magic_link_minutes,
        },
        crisis_lines=lines_for_install(db, rt),
    )
    db.rollback()  # end this request's read before the email work starts in its own session
    background.add_task(_send_link, request.app.state.sessions, rt, email, origin)
    return response


def _send_link(sessions: sessionmaker[Session], rt: Runtime, email: str, origin: Origin) -> None:
    with sessions() as db:
        progress_service.request_sign_in_link(db, rt, email=email, origin=origin)


@router.get("/me/link/{token}")
def sign_in_link(
    token: str, request: Request, db: DbSession, rt: Rt, viewer: MaybeViewer
) -> Response:
    """Shows a button rather than signing in on GET: mail scanners open links before people do."""
    usable = progress_service.sign_in_link_usable(db, rt, token)
    return render_client(
        request,
        "magic_link.html",
        {
            "usable": usable,
            "token": token,
            "csrf_token": form_token(request, viewer),
            "message": None,
        },
        crisis_lines=lines_for_install(db, rt),
        status=200 if usable else 410,
    )


@router.post("/me/link/{token}", dependencies=[Csrf])
def use_sign_in_link(
    token: str, request: Request, db: DbSession, rt: Rt, viewer: MaybeViewer, origin: RequestOrigin
) -> Response:
    try:
        signed = progress_service.sign_in_with_link(db, rt, token=token, origin=origin)
    except LinkUnavailable as refused:
        return render_client(
            request,
            "magic_link.html",
            {
                "usable": False,
                "token": token,
                "csrf_token": form_token(request, viewer),
                "message": refused.reason,
            },
            crisis_lines=lines_for_install(db, rt),
            status=410,
        )
    response = RedirectResponse("/me", status_code=303)
    set_session_cookie(response, signed.token, secure=rt.settings.secure_cookies, hours=2)
    return response


def _client_concern_page(
    request: Request,
    db: Session,
    rt: Runtime,
    viewer: Viewer,
    *,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    status: int = 200,
) -> Response:
    return concern_page(
        request,
        action="/me/concern",
        csrf_token=viewer.csrf_token,
        crisis_lines=lines_for_practice(_practice(db, viewer), rt),
        errors=errors,
        text=text,
        status=status,
        signed_in=True,
    )


@router.get("/me/concern")
def client_concern_form(request: Request, db: DbSession, rt: Rt, viewer: CurrentClient) -> Response:
    return _client_concern_page(request, db, rt, viewer)


@router.post("/me/concern", dependencies=[Csrf])
def client_raise_concern(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentClient,
    origin: RequestOrigin,
    concern_text: Annotated[str, Form()] = "",
) -> Response:
    try:
        receipt = concern_service.raise_concern(
            db, rt, text=concern_text, actor=viewer.actor, origin=origin
        )
    except InvalidInput as invalid:
        db.rollback()
        return _client_concern_page(
            request,
            db,
            rt,
            viewer,
            errors=[e.as_dict() for e in invalid.errors],
            text=concern_text,
            status=422,
        )
    client = db.get(ClientRow, viewer.actor.client_id)
    practice = db.get(PracticeRow, client.practice_id) if client else None
    return render_client(
        request,
        "concern_thanks.html",
        {"receipt": receipt, "csrf_token": viewer.csrf_token, "client_signed_in": True},
        crisis_lines=lines_for_practice(practice, rt),
        crisis_first=receipt.crisis,
    )
