"""Everything on a client's page: episodes, sessions, scores, their words, signals, ruptures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services.practice import has_consent
from bordin.services.runtime import TextCipher
from bordin.storage.tables import (
    AdministrationRow,
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    ParticipantRow,
    RuptureLogRow,
    SignalRow,
    SubmissionRow,
    UserRow,
)


@dataclass
class SessionLine:
    appointment_id: int
    number: int
    starts_at: datetime
    status: str
    scores: dict[int, dict[str, AdministrationRow]] = field(default_factory=dict)  # client → inst
    texts: dict[int, str] = field(default_factory=dict)  # client → what they wrote


@dataclass
class EpisodeView:
    episode: EpisodeRow
    therapist_name: str
    participants: Sequence[tuple[ParticipantRow, ClientRow]]
    sessions: list[SessionLine]
    signals: list[SignalRow]
    ruptures: list[RuptureLogRow]
    administrations: list[AdministrationRow]
    #: Each logged rupture's notes, opened: (the note, the repair note), by the log's id.
    rupture_notes: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def instruments(self) -> list[str]:
        return sorted({a.instrument_id for a in self.administrations})


@dataclass
class ClientRecord:
    client: ClientRow
    episodes: list[EpisodeView]
    extra: dict[str, Any] = field(default_factory=dict)


def client_record(db: Session, cipher: TextCipher, client_id: int) -> ClientRecord:
    """Read one client's record. The caller has already checked access and audited the read."""
    client = db.get(ClientRow, client_id)
    assert client is not None
    episode_ids = list(
        db.scalars(select(ParticipantRow.episode_id).where(ParticipantRow.client_id == client_id))
    )
    views: list[EpisodeView] = []
    shares_words: dict[int, bool] = {}  # each client's consent, asked once per record
    for episode, therapist_name in db.execute(
        select(EpisodeRow, UserRow.display_name)
        .join(UserRow, UserRow.id == EpisodeRow.therapist_id)
        .where(EpisodeRow.id.in_(episode_ids))
        .order_by(EpisodeRow.started_on.desc())
    ):
        participants = list(
            db.execute(
                select(ParticipantRow, ClientRow)
                .join(ClientRow, ClientRow.id == ParticipantRow.client_id)
                .where(ParticipantRow.episode_id == episode.id)
                .order_by(ParticipantRow.id)
            )
        )
        sessions = {
            a.id: SessionLine(a.id, a.number, a.starts_at, a.status)
            for a in db.scalars(
                select(AppointmentRow)
                .where(AppointmentRow.episode_id == episode.id)
                .order_by(AppointmentRow.number)
            )
        }
        administrations = list(
            db.scalars(
                select(AdministrationRow)
                .where(AdministrationRow.episode_id == episode.id)
                .order_by(AdministrationRow.answered_at)
            )
        )
        for admin in administrations:
            if admin.appointment_id in sessions:
                line = sessions[admin.appointment_id]
                line.scores.setdefault(admin.client_id, {})[admin.instrument_id] = admin
        for submission in db.scalars(
            select(SubmissionRow).where(
                SubmissionRow.appointment_id.in_(list(sessions)),
                SubmissionRow.text_encrypted.is_not(None),
                # Conduct concerns never reach the therapist's view of the record.
                SubmissionRow.triage_category.is_distinct_from("conduct"),
            )
        ):
            urgent = submission.triage_category == "crisis" or submission.triage_risk_review
            author = submission.client_id
            if author not in shares_words:
                shares_words[author] = has_consent(db, author, "share_free_text_with_therapist")
            if not urgent and not shares_words[author]:
                # The client chose not to share their words (crisis and possible-risk words,
                # which the therapist is asked to read today, always show).
                continue
            text = cipher.decrypt(submission.text_encrypted)
            if text and submission.appointment_id in sessions:
                sessions[submission.appointment_id].texts[submission.client_id] = text
        signals = list(
            db.scalars(
                select(SignalRow)
                .where(SignalRow.episode_id == episode.id)
                .order_by(SignalRow.session_number, SignalRow.id)
            )
        )
        ruptures = list(
            db.scalars(
                select(RuptureLogRow)
                .where(RuptureLogRow.episode_id == episode.id)
                .order_by(RuptureLogRow.logged_at)
            )
        )
        views.append(
            EpisodeView(
                episode,
                therapist_name,
                participants,
                list(sessions.values()),
                signals,
                ruptures,
                administrations,
                {
                    r.id: (
                        cipher.decrypt(r.note_encrypted),
                        cipher.decrypt(r.repair_note_encrypted),
                    )
                    for r in ruptures
                },
            )
        )
    return ClientRecord(client=client, episodes=views)
