"""Idempotency keys for API writes: a retried request gets the first answer, not a second write.

A key belongs to the member of staff whose token sent it. The stored fingerprint covers the
method, the path and the body, so the same key with a different request is refused
(:class:`KeyReused`) rather than answered with a response that belongs to something else.
Answers are kept for a day (:data:`KEEP`): older ones are deleted when the same person's next
keyed write is stored, and are never replayed.

The key is claimed (:func:`claim`) inside the transaction that makes the write, before it, and
commits with it; the answer is filled in afterwards (:func:`remember`). Two identical requests
racing with one key therefore cannot both write: the second waits on the key's unique index
(PostgreSQL) or the write lock (SQLite), then replays the first one's answer. If the write fails,
its transaction rolls back with the claim and the key is free for a retry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bordin.domain.errors import Conflict
from bordin.services.runtime import Runtime
from bordin.storage.tables import IdempotencyKeyRow

MAX_KEY_LENGTH = 200
#: How long an answer is kept for replay. Answers hold client data (scores, session times), so
#: they are kept only as long as a retry is plausible, then deleted.
KEEP = timedelta(hours=24)


#: The status of a claimed key whose answer is not stored yet.
PENDING = 0


class KeyReused(Conflict):
    """The key was used before for a different request."""


class StillRunning(Conflict):
    """The key's first request has not finished (or was cut off before its answer was kept)."""


@dataclass(frozen=True)
class Stored:
    status_code: int
    body: Any


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def replay(
    db: Session, *, user_id: int, key: str, request_hash: str, now: datetime
) -> Stored | None:
    """The stored answer to this key, if the same request was sent with it in the last day."""
    row = db.scalar(
        select(IdempotencyKeyRow).where(
            IdempotencyKeyRow.user_id == user_id,
            IdempotencyKeyRow.key == key,
            IdempotencyKeyRow.created_at > now - KEEP,
        )
    )
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise KeyReused(
            "This Idempotency-Key was already used for a different request; "
            "use a new key for a new request."
        )
    if row.status_code == PENDING:
        raise StillRunning(
            "A request with this Idempotency-Key is still being handled, or was cut off before "
            "its answer was kept. Wait a moment and send it again with the same key; if this "
            "persists, check whether it took effect before using a new key."
        )
    return Stored(status_code=row.status_code, body=row.response.get("body"))


def _row(
    rt: Runtime, user_id: int, key: str, request_hash: str, status: int, response: dict[str, Any]
) -> IdempotencyKeyRow:
    return IdempotencyKeyRow(
        user_id=user_id,
        key=key,
        request_hash=request_hash,
        status_code=status,
        response=response,
        created_at=rt.now(),
    )


def claim(db: Session, rt: Runtime, *, user_id: int, key: str, request_hash: str) -> Stored | None:
    """Hold ``key`` for this request in the caller's transaction, before its write, or return
    the answer an identical earlier request got (raising as :func:`replay` does)."""
    stored = replay(db, user_id=user_id, key=key, request_hash=request_hash, now=rt.now())
    if stored is not None:
        return stored
    db.execute(
        delete(IdempotencyKeyRow).where(
            IdempotencyKeyRow.user_id == user_id, IdempotencyKeyRow.created_at <= rt.now() - KEEP
        )
    )
    try:
        with db.begin_nested():
            db.add(_row(rt, user_id, key, request_hash, PENDING, {}))
    except IntegrityError:
        # A racing request with this key committed first: answer as it did.
        stored = replay(db, user_id=user_id, key=key, request_hash=request_hash, now=rt.now())
        if stored is None:  # pragma: no cover - the row was there a moment ago
            raise StillRunning("Please send the request again with the same key.") from None
        return stored
    return None


def remember(
    db: Session,
    rt: Runtime,
    *,
    user_id: int,
    key: str,
    request_hash: str,
    status_code: int,
    body: Any,
) -> None:
    """Store the answer to a write sent with ``key``, in the row :func:`claim` made (or a new
    one, if the write's own transaction rolled the claim back before it succeeded)."""
    json.dumps(body)  # only JSON goes in
    row = db.scalar(
        select(IdempotencyKeyRow).where(
            IdempotencyKeyRow.user_id == user_id, IdempotencyKeyRow.key == key
        )
    )
    if row is not None:
        row.status_code, row.response = status_code, {"body": body}
        db.commit()
        return
    try:
        with db.begin_nested():
            db.add(_row(rt, user_id, key, request_hash, status_code, {"body": body}))
        db.commit()
    except IntegrityError:
        db.rollback()
