"""What every service needs besides the database session: settings, clock, cipher, transport."""

from __future__ import annotations

from collections.abc import Callable
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


@dataclass
class Runtime:
    settings: Settings
    transport: Transport
    now: Callable[[], datetime] = field(default=utc_now)
    cipher: TextCipher = field(init=False)

    def __post_init__(self) -> None:
        self.cipher = TextCipher(self.settings.fernet_key())


def build_runtime(settings: Settings, *, transport: Transport | None = None) -> Runtime:
    """Make the runtime for ``settings``, with the configured notification transport."""
    if transport is None:
        from bordin.notify import build_transport

        transport = build_transport(
            settings.notify_transport,
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls,
        )
    return Runtime(settings=settings, transport=transport)
