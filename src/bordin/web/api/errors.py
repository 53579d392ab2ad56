"""The API's one error shape, and the handlers that give it to every refusal under ``/api/v1``.

Every 4xx and 5xx answer of the API is ``application/json`` shaped::

    {"error": {"code": "invalid_input", "message": "Nothing was changed.",
               "fields": [{"field": "answers.phq9_1", "message": "is above the highest answer"}]}}

``code`` is one of :data:`CODES` (stable, for programs); ``message`` is a sentence for people;
``fields`` names each field that was wrong (empty when the problem is not one field's). The
HTML pages keep their own error pages: these handlers belong to the API application only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from bordin.domain.errors import BordinError, Conflict, InvalidInput, NotFound, RateLimited

log = logging.getLogger("bordin.api")

CODES: Mapping[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "insufficient_scope",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
    500: "server_error",
}
NOT_FOUND = "There is nothing here, or your token does not give access to it."


class ApiRefusal(Exception):
    """A refusal raised by the API layer itself (authentication, scopes, headers)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        fields: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or []
        self.headers = headers or {}


def error_body(status: int, message: str, fields: list[dict[str, str]] | None = None) -> Any:
    return {
        "error": {"code": CODES.get(status, "error"), "message": message, "fields": fields or []}
    }


def api_error(
    status: int,
    message: str,
    fields: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        error_body(status, message, fields),
        status_code=status,
        headers=dict(headers) if headers else None,
    )


def _field(problem: Mapping[str, Any]) -> dict[str, str]:
    """One unreadable field: its dotted name and FastAPI's sentence (never the value sent)."""
    location = [str(p) for p in problem.get("loc", ()) if p != "body"]
    if location and location[0] in ("query", "header", "path"):
        location = location[1:]
    name = ".".join(location) or "body"
    message = str(problem.get("msg", "could not be read"))
    return {"field": name, "message": message}


def install_api_error_handlers(api: FastAPI) -> None:
    @api.exception_handler(ApiRefusal)
    async def _refused(request: Request, exc: ApiRefusal) -> Response:
        return api_error(exc.status, exc.message, exc.fields, exc.headers)

    @api.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return api_error(404, NOT_FOUND)

    @api.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput) -> Response:
        return api_error(422, "Nothing was changed.", [e.as_dict() for e in exc.errors])

    @api.exception_handler(RateLimited)
    async def _rate(request: Request, exc: RateLimited) -> Response:
        return api_error(429, str(exc))

    @api.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return api_error(409, str(exc))

    @api.exception_handler(BordinError)
    async def _other(request: Request, exc: BordinError) -> Response:
        return api_error(400, str(exc))

    @api.exception_handler(RequestValidationError)
    async def _unreadable(request: Request, exc: RequestValidationError) -> Response:
        problems = list(exc.errors())
        if any(tuple(p.get("loc", ()))[:1] == ("path",) for p in problems):
            return api_error(404, NOT_FOUND)
        return api_error(422, "Nothing was changed.", [_field(p) for p in problems])

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return api_error(404, NOT_FOUND)
        if exc.status_code == 405:
            return api_error(405, "This address does not take that method.", headers=exc.headers)
        return api_error(exc.status_code, str(exc.detail), headers=exc.headers)

    @api.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        # The type and route only: exception text can carry client data.
        log.error(
            "unhandled %s on %s %s",
            type(exc).__name__,
            request.method,
            getattr(request.scope.get("route"), "path", "?"),
        )
        return api_error(500, "Something went wrong; the error has been logged.")
