"""Feedback links, what clients submitted through them, and concerns raised with the practice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class FeedbackLinkRow(Base):
    """A single-use, expiring link: one per client per session. Only the token's hash is kept."""

    __tablename__ = "feedback_links"
    __table_args__ = (UniqueConstraint("client_id", "appointment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class SubmissionRow(Base):
    """What a client sent after a session. Free text is encrypted at rest."""

    __tablename__ = "feedback_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_links.id"), unique=True, default=None
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), index=True)
    received_at: Mapped[datetime]
    text_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    triage_category: Mapped[str | None] = mapped_column(String(20), default=None)
    triage_severity: Mapped[str | None] = mapped_column(String(10), default=None)
    # The phrases that decided the triage, each encrypted (TextCipher.seal_phrases).
    triage_evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    triage_risk_review: Mapped[bool] = mapped_column(default=False)
    crisis_shown: Mapped[bool] = mapped_column(default=False)


class ConcernRow(Base):
    """A concern about conduct, for the clinical lead only, never the therapist concerned."""

    __tablename__ = "concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    about_therapist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_submissions.id"), default=None
    )
    source: Mapped[str] = mapped_column(String(20))  # concern_form | triage
    received_at: Mapped[datetime]
    text_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    category: Mapped[str] = mapped_column(String(20))
    # The phrases that flagged it, each encrypted (TextCipher.seal_phrases).
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open")
    handled_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
