"""Dependencies every route uses: a database session, the runtime, who is asking, CSRF."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.domain.errors import NotFound
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.services.tokens import new_token
from bordin.web.errors import NotSignedIn

SESSION_COOKIE = "bordin_session"
ANON_CSRF_COOKIE = "bordin_csrf"


def get_db(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


DbSession = Annotated[Session, Depends(get_db)]
Rt = Annotated[Runtime, Depends(get_runtime)]


def get_origin(request: Request) -> Origin:
    return Origin(request.client.host if request.client else None)


RequestOrigin = Annotated[Origin, Depends(get_origin)]


@dataclass(frozen=True)
class Viewer:
    """The signed-in person and the CSRF token their forms must carry."""

    actor: Actor
    csrf_token: str


def optional_viewer(request: Request, db: DbSession, rt: Rt) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = user_service.resolve_session(db, rt, token)
    if found is None:
        return None
    viewer = Viewer(actor=found.actor, csrf_token=found.csrf_token)
    request.state.viewer = viewer
    return viewer


def current_viewer(viewer: Annotated[Viewer | None, Depends(optional_viewer)]) -> Viewer:
    if viewer is None:
        raise NotSignedIn()
    return viewer


def current_staff(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
    if not viewer.actor.is_staff:
        raise NotFound("not found")
    return viewer


def current_client(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
    if viewer.actor.role is not Role.CLIENT:
        raise NotFound("not found")
    return viewer


MaybeViewer = Annotated[Viewer | None, Depends(optional_viewer)]
CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
CurrentStaff = Annotated[Viewer, Depends(current_staff)]
CurrentClient = Annotated[Viewer, Depends(current_client)]


class CsrfRejected(Exception):
    pass


async def check_csrf(request: Request) -> None:
    """Every state-changing form carries a token tied to the session (or, before sign-in, to a
    cookie): a page on another site cannot know it."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    if viewer is None:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            db: Session = request.app.state.sessions()
            try:
                found = user_service.resolve_session(db, request.app.state.runtime, token)
            finally:
                db.close()
            expected = found.csrf_token if found else request.cookies.get(ANON_CSRF_COOKIE, "")
        else:
            expected = request.cookies.get(ANON_CSRF_COOKIE, "")
    else:
        expected = viewer.csrf_token
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise CsrfRejected()


Csrf = Depends(check_csrf)


def anonymous_csrf_token(request: Request) -> str:
    """The token for forms shown before sign-in; the middleware sets the matching cookie."""
    token = request.cookies.get(ANON_CSRF_COOKIE)
    if not token:
        token = getattr(request.state, "new_anon_csrf", None) or new_token()
        request.state.new_anon_csrf = token
    return token
