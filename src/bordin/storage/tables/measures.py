"""Administrations of instruments, and wording or custom instruments a practice imported."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class AdministrationRow(Base):
    """One completed instrument: who answered, for which session, when, answers and scores."""

    __tablename__ = "administrations"
    __table_args__ = (
        Index("ix_administrations_client_instrument", "client_id", "instrument_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id"), default=None, index=True
    )
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_submissions.id"), default=None, index=True
    )
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[str] = mapped_column(String(20))
    answered_at: Mapped[datetime]
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column(Float, default=None)
    subscales: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    band: Mapped[str | None] = mapped_column(String(40), default=None)
    cutoff_exceeded: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    prorated: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(20), default="feedback_link")


class ImportedWordingRow(Base):
    """Item wording a practice imported from a FHIR Questionnaire it holds the licence for."""

    __tablename__ = "imported_wording"
    __table_args__ = (UniqueConstraint("practice_id", "instrument_id", "link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    instrument_id: Mapped[str] = mapped_column(String(40))
    link_id: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(2000))
    source_url: Mapped[str | None] = mapped_column(String(500), default=None)
    imported_at: Mapped[datetime]


class CustomInstrumentRow(Base):
    """An instrument registered from an imported Questionnaire that carries scoring weights."""

    __tablename__ = "custom_instruments"
    __table_args__ = (UniqueConstraint("practice_id", "instrument_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    instrument_id: Mapped[str] = mapped_column(String(40))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_url: Mapped[str | None] = mapped_column(String(500), default=None)
    imported_at: Mapped[datetime]
