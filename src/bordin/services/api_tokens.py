"""Personal access tokens for the REST API (``/api/v1``): made, listed, revoked and resolved.

A token reads ``bordin_<prefix>_<secret>``. The prefix (8 characters) is stored as it is, so a
list can tell tokens apart; the whole token is stored only as an HMAC-SHA256 under the
install's signing key (ADR 0011). The secret is 256 random bits, so a fast keyed hash is as
safe as a slow password hash would be, and costs microseconds on every request; without the
key, a copy of the table is no use for guessing. Changing the signing key retires every token.

A token acts as the member of staff who made it, with the same access rules as their pages,
narrowed by its scopes: ``read`` (GET), ``write`` (POST, PATCH) and ``admin`` (practice-level
things: every token in the practice). Only admins may hold ``admin``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_manage_users
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.services import audit
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.services.users import actor_for_user
from bordin.storage.tables import ApiTokenRow, UserRow

SCOPES = ("read", "write", "admin")
TOKEN_START = "bordin_"
PREFIX_LENGTH = 8
MAX_DAYS = 366
#: ``last_used_at`` is written at most this often per token, so reads stay reads.
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is shown once and never stored."""

    row: ApiTokenRow
    secret: str


@dataclass(frozen=True)
class TokenHolder:
    """Who a presented token acts for, and what it may do."""

    actor: Actor
    token_id: int
    scopes: frozenset[str]
    stale_use: bool


def _hash(rt: Runtime, token: str) -> str:
    key = rt.settings.signing_key()
    return hmac.new(key, b"api-token:" + token.encode("utf-8"), hashlib.sha256).hexdigest()


def check_token_request(
    actor: Actor, *, name: str, scopes: list[str], days: int | None
) -> tuple[str, list[str]]:
    """The cleaned name and scopes, or InvalidInput naming each field that was wrong."""
    errors: list[FieldError] = []
    cleaned = " ".join(name.split())
    if not cleaned:
        errors.append(FieldError("name", "Give the token a name, such as the system that uses it."))
    elif len(cleaned) > 80:
        errors.append(FieldError("name", "Keep the name to 80 characters or fewer."))
    chosen = [s for s in SCOPES if s in scopes]
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        errors.append(FieldError("scopes", f"Choose from {', '.join(SCOPES)}."))
    elif not chosen:
        errors.append(FieldError("scopes", "Choose at least one scope."))
    elif "admin" in chosen and not may_manage_users(actor):
        errors.append(FieldError("scopes", "Only a practice admin may hold the admin scope."))
    if days is not None and not 1 <= days <= MAX_DAYS:
        errors.append(
            FieldError("expires_in_days", f"Enter a number of days from 1 to {MAX_DAYS}.")
        )
    if errors:
        raise InvalidInput(errors)
    return cleaned, chosen


def create_token(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    name: str,
    scopes: list[str],
    expires_in_days: int | None = None,
    origin: Origin | None = None,
) -> NewToken:
    """Make a token for ``actor`` (staff only). Bad input raises InvalidInput; nothing stored."""
    if not actor.is_staff or actor.user_id is None:
        raise NotFound("not found")
    cleaned, chosen = check_token_request(actor, name=name, scopes=scopes, days=expires_in_days)
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    now = rt.now()
    row = ApiTokenRow(
        practice_id=actor.practice_id,
        user_id=actor.user_id,
        name=cleaned,
        prefix=prefix,
        token_hash=_hash(rt, secret),
        scopes=chosen,
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="api_token",
        entity_id=row.id,
        origin=origin,
        at=now,
        detail={"scopes": chosen},
    )
    db.commit()
    return NewToken(row=row, secret=secret)


