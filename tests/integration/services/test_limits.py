"""Abuse limits (issue 9.7): concerns and client sessions per feedback link and per client, and
sign-in throttled per account *and* address with backoff. A crisis is never refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, RateLimited
from bordin.services import concerns as concern_service
from bordin.services import feedback, progress
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.limits import CONCERNS_PER_CLIENT, CONCERNS_PER_LINK
from bordin.services.runtime import Runtime
from bordin.storage.tables import AlertRow, ConcernRow, LoginAttemptRow
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import PASSWORD, Cast
from tests.integration.services.test_feedback import issue, sac

ATTACKER, OFFICE = Origin("203.0.113.9"), Origin("198.51.100.4")
CRISIS = "Nobody listens and I want to kill myself tonight."


def _concern(db: Session, rt: Runtime, token: str, n: int) -> None:
    concern_service.raise_concern(
        db, rt, token=token, text=f"Concern number {n}: my therapist discussed me with a friend."
    )


def test_a_feedback_link_raises_only_a_few_concerns_an_hour(
    db: Session, rt: Runtime, clock: FakeClock, cast: Cast
) -> None:
    token = issue(db, rt, cast.ash_sessions[3].id)[cast.ash.id]
    for n in range(CONCERNS_PER_LINK):
        _concern(db, rt, token, n)
    with pytest.raises(RateLimited, match="wait an hour"):
        _concern(db, rt, token, 99)
    db.rollback()
    assert len(db.scalars(select(ConcernRow)).all()) == CONCERNS_PER_LINK
    clock.advance(hours=1, seconds=1)
    _concern(db, rt, token, 100)  # a limit, not a lock


def test_a_client_raises_only_a_few_concerns_an_hour_whatever_the_link(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    tokens = [issue(db, rt, cast.ash_sessions[i].id)[cast.ash.id] for i in (1, 2, 3)]
    sent = 0
    for token in tokens[:2]:
        for _ in range(CONCERNS_PER_LINK):
            if sent < CONCERNS_PER_CLIENT:
                _concern(db, rt, token, sent)
                sent += 1
    with pytest.raises(RateLimited):
        _concern(db, rt, tokens[2], 99)  # a fresh link, the same client


def test_a_crisis_over_the_limit_still_reaches_the_clinical_lead(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, cast.ash_sessions[3].id)[cast.ash.id]
    for n in range(CONCERNS_PER_LINK):
        _concern(db, rt, token, n)
    receipt = concern_service.raise_concern(db, rt, token=token, text=CRISIS)
    assert receipt.crisis and not receipt.duplicate
    urgent = db.scalars(
        select(AlertRow).where(AlertRow.severity == "urgent", AlertRow.kind == "crisis")
    ).all()
    assert [a.recipient_user_id for a in urgent] == [cast.sue.id]


def test_a_feedback_link_opens_one_client_session_an_hour(
    db: Session, rt: Runtime, clock: FakeClock, cast: Cast
) -> None:
    token = issue(db, rt, cast.ash_sessions[3].id)[cast.ash.id]
    feedback.submit_feedback(db, rt, token=token, answers=sac())
    feedback.progress_session_from_link(db, rt, token=token, origin=OFFICE)
    with pytest.raises(RateLimited, match="already been opened"):
        feedback.progress_session_from_link(db, rt, token=token, origin=ATTACKER)


def test_a_client_opens_only_a_few_sessions_an_hour_whatever_the_link(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    tokens = [issue(db, rt, cast.ash_sessions[i].id)[cast.ash.id] for i in (0, 1, 2, 3)]
    for token in tokens:
        feedback.submit_feedback(db, rt, token=token, answers=sac())
    for token in tokens[:3]:
        feedback.progress_session_from_link(db, rt, token=token, origin=OFFICE)
    with pytest.raises(RateLimited):
        feedback.progress_session_from_link(db, rt, token=tokens[3], origin=OFFICE)


def _fail(db: Session, rt: Runtime, origin: Origin, times: int) -> None:
    for _ in range(times):
        with pytest.raises(InvalidInput):
            user_service.sign_in(db, rt, username="bob", password="not bobs one", origin=origin)


def test_someone_guessing_from_elsewhere_never_locks_the_real_user_out(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _fail(db, rt, ATTACKER, rt.settings.login_max_failures)
    with pytest.raises(RateLimited):
        user_service.sign_in(db, rt, username="bob", password=PASSWORD, origin=ATTACKER)
    signed = user_service.sign_in(db, rt, username="bob", password=PASSWORD, origin=OFFICE)
    assert signed.actor.user_id == cast.bob.id


def test_failed_sign_ins_back_off_rather_than_lock(
    db: Session, rt: Runtime, clock: FakeClock, cast: Cast
) -> None:
    _fail(db, rt, ATTACKER, rt.settings.login_max_failures)
    with pytest.raises(RateLimited, match="wait 30 seconds"):
        user_service.sign_in(db, rt, username="bob", password="guess", origin=ATTACKER)
    clock.advance(seconds=31)
    _fail(db, rt, ATTACKER, 1)  # allowed again, and wrong: the next wait doubles
    with pytest.raises(RateLimited, match="wait 60 seconds"):
        user_service.sign_in(db, rt, username="bob", password=PASSWORD, origin=ATTACKER)
    clock.advance(seconds=61)
    signed = user_service.sign_in(db, rt, username="bob", password=PASSWORD, origin=ATTACKER)
    assert signed.actor.user_id == cast.bob.id


def test_one_address_guessing_many_accounts_is_slowed_too(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    free = rt.settings.login_max_failures
    for username in ("alice", "bob", "sue", "adam"):
        for _ in range(free):
            with pytest.raises(InvalidInput):
                user_service.sign_in(db, rt, username=username, password="x" * 12, origin=ATTACKER)
    with pytest.raises(RateLimited):
        user_service.sign_in(db, rt, username="charlie", password=PASSWORD, origin=ATTACKER)


def test_sign_in_link_requests_are_counted_without_storing_the_email_address(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    address = str(cast.ash.email)
    for spelling in (address, f"  {address.upper()} "):
        progress.request_sign_in_link(db, rt, email=spelling, origin=OFFICE)
    keys = list(db.scalars(select(LoginAttemptRow.key)))
    [key] = set(keys)
    assert len(keys) == 2  # both spellings counted against one key
    local_part = address.split("@")[0].lower()
    assert local_part not in key.lower() and "@" not in key
