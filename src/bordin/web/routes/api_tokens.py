"""The API tokens page: a member of staff makes, lists and revokes their personal access tokens;
an admin also sees and revokes every token in the practice."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRouter

from bordin.domain.access import may_manage_users
from bordin.domain.errors import InvalidInput
from bordin.services import api_tokens
from bordin.services.api_tokens import NewToken
from bordin.web.deps import Csrf, CurrentStaff, DbSession, PostedForm, RequestOrigin, Rt
from bordin.web.field_labels import labelled
from bordin.web.params import ChoiceField, NameField, RecordId
from bordin.web.templating import render

router = APIRouter()


def _page(
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    *,
    made: NewToken | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    mine = api_tokens.tokens_for(db, actor=viewer.actor)
    practice = (
        api_tokens.tokens_for(db, actor=viewer.actor, whole_practice=True)
        if may_manage_users(viewer.actor)
        else []
    )
    return render(
        request,
        "api_tokens.html",
        {
            "viewer": viewer,
            "mine": mine,
            "practice": practice,
            "owners": api_tokens.owners(db, practice),
            "made": made,
            "errors": errors or [],
            "may_admin": may_manage_users(viewer.actor),
        },
        status_code=status,
    )


@router.get("/tokens")
def tokens_page(request: Request, db: DbSession, viewer: CurrentStaff) -> Response:
    return _page(request, db, viewer)


@router.post("/tokens", dependencies=[Csrf])
def make_token(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    posted: PostedForm,
    name: NameField = "",
    expires_in_days: ChoiceField = "",
) -> Response:
    days: int | None = None
    try:
        if expires_in_days.strip():
            try:
                days = int(expires_in_days.strip())
            except ValueError:
                raise InvalidInput(
                    "Enter a whole number of days.", field="expires_in_days"
                ) from None
        made = api_tokens.create_token(
            db,
            rt,
            actor=viewer.actor,
            name=name,
            scopes=[str(s) for s in posted.getlist("scopes")],
            expires_in_days=days,
            origin=origin,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _page(request, db, viewer, errors=labelled(invalid.errors), status=422)
    # The token is shown once, on this response; only its keyed hash is kept.
    return _page(request, db, viewer, made=made)


@router.post("/tokens/{token_id}/revoke", dependencies=[Csrf])
def revoke_token(
    token_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin
) -> Response:
    api_tokens.revoke_token(db, rt, actor=viewer.actor, token_id=token_id, origin=origin)
    return RedirectResponse("/tokens", status_code=303)
