"""Security headers, the anonymous CSRF cookie and one log line for every response.

A plain ASGI middleware (Starlette's ``BaseHTTPMiddleware`` runs each request in a task of its
own with memory streams between, which cost more CPU than everything here).
"""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class HeadersAndLog:
    """Add :data:`SECURITY_HEADERS` (unless the response set its own), set the anonymous CSRF
    cookie when a page made a new token (``request.state.new_anon_csrf``), and log the method,
    route template (never the concrete path: it can hold a link token or an id), status and
    time."""

    def __init__(self, app: ASGIApp, *, cookie_name: str, secure_cookies: bool) -> None:
        self.app = app
        self.cookie_name = cookie_name
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # The routes' request.state lives in this dict; made here, it is the one they write to.
        state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                new_token = state.get("new_anon_csrf")
                if new_token:
                    headers.append("set-cookie", self._cookie(new_token))
                route = scope.get("route")
                log.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    getattr(route, "path", "?"),
                    message["status"],
                    (time.perf_counter() - started) * 1000,
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _cookie(self, token: str) -> str:
        carrier = Response()
        carrier.set_cookie(
            self.cookie_name,
            token,
            httponly=True,
            samesite="lax",
            secure=self.secure_cookies,
            path="/",
        )
        return carrier.headers["set-cookie"]
