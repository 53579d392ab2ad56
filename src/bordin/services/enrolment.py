"""Enrolling a client directly (not through the waiting list) and opening their episode.

A therapist enrols their own clients; the admin and the clinical lead may enrol for any
therapist in the practice. The client (or both partners, for couple work) and the episode are
stored in one transaction, with the consents the client gave; nothing is stored if any field is
wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.domain.intake import CONCERN_AREAS
from bordin.services import practice as practice_service
from bordin.services.runtime import Runtime
from bordin.storage.tables import ClientRow, EpisodeRow, UserRow

DEFAULT_CONSENTS = ("session_feedback", "email_contact", "share_free_text_with_therapist")


@dataclass(frozen=True)
class NewClient:
    display_name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Enrolled:
    episode: EpisodeRow
    clients: tuple[ClientRow, ...]


def may_enrol_for(actor: Actor | None, therapist: UserRow) -> bool:
    """The command line (no actor) may; the admin or lead for anyone; a therapist for themself."""
    if actor is None:
        return True
    if actor.practice_id != therapist.practice_id:
        return False
    if actor.role is Role.ADMIN or actor.is_clinical_lead:
        return True
    return actor.role in (Role.THERAPIST, Role.SUPERVISOR) and actor.user_id == therapist.id


def enrol(
    db: Session,
    rt: Runtime,
    *,
    practice_id: int,
    therapist_id: int,
    kind: str,
    clients: list[NewClient],
    started_on: date,
    problem_area: str | None = None,
    consents: tuple[str, ...] = DEFAULT_CONSENTS,
    actor: Actor | None = None,
) -> Enrolled:
    therapist = db.get(UserRow, therapist_id)
    if (
        therapist is None
        or therapist.practice_id != practice_id
        or not therapist.is_active
        or therapist.role not in (Role.THERAPIST, Role.SUPERVISOR)
        or not may_enrol_for(actor, therapist)
    ):
        raise InvalidInput("choose a therapist in this practice", field="therapist")
    errors: list[FieldError] = []
    expected = 2 if kind == "couple" else 1
    if kind not in ("individual", "couple"):
        errors.append(FieldError("kind", "choose individual or couple"))
    elif len(clients) != expected or any(not c.display_name.strip() for c in clients):
        which = "partner_name" if kind == "couple" and clients else "display_name"
        errors.append(FieldError(which, f"a {kind} episode needs {expected} name(s)"))
    if problem_area is not None and problem_area not in CONCERN_AREAS:
        errors.append(FieldError("problem_area", "choose one of the areas, or none"))
    if errors:
        raise InvalidInput(errors)
    made: list[ClientRow] = []
    try:
        for index, new in enumerate(clients):
            try:
                made.append(
                    practice_service.add_client(
                        db,
                        rt,
                        practice_id=practice_id,
                        display_name=new.display_name,
                        email=(new.email or "").strip() or None,
                        phone=(new.phone or "").strip() or None,
                        consents=consents,
                        actor=actor,
                        commit=False,
                    )
                )
            except InvalidInput as invalid:
                prefix = "partner_" if index else ""
                raise InvalidInput(
                    [FieldError(prefix + e.field, e.message) for e in invalid.errors]
                ) from None
        episode = practice_service.open_episode(
            db,
            rt,
            therapist_id=therapist.id,
            client_ids=[c.id for c in made],
            kind=kind,
            started_on=started_on,
            presenting_problem=problem_area,
            actor=actor,
            commit=False,
        )
    except InvalidInput:
        db.rollback()
        raise
    db.commit()
    return Enrolled(episode=episode, clients=tuple(made))


def therapist_by_username(db: Session, practice_id: int, username: str) -> UserRow:
    user = db.scalar(
        select(UserRow).where(
            UserRow.practice_id == practice_id, UserRow.username == username.strip().lower()
        )
    )
    if user is None:
        raise NotFound(f"no therapist called {username!r}")
    return user
