"""Practice-level: every personal access token in the practice (the ``admin`` scope)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from bordin.services import api_tokens
from bordin.storage.tables import ApiTokenRow
from bordin.web.api.auth import PracticeAdmin
from bordin.web.api.http import MAX_ID, read_response
from bordin.web.api.schemas import TokenList, TokenOut
from bordin.web.deps import DbSession, Rt

router = APIRouter(tags=["tokens"])
TokenId = Path(ge=1, le=MAX_ID)


def token_out(row: ApiTokenRow, owner: str) -> TokenOut:
    return TokenOut(
        id=row.id,
        user_id=row.user_id,
        owner=owner,
        name=row.name,
        prefix=row.prefix,
        scopes=[str(s) for s in row.scopes],
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


@router.get("/tokens", response_model=TokenList, summary="List the practice's tokens")
def list_tokens(request: Request, db: DbSession, caller: PracticeAdmin) -> Response:
    """Every token in the practice, newest first (never the secret, which is not stored)."""
    rows = api_tokens.tokens_for(db, actor=caller.actor, whole_practice=True)
    names = api_tokens.owners(db, rows)
    return read_response(request, TokenList(items=[token_out(r, names[r.user_id]) for r in rows]))


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke a token")
def revoke(db: DbSession, rt: Rt, caller: PracticeAdmin, token_id: int = TokenId) -> TokenOut:
    """Revoke any token in the practice; it stops working at once. Revoking twice is harmless."""
    row = api_tokens.revoke_token(
        db, rt, actor=caller.actor, token_id=token_id, origin=caller.origin
    )
    return token_out(row, api_tokens.owners(db, [row])[row.user_id])
