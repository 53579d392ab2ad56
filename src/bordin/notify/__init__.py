"""Delivery channels behind one interface.

Every channel lives in its own folder (``notify/smtp/``, ``notify/log/``) and implements
:class:`~bordin.notify.base.Transport`: ``send(message)`` delivers one
:class:`~bordin.notify.base.Message` or raises :class:`~bordin.notify.base.DeliveryError`.
:class:`~bordin.notify.memory.MemoryTransport` is the test double. :func:`build_transport`
makes the one named in the settings (``BORDIN_NOTIFY_TRANSPORT``).
"""

from __future__ import annotations

from typing import Any

from bordin.domain.errors import InvalidInput
from bordin.notify.base import KNOWN_KINDS, Attachment, DeliveryError, Message, Transport
from bordin.notify.log import LogTransport
from bordin.notify.memory import MemoryTransport
from bordin.notify.sms import TwilioTransport
from bordin.notify.smtp import SmtpTransport

__all__ = [
    "KNOWN_KINDS",
    "SMS_TRANSPORT_KINDS",
    "TRANSPORT_KINDS",
    "Attachment",
    "DeliveryError",
    "LogTransport",
    "MemoryTransport",
    "Message",
    "SmtpTransport",
    "Transport",
    "TwilioTransport",
    "build_sms_transport",
    "build_transport",
]

TRANSPORT_KINDS = ("smtp", "log", "memory")
SMS_TRANSPORT_KINDS = ("twilio", "log", "memory")

_SMTP_OPTIONS = ("host", "port", "sender", "username", "password", "starttls", "timeout")


def build_transport(kind: str, **options: Any) -> Transport:
    """Make the transport called ``kind`` ("smtp", "log" or "memory").

    ``options`` are the SMTP settings (``host``, ``port``, ``sender``, ``username``,
    ``password``, ``starttls``, ``timeout``). The log and memory transports ignore them, so
    the caller can always pass the whole set. ``None`` values fall back to the defaults.
    """
    given = {name: value for name, value in options.items() if value is not None}
    if kind == "memory":
        return MemoryTransport()
    if kind == "log":
        return LogTransport()
    if kind == "smtp":
        unknown = sorted(set(given) - set(_SMTP_OPTIONS))
        if unknown:
            raise InvalidInput(
                f"unknown SMTP option(s): {', '.join(unknown)}", field="notify_transport"
            )
        missing = [name for name in ("host", "port", "sender") if name not in given]
        if missing:
            raise InvalidInput(
                f"the SMTP transport needs {', '.join(missing)}", field="notify_transport"
            )
        try:
            return SmtpTransport(**given)
        except ValueError as error:
            raise InvalidInput(str(error), field="notify_transport") from None
    raise InvalidInput(
        f"unknown transport {kind!r}; choose one of {', '.join(TRANSPORT_KINDS)}",
        field="notify_transport",
    )


def build_sms_transport(
    kind: str,
    *,
    account_sid: str | None = None,
    auth_token: str | None = None,
    sender: str | None = None,
    api_base: str = "https://api.twilio.com",
) -> Transport:
    """Make the SMS transport called ``kind`` ("twilio", "log" or "memory")."""
    if kind == "memory":
        return MemoryTransport()
    if kind == "log":
        return LogTransport()
    if kind == "twilio":
        missing = [
            name
            for name, value in (
                ("twilio_account_sid", account_sid),
                ("twilio_auth_token", auth_token),
                ("twilio_from", sender),
            )
            if not value
        ]
        if missing:
            raise InvalidInput(
                f"the Twilio transport needs {', '.join(missing)}", field="sms_transport"
            )
        try:
            return TwilioTransport(
                account_sid=account_sid or "",
                auth_token=auth_token or "",
                sender=sender or "",
                api_base=api_base,
            )
        except ValueError as error:
            raise InvalidInput(str(error), field="sms_transport") from None
    raise InvalidInput(
        f"unknown SMS transport {kind!r}; choose one of {', '.join(SMS_TRANSPORT_KINDS)}",
        field="sms_transport",
    )
