"""Erasing a client, by two people (issue 14, ADR 0004).

1. An admin **asks** (:func:`request_erasure`), choosing a reason from a fixed list.
2. A **different** person (another admin, or the clinical lead) **confirms**
   (:func:`confirm_erasure`); only then is the client erased (``services/erasure_purge.py``),
   in the same transaction. Either may **withdraw** a request that waits (:func:`cancel_erasure`).

What stays is the request row, emptied of the client (the tombstone), and one audit event
``client_erasure`` with the same facts: reason, who asked, who confirmed, and how many rows of
each kind went. Neither holds a name, an id of the client, or any of their words.

Bad input (no reason, the asker confirming, a client the practice does not have) raises
:class:`InvalidInput` naming the field, and nothing changes. Anyone who may not ask or confirm
gets :class:`NotFound`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_confirm_erasure, may_request_erasure
from bordin.domain.erasure import (
    KEPT_WORDS,
    REASON_WORDS,
    confirmer_problem,
    reason_problem,
    removed_in_words,
)
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.services import audit
from bordin.services.audit import Origin
from bordin.services.erasure_purge import purge_client
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow, ClientRow, ErasureRequestRow, UserRow


@dataclass(frozen=True)
class PendingErasure:
    """A request waiting for its second person, as the admin page shows it."""

    id: int
    client_name: str
    client_pseudonym: str
    reason: str
    requested_by: str
    requested_by_user_id: int | None
    requested_at: datetime


@dataclass(frozen=True)
class DoneErasure:
    """A carried-out erasure: no client, only when, why, who and how much."""

    id: int
    reason: str
    requested_by: str
    confirmed_by: str
    confirmed_at: datetime | None
    removed: dict[str, int]

    @property
    def removed_total(self) -> int:
        return sum(n for k, n in self.removed.items() if k not in KEPT_WORDS)

    @property
    def in_words(self) -> list[tuple[str, int]]:
        return removed_in_words(self.removed)


def _client_in_practice(db: Session, actor: Actor, client_id: int | None) -> ClientRow:
    client = db.get(ClientRow, client_id) if client_id is not None else None
    if client is None or client.practice_id != actor.practice_id:
        raise InvalidInput(FieldError("client", "choose a client of this practice from the list"))
    return client


def request_erasure(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    client_id: int | None,
    reason: str,
    origin: Origin | None = None,
) -> ErasureRequestRow:
    """Step 1: an admin asks for ``client_id`` to be erased. Commits."""
    if not may_request_erasure(actor):
        raise NotFound("not found")
    errors: list[FieldError] = []
    client: ClientRow | None = None
    try:
        client = _client_in_practice(db, actor, client_id)
    except InvalidInput as invalid:
        errors += invalid.errors
    problem = reason_problem(reason)
    if problem:
        errors.append(problem)
    if client is not None and _pending_for(db, client.id) is not None:
        errors.append(FieldError("client", "already has a request waiting for confirmation"))
    if errors:
        raise InvalidInput(errors)
    assert client is not None
    request = ErasureRequestRow(
        practice_id=actor.practice_id,
        client_id=client.id,
        reason=reason,
        status="pending",
        requested_by_user_id=actor.user_id,
        requested_at=rt.now(),
        removed={},
    )
    db.add(request)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="erasure_request",
        entity_id=request.id,
        client_id=client.id,
        origin=origin,
        at=rt.now(),
        detail={"reason": reason},
    )
    _tell_confirmers(db, rt, request, asked_by=actor)
    db.commit()
    return request


def _tell_confirmers(
    db: Session, rt: Runtime, request: ErasureRequestRow, *, asked_by: Actor
) -> None:
    """An alert for everyone who may confirm, except the asker. It names no client."""
    from bordin.services.alerts import raise_alert

    confirmers = db.scalars(
        select(UserRow.id).where(
            UserRow.practice_id == request.practice_id,
            UserRow.is_active,
            (UserRow.role == "admin") | ((UserRow.role == "supervisor") & UserRow.is_clinical_lead),
        )
    )
    for user_id in confirmers:
        if user_id != asked_by.user_id:
            raise_alert(
                db,
                rt,
                recipient_user_id=user_id,
                kind="erasure_request",
                severity="routine",
                summary="A request to erase a client's record is waiting for a second "
                "person to confirm it.",
                link="/admin/erasure",
                detail={"erasure_request": request.id},
            )


def _pending_for(db: Session, client_id: int) -> ErasureRequestRow | None:
    return db.scalar(
        select(ErasureRequestRow).where(
            ErasureRequestRow.client_id == client_id, ErasureRequestRow.status == "pending"
        )
    )


def _pending(db: Session, actor: Actor, request_id: int) -> ErasureRequestRow:
    request = db.get(ErasureRequestRow, request_id)
    if request is None or request.practice_id != actor.practice_id or request.status != "pending":
        raise NotFound("erasure request not found")
    return request


def confirm_erasure(
    db: Session, rt: Runtime, *, actor: Actor, request_id: int, origin: Origin | None = None
) -> ErasureRequestRow:
    """Step 2: a second person confirms, and the client is erased. One transaction; commits."""
    if not may_confirm_erasure(actor):
        raise NotFound("not found")
    request = _pending(db, actor, request_id)
    problem = confirmer_problem(actor, request.requested_by_user_id)
    if problem:
        raise InvalidInput(problem)
    assert request.client_id is not None
    removed = purge_client(db, rt, client_id=request.client_id, erasure_id=request.id)
    _close(db, rt, request, actor=actor, removed=removed, origin=origin)
    db.commit()
    return request


def _close(
    db: Session,
    rt: Runtime,
    request: ErasureRequestRow,
    *,
    actor: Actor | None,
    removed: dict[str, int],
    origin: Origin | None,
) -> None:
    """Stamp the request done and write the tombstone event (no personal data)."""
    request.status = "done"
    request.client_id = None
    request.confirmed_by_user_id = actor.user_id if actor else None
    request.confirmed_at = rt.now()
    request.removed = dict(sorted(removed.items()))
    # Written directly, not through audit.record: the retention run has no actor, and the
    # tombstone must still belong to the practice.
    db.add(
        AuditEventRow(
            at=rt.now(),
            actor_user_id=actor.user_id if actor else None,
            actor_label=actor.audit_label if actor else "retention run",
            action="delete",
            entity="client_erasure",
            entity_id=str(request.id),
            practice_id=request.practice_id,
            origin=str(origin) if origin else None,
            detail={
                "reason": request.reason,
                "requested_by_user_id": request.requested_by_user_id,
                "confirmed_by_user_id": request.confirmed_by_user_id,
                "removed": request.removed,
            },
        )
    )


def erase_for_retention(
    db: Session, rt: Runtime, *, practice_id: int, client_id: int, reason: str
) -> dict[str, int]:
    """Erase a client whose retention period has passed (the practice's setting is the
    decision, so no second person). No commit: the retention run commits."""
    request = ErasureRequestRow(
        practice_id=practice_id,
        client_id=client_id,
        reason=reason,
        status="pending",
        requested_by_user_id=None,
        requested_at=rt.now(),
        removed={},
    )
    db.add(request)
    db.flush()
    removed = purge_client(db, rt, client_id=client_id, erasure_id=request.id)
    _close(db, rt, request, actor=None, removed=removed, origin=None)
    return removed


def cancel_erasure(
    db: Session, rt: Runtime, *, actor: Actor, request_id: int, origin: Origin | None = None
) -> None:
    """Withdraw a request that waits (whoever may ask or confirm). Commits."""
    if not (may_request_erasure(actor) or may_confirm_erasure(actor)):
        raise NotFound("not found")
    request = _pending(db, actor, request_id)
    request.status = "cancelled"
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="erasure_request",
        entity_id=request.id,
        client_id=request.client_id,
        origin=origin,
        at=rt.now(),
        detail={"status": "cancelled"},
    )
    db.commit()


def _staff_names(db: Session, practice_id: int) -> dict[int, str]:
    return {
        int(i): str(n)
        for i, n in db.execute(
            select(UserRow.id, UserRow.display_name).where(UserRow.practice_id == practice_id)
        )
    }


def pending_erasures(db: Session, *, actor: Actor) -> list[PendingErasure]:
    """Requests waiting for a second person, oldest first (for the admin and the lead)."""
    if not (may_request_erasure(actor) or may_confirm_erasure(actor)):
        raise NotFound("not found")
    names = _staff_names(db, actor.practice_id)
    rows = db.execute(
        select(ErasureRequestRow, ClientRow.display_name, ClientRow.pseudonym)
        .join(ClientRow, ClientRow.id == ErasureRequestRow.client_id)
        .where(
            ErasureRequestRow.practice_id == actor.practice_id,
            ErasureRequestRow.status == "pending",
        )
        .order_by(ErasureRequestRow.requested_at, ErasureRequestRow.id)
    ).all()
    return [
        PendingErasure(
            id=r.id,
            client_name=name,
            client_pseudonym=pseudonym,
            reason=REASON_WORDS.get(r.reason, r.reason),
            requested_by=names.get(r.requested_by_user_id or 0, "someone no longer on staff"),
            requested_by_user_id=r.requested_by_user_id,
            requested_at=r.requested_at,
        )
        for r, name, pseudonym in rows
    ]


def done_erasures(db: Session, *, actor: Actor, limit: int = 50) -> list[DoneErasure]:
    """Erasures carried out, newest first: the tombstones, with no personal data."""
    if not (may_request_erasure(actor) or may_confirm_erasure(actor)):
        raise NotFound("not found")
    names = _staff_names(db, actor.practice_id)
    rows = db.scalars(
        select(ErasureRequestRow)
        .where(
            ErasureRequestRow.practice_id == actor.practice_id,
            ErasureRequestRow.status == "done",
        )
        .order_by(ErasureRequestRow.confirmed_at.desc(), ErasureRequestRow.id.desc())
        .limit(limit)
    )
    return [
        DoneErasure(
            id=r.id,
            reason=REASON_WORDS.get(r.reason, r.reason),
            requested_by=names.get(r.requested_by_user_id or 0, "the retention run"),
            confirmed_by=names.get(r.confirmed_by_user_id or 0, "the retention run"),
            confirmed_at=r.confirmed_at,
            removed={str(k): int(v) for k, v in (r.removed or {}).items()},
        )
        for r in rows
    ]


def erasures_done(db: Session, *, practice_id: int) -> int:
    """How many clients the practice has erased (the practice overview says so)."""
    return len(
        db.scalars(
            select(ErasureRequestRow.id).where(
                ErasureRequestRow.practice_id == practice_id, ErasureRequestRow.status == "done"
            )
        ).all()
    )
