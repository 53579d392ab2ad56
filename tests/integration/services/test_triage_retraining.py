"""The clinical lead asks for the triage to learn from the practice's corrections; the worker
fits, compares and stores the model; the corrections page says what happened.

Runs on SQLite and PostgreSQL with the synthetic cast: Alice treats Ash; Sue is the clinical
lead. A full retrain fits up to eleven models on 2,515 texts (minutes); here the labelled texts are
every eighth one, so that the whole path runs in seconds. The shipped figures are worked out
again on the same texts, in caches of this test's own.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.triage.model import shipped_model
from bordin.services import triage_corrections as corrections
from bordin.services import worker
from bordin.services.runtime import Runtime
from bordin.services.triage_practice_model import (
    RETRAIN_JOB,
    model_for_practice,
    request_retrain,
    retrain_status,
    use_shipped_model,
)
from bordin.storage.tables import AuditEventRow, JobRow, SubmissionRow, TriageModelRow
from tests.fixtures.cast import Cast
from tests.fixtures.triage import (  # few_texts: a fixture
    few_texts,  # noqa: F401
    models_used,  # noqa: F401
    practice_model_row,
    submit_words,
)


def _corrected(db: Session, rt: Runtime, cast: Cast) -> None:
    submission = submit_words(db, rt, cast, "I didn't feel listened to today.")
    corrections.correct_triage(
        db, rt, actor=cast.actor(cast.alice), submission_id=submission.id, correct_class="other"
    )


@pytest.mark.slow
def test_the_lead_asks_for_a_retrain_and_the_worker_fits_compares_and_stores_the_model(
    db: Session,
    rt: Runtime,
    cast: Cast,
    few_texts: None,  # noqa: F811
) -> None:
    _corrected(db, rt, cast)
    sue = cast.actor(cast.sue)
    before = retrain_status(db, rt, actor=sue)
    assert (before.corrections, before.latest, before.waiting_since) == (1, None, None)

    request_retrain(db, rt, actor=sue)

    job = db.scalars(select(JobRow).where(JobRow.kind == RETRAIN_JOB)).one()
    assert job.payload == {"practice_id": cast.sue.practice_id}
    assert retrain_status(db, rt, actor=sue).waiting_since is not None
    asked = db.scalars(select(AuditEventRow).where(AuditEventRow.entity == "triage_retrain")).one()
    assert (asked.actor_user_id, asked.detail) == (cast.sue.id, {"corrections": 1})

    assert worker.run_due(db, rt) >= 1  # the submission queued a signal recompute too

    db.expire_all()
    assert db.get(JobRow, job.id).status == "done"  # type: ignore[union-attr]
    row = db.scalars(select(TriageModelRow)).one()
    assert row.corrections == 1
    assert b"listened" not in row.artifact_encrypted
    assert row.active == (row.crisis_reach >= row.shipped_crisis_reach)
    after = retrain_status(db, rt, actor=sue)
    assert after.waiting_since is None and not after.failed
    assert after.latest is not None and after.latest.model_id == row.id
    assert after.in_use == row.active
    model = model_for_practice(db, rt, cast.ash.practice_id)
    if row.active:
        assert model is not None and model.version == shipped_model().version
    else:
        assert model is None


def test_only_the_clinical_lead_may_ask_for_a_retrain_see_how_it_went_or_go_back(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _corrected(db, rt, cast)

    with pytest.raises(NotFound):
        request_retrain(db, rt, actor=cast.actor(cast.alice))
    with pytest.raises(NotFound):
        retrain_status(db, rt, actor=cast.actor(cast.alice))
    db.add(practice_model_row(cast.ash.practice_id, rt))
    db.commit()
    with pytest.raises(NotFound):
        use_shipped_model(db, rt, actor=cast.actor(cast.alice))
    assert model_for_practice(db, rt, cast.ash.practice_id) is not None

    assert db.scalars(select(JobRow).where(JobRow.kind == RETRAIN_JOB)).all() == []


def test_asking_for_a_retrain_without_corrections_is_refused_naming_the_field(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    with pytest.raises(InvalidInput) as caught:
        request_retrain(db, rt, actor=cast.actor(cast.sue))

    assert caught.value.errors[0].field == "practice"
    assert "no triage corrections" in caught.value.errors[0].message
    assert db.scalars(select(JobRow).where(JobRow.kind == RETRAIN_JOB)).all() == []


def test_a_practice_model_fitted_by_an_older_recipe_is_not_used_until_retrained(
    db: Session,
    rt: Runtime,
    cast: Cast,
    models_used: list[object],  # noqa: F811
) -> None:
    db.add(practice_model_row(cast.ash.practice_id, rt, version="2000.01-1"))
    db.commit()

    submit_words(db, rt, cast, "We covered a lot today.")

    assert models_used and all(m is None for m in models_used)  # the shipped model
    assert model_for_practice(db, rt, cast.ash.practice_id) is None
    status = retrain_status(db, rt, actor=cast.actor(cast.sue))
    assert status.outdated and not status.in_use


def test_a_text_corrected_twice_counts_once_as_only_its_latest_correction_is_learnt(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _corrected(db, rt, cast)
    submission = db.scalars(select(SubmissionRow)).one()
    corrections.correct_triage(
        db, rt, actor=cast.actor(cast.sue), submission_id=submission.id, correct_class="positive"
    )

    assert retrain_status(db, rt, actor=cast.actor(cast.sue)).corrections == 1
