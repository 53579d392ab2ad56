"""Who is calling the API: a personal access token in ``Authorization: Bearer ...``, narrowed by
its scopes. The token acts as its owner, so every route applies that person's access rules
(``services/access.py``) exactly as their pages do."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bordin.domain.access import Actor
from bordin.domain.request_budget import RequestBudget
from bordin.services import api_tokens
from bordin.services.audit import Origin
from bordin.web.api.errors import ApiRefusal
from bordin.web.deps import DbSession, Rt

bearer = HTTPBearer(auto_error=False, description="A personal access token: `bordin_...`.")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="bordin"'}


@dataclass(frozen=True)
class Caller:
    actor: Actor
    token_id: int
    scopes: frozenset[str]
    origin: Origin


def _caller(
    request: Request,
    db: DbSession,
    rt: Rt,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiRefusal(
            401,
            "Send a personal access token as 'Authorization: Bearer <token>'.",
            headers=CHALLENGE,
        )
    holder = api_tokens.resolve_token(db, rt, credentials.credentials.strip())
    if holder is None:
        raise ApiRefusal(401, "This token is unknown, revoked or expired.", headers=CHALLENGE)
    budget: RequestBudget = request.app.state.request_budget
    wait = budget.spend(holder.token_id, time.monotonic())
    if wait is not None:
        raise ApiRefusal(
            429,
            f"This token has made {budget.per_minute} requests in the last minute; "
            f"please wait {math.ceil(wait)} seconds.",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    if holder.stale_use:
        writer = request.app.state.sessions()
        try:
            api_tokens.note_use(writer, rt, token_id=holder.token_id)
        finally:
            writer.close()
    origin = Origin(request.client.host if request.client else None)
    return Caller(holder.actor, holder.token_id, holder.scopes, origin)


def _needs(scope: str) -> object:
    def check(caller: Annotated[Caller, Depends(_caller)]) -> Caller:
        if scope not in caller.scopes:
            raise ApiRefusal(
                403,
                f"This token lacks the '{scope}' scope; make a token with it on the tokens page.",
                headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
            )
        return caller

    return check


Reader = Annotated[Caller, Depends(_needs("read"))]
Writer = Annotated[Caller, Depends(_needs("write"))]
PracticeAdmin = Annotated[Caller, Depends(_needs("admin"))]
