"""Clients: the caseload the token's owner may read, one page at a time, and one client."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.services import audit
from bordin.services.access import get_client_for_user, visible_client_ids, visible_episode_ids
from bordin.storage.tables import ClientRow, ParticipantRow
from bordin.web.api.auth import Reader
from bordin.web.api.http import MAX_ID, After, Limit, keyset_rows, next_link, read_response
from bordin.web.api.schemas import ClientOut, ClientPage
from bordin.web.deps import DbSession, Rt

router = APIRouter(tags=["clients"])
ClientId = Path(ge=1, le=MAX_ID)


def _episode_ids(db: Session, actor: Actor, client_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {c: [] for c in client_ids}
    rows = db.execute(
        select(ParticipantRow.client_id, ParticipantRow.episode_id)
        .where(
            ParticipantRow.client_id.in_(client_ids),
            ParticipantRow.episode_id.in_(visible_episode_ids(actor)),
        )
        .order_by(ParticipantRow.episode_id)
    )
    for client_id, episode_id in rows:
        found[client_id].append(episode_id)
    return found


def client_out(row: ClientRow, episode_ids: list[int]) -> ClientOut:
    return ClientOut(
        id=row.id,
        pseudonym=row.pseudonym,
        display_name=row.display_name,
        email=row.email,
        phone=row.phone,
        preferred_language=row.preferred_language,
        episode_ids=episode_ids,
    )


@router.get("/clients", response_model=ClientPage, summary="List clients")
def list_clients(
    request: Request, db: DbSession, rt: Rt, caller: Reader, limit: Limit = 50, after: After = None
) -> Response:
    """The clients whose records the token's owner may read (their caseload, and a supervisor's
    supervisees' clients), by id. The view is audited, naming the clients shown."""
    query = select(ClientRow).where(ClientRow.id.in_(visible_client_ids(caller.actor)))
    rows = keyset_rows(db, query, ClientRow.id, after=after, limit=limit)
    episodes = _episode_ids(db, caller.actor, [r.id for r in rows])
    audit.record_page_view(
        db,
        actor=caller.actor,
        entity="api_clients",
        client_ids=[r.id for r in rows],
        origin=caller.origin,
        at=rt.now(),
    )
    db.commit()
    page = ClientPage(
        items=[client_out(r, episodes[r.id]) for r in rows],
        next=next_link(request, rows, limit, lambda r: r.id),
    )
    return read_response(request, page)


@router.get("/clients/{client_id}", response_model=ClientOut, summary="Get a client")
def get_client(
    request: Request, db: DbSession, rt: Rt, caller: Reader, client_id: int = ClientId
) -> Response:
    """One client, if the token's owner may read their record (else 404). The read is audited."""
    row = get_client_for_user(db, rt, caller.actor, client_id, origin=caller.origin)
    episodes = _episode_ids(db, caller.actor, [row.id])
    db.commit()
    return read_response(request, client_out(row, episodes[row.id]))
