"""The log transport writes that a message went, and never the address, subject or body."""

from __future__ import annotations

import logging

import pytest

from bordin.notify import LogTransport, Message

ADDRESS = "dale.sample@clients.example"
SUBJECT = "Dale, your feedback link"
BODY = "Dale wrote that the homework felt pointless"


def secret_message() -> Message:
    return Message(
        to=ADDRESS,
        subject=SUBJECT,
        text=BODY,
        html=f"<p>{BODY}</p>",
        kind="urgent_alert",
        reference="alert-7",
    )


def test_its_log_line_holds_no_address_subject_or_body(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    LogTransport().send(secret_message())

    logged = caplog.text + " ".join(repr(r.args) for r in caplog.records)
    assert caplog.records, "the transport should log one line"
    for secret in (ADDRESS, "dale.sample", "clients.example", SUBJECT, BODY, "homework", "Dale"):
        assert secret not in logged


def test_its_log_line_names_the_kind_reference_and_recipient_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bordin.notify")
    transport = LogTransport(key=b"k" * 32)

    transport.send(secret_message())

    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert "urgent_alert" in line
    assert "alert-7" in line
    assert transport.recipient_id(ADDRESS) in line


def test_the_recipient_id_is_stable_and_ignores_case() -> None:
    transport = LogTransport(key=b"k" * 32)

    assert transport.recipient_id(ADDRESS) == transport.recipient_id(ADDRESS.upper())
    assert transport.recipient_id(ADDRESS) != transport.recipient_id("ash.sample@clients.example")


def test_transports_without_a_key_cannot_be_linked_to_each_other() -> None:
    assert LogTransport().recipient_id(ADDRESS) != LogTransport().recipient_id(ADDRESS)
