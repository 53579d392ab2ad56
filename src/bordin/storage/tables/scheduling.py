"""The practice's week: working hours, leave and extra hours, recurring series, the practice's
scheduling and measurement settings, and one-item risk screens."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class WorkingHoursRow(Base):
    """Usual hours on one weekday (0 = Monday), in the practice's local time."""

    __tablename__ = "working_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class ScheduleExceptionRow(Base):
    """Leave or time away (``away``), or extra hours (``available``), between two instants."""

    __tablename__ = "schedule_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime]


class AppointmentSeriesRow(Base):
    """Sessions booked together: every week or fortnight at the same local time."""

    __tablename__ = "appointment_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    frequency: Mapped[str] = mapped_column(String(12))  # weekly | fortnightly
    first_day: Mapped[date] = mapped_column(Date)
    local_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class SchedulingSettingsRow(Base):
    """A practice's booking rules. A practice without a row uses the defaults."""

    __tablename__ = "scheduling_settings"

    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), primary_key=True)
    cancellation_notice_hours: Mapped[int] = mapped_column(Integer, default=24)
    session_minutes: Mapped[int] = mapped_column(Integer, default=50)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=60)
    clients_may_rebook: Mapped[bool] = mapped_column(Boolean, default=True)
    rooms: Mapped[list[Any]] = mapped_column(JSON, default=list)


class MeasurementScheduleRow(Base):
    """How often a practice asks outcome measures (the alliance check is every session)."""

    __tablename__ = "measurement_schedules"

    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), primary_key=True)
    adaptive: Mapped[bool] = mapped_column(Boolean, default=True)
    stable_every: Mapped[int] = mapped_column(Integer, default=3)
    risk_screen_every_session: Mapped[bool] = mapped_column(Boolean, default=True)


class RiskScreenRow(Base):
    """The answer to a measure's risk item asked on its own, in a session the full measure skips."""

    __tablename__ = "risk_screens"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), default=None)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_submissions.id"), default=None
    )
    instrument_id: Mapped[str] = mapped_column(String(40))
    link_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[float] = mapped_column()
    endorsed: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime]
