"""Intake: referrals and self-referrals waiting for a therapist, and the client's preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class IntakeRow(Base):
    """One referral or self-referral. It waits on the list until it is matched or closed.

    ``concerns_encrypted`` holds the client's own words, encrypted like all client free text.
    ``concern_areas`` are the plain problem areas ticked on the form (domain/intake.py).
    """

    __tablename__ = "intake_referrals"
    __table_args__ = (Index("ix_intake_referrals_practice_status", "practice_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    source: Mapped[str] = mapped_column(String(12))  # self | referral | staff
    referrer: Mapped[str | None] = mapped_column(String(200), default=None)
    entered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    episode_kind: Mapped[str] = mapped_column(String(12), default="individual")
    concern_areas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    concerns_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    risk_now: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_recent: Mapped[bool] = mapped_column(Boolean, default=False)
    crisis_in_words: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_by: Mapped[str] = mapped_column(String(12), default="email")
    ok_to_leave_message: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    received_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id"), default=None)


class ClientPreferenceRow(Base):
    """What a client asked for in a therapist, for matching (one row per client).

    ``identity_notes_encrypted``: what matters to them about identity and culture, in their
    words, encrypted. The rest are the plain choices of the intake form.
    """

    __tablename__ = "client_preferences"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intake_referrals.id"), default=None)
    language: Mapped[str] = mapped_column(String(40), default="English")
    modes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    location: Mapped[str | None] = mapped_column(String(120), default=None)
    slots: Mapped[list[Any]] = mapped_column(JSON, default=list)
    funding: Mapped[str] = mapped_column(String(12), default="private")
    therapist_gender: Mapped[str | None] = mapped_column(String(20), default=None)
    gender_required: Mapped[bool] = mapped_column(Boolean, default=False)
    specialisms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    identity_notes_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    updated_at: Mapped[datetime]
