"""Signals (computed), ruptures therapists logged, and in-app alerts to staff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class SignalRow(Base):
    """The current state of one signal for an episode. Recomputing replaces an episode's set."""

    __tablename__ = "signals"
    __table_args__ = (Index("ix_signals_episode_type", "episode_id", "type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), default=None)
    session_number: Mapped[int | None] = mapped_column(Integer, default=None)
    type: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(String(500))
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    key: Mapped[str] = mapped_column(String(120))
    computed_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), default=None
    )


class RuptureLogRow(Base):
    """A rupture the therapist saw in session, what they tried, and whether it resolved."""

    __tablename__ = "rupture_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), default=None)
    logged_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    logged_at: Mapped[datetime]
    rupture_type: Mapped[str] = mapped_column(String(20))  # withdrawal | confrontation
    markers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    strategies: Mapped[list[Any]] = mapped_column(JSON, default=list)
    resolved: Mapped[str] = mapped_column(String(12))  # yes | partly | no
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class AlertRow(Base):
    """A notice to one member of staff, shown in the app and (urgent ones) emailed at once."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_recipient_read", "recipient_user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), default=None)
    kind: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(String(300))
    link: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    emailed_at: Mapped[datetime | None] = mapped_column(default=None)
    in_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    # Ids and prompts that explain the alert (episode, session, evidence, repair prompts).
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # "Discussed with the client": set once, by the recipient, from the session view.
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
