"""Sign-in, sign-out, one-click demo sign-in (demo mode only), and the front door."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from bordin.domain.access import Role
from bordin.domain.errors import InvalidInput, NotFound, RateLimited
from bordin.services import users as user_service
from bordin.services.practice_setup import practice_exists
from bordin.storage.tables import ClientRow, UserRow
from bordin.web.deps import (
    SESSION_COOKIE,
    Csrf,
    DbSession,
    MaybeViewer,
    RequestOrigin,
    Rt,
    anonymous_csrf_token,
)
from bordin.web.params import ChoiceField, PasswordField, RecordId, UsernameField
from bordin.web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def home_for(role: Role) -> str:
    return {
        Role.THERAPIST: "/caseload",
        Role.SUPERVISOR: "/supervision",
        Role.ADMIN: "/admin/users",
        Role.CLIENT: "/me",
    }[role]


def _signed_in_response(rt_settings_secure: bool, token: str, target: str, hours: int) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=rt_settings_secure,
        max_age=hours * 3600,
        path="/",
    )
    return response


@router.get("/", include_in_schema=False)
def front_door(db: DbSession, viewer: MaybeViewer) -> Response:
    if viewer is None:
        if not practice_exists(db):
            return RedirectResponse("/setup", status_code=303)
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_for(viewer.actor.role), status_code=303)


def _login_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    *,
    error: str | None = None,
    username: str = "",
    status: int = 200,
    next_: str = "/",
) -> Response:
    demo_people: list[UserRow] = []
    demo_clients: list[ClientRow] = []
    if rt.settings.demo_mode:
        demo_people = list(
            db.scalars(
                select(UserRow)
                .where(UserRow.is_demo, UserRow.is_active)
                .order_by(UserRow.role.desc(), UserRow.display_name)
            )
        )
        demo_clients = list(
            db.scalars(select(ClientRow).where(ClientRow.is_demo).order_by(ClientRow.display_name))
        )
    return render(
        request,
        "login.html",
        {
            "error": error,
            "username": username,
            "demo_people": demo_people,
            "demo_clients": demo_clients,
            "csrf_token": anonymous_csrf_token(request),
            "next": _safe_next(next_),
            "demo_mode": rt.settings.demo_mode,
        },
        status_code=status,
    )


@router.get("/login")
def login_form(request: Request, db: DbSession, rt: Rt, next: str = "/") -> Response:
    return _login_page(request, db, rt, next_=next)


@router.post("/login", dependencies=[Csrf])
def login(
    request: Request,
    db: DbSession,
    rt: Rt,
    origin: RequestOrigin,
    username: UsernameField = "",
    password: PasswordField = "",
    next: ChoiceField = "/",
) -> Response:
    try:
        signed = user_service.sign_in(db, rt, username=username, password=password, origin=origin)
    except InvalidInput:
        return _login_page(
            request,
            db,
            rt,
            error="That username and password do not match.",
            username=username,
            status=401,
            next_=next,
        )
    except RateLimited as limited:
        return _login_page(
            request, db, rt, error=str(limited), username=username, status=429, next_=next
        )
    target = _safe_next(next)
    if target == "/":
        target = home_for(signed.actor.role)
    return _signed_in_response(
        rt.settings.secure_cookies, signed.token, target, rt.settings.session_hours
    )


@router.post("/demo-sign-in/{user_id}", dependencies=[Csrf])
def demo_sign_in(user_id: RecordId, db: DbSession, rt: Rt, origin: RequestOrigin) -> Response:
    if not rt.settings.demo_mode:
        raise NotFound("not found")
    signed = user_service.demo_sign_in(db, rt, user_id=user_id, origin=origin)
    return _signed_in_response(
        rt.settings.secure_cookies,
        signed.token,
        home_for(signed.actor.role),
        rt.settings.session_hours,
    )


@router.post("/demo-sign-in/client/{client_id}", dependencies=[Csrf])
def demo_client_sign_in(
    client_id: RecordId, db: DbSession, rt: Rt, origin: RequestOrigin
) -> Response:
    if not rt.settings.demo_mode:
        raise NotFound("not found")
    signed = user_service.demo_client_sign_in(db, rt, client_id=client_id, origin=origin)
    return _signed_in_response(
        rt.settings.secure_cookies,
        signed.token,
        home_for(signed.actor.role),
        rt.settings.session_hours,
    )


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, db: DbSession, rt: Rt) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        user_service.sign_out(db, rt, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
