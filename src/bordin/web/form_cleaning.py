"""Every submitted form is cleaned once, before any route or dependency reads it.

Browsers send Bordin's forms as ``application/x-www-form-urlencoded``. This middleware reads
such a body, runs every value through ``domain.text.clean_text`` (NUL and other control
characters dropped, newlines normalised, NFC) and hands the route the cleaned body. So a crisis
message with a stray NUL is stored and triaged like any other, on every route, including ones
written later. Passwords are passed on exactly as typed. Other bodies (JSON, multipart) are left
alone; the services that store text clean it again.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bordin.domain.text import clean_text

FORM = b"application/x-www-form-urlencoded"


def clean_form_body(body: bytes) -> bytes:
    """The urlencoded ``body`` with every value but passwords cleaned."""
    pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
    return urlencode(
        [(key, value if "password" in key else clean_text(value)) for key, value in pairs]
    ).encode("ascii")


class CleanForms:
    """ASGI middleware: clean urlencoded form bodies (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_form(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay(message), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = clean_form_body(b"".join(chunks))
        headers = [
            (name, str(len(body)).encode() if name.lower() == b"content-length" else value)
            for name, value in scope["headers"]
        ]
        await self.app({**scope, "headers": headers}, _replay_body(body, receive), send)


def _is_form(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name.lower() == b"content-type":
            return bool(value.split(b";")[0].strip().lower() == FORM)
    return False


def _replay(message: Message) -> Receive:
    async def receive() -> Message:
        return message

    return receive


def _replay_body(body: bytes, then: Receive) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await then()

    return receive
