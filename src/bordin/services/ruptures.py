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
#: What a repair recorded later may say: the rupture resolved, or resolved in part.
REPAIRED = ("yes", "partly")
NOTE_LIMIT = 4000


def _note(note: str | None, errors: list[FieldError], field: str = "note") -> str | None:
    """The note cleaned of control characters, or None; too long a note is an error."""
    cleaned = (clean_text(note).strip() or None) if note is not None else None
    if cleaned is not None and len(cleaned) > NOTE_LIMIT:
        errors.append(FieldError(field, f"is longer than {NOTE_LIMIT:,} characters"))
    return cleaned


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
    note = _note(note, errors)
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
    _audited_and_recomputed(db, rt, actor, row, clients, action="create")
    return row


def record_repair(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    rupture_id: int,
    appointment_id: int,
    resolved: str,
    note: str | None = None,
    client_id: int | None = None,
) -> RuptureLogRow:
    """Record, at a later session, that a logged rupture was repaired (fully or in part).

    The rupture's ``resolved`` becomes the therapist's view after the repair; the session must
    be an attended one of the same episode, no earlier than the rupture's. A rupture already
    recorded as resolved has nothing left to repair. Only the treating therapist may record it;
    everyone else gets NotFound, as for the log itself. ``client_id``: the client whose page
    asked; a rupture in another client's therapy is NotFound too.
    """
    row = db.get(RuptureLogRow, rupture_id)
    if row is None:
        raise NotFound("rupture not found")
    clients = participant_ids(db, row.episode_id)
    if client_id is not None and client_id not in clients:
        raise NotFound("rupture not found")
    require_client_for_edit(db, actor, clients[0])
    ruptured = db.get(AppointmentRow, row.appointment_id)
    repaired = db.get(AppointmentRow, appointment_id)
    errors: list[FieldError] = []
    if row.resolved == "yes":
        errors.append(FieldError("resolved", "this rupture is already recorded as resolved"))
    if resolved not in REPAIRED:
        errors.append(FieldError("resolved", "choose yes or partly"))
    if (
        repaired is None
        or ruptured is None
        or repaired.episode_id != row.episode_id
        or repaired.status != "attended"
    ):
        errors.append(FieldError("session", "choose an attended session of this therapy"))
    elif repaired.number < ruptured.number:
        errors.append(
            FieldError("session", f"choose session {ruptured.number} (the rupture's) or later")
        )
    note = _note(note, errors)
    if errors:
        raise InvalidInput(errors)
    assert repaired is not None
    row.resolved = resolved
    row.repaired_appointment_id = repaired.id
    row.repair_logged_at = rt.now()
    row.repair_note_encrypted = rt.cipher.encrypt(note) if note else None
    db.flush()
    _audited_and_recomputed(db, rt, actor, row, clients, action="update")
    return row


def _audited_and_recomputed(
    db: Session,
    rt: Runtime,
    actor: Actor,
    row: RuptureLogRow,
    clients: list[int],
    *,
    action: str,
) -> None:
    """Audit the change for each client in the episode, recompute its signals, commit."""
    for cid in clients:
        audit.record(
            db,
            actor=actor,
            action=action,
            entity="rupture_log",
            entity_id=row.id,
            client_id=cid,
            at=rt.now(),
        )
    recompute_episode(db, rt, episode_id=row.episode_id, commit=False, alert=False)
    db.commit()
