"""The durable job table, delivery records, contact opt-outs and therapists' calendar feeds.

See ``docs/worker.md`` and ADR 0008 for how jobs are claimed, leased and re-run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class JobRow(Base):
    """One unit of deferred work, unique by ``key`` (queued, running, done, failed, cancelled).

    A worker claims a due job by moving it to ``running`` with a lease (``lease_until`` and a
    random ``lease_token``). A job whose lease ran out is claimed again. ``run_again`` is set
    when the same key is enqueued while the job runs, so the work is done once more after it.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_at", "status", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    run_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    lease_token: Mapped[str | None] = mapped_column(String(32), default=None)
    run_again: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class DeliveryRow(Base):
    """A message that went out for a job: written once, so a re-run job never sends it twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(12))  # email | sms
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), default=None)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id"), default=None, index=True
    )
    status: Mapped[str] = mapped_column(String(12))  # sent | failed | skipped
    at: Mapped[datetime]


class ContactOptOutRow(Base):
    """A client said "no more reminders" on one channel (email or sms)."""

    __tablename__ = "contact_opt_outs"
    __table_args__ = (UniqueConstraint("client_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    channel: Mapped[str] = mapped_column(String(12))
    opted_out_at: Mapped[datetime]


class CalendarFeedRow(Base):
    """A therapist's private ICS feed. Only the token's hash is kept; revoking ends it."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    show_client_names: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
