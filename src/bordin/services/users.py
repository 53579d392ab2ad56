"""Staff accounts, sign-in and sign-out, with rate limiting and argon2 password hashes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.domain.errors import Conflict, FieldError, InvalidInput, NotFound, RateLimited
from bordin.services import audit
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.services.tokens import new_token, token_hash
from bordin.storage.tables import (
    AuthSessionRow,
    ClientRow,
    LoginAttemptRow,
    TherapistProfileRow,
    UserRow,
)

_hasher = PasswordHasher()
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
# A real hash of a random password, checked against when the user does not exist, so that
# unknown names take as long as wrong passwords.
_DUMMY_HASH = _hasher.hash(new_token())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@dataclass(frozen=True)
class SignedIn:
    """A new sign-in: the cookie value to set and the CSRF token for its forms."""

    token: str
    csrf_token: str
    actor: Actor


def actor_for_user(user: UserRow) -> Actor:
    return Actor(
        practice_id=user.practice_id,
        role=Role(user.role),
        user_id=user.id,
        is_clinical_lead=user.is_clinical_lead,
        label=user.display_name,
    )


def add_user(
    db: Session,
    rt: Runtime,
    *,
    practice_id: int,
    username: str,
    email: str,
    display_name: str,
    role: Role | str,
    password: str | None,
    is_clinical_lead: bool = False,
    supervisor_id: int | None = None,
    is_demo: bool = False,
    profile: dict[str, object] | None = None,
    actor: Actor | None = None,
) -> UserRow:
    """Create a member of staff. Checks every field and stores nothing if any is wrong."""
    errors: list[FieldError] = []
    username = username.strip().lower()
    if not USERNAME.match(username):
        errors.append(
            FieldError("username", "use 2–80 lower-case letters, digits, '.', '_' or '-'")
        )
    if not EMAIL.match(email.strip()):
        errors.append(FieldError("email", "is not an email address"))
    if not display_name.strip():
        errors.append(FieldError("display_name", "is required"))
    try:
        role = Role(role)
    except ValueError:
        errors.append(FieldError("role", "must be therapist, supervisor or admin"))
    else:
        if role is Role.CLIENT:
            errors.append(FieldError("role", "clients sign in by link and have no staff account"))
    if password is not None and len(password) < MIN_PASSWORD:
        errors.append(FieldError("password", f"must be at least {MIN_PASSWORD} characters"))
    if is_clinical_lead and role != Role.SUPERVISOR:
        errors.append(FieldError("is_clinical_lead", "only a supervisor can be the clinical lead"))
    if supervisor_id is not None:
        supervisor = db.get(UserRow, supervisor_id)
        if supervisor is None or supervisor.practice_id != practice_id:
            errors.append(FieldError("supervisor", "no such supervisor in this practice"))
        elif supervisor.role != Role.SUPERVISOR:
            errors.append(FieldError("supervisor", "that person is not a supervisor"))
    if errors:
        raise InvalidInput(errors)
    if db.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise Conflict(f"username {username!r} is taken")
    user = UserRow(
        practice_id=practice_id,
        username=username,
        email=email.strip(),
        display_name=display_name.strip(),
        role=str(role),
        is_clinical_lead=is_clinical_lead,
        supervisor_id=supervisor_id,
        password_hash=hash_password(password) if password else None,
        is_demo=is_demo,
        created_at=rt.now(),
    )
    db.add(user)
    db.flush()
    if role in (Role.THERAPIST, Role.SUPERVISOR):
        db.add(TherapistProfileRow(user_id=user.id, **(profile or {})))
    audit.record(db, actor=actor, action="create", entity="user", entity_id=user.id, at=rt.now())
    db.commit()
    return user


def _too_many_failures(db: Session, rt: Runtime, keys: list[str]) -> bool:
    since = rt.now() - timedelta(minutes=rt.settings.login_window_minutes)
    for key in keys:
        count = db.scalar(
            select(func.count()).where(LoginAttemptRow.key == key, LoginAttemptRow.at >= since)
        )
        if (count or 0) >= rt.settings.login_max_failures:
            return True
    return False


def sign_in(db: Session, rt: Runtime, *, username: str, password: str, origin: Origin) -> SignedIn:
    """Check a password and start a session. Wrong or unknown: one message; too many: paused."""
    username = username.strip().lower()
    keys = [f"user:{username}", f"addr:{origin}"]
    if _too_many_failures(db, rt, keys):
        raise RateLimited("Too many sign-in attempts. Please wait a few minutes and try again.")
    user = db.scalar(select(UserRow).where(UserRow.username == username, UserRow.is_active))
    try:
        _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password)
        ok = user is not None and user.password_hash is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        for key in keys:
            db.add(LoginAttemptRow(key=key, at=rt.now()))
        db.commit()
        raise InvalidInput("username or password is not right", field="password")
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.execute(delete(LoginAttemptRow).where(LoginAttemptRow.key == f"user:{username}"))
    return start_session(db, rt, user=user, origin=origin)


def actor_for_client(client: ClientRow) -> Actor:
    return Actor(practice_id=client.practice_id, role=Role.CLIENT, client_id=client.id)


def _open_session(
    db: Session, rt: Runtime, *, actor: Actor, hours: int, origin: Origin
) -> SignedIn:
    """Store a new sign-in (only the token's hash) and audit it, in one transaction."""
    token, csrf = new_token(), new_token()
    db.add(
        AuthSessionRow(
            token_hash=token_hash(token),
            user_id=actor.user_id,
            client_id=actor.client_id,
            csrf_token=csrf,
            created_at=rt.now(),
            expires_at=rt.now() + timedelta(hours=hours),
        )
    )
    audit.record(
        db,
        actor=actor,
        action="sign_in",
        entity="session",
        client_id=actor.client_id,
        origin=origin,
        at=rt.now(),
    )
    db.commit()
    return SignedIn(token=token, csrf_token=csrf, actor=actor)


def start_session(db: Session, rt: Runtime, *, user: UserRow, origin: Origin) -> SignedIn:
    return _open_session(
        db, rt, actor=actor_for_user(user), hours=rt.settings.session_hours, origin=origin
    )


def start_client_session(
    db: Session, rt: Runtime, *, client: ClientRow, origin: Origin, hours: int = 2
) -> SignedIn:
    return _open_session(db, rt, actor=actor_for_client(client), hours=hours, origin=origin)


@dataclass(frozen=True)
class Session_:
    actor: Actor
    csrf_token: str


def resolve_session(db: Session, rt: Runtime, token: str) -> Session_ | None:
    """The signed-in person behind a cookie value, or None if it is unknown, expired or revoked."""
    row = db.scalar(select(AuthSessionRow).where(AuthSessionRow.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= rt.now():
        return None
    if row.user_id is not None:
        user = db.get(UserRow, row.user_id)
        if user is None or not user.is_active:
            return None
        return Session_(actor=actor_for_user(user), csrf_token=row.csrf_token)
    client = db.get(ClientRow, row.client_id)
    if client is None:
        return None
    return Session_(actor=actor_for_client(client), csrf_token=row.csrf_token)


def sign_out(db: Session, rt: Runtime, token: str) -> None:
    row = db.scalar(select(AuthSessionRow).where(AuthSessionRow.token_hash == token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = rt.now()
        db.commit()


def demo_sign_in(db: Session, rt: Runtime, *, user_id: int, origin: Origin) -> SignedIn:
    """One-click sign-in as a demo person. Refused unless the app runs in demo mode."""
    if not rt.settings.demo_mode:
        raise NotFound("not found")
    user = db.get(UserRow, user_id)
    if user is None or not user.is_demo or not user.is_active:
        raise NotFound("not found")
    return start_session(db, rt, user=user, origin=origin)


def list_users(db: Session, *, practice_id: int) -> list[UserRow]:
    return list(
        db.scalars(
            select(UserRow)
            .where(UserRow.practice_id == practice_id)
            .order_by(UserRow.role, UserRow.display_name)
        )
    )


def set_active(db: Session, rt: Runtime, *, actor: Actor, user_id: int, active: bool) -> UserRow:
    user = db.get(UserRow, user_id)
    if user is None or user.practice_id != actor.practice_id:
        raise NotFound("user not found")
    if user.id == actor.user_id and not active:
        raise InvalidInput("you cannot deactivate your own account", field="user")
    user.is_active = active
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="user",
        entity_id=user.id,
        at=rt.now(),
        detail={"active": active},
    )
    db.commit()
    return user
