"""The Twilio SMS transport against a local HTTP server that speaks Twilio's Messages API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bordin.domain.errors import InvalidInput
from bordin.notify import DeliveryError, Message, TwilioTransport, build_sms_transport
from bordin.testing.sms_server import SmsStub, sms_stub

SENDER = "+447700900000"


@pytest.fixture
def stub() -> Iterator[SmsStub]:
    with sms_stub() as server:
        yield server


def sms(to: str = "+447700900123") -> Message:
    return Message(
        to=to,
        subject="Appointment reminder",
        text="Reminder: your appointment is on Tuesday 3 November at 14:00.",
        kind="reminder",
        channel="sms",
    )


def transport(stub: SmsStub, token: str | None = None) -> TwilioTransport:
    return TwilioTransport(
        account_sid=stub.account_sid,
        auth_token=token or stub.auth_token,
        sender=SENDER,
        api_base=stub.base_url,
        timeout=5,
    )


def test_it_posts_to_from_and_body_with_basic_auth(stub: SmsStub) -> None:
    transport(stub).send(sms())
    assert stub.received == [
        {
            "To": "+447700900123",
            "From": SENDER,
            "Body": "Reminder: your appointment is on Tuesday 3 November at 14:00.",
        }
    ]


def test_a_refused_number_is_a_permanent_failure_with_twilios_code(stub: SmsStub) -> None:
    stub.refused.add("+447700900999")
    with pytest.raises(DeliveryError) as caught:
        transport(stub).send(sms("+447700900999"))
    assert caught.value.permanent is True
    assert caught.value.code == 21211
    assert "+447700900999" not in str(caught.value)


def test_a_wrong_token_is_a_temporary_failure(stub: SmsStub) -> None:
    with pytest.raises(DeliveryError) as caught:
        transport(stub, token="wrong").send(sms())
    assert caught.value.permanent is False
    assert stub.received == []


def test_a_server_error_is_a_temporary_failure(stub: SmsStub) -> None:
    stub.busy.add("+447700900123")
    with pytest.raises(DeliveryError) as caught:
        transport(stub).send(sms())
    assert caught.value.permanent is False


def test_nothing_listening_is_a_temporary_failure() -> None:
    with sms_stub() as gone:
        address = gone.base_url
    down = TwilioTransport(
        account_sid="AC1", auth_token="t", sender=SENDER, api_base=address, timeout=2
    )
    with pytest.raises(DeliveryError) as caught:
        down.send(sms())
    assert caught.value.permanent is False


def test_an_sms_message_needs_a_phone_number_and_a_short_text() -> None:
    with pytest.raises(InvalidInput, match="to"):
        Message(to="someone@example.org", subject="s", text="t", kind="reminder", channel="sms")
    with pytest.raises(InvalidInput, match="text"):
        Message(to="+447700900123", subject="s", text="x" * 481, kind="reminder", channel="sms")


def test_the_factory_names_the_missing_twilio_settings() -> None:
    with pytest.raises(InvalidInput, match="twilio_auth_token"):
        build_sms_transport("twilio", account_sid="AC1", sender=SENDER)
