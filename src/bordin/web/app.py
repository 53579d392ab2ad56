"""The web application factory: ``create_app(settings)`` builds everything from settings."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from bordin.services.runtime import Runtime, build_runtime
from bordin.services.triage_reader import second_reader
from bordin.settings import Settings, configure_logging
from bordin.storage.database import make_engine, make_session_factory
from bordin.web.deps import ANON_CSRF_COOKIE, CsrfRejected
from bordin.web.errors import error_response, install_error_handlers
from bordin.web.form_cleaning import CleanForms
from bordin.web.headers import HeadersAndLog
from bordin.web.templating import make_templates

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("bordin.web")


def app_from_environment() -> FastAPI:
    """The app as each worker process of ``bordin serve --workers N`` builds it, from the
    ``BORDIN_*`` environment its parent checked (uvicorn starts the processes afresh)."""
    settings = Settings()
    configure_logging(settings)
    return create_app(settings)


def create_app(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    sessions: sessionmaker[Session] | None = None,
) -> FastAPI:
    """Build the app. Tests pass their own runtime (fake clock, memory transport) and sessions."""
    runtime = runtime or build_runtime(settings)
    if sessions is None:
        sessions = make_session_factory(
            make_engine(settings.resolved_database_url, pool_size=settings.database_pool_size)
        )
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
    # A practice that chose the transformer reader gets it, or the app does not start (the
    # error says what to do): triage never silently reads with less than was chosen.
    second_reader(settings)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    from bordin.web.api import PREFIX, build_api

    app.mount(PREFIX, build_api(settings, runtime, sessions))
    install_error_handlers(app)
    app.add_middleware(CleanForms)
    if settings.trusted_proxies:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return error_response(
            request, 403, "This form has expired", "Please go back, reload the page and try again."
        )

    app.add_middleware(
        HeadersAndLog, cookie_name=ANON_CSRF_COOKIE, secure_cookies=settings.secure_cookies
    )

    from bordin.web.routes import (
        admin,
        alerts,
        api_tokens,
        auth,
        caseload,
        clients,
        concerns,
        data_rights,
        feedback,
        intake,
        matching,
        measure_schedule,
        my_sessions,
        practice_overview,
        progress,
        reminders,
        reports,
        research,
        schedule,
        setup,
        staff,
        subject_access,
        supervision,
        triage,
    )
    from bordin.web.routes import sessions as session_views

    # The feedback routes first: they take the most requests, and Starlette tries routes in
    # order (about two dozen routers' routes were matched against every submission before).
    # No other router has a path under ``/f/``.
    for module in (
        feedback,
        auth,
        setup,
        intake,
        staff,
        caseload,
        clients,
        session_views,
        progress,
        concerns,
        matching,
        alerts,
        triage,
        supervision,
        practice_overview,
        research,
        reports,
        reminders,
        admin,
        data_rights,
        schedule,
        my_sessions,
        measure_schedule,
        subject_access,
        api_tokens,
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
