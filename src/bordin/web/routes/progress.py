"""The client's own progress page ``/me``, sign-in by emailed link, consents and concerns."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from bordin.domain.errors import InvalidInput, LinkUnavailable, RateLimited
from bordin.reports.progress_chart import render_progress_svg
from bordin.services import concerns as concern_service
from bordin.services import fit_check as fit_service
from bordin.services import practice as practice_service
from bordin.services import progress as progress_service
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.crisis import lines_for_install, lines_for_practice
from bordin.services.runtime import Runtime
from bordin.storage.tables import ClientRow, PracticeRow
from bordin.web.client_pages import (
    concern_page,
    form_token,
    refusal_errors,
    render_client,
    set_session_cookie,
)
from bordin.web.deps import (
    SESSION_COOKIE,
    Csrf,
    CurrentClient,
    DbSession,
    MaybeViewer,
    PostedForm,
    RequestOrigin,
    Rt,
    Viewer,
)
from bordin.web.params import EmailField, FreeText

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
            "charts": {
                m.instrument_id: render_progress_svg(
                    [p.total for p in m.points],
                    [p.session_number for p in m.points],
                    title=f"{m.title}: your scores",
                    score_min=m.score_min,
                    score_max=m.score_max,
                    higher_is_better=m.higher_is_better,
                    description=" ".join(m.sentences),
                )
                for m in view.measures
                if len(m.points) > 1
            },
            "saved": saved,
            "practice_name": view.practice_name,
            "fit_due": fit_service.due_checks(db, rt, client_id=viewer.actor.client_id),
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
    email: EmailField = "",
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
    except (LinkUnavailable, RateLimited) as refused:
        db.rollback()  # a link refused for the rate is not used up
        return render_client(
            request,
            "magic_link.html",
            {
                "usable": False,
                "token": token,
                "csrf_token": form_token(request, viewer),
                "message": str(refused),
            },
            crisis_lines=lines_for_install(db, rt),
            status=410 if isinstance(refused, LinkUnavailable) else 429,
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
    concern_text: FreeText = "",
) -> Response:
    try:
        receipt = concern_service.raise_concern(
            db, rt, text=concern_text, actor=viewer.actor, origin=origin
        )
    except (InvalidInput, RateLimited) as refused:
        db.rollback()
        return _client_concern_page(
            request,
            db,
            rt,
            viewer,
            errors=refusal_errors(refused),
            text=concern_text,
            status=422 if isinstance(refused, InvalidInput) else 429,
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
