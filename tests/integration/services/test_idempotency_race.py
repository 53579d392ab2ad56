"""Two identical API writes sent at once with one Idempotency-Key write once (PostgreSQL, real
concurrent transactions on the ``committing_postgres`` database)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bordin.services import idempotency
from bordin.services.idempotency import Stored
from bordin.services.runtime import Runtime
from tests.fixtures.cast import Cast

pytestmark = pytest.mark.postgres

KEY, REQUEST = "visit-42", idempotency.fingerprint("POST", "/administrations", b"{}")


def _waiting_on_a_lock(sessions: sessionmaker[Session]) -> bool:
    with sessions() as db:
        waiting = db.scalar(
            select(func.count())
            .select_from(text("pg_stat_activity"))
            .where(text("wait_event_type = 'Lock' AND datname = current_database()"))
        )
    return bool(waiting)


def _second_request(
    sessions: sessionmaker[Session], rt: Runtime, user_id: int, answers: list[Stored | None]
) -> None:
    with sessions() as db:
        answers.append(idempotency.claim(db, rt, user_id=user_id, key=KEY, request_hash=REQUEST))
        db.rollback()


def _race(
    sessions: sessionmaker[Session], rt: Runtime, cast: Cast, *, first_succeeds: bool
) -> Stored | None:
    user_id = cast.alice.id
    answers: list[Stored | None] = []
    with sessions() as first:
        assert idempotency.claim(first, rt, user_id=user_id, key=KEY, request_hash=REQUEST) is None
        second = threading.Thread(target=_second_request, args=(sessions, rt, user_id, answers))
        second.start()
        deadline = time.monotonic() + 20
        while not _waiting_on_a_lock(sessions):  # the second request waits on the key
            assert time.monotonic() < deadline, "the second request never waited for the first"
            time.sleep(0.05)
        if first_succeeds:
            idempotency.remember(
                first,
                rt,
                user_id=user_id,
                key=KEY,
                request_hash=REQUEST,
                status_code=201,
                body={"id": 7},
            )
        else:
            first.rollback()  # the write failed: the key is not kept
        second.join(timeout=20)
    assert not second.is_alive() and len(answers) == 1
    return answers[0]


def test_a_duplicate_sent_while_the_first_write_runs_waits_and_replays_its_answer(
    committing_postgres: tuple[sessionmaker[Session], Runtime, Cast],
) -> None:
    sessions, rt, cast = committing_postgres
    replayed = _race(sessions, rt, cast, first_succeeds=True)
    assert replayed == Stored(status_code=201, body={"id": 7})


def test_a_duplicate_of_a_write_that_failed_gets_to_make_the_write_itself(
    committing_postgres: tuple[sessionmaker[Session], Runtime, Cast],
) -> None:
    sessions, rt, cast = committing_postgres
    assert _race(sessions, rt, cast, first_succeeds=False) is None
