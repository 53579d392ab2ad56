"""Erasure requests (the two-person rule) and each practice's retention periods.

An erasure request names the client while it waits; once carried out it keeps only what an
auditor needs, with no personal data: when, why (a fixed reason), who asked and who confirmed
(staff ids), and how many rows of each kind were removed (``removed``). See ADR 0004.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class ErasureRequestRow(Base):
    """One request to erase a client: ``pending`` → ``done`` (or ``cancelled``).

    ``client_id`` is emptied when the erasure is carried out, so the row is the tombstone.
    """

    __tablename__ = "erasure_requests"
    __table_args__ = (Index("ix_erasure_requests_practice_status", "practice_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), default=None)
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    requested_at: Mapped[datetime]
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Rows removed (or emptied) per kind, e.g. ``{"administrations": 12}``: counts only.
    removed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RetentionSettingsRow(Base):
    """How many days a practice keeps each kind of record (domain/retention.py has defaults).

    A practice without a row uses the defaults.
    """

    __tablename__ = "retention_settings"

    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), primary_key=True)
    feedback_text_days: Mapped[int] = mapped_column(Integer)
    closed_records_days: Mapped[int] = mapped_column(Integer)
    unmatched_intake_days: Mapped[int] = mapped_column(Integer)
    notification_records_days: Mapped[int] = mapped_column(Integer)
    sign_in_records_days: Mapped[int] = mapped_column(Integer)
    audit_trail_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]
