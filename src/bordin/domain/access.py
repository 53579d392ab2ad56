"""Who may see what. Pure rules; ``services/access.py`` feeds them facts from storage.

The rules (docs/adr/0002-who-may-see-what.md):

* A **therapist** sees the clients of the episodes they hold, and nobody else's.
* A **supervisor** sees the clients of their supervisees (and their own, if they hold episodes).
* The **clinical lead** is a supervisor with ``is_clinical_lead``; they additionally receive
  conduct concerns for the whole practice and can read the audit trail.
* An **admin** manages users and the practice, and reads the audit trail, but never clinical
  content (scores, free text, signals).
* A **client** sees only their own progress, and only what they consented to see.
* A **subject access** export (everything held about a client) is for the practice's admin and
  clinical lead, and for the client themselves.

Anyone outside these gets *not found*, never *forbidden*, so that existence is not leaked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    THERAPIST = "therapist"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class Actor:
    """The person making a request: a member of staff or a client signed in by link."""

    practice_id: int
    role: Role
    user_id: int | None = None
    client_id: int | None = None
    is_clinical_lead: bool = False
    label: str = ""

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def audit_label(self) -> str:
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"client:{self.client_id}"


@dataclass(frozen=True)
class ClientCare:
    """Facts about one client needed to decide access: who treats them, who supervises that."""

    client_id: int
    practice_id: int
    therapist_ids: frozenset[int]
    supervisor_ids: frozenset[int]


def may_read_clinical(actor: Actor, care: ClientCare) -> bool:
    """Whether ``actor`` may read this client's clinical record (scores, text, signals)."""
    if actor.practice_id != care.practice_id:
        return False
    if actor.role is Role.CLIENT:
        return actor.client_id == care.client_id
    if actor.role is Role.THERAPIST:
        return actor.user_id in care.therapist_ids
    if actor.role is Role.SUPERVISOR:
        return actor.user_id in care.therapist_ids or actor.user_id in care.supervisor_ids
    return False


def may_edit_clinical(actor: Actor, care: ClientCare) -> bool:
    """Only the treating therapist writes to the clinical record (supervisors read)."""
    if actor.practice_id != care.practice_id:
        return False
    return actor.role in (Role.THERAPIST, Role.SUPERVISOR) and actor.user_id in care.therapist_ids


def may_read_concerns(actor: Actor) -> bool:
    """Conduct concerns go to the clinical lead only."""
    return actor.role is Role.SUPERVISOR and actor.is_clinical_lead


def may_retrain_triage(actor: Actor) -> bool:
    """The clinical lead, who reads the corrections, asks for the triage to learn from them."""
    return may_read_concerns(actor)


def may_read_audit(actor: Actor) -> bool:
    return actor.role is Role.ADMIN or (actor.role is Role.SUPERVISOR and actor.is_clinical_lead)


def may_manage_users(actor: Actor) -> bool:
    return actor.role is Role.ADMIN


def may_see_practice_overview(actor: Actor) -> bool:
    return actor.role is Role.ADMIN or (actor.role is Role.SUPERVISOR and actor.is_clinical_lead)


def may_manage_research_projects(actor: Actor) -> bool:
    """Create and list research projects (names only, never data): admin and clinical lead."""
    return may_see_practice_overview(actor)


def may_export_research(actor: Actor) -> bool:
    """Download a pseudonymised research export: the clinical lead only. It holds client-level
    scores, which the admin never reads (ADR 0002), even under pseudonyms."""
    return actor.role is Role.SUPERVISOR and actor.is_clinical_lead


def may_see_waiting_list(actor: Actor) -> bool:
    """The waiting list (who is waiting, how long, what they asked for): admin and clinical lead."""
    return actor.role is Role.ADMIN or (actor.role is Role.SUPERVISOR and actor.is_clinical_lead)


def may_read_intake_text(actor: Actor) -> bool:
    """What a client wrote at intake, and their risk answers: the clinical lead only."""
    return actor.role is Role.SUPERVISOR and actor.is_clinical_lead


def may_export_subject_access(actor: Actor, *, client_id: int, client_practice_id: int) -> bool:
    """Export everything held about one client (a subject access request): the practice's admin
    or clinical lead, who answer such requests for the practice, and the client themselves.
    Not the therapist: the export holds what the client said to the practice about them
    (conduct concerns, fit checks), which a therapist must never see (ADR 0010)."""
    if actor.practice_id != client_practice_id:
        return False
    if actor.role is Role.CLIENT:
        return actor.client_id == client_id
    return may_answer_subject_access(actor)


def may_answer_subject_access(actor: Actor) -> bool:
    """Answer subject access requests for the practice: its admin and its clinical lead."""
    return actor.role is Role.ADMIN or (actor.role is Role.SUPERVISOR and actor.is_clinical_lead)


def may_manage_diary(actor: Actor, *, therapist_id: int, therapist_practice_id: int) -> bool:
    """Book, move and cancel sessions, and set working hours and leave, for one therapist: the
    therapist themselves, or an admin of their practice (reception)."""
    if actor.practice_id != therapist_practice_id:
        return False
    return actor.role is Role.ADMIN or (actor.is_staff and actor.user_id == therapist_id)


def may_view_diary(
    actor: Actor, *, therapist_id: int, therapist_practice_id: int, supervisor_id: int | None
) -> bool:
    """See one therapist's week: whoever may manage it, their supervisor, the clinical lead."""
    if may_manage_diary(
        actor, therapist_id=therapist_id, therapist_practice_id=therapist_practice_id
    ):
        return True
    if actor.practice_id != therapist_practice_id or actor.role is not Role.SUPERVISOR:
        return False
    return actor.is_clinical_lead or (supervisor_id is not None and actor.user_id == supervisor_id)


def may_view_practice_diary(actor: Actor) -> bool:
    """The whole practice's week: admins (reception) and the clinical lead."""
    return may_see_practice_overview(actor)


def may_request_erasure(actor: Actor) -> bool:
    """Asking for a client's erasure, and setting retention periods: admins."""
    return actor.role is Role.ADMIN


def may_confirm_erasure(actor: Actor) -> bool:
    """Confirming an erasure (the second person): another admin, or the clinical lead."""
    return actor.role is Role.ADMIN or (actor.role is Role.SUPERVISOR and actor.is_clinical_lead)
