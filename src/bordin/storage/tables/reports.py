"""Prepared reports: a supervision report PDF made by the worker, kept until it expires."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class PreparedReportRow(Base):
    """One supervision report asked for by one member of staff.

    ``subject`` is ``therapist:<id>`` or ``client:<id>``. ``status`` goes ``preparing`` →
    ``ready`` (or ``failed``). ``pdf_sealed`` is the PDF encrypted with the practice's
    encryption key (Fernet, like client words); ``client_ids`` are the clients the report
    shows, so each download is audited as a read of each of them and erasing a client removes
    the reports that show them. The row is deleted when it expires (``expires_at``).
    """

    __tablename__ = "prepared_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    requested_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="preparing")
    filename: Mapped[str] = mapped_column(String(200))
    client_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    pdf_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime]
    ready_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime]
