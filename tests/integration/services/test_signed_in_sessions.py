"""The person behind a sign-in cookie, looked up on every request in one statement.

On SQLite and PostgreSQL: staff come back with their practice, role, clinical-lead flag and
name; a client with their practice; an unknown, signed-out, expired or deactivated sign-in
with nobody.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast

HERE = Origin("127.0.0.1")


def test_a_staff_sign_in_resolves_to_the_person_with_their_role_and_practice(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    signed = user_service.start_session(db, rt, user=cast.sue, origin=HERE)
    found = user_service.resolve_session(db, rt, signed.token)
    assert found is not None
    assert found.actor == Actor(
        practice_id=cast.practice.id,
        role=Role.SUPERVISOR,
        user_id=cast.sue.id,
        is_clinical_lead=True,
        label="Sue Supervisor",
    )
    assert found.csrf_token == signed.csrf_token


def test_a_client_sign_in_resolves_to_the_client(db: Session, rt: Runtime, cast: Cast) -> None:
    signed = user_service.start_client_session(db, rt, client=cast.ash, origin=HERE)
    found = user_service.resolve_session(db, rt, signed.token)
    assert found is not None
    assert found.actor == Actor(
        practice_id=cast.practice.id, role=Role.CLIENT, client_id=cast.ash.id
    )


def test_an_unknown_or_signed_out_cookie_resolves_to_nobody(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    signed = user_service.start_session(db, rt, user=cast.alice, origin=HERE)
    assert user_service.resolve_session(db, rt, "not a token anyone was given") is None
    user_service.sign_out(db, rt, signed.token)
    assert user_service.resolve_session(db, rt, signed.token) is None


def test_a_sign_in_ends_when_it_expires(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    signed = user_service.start_session(db, rt, user=cast.alice, origin=HERE)
    clock.advance(hours=rt.settings.session_hours - 1)
    assert user_service.resolve_session(db, rt, signed.token) is not None
    clock.advance(hours=1)
    assert user_service.resolve_session(db, rt, signed.token) is None


def test_a_deactivated_account_is_signed_out_at_its_next_request(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    signed = user_service.start_session(db, rt, user=cast.bob, origin=HERE)
    user_service.set_active(db, rt, actor=cast.actor(cast.adam), user_id=cast.bob.id, active=False)
    db.commit()
    assert user_service.resolve_session(db, rt, signed.token) is None
