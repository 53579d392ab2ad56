"""One place that turns Bordin's errors into responses: an HTML page, or JSON for the API."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from bordin.domain.errors import (
    BordinError,
    Conflict,
    InvalidInput,
    LinkUnavailable,
    NotFound,
    RateLimited,
)
from bordin.web.templating import render

log = logging.getLogger("bordin.web")


class NotSignedIn(Exception):
    """The page needs a signed-in person; browsers are sent to the sign-in page."""


def _wants_json(request: Request) -> bool:
    return (
        request.url.path.startswith("/api/")
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


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
        {"status": status, "title": title, "message": message, "errors": errors or []},
        status_code=status,
    )


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
            [e.as_dict() for e in exc.errors],
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
