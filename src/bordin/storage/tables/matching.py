"""Matching: exclusions (conflicts of interest), confirmed matches, and fit checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class ExclusionRow(Base):
    """A therapist who must never be proposed for a client (someone the client knows, or a
    therapist the client asked to change from). Removing one stamps ``removed_at``."""

    __tablename__ = "therapist_exclusions"
    __table_args__ = (Index("ix_therapist_exclusions_client", "client_id", "removed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(24))  # knows_client | change_requested | other
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None] = mapped_column(default=None)


class MatchRow(Base):
    """A match the clinical lead confirmed, with the proposal as it was shown then."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    intake_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_referrals.id"), default=None, index=True
    )
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    confirmed_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_reason: Mapped[str | None] = mapped_column(String(24), default=None)


class FitCheckRow(Base):
    """A client's private answer to "is this therapist right for you?" (one per episode).

    ``share_with_therapist``: whether the client agreed that their therapist is told the answer.
    A request for a change goes to the clinical lead only; ``handled_at`` is set when the lead
    has acted on it (``outcome``: rematched, talked, stayed).
    """

    __tablename__ = "fit_checks"
    __table_args__ = (Index("ix_fit_checks_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    after_session: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(16))
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    share_with_therapist: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="closed")  # open | handled | closed
    answered_at: Mapped[datetime]
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
    handled_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    outcome: Mapped[str | None] = mapped_column(String(24), default=None)
