"""Idempotency keys for API writes: claimed before the write, answered after it."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bordin.services import idempotency
from bordin.services.runtime import Runtime
from tests.fixtures.cast import Cast

REQUEST = idempotency.fingerprint("POST", "/administrations", b"{}")


def test_a_key_whose_write_was_cut_off_before_its_answer_was_kept_is_not_written_again(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    claimed = idempotency.claim(db, rt, user_id=cast.alice.id, key="k", request_hash=REQUEST)
    assert claimed is None
    db.commit()  # the write committed with the claim; the process died before remember()
    with pytest.raises(idempotency.StillRunning, match="still being handled"):
        idempotency.claim(db, rt, user_id=cast.alice.id, key="k", request_hash=REQUEST)


def test_the_answer_is_kept_in_the_claimed_row_and_replayed(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    idempotency.claim(db, rt, user_id=cast.alice.id, key="k", request_hash=REQUEST)
    idempotency.remember(
        db, rt, user_id=cast.alice.id, key="k", request_hash=REQUEST, status_code=201, body=[1]
    )
    again = idempotency.claim(db, rt, user_id=cast.alice.id, key="k", request_hash=REQUEST)
    assert again == idempotency.Stored(status_code=201, body=[1])
    other = idempotency.fingerprint("POST", "/administrations", b'{"x": 1}')
    with pytest.raises(idempotency.KeyReused):
        idempotency.claim(db, rt, user_id=cast.alice.id, key="k", request_hash=other)
