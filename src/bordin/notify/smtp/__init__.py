"""The SMTP transport: email through a mail server, using only the standard library."""

from bordin.notify.smtp.transport import SmtpTransport

__all__ = ["SmtpTransport"]
