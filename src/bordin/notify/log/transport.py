"""A transport for development: it writes one log line per message and delivers nothing.

The line names the message ``kind``, the ``reference`` the service attached (an id), and a
keyed hash of the recipient, so a developer can see that two messages went to the same
person without the log holding the address. It never logs the address, the subject or the
body: those are client data.

The hash is an HMAC-SHA256 of the lower-cased address under ``key``. Without a key each
transport makes a random one, so the hashes cannot be looked up against a list of addresses
and do not link across restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from bordin.notify.base import Message

LOGGER_NAME = "bordin.notify"


class LogTransport:
    """Logs the kind of each message and a hash of its recipient; sends nothing."""

    def __init__(self, *, logger: logging.Logger | None = None, key: bytes | None = None) -> None:
        self._logger = logger or logging.getLogger(LOGGER_NAME)
        self._key = key if key is not None else secrets.token_bytes(32)

    def recipient_id(self, address: str) -> str:
        """The stable, non-reversible id this transport logs in place of ``address``."""
        digest = hmac.new(self._key, address.casefold().encode("utf-8"), hashlib.sha256)
        return "rcpt-" + digest.hexdigest()[:12]

    def send(self, message: Message) -> None:
        """Log that ``message`` would have been sent."""
        self._logger.info(
            "notify: %s message to %s (reference %s) logged, not sent",
            message.kind,
            self.recipient_id(message.to),
            message.reference or "-",
        )
