"""The therapist's rupture and repair log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.alliance import log_problems
from bordin.domain.alliance.history import RUPTURE_TYPES, TherapistRupture
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.domain.text import clean_text
from bordin.services import audit
from bordin.services.access import require_client_for_edit
from bordin.services.practice import participant_ids
from bordin.services.runtime import Runtime
from bordin.services.signals import recompute_episode
from bordin.storage.tables import AppointmentRow, EpisodeRow, RuptureLogRow

RESOLVED = ("yes", "partly", "no")


def log_rupture(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    appointment_id: int,
    rupture_type: str,
    markers: list[str],
    strategies: list[str],
    resolved: str,
    client_id: int | None = None,
    note: str | None = None,
) -> RuptureLogRow:
    """Record a rupture seen in session, what was tried and whether it resolved.

    It is linked to a detected rupture by the signal rules, and the client's next rating
    closes the loop. Only the treating therapist may log one; everyone else gets NotFound.
    """
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None:
        raise NotFound("session not found")
    episode = db.get(EpisodeRow, appointment.episode_id)
    assert episode is not None
    clients = participant_ids(db, episode.id)
    require_client_for_edit(db, actor, clients[0])
    errors: list[FieldError] = []
    if rupture_type not in RUPTURE_TYPES:
        errors.append(FieldError("rupture_type", "choose withdrawal or confrontation"))
    if resolved not in RESOLVED:
        errors.append(FieldError("resolved", "choose yes, partly or no"))
    if client_id is not None and client_id not in clients:
        errors.append(FieldError("client", "is not in this episode"))
    note = (clean_text(note).strip() or None) if note is not None else None
    if note is not None and len(note) > 4000:
        errors.append(FieldError("note", "is longer than 4,000 characters"))
    if not errors:
        probe = TherapistRupture(
            session_number=appointment.number,
            date=appointment.starts_at.date(),
            rupture_type=rupture_type,  # type: ignore[arg-type]
            markers=tuple(markers),
            strategies=tuple(strategies),
        )
        errors += log_problems(probe, where="rupture")
    if errors:
        raise InvalidInput(errors)
    row = RuptureLogRow(
        episode_id=episode.id,
        appointment_id=appointment.id,
        client_id=client_id,
        logged_by_user_id=actor.user_id or 0,
        logged_at=rt.now(),
        rupture_type=rupture_type,
        markers=list(markers),
        strategies=list(strategies),
        resolved=resolved,
        note_encrypted=rt.cipher.encrypt(note) if note else None,
    )
    db.add(row)
    db.flush()
    for cid in clients:
        audit.record(
            db,
            actor=actor,
            action="create",
            entity="rupture_log",
            entity_id=row.id,
            client_id=cid,
            at=rt.now(),
        )
    recompute_episode(db, rt, episode_id=episode.id, commit=False, alert=False)
    db.commit()
    return row
