"""The one place access to client records is decided (STYLE.md #7).

``get_client_for_user`` returns a client only to someone who may read their record, records the
read in the audit trail, and otherwise raises :class:`NotFound` (outsiders get 404, not 403).
List pages use ``visible_client_ids`` so that they can never show more than the rules allow.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bordin.domain.access import (
    Actor,
    ClientCare,
    Role,
    may_edit_clinical,
    may_export_subject_access,
    may_read_clinical,
)
from bordin.domain.errors import NotFound
from bordin.services import audit
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.tables import ClientRow, EpisodeRow, ParticipantRow, UserRow


def client_care(db: Session, client_id: int) -> ClientCare | None:
    client = db.get(ClientRow, client_id)
    if client is None:
        return None
    rows = db.execute(
        select(EpisodeRow.therapist_id, UserRow.supervisor_id)
        .join(ParticipantRow, ParticipantRow.episode_id == EpisodeRow.id)
        .join(UserRow, UserRow.id == EpisodeRow.therapist_id)
        .where(ParticipantRow.client_id == client_id)
    ).all()
    return ClientCare(
        client_id=client.id,
        practice_id=client.practice_id,
        therapist_ids=frozenset(r[0] for r in rows),
        supervisor_ids=frozenset(r[1] for r in rows if r[1] is not None),
    )


def get_client_for_user(
    db: Session,
    rt: Runtime,
    actor: Actor,
    client_id: int,
    *,
    origin: Origin | None = None,
    purpose: str = "client_record",
) -> ClientRow:
    """The client, if ``actor`` may read their record; the read is audited. Else NotFound."""
    care = client_care(db, client_id)
    if care is None or not may_read_clinical(actor, care):
        raise NotFound("client not found")
    audit.record(
        db,
        actor=actor,
        action="read",
        entity=purpose,
        entity_id=client_id,
        client_id=client_id,
        origin=origin,
        at=rt.now(),
    )
    client = db.get(ClientRow, client_id)
    assert client is not None
    return client


def get_client_for_subject_access(db: Session, actor: Actor, client_id: int) -> ClientRow:
    """The client, if ``actor`` may export everything held about them; else NotFound.
    The caller audits the export itself (with its format) once it is built."""
    client = db.get(ClientRow, client_id)
    if client is None or not may_export_subject_access(
        actor, client_id=client.id, client_practice_id=client.practice_id
    ):
        raise NotFound("client not found")
    return client


def require_client_for_edit(db: Session, actor: Actor, client_id: int) -> ClientCare:
    """Care facts if ``actor`` may write to this client's record; else NotFound."""
    care = client_care(db, client_id)
    if care is None or not may_read_clinical(actor, care):
        raise NotFound("client not found")
    if not may_edit_clinical(actor, care):
        raise NotFound("client not found")
    return care


def get_episode_for_user(db: Session, actor: Actor, episode_id: int) -> EpisodeRow:
    """The episode if the actor may read at least one of its clients; else NotFound."""
    episode = db.get(EpisodeRow, episode_id)
    visible = visible_episode_ids(actor).where(EpisodeRow.id == episode_id)
    if episode is None or db.scalar(visible) is None:
        raise NotFound("episode not found")
    return episode


def visible_therapist_ids(actor: Actor) -> Select[int]:
    """Therapists whose caseloads ``actor`` may read."""
    if actor.role is Role.THERAPIST:
        return select(UserRow.id).where(UserRow.id == actor.user_id)
    if actor.role is Role.SUPERVISOR:
        return select(UserRow.id).where(
            UserRow.practice_id == actor.practice_id,
            (UserRow.supervisor_id == actor.user_id) | (UserRow.id == actor.user_id),
        )
    return select(UserRow.id).where(UserRow.id == -1)


def visible_episode_ids(actor: Actor) -> Select[int]:
    return select(EpisodeRow.id).where(
        EpisodeRow.practice_id == actor.practice_id,
        EpisodeRow.therapist_id.in_(visible_therapist_ids(actor)),
    )


def visible_client_ids(actor: Actor) -> Select[int]:
    if actor.role is Role.CLIENT:
        return select(ClientRow.id).where(ClientRow.id == actor.client_id)
    return (
        select(ParticipantRow.client_id)
        .where(ParticipantRow.episode_id.in_(visible_episode_ids(actor)))
        .distinct()
    )
