"""What every delivery channel shares: the message, the transport interface, the error.

A *transport* takes one :class:`Message` and either delivers it or raises
:class:`DeliveryError`. ``DeliveryError.permanent`` tells the caller whether trying again
later could help (a server that is down: ``False``) or not (an address the server refuses:
``True``). Services decide what to do about it; transports never retry on their own.

Messages carry client-facing text (a feedback link, an urgent alert). Transports must never
write the address, subject or body into logs or error messages: log the ``kind`` and the
``reference`` (an id the service chose) only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bordin.domain.errors import BordinError, FieldError, InvalidInput

#: The kinds of message Bordin sends today. Other lower-case names are allowed too.
KNOWN_KINDS = (
    "feedback_link",
    "urgent_alert",
    "digest",
    "magic_link",
    "reminder",
    "booking",
)
CHANNELS = ("email", "sms")

_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")
_PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
#: Longest SMS body we send (Twilio accepts 1,600 characters; we keep to a few segments).
SMS_MAX = 480


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email, such as a calendar invite (``text/calendar``)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, kw_only=True)
class Message:
    """One email or SMS to one person.

    ``channel`` is ``email`` (``to`` an address) or ``sms`` (``to`` a number in E.164 form,
    ``+447700900123``; ``text`` at most :data:`SMS_MAX` characters; ``subject`` is not sent).
    ``subject`` is a one-line subject, ``text`` the plain-text body, ``html`` an optional HTML
    alternative and ``attachments`` files sent with an email. ``kind`` says what the message is for
    (see :data:`KNOWN_KINDS`); ``reference`` is an optional id chosen by the service (for
    example a feedback link id) that is safe to log.
    """

    to: str
    subject: str
    text: str
    kind: str
    html: str | None = None
    reference: str | None = None
    channel: str = "email"
    attachments: tuple[Attachment, ...] = ()

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        if self.channel not in CHANNELS:
            errors.append(FieldError("channel", "must be email or sms"))
        elif self.channel == "sms":
            if not _PHONE.match(self.to):
                errors.append(FieldError("to", "must be a phone number like +447700900123"))
            if len(self.text) > SMS_MAX:
                errors.append(FieldError("text", f"must be at most {SMS_MAX} characters"))
        elif not _ADDRESS.match(self.to):
            errors.append(FieldError("to", "must be one email address, like name@example.org"))
        if not self.subject.strip():
            errors.append(FieldError("subject", "must not be empty"))
        elif "\n" in self.subject or "\r" in self.subject:
            errors.append(FieldError("subject", "must be a single line"))
        if not self.text.strip():
            errors.append(FieldError("text", "must not be empty"))
        if not _KIND.match(self.kind):
            errors.append(
                FieldError("kind", "must be a short lower-case name such as 'feedback_link'")
            )
        if self.reference is not None and ("\n" in self.reference or len(self.reference) > 100):
            errors.append(
                FieldError("reference", "must be a single line of at most 100 characters")
            )
        if errors:
            raise InvalidInput(errors)


class DeliveryError(BordinError):
    """A message could not be delivered.

    ``permanent`` is ``True`` when sending the same message again cannot succeed (the server
    refused the recipient or the message with a 5xx reply) and ``False`` when it might later
    (connection refused, time-out, a 4xx "try again" reply). ``code`` is the SMTP reply code
    when there was one. The text never contains the address, subject or body.
    """

    def __init__(
        self,
        reason: str = "the message could not be delivered",
        *,
        permanent: bool,
        code: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.code = code

    def __repr__(self) -> str:
        return f"DeliveryError({self.reason!r}, permanent={self.permanent}, code={self.code})"


@runtime_checkable
class Transport(Protocol):
    """A delivery channel: ``send`` delivers one message or raises :class:`DeliveryError`."""

    def send(self, message: Message) -> None: ...
