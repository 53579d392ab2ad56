"""Messages are checked when they are made, and the factory builds each transport."""

from __future__ import annotations

import pytest

from bordin.domain.errors import BordinError, InvalidInput
from bordin.notify import (
    DeliveryError,
    LogTransport,
    MemoryTransport,
    Message,
    SmtpTransport,
    build_transport,
)

GOOD = {
    "to": "ash.sample@clients.example",
    "subject": "Your link",
    "text": "Open it here",
    "kind": "magic_link",
}


@pytest.mark.parametrize(
    ("field", "value", "complaint"),
    [
        ("to", "", "email address"),
        ("to", "not-an-address", "email address"),
        ("to", "a@b.example, c@d.example", "email address"),
        ("subject", "", "must not be empty"),
        ("subject", "two\nlines", "single line"),
        ("text", "  ", "must not be empty"),
        ("kind", "Feedback Link", "lower-case"),
    ],
)
def test_a_bad_message_names_the_field_and_the_problem(
    field: str, value: str, complaint: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        Message(**{**GOOD, field: value})

    assert [e.field for e in caught.value.errors] == [field]
    assert complaint in caught.value.errors[0].message


def test_a_message_is_frozen() -> None:
    message = Message(**GOOD)

    with pytest.raises(AttributeError):
        message.to = "other@clients.example"  # type: ignore[misc]


def test_delivery_error_is_a_bordin_error_that_says_whether_to_retry() -> None:
    error = DeliveryError("server down", permanent=False)

    assert isinstance(error, BordinError)
    assert error.permanent is False
    assert str(error) == "server down"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("memory", MemoryTransport), ("log", LogTransport), ("smtp", SmtpTransport)],
)
def test_build_transport_makes_the_named_transport(kind: str, expected: type) -> None:
    transport = build_transport(
        kind, host="127.0.0.1", port=2525, sender="bordin@localhost", username=None
    )

    assert isinstance(transport, expected)


def test_build_transport_refuses_an_unknown_kind() -> None:
    with pytest.raises(InvalidInput, match="unknown transport 'pigeon'"):
        build_transport("pigeon")


def test_build_transport_says_which_smtp_settings_are_missing() -> None:
    with pytest.raises(InvalidInput, match="needs host, port, sender"):
        build_transport("smtp")


def test_build_transport_refuses_a_bad_smtp_port() -> None:
    with pytest.raises(InvalidInput, match="port must be between"):
        build_transport("smtp", host="127.0.0.1", port=0, sender="bordin@localhost")
