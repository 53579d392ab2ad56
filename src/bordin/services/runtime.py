"""What every service needs besides the database session: settings, clock, cipher, transport."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken

from bordin.notify.base import Transport
from bordin.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


class TextCipher:
    """Encrypts client free text at rest (Fernet: AES-128-CBC with HMAC-SHA256)."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            return None

    def seal_bytes(self, content: bytes) -> bytes:
        """Encrypt a file kept for a while (a prepared report's PDF)."""
        return self._fernet.encrypt(content)

    def open_bytes(self, token: bytes | None) -> bytes | None:
        """The bytes :meth:`seal_bytes` encrypted; ``None`` if they do not open."""
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            return None

    def seal_phrases(self, phrases: Iterable[str]) -> list[str]:
        """Encrypt each phrase into a text token, for JSON columns (matched triage phrases)."""
        return [self._fernet.encrypt(p.encode("utf-8")).decode("ascii") for p in phrases]

    def open_phrases(self, tokens: Iterable[object] | None) -> list[str]:
        """The phrases :meth:`seal_phrases` encrypted; tokens that do not open are skipped."""
        opened: list[str] = []
        for token in tokens or ():
            if isinstance(token, str):
                text = self.decrypt(token.encode("ascii"))
                if text is not None:
                    opened.append(text)
        return opened


@dataclass
class Runtime:
    settings: Settings
    transport: Transport
    now: Callable[[], datetime] = field(default=utc_now)
    #: Where SMS goes (reminders). Unset: a log transport that sends nothing.
    sms: Transport | None = None
    cipher: TextCipher = field(init=False)

    def __post_init__(self) -> None:
        self.cipher = TextCipher(self.settings.fernet_key())
        if self.sms is None:
            from bordin.notify.log import LogTransport

            self.sms = LogTransport()

    @property
    def sms_transport(self) -> Transport:
        """The SMS transport (always set after construction)."""
        assert self.sms is not None
        return self.sms


def build_runtime(
    settings: Settings, *, transport: Transport | None = None, sms: Transport | None = None
) -> Runtime:
    """Make the runtime for ``settings``, with the configured email and SMS transports."""
    from bordin.notify import build_sms_transport, build_transport

    if sms is None:
        token = settings.twilio_auth_token
        sms = build_sms_transport(
            settings.sms_transport,
            account_sid=settings.twilio_account_sid,
            auth_token=token.get_secret_value() if token else None,
            sender=settings.twilio_from,
            api_base=settings.twilio_api_base,
        )
    if transport is None:
        transport = build_transport(
            settings.notify_transport,
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls,
        )
    return Runtime(settings=settings, transport=transport, sms=sms)
