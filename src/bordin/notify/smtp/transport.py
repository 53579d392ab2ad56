"""Email over SMTP with the standard library (``smtplib`` and ``email.message``).

One connection per message keeps the transport stateless and safe to share between threads;
Bordin sends few emails (a link after each session, the odd alert), so this costs little.

How failures map onto :class:`~bordin.notify.base.DeliveryError`:

===========================================  =================  ==========================
what happened                                 ``permanent``      why
===========================================  =================  ==========================
connection refused, host unreachable          ``False``          the server may come back
time-out (no greeting, no reply)              ``False``          the server may come back
server hung up, STARTTLS unsupported          ``False``          fix the settings, retry
user name or password refused                 ``False``          fix the settings, retry
4xx reply (mailbox busy, greylisting)         ``False``          the server said "try later"
5xx reply to the recipient, sender or data    ``True``           resending cannot help
===========================================  =================  ==========================

Error texts carry the SMTP reply code only, never the server's reply text, which often
repeats the address.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bordin.notify.base import DeliveryError, Message


class SmtpTransport:
    """Sends each message through the SMTP server at ``host``:``port``."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10,
    ) -> None:
        if not host:
            raise ValueError("host must not be empty")
        if not 0 < port < 65536:
            raise ValueError("port must be between 1 and 65535")
        if "@" not in sender:
            raise ValueError("sender must be an email address")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def compose(self, message: Message) -> EmailMessage:
        """The email that :meth:`send` would hand to the server."""
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = make_msgid(domain=self.sender.rsplit("@", 1)[1])
        email["Auto-Submitted"] = "auto-generated"
        email["X-Bordin-Kind"] = message.kind
        if message.reference:
            email["X-Bordin-Reference"] = message.reference
        email.set_content(message.text)
        if message.html is not None:
            email.add_alternative(message.html, subtype="html")
        for attachment in message.attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            email.add_attachment(
                attachment.data,
                maintype=maintype,
                subtype=subtype or "octet-stream",
                filename=attachment.filename,
            )
        return email

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise :class:`DeliveryError` (see the module docstring)."""
        email = self.compose(message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _reply in error.recipients.values()]
            raise _refusal("the SMTP server refused the recipient", codes) from None
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryError(
                "the SMTP server refused the user name or password",
                permanent=False,
                code=error.smtp_code,
            ) from None
        except smtplib.SMTPSenderRefused as error:
            raise _refusal(
                "the SMTP server refused the sender address", [error.smtp_code]
            ) from None
        except smtplib.SMTPResponseException as error:
            raise _refusal("the SMTP server refused the message", [error.smtp_code]) from None
        except smtplib.SMTPServerDisconnected:
            raise DeliveryError("the SMTP server closed the connection", permanent=False) from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError(
                "the SMTP server does not support STARTTLS", permanent=False
            ) from None
        except smtplib.SMTPException as error:
            raise DeliveryError(f"SMTP failure ({type(error).__name__})", permanent=False) from None
        except TimeoutError:
            raise DeliveryError(
                f"no reply from the SMTP server at {self.host}:{self.port} within "
                f"{self.timeout:g} s",
                permanent=False,
            ) from None
        except ConnectionRefusedError:
            raise DeliveryError(
                f"the SMTP server at {self.host}:{self.port} refused the connection",
                permanent=False,
            ) from None
        except OSError as error:
            raise DeliveryError(
                f"cannot reach the SMTP server at {self.host}:{self.port} ({type(error).__name__})",
                permanent=False,
            ) from None
        if refused:
            codes = [code for code, _reply in refused.values()]
            raise _refusal("the SMTP server refused the recipient", codes)


def _refusal(reason: str, codes: list[int]) -> DeliveryError:
    """A refusal is permanent only when every reply code is a 5xx."""
    permanent = bool(codes) and all(500 <= code < 600 for code in codes)
    code = codes[0] if codes else None
    suffix = f" (SMTP {code})" if code is not None else ""
    return DeliveryError(reason + suffix, permanent=permanent, code=code)
