"""What every client-facing page shares: the CSRF token for its forms, crisis help, rendering.

Client pages (the feedback form, concern form, progress page, sign-in) extend
``client_base.html``, which always says Bordin is not an emergency service and shows the
practice's crisis lines; with ``crisis_first`` the help comes before everything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from bordin.domain.crisis import CrisisLine
from bordin.domain.errors import InvalidInput, RateLimited
from bordin.services.feedback_form import CONCERN_FIELD
from bordin.web.deps import SESSION_COOKIE, Viewer, anonymous_csrf_token
from bordin.web.deps import PostedForm as PostedForm  # routes import it from here too


def form_token(request: Request, viewer: Viewer | None) -> str:
    """The CSRF token a form must carry: the session's if signed in, else the anonymous one."""
    if viewer is not None:
        return viewer.csrf_token
    # No session (or a stale cookie): the check falls back to the anonymous cookie.
    return anonymous_csrf_token(request)


def render_client(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    crisis_lines: Sequence[CrisisLine],
    crisis_first: bool = False,
    status: int = 200,
) -> Response:
    """Render a client page with crisis help (first, when ``crisis_first``)."""
    full = {"crisis_lines": list(crisis_lines), "crisis_first": crisis_first, **context}
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, full, status_code=status
    )
    return response


def refusal_errors(refused: InvalidInput | RateLimited) -> list[dict[str, str]]:
    """The messages for a concern form that was refused: bad input, or too many concerns."""
    if isinstance(refused, InvalidInput):
        return [e.as_dict() for e in refused.errors]
    return [{"field": CONCERN_FIELD, "message": str(refused)}]


def concern_page(
    request: Request,
    *,
    action: str,
    csrf_token: str,
    crisis_lines: Sequence[CrisisLine],
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    status: int = 200,
    signed_in: bool = False,
) -> Response:
    """The form for raising a concern with the practice (from a feedback link or ``/me``)."""
    return render_client(
        request,
        "concern_form.html",
        {
            "action": action,
            "csrf_token": csrf_token,
            "errors": errors or [],
            "concern_text": text,
            "client_signed_in": signed_in,
        },
        crisis_lines=crisis_lines,
        status=status,
    )


def set_session_cookie(response: Response, token: str, *, secure: bool, hours: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=hours * 3600,
        path="/",
    )
