"""Episodes of care, their client participants, and sessions (appointments)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class EpisodeRow(Base):
    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # individual | couple
    status: Mapped[str] = mapped_column(String(16), default="active")
    presenting_problem: Mapped[str | None] = mapped_column(String(80), default=None)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime]


class ParticipantRow(Base):
    """A client in an episode. A couple episode has two, each with their own voice."""

    __tablename__ = "episode_participants"
    __table_args__ = (UniqueConstraint("episode_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    label: Mapped[str] = mapped_column(String(40), default="Client")


class AppointmentRow(Base):
    """One session of an episode: scheduled, attended, cancelled or no_show."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("episode_id", "number"),
        Index("ix_appointments_starts_at_status", "starts_at", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer, default=50)
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    # Booking (docs/scheduling.md): where, how, and who cancelled with how much notice.
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment_series.id"), default=None, index=True
    )
    mode: Mapped[str] = mapped_column(String(12), default="in_person")  # in_person | remote
    room: Mapped[str | None] = mapped_column(String(80), default=None)
    video_link: Mapped[str | None] = mapped_column(String(500), default=None)
    booked_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_by: Mapped[str | None] = mapped_column(String(12), default=None)  # client | practice
    late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False)
