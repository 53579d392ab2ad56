"""The in-memory transport: the test double for every delivery channel.

It keeps each message it is given in :attr:`MemoryTransport.sent`, in order, so a test can
assert what went out and to whom. It can be told to fail, so tests can walk through what a
service does when delivery breaks::

    outbox = MemoryTransport()
    outbox.fail(permanent=False)        # every send now raises DeliveryError(permanent=False)
    outbox.fail(permanent=True, times=1)  # only the next send fails
    outbox.recover()                    # back to delivering
"""

from __future__ import annotations

from bordin.notify.base import DeliveryError, Message


class MemoryTransport:
    """Keeps sent messages in a list instead of delivering them."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.attempts = 0
        self._failure: DeliveryError | None = None
        self._failures_left: int | None = None

    def send(self, message: Message) -> None:
        """Record ``message``, or raise the failure this transport was told to raise."""
        self.attempts += 1
        if self._failure is not None:
            failure = self._failure
            if self._failures_left is not None:
                self._failures_left -= 1
                if self._failures_left <= 0:
                    self.recover()
            raise failure
        self.sent.append(message)

    def fail(
        self,
        *,
        permanent: bool = False,
        times: int | None = None,
        reason: str = "delivery failed (simulated)",
    ) -> None:
        """Make the next ``times`` sends (all of them if ``None``) raise ``DeliveryError``."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1")
        self._failure = DeliveryError(reason, permanent=permanent)
        self._failures_left = times

    def recover(self) -> None:
        """Stop failing."""
        self._failure = None
        self._failures_left = None

    def to(self, address: str) -> list[Message]:
        """The messages sent to ``address`` (case-insensitive), oldest first."""
        wanted = address.casefold()
        return [m for m in self.sent if m.to.casefold() == wanted]

    def of_kind(self, kind: str) -> list[Message]:
        """The messages of one kind, oldest first."""
        return [m for m in self.sent if m.kind == kind]

    @property
    def last(self) -> Message:
        """The most recent message; ``LookupError`` when nothing was sent."""
        if not self.sent:
            raise LookupError("no message has been sent")
        return self.sent[-1]

    def clear(self) -> None:
        """Forget the messages sent so far."""
        self.sent.clear()
