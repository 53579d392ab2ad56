"""Staff accounts, sign-in and sign-out, with rate limiting and argon2 password hashes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from bordin.domain.access import Actor, Role
from bordin.domain.errors import Conflict, FieldError, InvalidInput, NotFound, RateLimited
from bordin.domain.text import MAX_EMAIL, clean_line, name_problems
from bordin.services import audit, limits
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
MAX_PASSWORD = 200  # zxcvbn's time grows with length; no one types more
#: zxcvbn's scale: 0 too guessable … 4 very unguessable. 3 resists offline guessing of a
#: slow hash (argon2) for years.
MIN_PASSWORD_SCORE = 3


@cache
def _dummy_hash() -> str:
    """A real hash of a random password, checked against when the user does not exist, so that
    unknown names take as long as wrong passwords. Made on first use, not at import."""
    return _hasher.hash(new_token())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str, *about_the_person: str) -> str | None:
    """Why ``password`` may not be used, or None. Besides the length, zxcvbn estimates how
    guessable it is against common and breached passwords, keyboard patterns, dates and the
    person's own name, username and email; anything below :data:`MIN_PASSWORD_SCORE` is
    refused with zxcvbn's plain-language warning."""
    if len(password) < MIN_PASSWORD:
        return f"must be at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"must be at most {MAX_PASSWORD} characters"
    words = [part for item in about_the_person for part in re.split(r"[\s@._-]+", item) if part]
    estimate = zxcvbn(password, user_inputs=[*about_the_person, *words])
    if estimate["score"] >= MIN_PASSWORD_SCORE:
        return None
    warning = str(estimate["feedback"].get("warning") or "").rstrip(".")
    because = f" ({warning[0].lower()}{warning[1:]})" if warning else ""
    return (
        f"is too easy to guess{because}; add a few uncommon words, for example a short phrase "
        "only you would think of"
    )


@dataclass(frozen=True)
class SignedIn:
    """A new sign-in: the cookie value to set and the CSRF token for its forms."""

    token: str
    csrf_token: str
    actor: Actor


class StaffFields(Protocol):
    """What an actor is made of: a ``UserRow``, or a row with the same columns."""

    @property
    def id(self) -> int: ...
    @property
    def practice_id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def is_clinical_lead(self) -> bool: ...
    @property
    def display_name(self) -> str: ...


def actor_for_user(user: StaffFields) -> Actor:
    return Actor(
        practice_id=user.practice_id,
        role=Role(user.role),
        user_id=user.id,
        is_clinical_lead=user.is_clinical_lead,
        label=user.display_name,
    )


def check_user_fields(
    *,
    username: str,
    email: str,
    display_name: str,
    role: Role | str = Role.ADMIN,
    password: str | None = None,
) -> Role:
    """Check a member of staff's own fields; raise ``InvalidInput`` listing every problem."""
    checked, errors = user_field_errors(
        username=username, email=email, display_name=display_name, role=role, password=password
    )
    if errors or checked is None:
        raise InvalidInput(errors)
    return checked


def user_field_errors(
    *,
    username: str,
    email: str,
    display_name: str,
    role: Role | str,
    password: str | None,
) -> tuple[Role | None, list[FieldError]]:
    """The role, if it is one, and every problem with a member of staff's own fields."""
    errors: list[FieldError] = []
    if not USERNAME.match(clean_line(username).lower()):
        errors.append(
            FieldError("username", "use 2–80 lower-case letters, digits, '.', '_' or '-'")
        )
    email = clean_line(email)
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        errors.append(FieldError("email", "is not an email address"))
    errors += name_problems("display_name", clean_line(display_name))
    checked: Role | None = None
    try:
        checked = Role(role)
    except ValueError:
        errors.append(FieldError("role", "must be therapist, supervisor or admin"))
    else:
        if checked is Role.CLIENT:
            errors.append(FieldError("role", "clients sign in by link and have no staff account"))
    if password is not None:
        problem = password_problem(password, username, email, display_name)
        if problem:
            errors.append(FieldError("password", problem))
    return checked, errors


