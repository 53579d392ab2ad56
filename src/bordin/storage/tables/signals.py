"""Signals (computed), fitted expected-recovery models, ruptures therapists logged, alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    event,
    inspect,
)
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
    #: Set by the whole-practice recompute: a digest of what the episode's signals were worked
    #: out from (its rows of the vectorised rules, in order, and the code that words them), the
    #: same on every signal of the episode. While it matches, the next recompute does not word
    #: the episode's signals again. Empty when anything else wrote the signal; any change to
    #: what a signal says, made through the ORM, empties it (:func:`_content_changed`).
    inputs_digest: Mapped[str | None] = mapped_column(String(32), default=None)


#: The columns that say what a signal is and says (not when it was acknowledged, or by whom).
SIGNAL_CONTENT = (
    "client_id",
    "session_number",
    "type",
    "severity",
    "status",
    "rule",
    "summary",
    "explanation",
    "key",
)


@event.listens_for(SignalRow, "before_update")
def _content_changed(_mapper: object, _connection: object, row: SignalRow) -> None:
    """A signal whose content changes is no longer what its inputs digest describes."""
    state = inspect(row)
    if any(state.attrs[name].history.has_changes() for name in SIGNAL_CONTENT):
        row.inputs_digest = None


class RecoveryModelRow(Base):
    """A practice's own expected-recovery model for one outcome measure (Finch et al. 2001).

    Fitted by the whole-practice recompute once the practice has enough completed episodes, and
    read by every per-episode recompute, so both use the same curve. No row for a measure means
    the documented default model applies. The columns are the coefficients of
    ``bordin.domain.alliance.ExpectedRecoveryModel``.
    """

    __tablename__ = "recovery_models"
    __table_args__ = (UniqueConstraint("practice_id", "instrument_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    instrument_id: Mapped[str] = mapped_column(String(40))
    b0: Mapped[float] = mapped_column(Float)
    b1: Mapped[float] = mapped_column(Float)
    var_intercept: Mapped[float] = mapped_column(Float)
    var_slope: Mapped[float] = mapped_column(Float)
    cov_intercept_slope: Mapped[float] = mapped_column(Float)
    var_residual: Mapped[float] = mapped_column(Float)
    max_session: Mapped[int] = mapped_column(Integer)
    n_episodes: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(120))
    basis: Mapped[str] = mapped_column(String(300))
    # A fingerprint of the ratings the model was fitted on: refitted only when they change.
    sample_key: Mapped[str] = mapped_column(String(80))
    fitted_at: Mapped[datetime]


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
    # The repair step, recorded later: the session in which the therapist saw the rupture
    # repaired (``resolved`` then holds their view after it), when they recorded it, a note.
    repaired_appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id"), default=None
    )
    repair_logged_at: Mapped[datetime | None] = mapped_column(default=None)
    repair_note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class AlertRow(Base):
    """A notice to one member of staff, shown in the app and (urgent ones) emailed at once."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_recipient_read", "recipient_user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), default=None)
    kind: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    # What the alert says (it names the client, and may quote them): encrypted at rest.
    summary_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    link: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    emailed_at: Mapped[datetime | None] = mapped_column(default=None)
    in_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    # Ids and prompts that explain the alert (episode, session, repair prompts); the client's
    # phrases under "evidence" are each encrypted (TextCipher.seal_phrases).
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # "Discussed with the client": set once, by the recipient, from the session view.
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
