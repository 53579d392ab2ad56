"""The audit trail: every read and write of a client record, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.storage.tables import AuditEventRow


@dataclass(frozen=True)
class Origin:
    """Where a request came from: an address for the web, ``cli`` for commands."""

    address: str | None = None

    def __str__(self) -> str:
        return self.address or "unknown"


CLI = Origin("cli")


def record(
    db: Session,
    *,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: object = None,
    client_id: int | None = None,
    origin: Origin | None = None,
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one audit event to the session; it commits (or rolls back) with the caller's work."""
    db.add(
        AuditEventRow(
            at=at,
            actor_user_id=actor.user_id if actor else None,
            actor_client_id=actor.client_id if actor else None,
            actor_label=actor.audit_label if actor else "system",
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            client_id=client_id,
            practice_id=actor.practice_id if actor else None,
            origin=str(origin) if origin else None,
            detail=detail or {},
        )
    )


def record_list_view(
    db: Session,
    *,
    actor: Actor,
    entity: str,
    client_ids: list[int],
    origin: Origin | None,
    at: datetime,
) -> None:
    """Audit a page that lists several clients' clinical data: one read event per client."""
    for client_id in dict.fromkeys(client_ids):
        record(
            db, actor=actor, action="read", entity=entity, client_id=client_id, origin=origin, at=at
        )


def events(
    db: Session, *, practice_id: int, client_id: int | None = None, limit: int = 200
) -> list[AuditEventRow]:
    query = select(AuditEventRow).where(AuditEventRow.practice_id == practice_id)
    if client_id is not None:
        query = query.where(AuditEventRow.client_id == client_id)
    query = query.order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc()).limit(limit)
    return list(db.scalars(query))
