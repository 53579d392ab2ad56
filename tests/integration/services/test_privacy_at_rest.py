"""No client words or names in plaintext at rest or in logs (issue 9.4).

After a crisis submission (with a conduct concern and a separate concern), every stored row
outside ``clients`` (the one table that holds contact data by design) is read raw and searched
for the client's name, email and the phrases that flagged the text. And when a statement fails,
neither the error nor SQLAlchemy's log carries the values bound to it.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bordin.services import alerts as alert_service
from bordin.services import concerns as concern_service
from bordin.services import feedback, triage_bridge
from bordin.services.runtime import Runtime
from bordin.services.users import hash_password
from bordin.storage.base import Base
from bordin.storage.tables import AlertRow, UserRow
from tests.fixtures.cast import Cast
from tests.integration.services.test_feedback import issue, last_attended, sac

CRISIS = "I didn't feel listened to today and honestly I have been thinking about killing myself."
CONDUCT = "My therapist touched me in a sexual way and I want to kill myself."


def _raw_text(db: Session) -> dict[str, str]:
    """Every stored value outside ``clients``, as text, table by table."""
    found: dict[str, str] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "clients":
            continue
        values: list[str] = []
        for row in db.execute(select(table)).all():
            for value in row:
                values.append(value.decode("latin-1") if isinstance(value, bytes) else str(value))
        found[table.name] = "\n".join(values)
    return found


def test_a_crisis_submission_leaves_no_client_words_or_name_in_plaintext(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    result = feedback.submit_feedback(
        db, rt, token=token, answers=sac(), text=CRISIS, concern_text=CONDUCT
    )
    assert result.crisis
    phrases = {*triage_bridge.classify(CRISIS).evidence, *triage_bridge.classify(CONDUCT).evidence}
    assert phrases  # the test needs matched phrases to look for
    secrets = {cast.ash.display_name, str(cast.ash.email), *phrases}
    raw = _raw_text(db)
    assert raw["alerts"] and raw["feedback_submissions"] and raw["concerns"]
    leaks = {(t, s) for t, text in raw.items() for s in secrets if s.lower() in text.lower()}
    assert leaks == set()
    # ... and the people who should read them still can.
    lead_alerts = [
        alert_service.shown(rt, a)
        for a in db.scalars(select(AlertRow).where(AlertRow.recipient_user_id == cast.sue.id))
    ]
    assert any(cast.ash.display_name in a.summary for a in lead_alerts)
    assert any(set(a.evidence) & phrases for a in lead_alerts)
    seen = concern_service.concerns_for(db, rt, actor=cast.actor(cast.sue))
    assert any(set(v.evidence) & phrases for v in seen)


def test_a_failing_statement_logs_no_parameter_values(
    db: Session, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    name = "Ash Sample wrote: I have been thinking about killing myself"
    email = "ash.private@example.org"
    password_hash = hash_password("a long private passphrase")
    savepoint = db.begin_nested()
    with pytest.raises(IntegrityError) as failed:
        db.execute(
            insert(UserRow).values(
                practice_id=cast.practice.id,
                username=cast.alice.username,  # taken: the statement fails
                email=email,
                display_name=name,
                role="therapist",
                password_hash=password_hash,
                created_at=cast.alice.created_at,
            )
        )
    savepoint.rollback()
    logging.getLogger("bordin.test").error("statement failed: %s", failed.value)
    assert "INSERT INTO users" in caplog.text  # the statement itself was logged
    for value in (name, email, password_hash):
        assert value not in caplog.text
        assert value not in str(failed.value)
