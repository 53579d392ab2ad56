"""SMS through Twilio's Messages REST API (``TwilioTransport``)."""

from bordin.notify.sms.twilio import TwilioTransport

__all__ = ["TwilioTransport"]
