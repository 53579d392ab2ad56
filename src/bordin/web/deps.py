"""Dependencies every route uses: a database session, the runtime, who is asking, CSRF."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from bordin.domain.access import Actor, Role
from bordin.domain.errors import NotFound
from bordin.services import alerts as alert_service
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.services.tokens import new_token
from bordin.storage.database import reading
from bordin.web.errors import NotSignedIn

SESSION_COOKIE = "bordin_session"
ANON_CSRF_COOKIE = "bordin_csrf"


async def get_db(request: Request) -> AsyncIterator[Session]:
    """The request's session. ``GET`` and ``HEAD`` only read (and audit), so on SQLite they take
    no write lock (ADR 0005); other methods write and queue for SQLite's one write lock.

    ``async``: making a session touches no database, and neither does closing one whose work
    was committed; only a session left in a transaction (an error, a page that only read) is
    rolled back, in the thread pool. A sync generator cost two thread-pool hops a request."""
    session: Session = request.app.state.sessions()
    if request.method in ("GET", "HEAD"):
        reading(session)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(_end, session)
        else:
            session.close()


def _end(session: Session) -> None:
    session.rollback()
    session.close()


async def get_runtime(request: Request) -> Runtime:
    """``async``: nothing here waits, so FastAPI need not hop to the thread pool for it (each
    sync dependency costs a hop, in CPU more than its work)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


DbSession = Annotated[Session, Depends(get_db)]
Rt = Annotated[Runtime, Depends(get_runtime)]


async def get_origin(request: Request) -> Origin:
    return Origin(request.client.host if request.client else None)


RequestOrigin = Annotated[Origin, Depends(get_origin)]


@dataclass(frozen=True)
class Viewer:
    """The signed-in person and the CSRF token their forms must carry."""

    actor: Actor
    csrf_token: str
    #: Staff only: how many of their alerts are unread (shown in the navigation).
    unread_alerts: int = 0


async def optional_viewer(request: Request, db: DbSession, rt: Rt) -> Viewer | None:
    """The signed-in person, if any. Without a session cookie (a client on a feedback link, a
    sign-in page) nothing is looked up and nothing leaves the event loop; with one, the lookup
    runs in the thread pool (database work on the event loop would stall other requests)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return await run_in_threadpool(_viewer, request, db, rt, token)


def _viewer(request: Request, db: Session, rt: Runtime, token: str) -> Viewer | None:
    found = user_service.resolve_session(db, rt, token)
    if found is None:
        return None
    unread = alert_service.unread_count(db, actor=found.actor) if found.actor.is_staff else 0
    viewer = Viewer(actor=found.actor, csrf_token=found.csrf_token, unread_alerts=unread)
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


async def posted_form(request: Request) -> FormData:
    """The submitted form with all its fields (parsed once; Starlette caches it)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


async def check_csrf(request: Request, form: PostedForm, viewer: MaybeViewer) -> None:
    """Every state-changing form carries a token tied to the session (or, before sign-in, to a
    cookie): a page on another site cannot know it.

    ``async``: it only compares strings; the session lookup it needs is :func:`optional_viewer`'s,
    which runs in the thread pool when there is a session to look up."""
    _check_csrf(request, form, viewer)


def _check_csrf(request: Request, form: FormData, viewer: Viewer | None) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = str(form.get("csrf_token", ""))
    expected = viewer.csrf_token if viewer else request.cookies.get(ANON_CSRF_COOKIE, "")
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise CsrfRejected()


Csrf = Depends(check_csrf)


@dataclass(frozen=True)
class FormPost:
    """What a form route needs, solved as one dependency: the session, the runtime, who is
    asking (if anyone), where from, and the submitted form, its CSRF token already checked.

    The same checks as ``DbSession``, ``Rt``, ``MaybeViewer``, ``RequestOrigin``, ``PostedForm``
    and ``Csrf`` together; FastAPI solves a dozen nested dependencies for those, which cost a
    busy route (the client's feedback form) more CPU than its own statements."""

    db: Session
    rt: Runtime
    viewer: Viewer | None
    origin: Origin
    form: FormData


async def form_post(request: Request, db: DbSession) -> FormPost:
    rt: Runtime = request.app.state.runtime
    form = await request.form()
    viewer = await optional_viewer(request, db, rt)
    _check_csrf(request, form, viewer)
    return FormPost(db, rt, viewer, Origin(request.client.host if request.client else None), form)


CheckedForm = Annotated[FormPost, Depends(form_post)]


def anonymous_csrf_token(request: Request) -> str:
    """The token for forms shown before sign-in; the middleware sets the matching cookie."""
    token = request.cookies.get(ANON_CSRF_COOKIE)
    if not token:
        token = getattr(request.state, "new_anon_csrf", None) or new_token()
        request.state.new_anon_csrf = token
    return token
