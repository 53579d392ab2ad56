"""The log transport: records that a message went, never what it said or to whom."""

from bordin.notify.log.transport import LogTransport

__all__ = ["LogTransport"]