def check_supervisor(db: Session, practice_id: int, supervisor_id: int | None) -> list[FieldError]:
    if supervisor_id is None:
        return []
    supervisor = db.get(UserRow, supervisor_id)
    if supervisor is None or supervisor.practice_id != practice_id:
        return [FieldError("supervisor", "no such supervisor in this practice")]
    if supervisor.role != Role.SUPERVISOR:
        return [FieldError("supervisor", "that person is not a supervisor")]
    return []


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
    commit: bool = True,
) -> UserRow:
    """Create a member of staff. Checks every field and stores nothing if any is wrong."""
    username, email = clean_line(username).lower(), clean_line(email)
    display_name = clean_line(display_name)
    checked, errors = user_field_errors(
        username=username, email=email, display_name=display_name, role=role, password=password
    )
    if is_clinical_lead and checked is not None and checked != Role.SUPERVISOR:
        errors.append(FieldError("is_clinical_lead", "only a supervisor can be the clinical lead"))
    errors += check_supervisor(db, practice_id, supervisor_id)
    if errors or checked is None:
        raise InvalidInput(errors)
    if db.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise Conflict(f"username {username!r} is taken")
    user = UserRow(
        practice_id=practice_id,
        username=username,
        email=email,
        display_name=display_name,
        role=str(checked),
        is_clinical_lead=is_clinical_lead,
        supervisor_id=supervisor_id,
        password_hash=hash_password(password) if password else None,
        is_demo=is_demo,
        created_at=rt.now(),
    )
    db.add(user)
    db.flush()
    if checked in (Role.THERAPIST, Role.SUPERVISOR):
        db.add(TherapistProfileRow(user_id=user.id, **(profile or {})))
    audit.record(db, actor=actor, action="create", entity="user", entity_id=user.id, at=rt.now())
    if commit:
        db.commit()
    return user


#: One address may fail this many times more than one account from one address (it may be a
#: practice's shared connection) before it, too, has to wait.
ADDRESS_FAILURE_FACTOR = 4


def _sign_in_wait(db: Session, rt: Runtime, pair: str, address: str) -> timedelta | None:
    """The longer of the waits for this account from this address, and for this address."""
    window = timedelta(minutes=rt.settings.login_window_minutes)
    free = rt.settings.login_max_failures
    waits = [
        limits.backoff_wait(db, rt, pair, free=free, window=window),
        limits.backoff_wait(db, rt, address, free=free * ADDRESS_FAILURE_FACTOR, window=window),
    ]
    return max((w for w in waits if w is not None), default=None)


def sign_in(db: Session, rt: Runtime, *, username: str, password: str, origin: Origin) -> SignedIn:
    """Check a password and start a session. Wrong or unknown: one message.

    Failures are throttled per account *and* address, with backoff (:mod:`limits`): someone
    guessing a password from elsewhere slows themselves down and never locks the real user out.
    """
    username = clean_line(username).lower()
    pair, address = f"user:{username}|addr:{origin}", f"addr:{origin}"
    wait = _sign_in_wait(db, rt, pair, address)
    if wait is not None:
        raise RateLimited(
            "Too many sign-in attempts for this account from here. Please wait "
            f"{limits.in_words(wait)} and try again."
        )
    user = db.scalar(select(UserRow).where(UserRow.username == username, UserRow.is_active))
    try:
        _hasher.verify(
            user.password_hash if user and user.password_hash else _dummy_hash(), password
        )
        ok = user is not None and user.password_hash is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        # A name no account can have is only counted against the address (it is not stored).
        limits.note(db, rt, [pair, address] if USERNAME.match(username) else [address])
        db.commit()
        raise InvalidInput("username or password is not right", field="password")
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.execute(delete(LoginAttemptRow).where(LoginAttemptRow.key == pair))
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


#: The sign-in behind a cookie with its person, in one statement (every request runs it).
_SIGNED_IN = (
    select(
        AuthSessionRow.revoked_at,
        AuthSessionRow.expires_at,
        AuthSessionRow.csrf_token,
        UserRow.id,  # these five as UserRow calls them, for actor_for_user
        UserRow.practice_id,
        UserRow.role,
        UserRow.is_clinical_lead,
        UserRow.display_name,
        UserRow.is_active,
        ClientRow.id.label("client_id"),
        ClientRow.practice_id.label("client_practice_id"),
    )
    .outerjoin(UserRow, UserRow.id == AuthSessionRow.user_id)
    .outerjoin(ClientRow, ClientRow.id == AuthSessionRow.client_id)
    .where(AuthSessionRow.token_hash == bindparam("token_hash"))
)


def resolve_session(db: Session, rt: Runtime, token: str) -> Session_ | None:
    """The signed-in person behind a cookie value, or None if it is unknown, expired or revoked."""
    row = db.connection().execute(_SIGNED_IN, {"token_hash": token_hash(token)}).first()
    if row is None or row.revoked_at is not None or row.expires_at <= rt.now():
        return None
    if row.id is not None:
        if not row.is_active:
            return None
        return Session_(actor=actor_for_user(row), csrf_token=row.csrf_token)
    if row.client_id is None:
        return None
    actor = Actor(practice_id=row.client_practice_id, role=Role.CLIENT, client_id=row.client_id)
    return Session_(actor=actor, csrf_token=row.csrf_token)


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


def demo_client_sign_in(db: Session, rt: Runtime, *, client_id: int, origin: Origin) -> SignedIn:
    """One-click sign-in as the demo client the demo practice offers (``is_demo``), so that the
    client's own pages can be tried. Refused unless the app runs in demo mode."""
    if not rt.settings.demo_mode:
        raise NotFound("not found")
    client = db.get(ClientRow, client_id)
    if client is None or not client.is_demo:
        raise NotFound("not found")
    return start_client_session(db, rt, client=client, origin=origin)


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
