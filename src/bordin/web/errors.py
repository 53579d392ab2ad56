"""One place that turns Bordin's errors into responses: an HTML page, or JSON for the API."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from bordin.domain.crisis import CrisisLine, lines_for
from bordin.domain.errors import (
    BordinError,
    Conflict,
    FieldError,
    InvalidInput,
    LinkUnavailable,
    NotFound,
    RateLimited,
)
from bordin.services.crisis import lines_for_install
from bordin.services.feedback import crisis_lines_for_token
from bordin.services.runtime import Runtime
from bordin.web.field_labels import labelled
from bordin.web.templating import render

log = logging.getLogger("bordin.web")


class NotSignedIn(Exception):
    """The page needs a signed-in person; browsers are sent to the sign-in page."""


def _wants_json(request: Request) -> bool:
    return (
        request.url.path.startswith("/api/")
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


def _crisis_lines(request: Request) -> tuple[CrisisLine, ...]:
    """The crisis lines for an error page anyone but staff may see.

    The practice's own lines where they can be found (by the feedback link in the path, else
    the install's first practice); when the database cannot answer (the error may be the
    database's), the install's default lines, which need nothing but the settings.
    """
    viewer = getattr(request.state, "viewer", None)
    if viewer is not None and viewer.actor.is_staff:
        return ()
    runtime: Runtime = request.app.state.runtime
    locale = runtime.settings.crisis_locale
    try:
        db: Session = request.app.state.sessions()
        try:
            token = request.path_params.get("token")
            if request.url.path.startswith("/f/") and isinstance(token, str):
                return crisis_lines_for_token(db, runtime, token)
            return lines_for_install(db, runtime)
        finally:
            db.rollback()
            db.close()
    except Exception:
        log.warning("crisis lines for an error page fell back to the defaults")
        return lines_for(None, locale, locale)


def error_response(
    request: Request,
    status: int,
    title: str,
    message: str,
    errors: list[dict[str, str]] | None = None,
) -> Response:
    if _wants_json(request):
        body: dict[str, object] = {"error": title, "message": message}
        if errors:
            body["errors"] = errors
        return JSONResponse(body, status_code=status)
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": title,
            "message": message,
            "errors": errors or [],
            "crisis_lines": _crisis_lines(request),
        },
        status_code=status,
    )


def _names_a_record(location: tuple[int | str, ...]) -> bool:
    """A path parameter, or a query parameter ending in ``_id``: an id, answered 404 if bad."""
    return bool(location) and (
        location[0] == "path" or (location[0] == "query" and str(location[-1]).endswith("_id"))
    )


def _field_problem(problem: Mapping[str, Any]) -> FieldError:
    """One unreadable field: its name and a plain sentence (never the value they sent, which
    may be their words)."""
    location = tuple(problem.get("loc", ()))
    field = str(location[-1]) if len(location) > 1 else "form"
    context = problem.get("ctx") or {}
    kind = problem.get("type", "")
    if kind == "string_too_long":
        message = f"is too long (up to {context.get('max_length', 0):,} characters)"
    elif kind == "missing":
        message = "is required"
    else:
        message = "could not be read"
    return FieldError(field, message)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "not signed in"}, status_code=401)
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return error_response(
            request, 404, "Not found", "There is nothing here, or you do not have access to it."
        )

    @app.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput) -> Response:
        return error_response(
            request,
            422,
            "Please check what you entered",
            "Nothing was changed.",
            labelled(exc.errors),
        )

    @app.exception_handler(LinkUnavailable)
    async def _link(request: Request, exc: LinkUnavailable) -> Response:
        return error_response(request, 410, "This link can no longer be used", exc.reason)

    @app.exception_handler(RateLimited)
    async def _rate(request: Request, exc: RateLimited) -> Response:
        return error_response(request, 429, "Please wait", str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return error_response(request, 409, "That clashes with what is stored", str(exc))

    @app.exception_handler(BordinError)
    async def _other(request: Request, exc: BordinError) -> Response:
        return error_response(request, 400, "That did not work", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _unreadable(request: Request, exc: RequestValidationError) -> Response:
        problems = list(exc.errors())
        if any(_names_a_record(tuple(p.get("loc", ()))) for p in problems):
            return error_response(
                request, 404, "Not found", "There is nothing here, or you do not have access to it."
            )
        return error_response(
            request,
            422,
            "Please check what you entered",
            "Nothing was changed.",
            labelled(_field_problem(p) for p in problems),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_response(
                request, 404, "Not found", "There is nothing here, or you do not have access to it."
            )
        return error_response(request, exc.status_code, "Request refused", str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        # Log the type and route only: exception text can carry client data.
        log.error(
            "unhandled %s on %s %s",
            type(exc).__name__,
            request.method,
            getattr(request.scope.get("route"), "path", "?"),
        )
        return error_response(
            request,
            500,
            "Something went wrong",
            "The error has been logged. Nothing you sent was lost if you saw a confirmation.",
        )


def html_error(request: Request, status: int, message: str) -> HTMLResponse:
    response = error_response(request, status, "Request refused", message)
    assert isinstance(response, HTMLResponse)
    return response