def tokens_for(db: Session, *, actor: Actor, whole_practice: bool = False) -> list[ApiTokenRow]:
    """``actor``'s own tokens, newest first; with ``whole_practice``, everyone's in the practice
    (admins only: anyone else gets NotFound)."""
    query = select(ApiTokenRow).where(ApiTokenRow.practice_id == actor.practice_id)
    if whole_practice:
        if not may_manage_users(actor):
            raise NotFound("not found")
    else:
        query = query.where(ApiTokenRow.user_id == actor.user_id)
    return list(db.scalars(query.order_by(ApiTokenRow.created_at.desc(), ApiTokenRow.id.desc())))


def owners(db: Session, tokens: list[ApiTokenRow]) -> dict[int, str]:
    """The display name of each token's owner, by user id."""
    ids = {t.user_id for t in tokens}
    if not ids:
        return {}
    rows = db.execute(select(UserRow.id, UserRow.display_name).where(UserRow.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def revoke_token(
    db: Session, rt: Runtime, *, actor: Actor, token_id: int, origin: Origin | None = None
) -> ApiTokenRow:
    """Revoke one token: the owner's own, or any in the practice for an admin. Else NotFound.
    Revoking a revoked token changes nothing."""
    row = db.get(ApiTokenRow, token_id)
    if row is None or row.practice_id != actor.practice_id:
        raise NotFound("token not found")
    if row.user_id != actor.user_id and not may_manage_users(actor):
        raise NotFound("token not found")
    if row.revoked_at is None:
        row.revoked_at = rt.now()
        row.revoked_by_user_id = actor.user_id
        audit.record(
            db,
            actor=actor,
            action="update",
            entity="api_token",
            entity_id=row.id,
            origin=origin,
            at=rt.now(),
            detail={"revoked": True},
        )
        db.commit()
    return row


def resolve_token(db: Session, rt: Runtime, presented: str) -> TokenHolder | None:
    """Who a presented token acts for, or None if it is unknown, revoked, expired, or its owner
    can no longer sign in."""
    if not presented.startswith(TOKEN_START) or len(presented) > 200:
        return None
    row = db.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == _hash(rt, presented)))
    now = rt.now()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    user = db.get(UserRow, row.user_id)
    if user is None or not user.is_active or user.practice_id != row.practice_id:
        return None
    stale = row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY
    return TokenHolder(
        actor=actor_for_user(user),
        token_id=row.id,
        scopes=frozenset(str(s) for s in row.scopes),
        stale_use=stale,
    )


def note_use(db: Session, rt: Runtime, *, token_id: int, at: datetime | None = None) -> None:
    """Record that a token was used now (callers do this at most every ``TOUCH_EVERY``)."""
    db.execute(
        update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=at or rt.now())
    )
    db.commit()


def create_for_username(
    db: Session,
    rt: Runtime,
    *,
    username: str,
    name: str,
    scopes: list[str],
    expires_in_days: int | None = None,
) -> NewToken:
    """Make a token for a member of staff from the command line (recorded as coming from it)."""
    user = db.scalar(select(UserRow).where(UserRow.username == username))
    if user is None or not user.is_active:
        raise NotFound(f"no active member of staff called {username!r}")
    return create_token(
        db,
        rt,
        actor=actor_for_user(user),
        name=name,
        scopes=scopes,
        expires_in_days=expires_in_days,
        origin=audit.CLI,
    )


def all_tokens(db: Session) -> list[tuple[ApiTokenRow, str]]:
    """Every token of the install with its owner's username (for the command line)."""
    rows = db.execute(
        select(ApiTokenRow, UserRow.username)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .order_by(ApiTokenRow.id)
    ).all()
    return [(row, username) for row, username in rows]


def revoke_from_command_line(db: Session, rt: Runtime, *, token_id: int) -> ApiTokenRow:
    row = db.get(ApiTokenRow, token_id)
    if row is None:
        raise NotFound(f"no token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = rt.now()
        audit.record(
            db,
            actor=None,
            action="update",
            entity="api_token",
            entity_id=row.id,
            origin=audit.CLI,
            at=rt.now(),
            detail={"revoked": True},
        )
        db.commit()
    return row
