"""The audit trail: every read and write of a client record, with the caller's work.

Events are queued on the session and go in with one ``executemany`` (see
:func:`bordin.storage.database.insert_later`): in the caller's transaction, or, for a page that
only reads on SQLite, in a short write of their own as soon as the read transaction commits
(ADR 0005). Either way they are stored before the page is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, Text, and_, or_, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.storage.database import insert_later
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
    practice_id: int | None = None,
) -> None:
    """Queue one audit event; it commits (or rolls back) with the caller's work.
    ``practice_id`` places an event with no actor (a command) in a practice's trail."""
    insert_later(
        db,
        cast(Table, AuditEventRow.__table__),
        {
            "at": at,
            "actor_user_id": actor.user_id if actor else None,
            "actor_client_id": actor.client_id if actor else None,
            "actor_label": actor.audit_label if actor else "system",
            "action": action,
            "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "client_id": client_id,
            "practice_id": actor.practice_id if actor else practice_id,
            "origin": str(origin) if origin else None,
            "detail": detail or {},
        },
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


def record_page_view(
    db: Session,
    *,
    actor: Actor,
    entity: str,
    client_ids: Iterable[int],
    origin: Origin | None,
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """Audit a page or download that shows several clients: one read event for the whole view,
    naming the clients in ``detail["client_ids"]`` (the event's own ``client_id`` is set when
    there is only one). Nothing is recorded when the view shows no client."""
    shown = sorted(set(client_ids))
    if not shown:
        return
    record(
        db,
        actor=actor,
        action="read",
        entity=entity,
        client_id=shown[0] if len(shown) == 1 else None,
        origin=origin,
        at=at,
        detail={**(detail or {}), "client_ids": shown},
    )


def about_client(client_id: int) -> ColumnElement[bool]:
    """Events about one client: their own, and page views naming them among others (matched in
    the JSON text of ``detail["client_ids"]``, a sorted list written by record_page_view)."""
    listed = sql_cast(AuditEventRow.detail, Text)
    n = int(client_id)
    return or_(
        AuditEventRow.client_id == n,
        and_(
            AuditEventRow.client_id.is_(None),
            or_(
                listed.like(f'%"client_ids": [{n}]%'),
                listed.like(f'%"client_ids": [{n}, %'),
                listed.like(f'%"client_ids": [%, {n}, %'),
                listed.like(f'%"client_ids": [%, {n}]%'),
            ),
        ),
    )


def events(
    db: Session,
    *,
    practice_id: int,
    client_id: int | None = None,
    actor_user_id: int | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditEventRow]:
    """The practice's events, newest first: optionally one client's, one user's, and those at
    or after ``since`` and before ``before``; ``limit`` rows from ``offset`` (for paging)."""
    query = select(AuditEventRow).where(AuditEventRow.practice_id == practice_id)
    if client_id is not None:
        query = query.where(about_client(client_id))
    if actor_user_id is not None:
        query = query.where(AuditEventRow.actor_user_id == actor_user_id)
    if since is not None:
        query = query.where(AuditEventRow.at >= since)
    if before is not None:
        query = query.where(AuditEventRow.at < before)
    query = query.order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc())
    return list(db.scalars(query.limit(limit).offset(offset)))
