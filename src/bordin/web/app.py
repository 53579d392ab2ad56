"""The web application factory: ``create_app(settings)`` builds everything from settings."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from bordin.services.runtime import Runtime, build_runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.web.deps import ANON_CSRF_COOKIE, CsrfRejected
from bordin.web.errors import error_response, install_error_handlers
from bordin.web.templating import make_templates

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("bordin.web")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' "
    "'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Feedback and sign-in links carry secrets in their path: never leak them as a referrer.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    sessions: sessionmaker[Session] | None = None,
) -> FastAPI:
    """Build the app. Tests pass their own runtime (fake clock, memory transport) and sessions."""
    runtime = runtime or build_runtime(settings)
    if sessions is None:
        sessions = make_session_factory(make_engine(settings.resolved_database_url))
    app = FastAPI(
        title="Bordin",
        version="0.1.0",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.sessions = sessions
    app.state.templates = make_templates()
    _load_custom_instruments(sessions)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    install_error_handlers(app)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return error_response(
            request, 403, "This form has expired", "Please go back, reload the page and try again."
        )

    @app.middleware("http")
    async def _headers_and_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        new_token = getattr(request.state, "new_anon_csrf", None)
        if new_token:
            response.set_cookie(
                ANON_CSRF_COOKIE,
                new_token,
                httponly=True,
                samesite="lax",
                secure=settings.secure_cookies,
                path="/",
            )
        route = request.scope.get("route")
        # Route templates only (never the concrete path: it can hold a link token or an id).
        log.info(
            "%s %s %s %.1fms",
            request.method,
            getattr(route, "path", "?"),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    from bordin.web.routes import (
        admin,
        alerts,
        auth,
        caseload,
        clients,
        concerns,
        feedback,
        practice_overview,
        progress,
        reports,
        supervision,
    )
    from bordin.web.routes import sessions as session_views

    for module in (
        auth,
        caseload,
        clients,
        session_views,
        feedback,
        progress,
        concerns,
        alerts,
        supervision,
        practice_overview,
        reports,
        admin,
    ):
        app.include_router(module.router)
    return app


def _load_custom_instruments(sessions: sessionmaker[Session]) -> None:
    """Register the practices' imported instruments, once the schema exists."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from bordin.services.instruments import load_custom_instruments

    session = sessions()
    try:
        load_custom_instruments(session)
    except (OperationalError, ProgrammingError):
        log.warning("custom instruments not loaded: the database is not migrated yet")
    finally:
        session.rollback()
        session.close()
