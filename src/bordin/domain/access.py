"""Who may see what. Pure rules; ``services/access.py`` feeds them facts from storage.

The rules (docs/adr/0002-who-may-see-what.md):

* A **therapist** sees the clients of the episodes they hold, and nobody else's.
* A **supervisor** sees the clients of their supervisees (and their own, if they hold episodes).
* The **clinical lead** is a supervisor with ``is_clinical_lead``; they additionally receive
  conduct concerns for the whole practice and can read the audit trail.
* An **admin** manages users and the practice, and reads the audit trail, but never clinical
  content (scores, free text, signals).
* A **client** sees only their own progress, and only what they consented to see.

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


def may_read_audit(actor: Actor) -> bool:
    return actor.role is Role.ADMIN or (actor.role is Role.SUPERVISOR and actor.is_clinical_lead)


def may_manage_users(actor: Actor) -> bool:
    return actor.role is Role.ADMIN


def may_see_practice_overview(actor: Actor) -> bool:
    return actor.role is Role.ADMIN or (actor.role is Role.SUPERVISOR and actor.is_clinical_lead)
