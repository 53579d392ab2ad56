"""Corrections of the triage by staff, and the practice models retrained from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class TriageCorrectionRow(Base):
    """A triage decision marked wrong by the therapist or the clinical lead, with the right class.

    The client's words are kept (encrypted) with the correction so that the practice model can
    learn from them even if the submission is later removed.
    """

    __tablename__ = "triage_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("feedback_submissions.id"), index=True)
    corrected_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[datetime]
    given_class: Mapped[str] = mapped_column(String(20))
    given_risk_review: Mapped[bool] = mapped_column(Boolean, default=False)
    correct_class: Mapped[str] = mapped_column(String(20))
    text_encrypted: Mapped[bytes] = mapped_column(LargeBinary)


class TriageModelRow(Base):
    """A practice's retrained triage model (encrypted: its vocabulary holds clients' words)."""

    __tablename__ = "triage_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    created_at: Mapped[datetime]
    sha256: Mapped[str] = mapped_column(String(64))
    corrections: Mapped[int]
    crisis_reach: Mapped[float] = mapped_column(Float)
    shipped_crisis_reach: Mapped[float] = mapped_column(Float)
    false_alarms: Mapped[float] = mapped_column(Float)
    shipped_false_alarms: Mapped[float] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    artifact_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
