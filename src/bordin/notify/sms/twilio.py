"""SMS through Twilio's Messages REST API, with ``httpx`` and nothing else.

One request per message, as Twilio documents it (the ``CreateMessage`` operation,
https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource)::

    POST {api_base}/2010-04-01/Accounts/{AccountSid}/Messages.json
    Authorization: Basic base64(AccountSid:AuthToken)
    Content-Type: application/x-www-form-urlencoded

    To=+447700900123&From=+447700900000&Body=...

A ``201`` reply with a JSON body holding the message ``sid`` means Twilio accepted it. Errors
come back as JSON ``{"code": 21211, "message": ..., "status": 400}``.

How failures map onto :class:`~bordin.notify.base.DeliveryError`:

==============================================  =================  =========================
what happened                                    ``permanent``      why
==============================================  =================  =========================
connection refused, time-out, network error      ``False``          Twilio may come back
401/403 (account SID or token refused)           ``False``          fix the settings, retry
429 (too many requests) or any 5xx               ``False``          Twilio said "try later"
other 4xx (bad or unreachable number, ...)       ``True``           resending cannot help
==============================================  =================  =========================

Error texts carry the HTTP status and Twilio's numeric error code only, never the reply's
message (which can repeat the number).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bordin.notify.base import DeliveryError, Message

if TYPE_CHECKING:
    import httpx


class TwilioTransport:
    """Sends each SMS message through Twilio's Messages resource."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        api_base: str = "https://api.twilio.com",
        timeout: float = 10,
    ) -> None:
        if not account_sid:
            raise ValueError("the Twilio account SID must not be empty")
        if not auth_token:
            raise ValueError("the Twilio auth token must not be empty")
        if not sender.startswith("+"):
            raise ValueError("the sending number must be in E.164 form, like +447700900000")
        self.account_sid = account_sid
        self._auth_token = auth_token
        self.sender = sender
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout

    @property
    def url(self) -> str:
        return f"{self.api_base}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def send(self, message: Message) -> None:
        """Deliver ``message`` (an SMS) or raise :class:`DeliveryError`."""
        if message.channel != "sms":
            raise DeliveryError("the Twilio transport sends SMS only", permanent=True)
        import httpx  # loaded with the first SMS, not when a web worker starts (issue 15)

        try:
            reply = httpx.post(
                self.url,
                data={"To": message.to, "From": self.sender, "Body": message.text},
                auth=(self.account_sid, self._auth_token),
                timeout=self.timeout,
            )
        except httpx.TimeoutException:
            raise DeliveryError("Twilio did not answer in time", permanent=False) from None
        except httpx.HTTPError:
            raise DeliveryError("Twilio could not be reached", permanent=False) from None
        if reply.status_code in (200, 201):
            return
        code = _twilio_code(reply)
        reason = f"Twilio refused the message (HTTP {reply.status_code}, code {code or '-'})"
        temporary = reply.status_code in (401, 403, 429) or reply.status_code >= 500
        raise DeliveryError(reason, permanent=not temporary, code=code or reply.status_code)


def _twilio_code(reply: httpx.Response) -> int | None:
    try:
        body = reply.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None
