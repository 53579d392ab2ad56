"""The in-memory transport, the test double every service test uses."""

from __future__ import annotations

import pytest

from bordin.notify import DeliveryError, MemoryTransport, Message, Transport


def message(to: str = "birch.sample@clients.example", kind: str = "feedback_link") -> Message:
    return Message(to=to, subject="Your session", text="A link", kind=kind)


def test_it_is_a_transport() -> None:
    assert isinstance(MemoryTransport(), Transport)


def test_it_keeps_sent_messages_in_order() -> None:
    outbox = MemoryTransport()
    first, second = message(), message(to="cedar.sample@clients.example")

    outbox.send(first)
    outbox.send(second)

    assert outbox.sent == [first, second]
    assert outbox.last == second


def test_it_finds_messages_by_recipient_ignoring_case() -> None:
    outbox = MemoryTransport()
    outbox.send(message(to="Birch.Sample@clients.example"))
    outbox.send(message(to="cedar.sample@clients.example"))

    assert [m.to for m in outbox.to("birch.sample@CLIENTS.example")] == [
        "Birch.Sample@clients.example"
    ]


def test_it_finds_messages_by_kind() -> None:
    outbox = MemoryTransport()
    outbox.send(message(kind="urgent_alert"))
    outbox.send(message(kind="feedback_link"))

    assert [m.kind for m in outbox.of_kind("urgent_alert")] == ["urgent_alert"]


def test_it_can_be_told_to_fail_temporarily() -> None:
    outbox = MemoryTransport()
    outbox.fail(permanent=False)

    with pytest.raises(DeliveryError) as caught:
        outbox.send(message())

    assert caught.value.permanent is False
    assert outbox.sent == []


def test_it_can_be_told_to_fail_permanently() -> None:
    outbox = MemoryTransport()
    outbox.fail(permanent=True)

    with pytest.raises(DeliveryError) as caught:
        outbox.send(message())

    assert caught.value.permanent is True


def test_it_keeps_failing_until_it_recovers() -> None:
    outbox = MemoryTransport()
    outbox.fail()
    for _ in range(3):
        with pytest.raises(DeliveryError):
            outbox.send(message())

    outbox.recover()
    outbox.send(message())

    assert len(outbox.sent) == 1
    assert outbox.attempts == 4


def test_it_can_fail_only_the_next_few_sends() -> None:
    outbox = MemoryTransport()
    outbox.fail(times=2)

    outcomes = []
    for _ in range(3):
        try:
            outbox.send(message())
            outcomes.append("sent")
        except DeliveryError:
            outcomes.append("failed")

    assert outcomes == ["failed", "failed", "sent"]


def test_last_says_clearly_when_nothing_was_sent() -> None:
    with pytest.raises(LookupError, match="no message"):
        _ = MemoryTransport().last


def test_clear_forgets_sent_messages() -> None:
    outbox = MemoryTransport()
    outbox.send(message())

    outbox.clear()

    assert outbox.sent == []
