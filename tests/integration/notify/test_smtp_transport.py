"""The SMTP transport against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bordin.notify import DeliveryError, Message, SmtpTransport, build_transport

if TYPE_CHECKING:
    from conftest import SmtpServer

SENDER = "practice@northgate.example"


def link_message(to: str = "ash.sample@clients.example", html: str | None = None) -> Message:
    return Message(
        to=to,
        subject="How was today's session?",
        text="Tell us in under a minute: https://bordin.example/f/abc123",
        html=html,
        kind="feedback_link",
        reference="link-42",
    )


def transport_for(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport(server.host, server.port, SENDER, timeout=5)


def test_it_delivers_a_message_with_its_headers_and_body(smtp_server: SmtpServer) -> None:
    transport_for(smtp_server).send(link_message())

    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.sender == SENDER
    assert got.recipients == ["ash.sample@clients.example"]
    assert got.email["From"] == SENDER
    assert got.email["To"] == "ash.sample@clients.example"
    assert got.email["Subject"] == "How was today's session?"
    assert got.email["X-Bordin-Kind"] == "feedback_link"
    assert got.email["X-Bordin-Reference"] == "link-42"
    assert got.email["Auto-Submitted"] == "auto-generated"
    assert got.email["Message-ID"].endswith("@northgate.example>")
    body = got.email.get_body(preferencelist=("plain",))
    assert body is not None
    assert "https://bordin.example/f/abc123" in body.get_content()


def test_it_sends_the_html_body_as_an_alternative(smtp_server: SmtpServer) -> None:
    html = '<p><a href="https://bordin.example/f/abc123">Open the form</a></p>'
    transport_for(smtp_server).send(link_message(html=html))

    email = smtp_server.received[0].email
    assert email.get_content_type() == "multipart/alternative"
    html_part = email.get_body(preferencelist=("html",))
    plain_part = email.get_body(preferencelist=("plain",))
    assert html_part is not None and "Open the form" in html_part.get_content()
    assert plain_part is not None and "abc123" in plain_part.get_content()


def test_it_keeps_non_ascii_text_intact(smtp_server: SmtpServer) -> None:
    message = Message(
        to="zoë.sample@clients.example",
        subject="Séance de mardi — merci",
        text="Ça va? Crisis help: 116 123 ✓",
        kind="digest",
    )
    transport_for(smtp_server).send(message)

    email = smtp_server.received[0].email
    assert email["Subject"] == "Séance de mardi — merci"
    body = email.get_body(preferencelist=("plain",))
    assert body is not None and "Ça va? Crisis help: 116 123 ✓" in body.get_content()


def test_a_refused_connection_is_a_temporary_failure(closed_port: int) -> None:
    transport = SmtpTransport("127.0.0.1", closed_port, SENDER, timeout=5)

    with pytest.raises(DeliveryError) as caught:
        transport.send(link_message())

    assert caught.value.permanent is False
    assert "refused the connection" in str(caught.value)


def test_a_server_that_never_answers_is_a_temporary_failure(silent_server: int) -> None:
    transport = SmtpTransport("127.0.0.1", silent_server, SENDER, timeout=0.3)

    with pytest.raises(DeliveryError) as caught:
        transport.send(link_message())

    assert caught.value.permanent is False


def test_a_rejected_recipient_is_a_permanent_failure(smtp_server: SmtpServer) -> None:
    with pytest.raises(DeliveryError) as caught:
        transport_for(smtp_server).send(link_message(to=smtp_server.refused_address))

    assert caught.value.permanent is True
    assert caught.value.code == 550
    assert smtp_server.received == []


def test_a_4xx_reply_to_the_recipient_is_a_temporary_failure(smtp_server: SmtpServer) -> None:
    with pytest.raises(DeliveryError) as caught:
        transport_for(smtp_server).send(link_message(to=smtp_server.busy_address))

    assert caught.value.permanent is False
    assert caught.value.code == 450


def test_the_error_text_never_contains_the_address_or_subject(smtp_server: SmtpServer) -> None:
    with pytest.raises(DeliveryError) as caught:
        transport_for(smtp_server).send(link_message(to=smtp_server.refused_address))

    assert smtp_server.refused_address not in str(caught.value)
    assert "session" not in str(caught.value)


def test_build_transport_makes_a_working_smtp_transport(smtp_server: SmtpServer) -> None:
    transport = build_transport(
        "smtp",
        host=smtp_server.host,
        port=smtp_server.port,
        sender=SENDER,
        username=None,
        password=None,
        starttls=False,
    )
    transport.send(link_message())

    assert [r.recipients for r in smtp_server.received] == [["ash.sample@clients.example"]]
