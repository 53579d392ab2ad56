"""HTTP habits every API route shares: strong ETags on reads, pages with a ``next`` link, and
``Idempotency-Key`` on writes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bordin.domain.text import MAX_RECORD_ID
from bordin.services import idempotency
from bordin.services.runtime import Runtime
from bordin.web.api.auth import Caller
from bordin.web.api.errors import ApiRefusal

JSON = "application/json"
FHIR_JSON = "application/fhir+json"
MAX_ID = MAX_RECORD_ID  # ids are 32-bit integers on PostgreSQL

Limit = Annotated[int, Query(ge=1, le=200, description="Items per page (1 to 200).")]
After = Annotated[
    int | None,
    Query(ge=0, le=MAX_ID, description="The `next` link's cursor: items after this id."),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=idempotency.MAX_KEY_LENGTH,
        description="Any unique string (a UUID): a retry with the same key and body gets the "
        "first answer again instead of writing twice.",
    ),
]


def json_body(request: Request) -> None:
    """Writes take JSON: any other declared content type is refused with 415."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and kind != JSON and not kind.endswith("+json"):
        raise ApiRefusal(415, "Send the body as JSON (Content-Type: application/json).")


def _dump(body: Any) -> bytes:
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def read_response(
    request: Request, body: Any, *, media_type: str = JSON, status_code: int = 200
) -> Response:
    """The body with a strong ETag; ``If-None-Match`` with that tag gets 304 and no body."""
    data = _dump(body)
    etag = f'"{hashlib.sha256(data).hexdigest()[:40]}"'
    sent = request.headers.get("if-none-match", "")
    if sent and (sent.strip() == "*" or etag in [t.strip() for t in sent.split(",")]):
        return Response(status_code=304, headers={"ETag": etag})
    return Response(data, status_code=status_code, media_type=media_type, headers={"ETag": etag})


def keyset_rows(
    db: Session,
    query: Select[Any],
    key: InstrumentedAttribute[int],
    *,
    after: int | None,
    limit: int,
) -> list[Any]:
    """One page of ``query``'s rows in ``key`` order, starting after the cursor ``after``."""
    if after is not None:
        query = query.where(key > after)
    return list(db.scalars(query.order_by(key).limit(limit)))


def next_link(
    request: Request, items: list[Any], limit: int, key: Callable[[Any], int]
) -> str | None:
    """The link to the page after ``items`` (None on the last page)."""
    if len(items) < limit:
        return None
    query = {k: v for k, v in request.query_params.items() if k != "after"}
    query["after"] = str(key(items[-1]))
    path = request.url.path
    return f"{path}?{urlencode(sorted(query.items()))}"


def write_once(
    request: Request,
    db: Session,
    rt: Runtime,
    caller: Caller,
    key: str | None,
    sent: BaseModel | None,
    write: Callable[[], tuple[int, Any]],
) -> Response:
    """Run ``write`` (which returns a status and a JSON body) unless this ``Idempotency-Key``
    already has an answer for the same request (method, path and the body as read, so spacing
    and key order do not matter), which is then replayed."""
    if key is None:
        status, body = write()
        return Response(_dump(body), status_code=status, media_type=JSON)
    key = key.strip()
    if not key:
        raise ApiRefusal(
            422,
            "Nothing was changed.",
            fields=[{"field": "Idempotency-Key", "message": "is empty"}],
        )
    assert caller.actor.user_id is not None
    canonical = (
        b""
        if sent is None
        else json.dumps(sent.model_dump(mode="json"), sort_keys=True).encode("utf-8")
    )
    fingerprint = idempotency.fingerprint(request.method, request.url.path, canonical)
    stored = idempotency.claim(
        db, rt, user_id=caller.actor.user_id, key=key, request_hash=fingerprint
    )
    if stored is not None:
        return Response(
            _dump(stored.body),
            status_code=stored.status_code,
            media_type=JSON,
            headers={"Idempotent-Replayed": "true"},
        )
    status, body = write()
    payload = json.loads(_dump(body))
    idempotency.remember(
        db,
        rt,
        user_id=caller.actor.user_id,
        key=key,
        request_hash=fingerprint,
        status_code=status,
        body=payload,
    )
    return Response(_dump(payload), status_code=status, media_type=JSON)
