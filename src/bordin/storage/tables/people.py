"""Practices, staff, therapist profiles, clients and their consents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class PracticeRow(Base):
    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="UK")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    crisis_lines: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    professional_body: Mapped[str | None] = mapped_column(String(200), default=None)
    feedback_measures: Mapped[list[Any]] = mapped_column(JSON, default=lambda: ["bordin_sac"])
    #: Which measures each kind of episode gets, and how often (domain/measure_plan.py).
    #: Empty: ``feedback_measures`` at every session, for every kind of episode.
    measure_plan: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime]


class UserRow(Base):
    """A member of staff: therapist, supervisor or admin. Clients sign in by link instead."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    is_clinical_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), default=None, index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class TherapistProfileRow(Base):
    __tablename__ = "therapist_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    modalities: Mapped[list[Any]] = mapped_column(JSON, default=list)
    specialties: Mapped[list[Any]] = mapped_column(JSON, default=list)
    works_with_couples: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_capacity: Mapped[int] = mapped_column(Integer, default=20)
    availability: Mapped[list[Any]] = mapped_column(JSON, default=list)
    gender: Mapped[str | None] = mapped_column(String(20), default=None)
    modes: Mapped[list[Any]] = mapped_column(JSON, default=lambda: ["in_person", "remote"])
    location: Mapped[str | None] = mapped_column(String(120), default=None)
    funding_accepted: Mapped[list[Any]] = mapped_column(
        JSON, default=lambda: ["private", "insurer", "charity"]
    )
    accepting_new: Mapped[bool] = mapped_column(Boolean, default=True)


class ClientRow(Base):
    """A client. ``pseudonym`` is what research exports and logs use; the rest is contact data."""

    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("practice_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    locale: Mapped[str] = mapped_column(String(8), default="UK")
    preferred_language: Mapped[str] = mapped_column(String(40), default="English")
    #: Offered for one-click sign-in when the app runs in demo mode (the demo's chosen client).
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class ConsentRow(Base):
    """What a client agreed to and when; revoking sets ``revoked_at`` and keeps the history."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(60))
    granted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    wording_version: Mapped[str] = mapped_column(String(40), default="1")
