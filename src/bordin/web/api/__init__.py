"""The REST API (``/api/v1``) for a practice's other systems: a FastAPI application of its own,
mounted under the web app, with its own OpenAPI document (``/api/v1/openapi.json``) and its
own error shape (``web/api/errors.py``). Routes use the same services and access helpers as
the pages; docs/api.md describes it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from bordin.domain.request_budget import RequestBudget
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.web.api.errors import install_api_error_handlers

PREFIX = "/api/v1"
DESCRIPTION = """\
Clients, episodes, sessions, administrations and signals of one practice, and FHIR R4B
Questionnaire, QuestionnaireResponse and Observation resources.

Authenticate with a personal access token made on the **API tokens** page:
`Authorization: Bearer bordin_...`. A token acts as the member of staff who made it, with the
same access rules as their pages; its scopes narrow that (`read` for GET, `write` for POST and
PATCH, `admin` for practice-level things). Anything the token's owner may not see is 404.

Every refusal is JSON: `{"error": {"code", "message", "fields": [{"field", "message"}]}}`.
"""

REFUSALS = {
    401: "No token, or an unknown, revoked or expired one.",
    403: "The token lacks the scope this operation needs.",
    404: "Nothing here, or nothing the token's owner may see.",
    422: "Input that was refused, each field named; nothing was changed.",
    429: "The token made too many requests this minute; Retry-After says how long to wait.",
}


def _application() -> FastAPI:
    api = FastAPI(
        title="Bordin API",
        version="1",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        servers=[{"url": PREFIX}],
    )
    install_api_error_handlers(api)
    from bordin.web.api.routes import (
        administrations,
        appointments,
        clients,
        episodes,
        fhir,
        tokens,
    )
    from bordin.web.api.schemas import ErrorOut

    refusals: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorOut, "description": meaning} for status, meaning in REFUSALS.items()
    }
    for module in (clients, episodes, appointments, administrations, fhir, tokens):
        api.include_router(module.router, responses=refusals)
    return api


def build_api(settings: Settings, runtime: Runtime, sessions: sessionmaker[Session]) -> FastAPI:
    """The API application, sharing the web app's settings, runtime and sessions."""
    api = _application()
    api.state.settings = settings
    api.state.runtime = runtime
    api.state.sessions = sessions
    api.state.request_budget = RequestBudget(settings.api_requests_per_minute)
    return api


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document, as served at ``/api/v1/openapi.json`` (for the docs)."""
    return _application().openapi()
