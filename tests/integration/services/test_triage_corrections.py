"""Corrections that teach the triage: who may make them, how they are kept, who sees them.

Runs on SQLite and PostgreSQL with the synthetic cast: Alice treats Ash; Bob treats others;
Sue is the clinical lead.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.services import triage_corrections as corrections
from bordin.services.runtime import Runtime
from bordin.services.triage_practice_model import model_for_practice, retrain
from bordin.storage.tables import AuditEventRow, TriageCorrectionRow, TriageModelRow
from tests.fixtures.cast import Cast
from tests.fixtures.triage import (
    models_used,  # noqa: F401  (a fixture)
    practice_model_row,
    submit_words,
)


def test_the_therapist_marks_a_decision_wrong_and_the_lead_sees_it_with_the_words(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    words = "I didn't feel listened to today, and we went too fast for me."
    submission = submit_words(db, rt, cast, words)
    assert submission.triage_category == "misalignment"

    row = corrections.correct_triage(
        db, rt, actor=cast.actor(cast.alice), submission_id=submission.id, correct_class="other"
    )

    assert (row.given_class, row.correct_class) == ("misalignment", "other")
    assert words.encode() not in row.text_encrypted
    audit = db.scalars(
        select(AuditEventRow).where(AuditEventRow.entity == "triage_correction")
    ).all()
    assert [(a.action, a.actor_user_id) for a in audit] == [("create", cast.alice.id)]
    [seen] = corrections.corrections_for(db, rt, actor=cast.actor(cast.sue))
    assert (seen.text, seen.given, seen.correct) == (words, "misalignment", "other")
    assert seen.corrected_by == cast.alice.display_name
    reads = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.entity == "triage_correction", AuditEventRow.action == "read"
        )
    ).all()
    assert [r.actor_user_id for r in reads] == [cast.sue.id]


def test_a_therapist_can_neither_correct_a_conduct_text_nor_another_therapists_client(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    submission = submit_words(
        db, rt, cast, "My therapist told my sister what I said in our sessions."
    )
    assert submission.triage_category == "conduct"

    for who in (cast.alice, cast.bob):
        with pytest.raises(NotFound):
            corrections.correct_triage(
                db, rt, actor=cast.actor(who), submission_id=submission.id, correct_class="other"
            )
    corrections.correct_triage(
        db, rt, actor=cast.actor(cast.sue), submission_id=submission.id, correct_class="other"
    )
    assert len(db.scalars(select(TriageCorrectionRow)).all()) == 1


@pytest.mark.parametrize(
    ("chosen", "message"),
    [("urgent", "choose one of the classes"), ("misalignment", "already said")],
)
def test_a_bad_class_is_refused_naming_the_field_and_nothing_is_stored(
    db: Session, rt: Runtime, cast: Cast, chosen: str, message: str
) -> None:
    submission = submit_words(db, rt, cast, "I didn't feel listened to today.")

    with pytest.raises(InvalidInput) as caught:
        corrections.correct_triage(
            db, rt, actor=cast.actor(cast.alice), submission_id=submission.id, correct_class=chosen
        )

    assert caught.value.errors[0].field == "correct_class"
    assert message in caught.value.errors[0].message
    assert db.scalars(select(TriageCorrectionRow)).all() == []


def test_only_the_clinical_lead_may_list_corrections(db: Session, rt: Runtime, cast: Cast) -> None:
    for who in (cast.alice, cast.bob):
        with pytest.raises(NotFound):
            corrections.corrections_for(db, rt, actor=cast.actor(who))


def test_retraining_without_corrections_is_refused_and_changes_nothing(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    with pytest.raises(InvalidInput, match="no triage corrections"):
        retrain(db, rt, practice_id=cast.ash.practice_id)

    assert db.scalars(select(TriageModelRow)).all() == []
    assert model_for_practice(db, rt, cast.ash.practice_id) is None


def test_an_active_practice_model_is_read_from_its_encrypted_artifact(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    db.add(practice_model_row(cast.ash.practice_id, rt))
    db.commit()

    model = model_for_practice(db, rt, cast.ash.practice_id)

    assert model is not None
    assert model.review_threshold > 0


def test_a_submission_is_triaged_with_the_practices_active_model_and_otherwise_the_shipped_one(
    db: Session,
    rt: Runtime,
    cast: Cast,
    models_used: list[object],  # noqa: F811
) -> None:
    submit_words(db, rt, cast, "We covered a lot today.")
    assert models_used and all(m is None for m in models_used)

    db.add(practice_model_row(cast.ash.practice_id, rt))
    db.commit()
    models_used.clear()
    submit_words(db, rt, cast, "We covered a lot today.", session=2)

    practice_model = model_for_practice(db, rt, cast.ash.practice_id)
    assert practice_model is not None
    assert models_used and all(m is practice_model for m in models_used)
