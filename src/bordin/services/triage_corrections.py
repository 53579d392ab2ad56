"""Corrections that teach the triage: staff mark a decision wrong and give the right class.

The client's therapist (for what they can see) and the clinical lead can mark the triage of a
feedback text wrong: "not a crisis", "this is a conduct concern". A correction is stored with
the client's words (encrypted), audited, and listed for the clinical lead.
``bordin triage retrain`` (:mod:`bordin.services.triage_practice_model`) learns from them.

A therapist can never correct (or see) a text read as a conduct concern, and a clinical lead
never sees a conduct text about themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_edit_clinical, may_read_concerns
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.services import audit
from bordin.services.access import client_care
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.tables import ClientRow, SubmissionRow, TriageCorrectionRow, UserRow

CLASSES = ("crisis", "conduct", "misalignment", "positive", "other")
#: How the classes are named to staff on the correction form and list.
CLASS_NAMES = {
    "crisis": "a crisis",
    "conduct": "a conduct concern",
    "misalignment": "something that did not land",
    "positive": "positive",
    "other": "nothing to act on",
}
FIELD = "correct_class"


def _may_correct(db: Session, actor: Actor, submission: SubmissionRow) -> bool:
    care = client_care(db, submission.client_id)
    if care is None or care.practice_id != actor.practice_id:
        return False
    conduct = submission.triage_category == "conduct"
    if may_read_concerns(actor):
        # A clinical lead never handles a conduct text about themselves.
        return not (conduct and actor.user_id in care.therapist_ids)
    return not conduct and may_edit_clinical(actor, care)


def correct_triage(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    submission_id: int,
    correct_class: str,
    origin: Origin | None = None,
) -> TriageCorrectionRow:
    """Record that the triage of one submission was wrong and what it should have been."""
    submission = db.get(SubmissionRow, submission_id)
    if (
        submission is None
        or submission.text_encrypted is None
        or submission.triage_category is None
        or not _may_correct(db, actor, submission)
    ):
        raise NotFound("feedback not found")
    if correct_class not in CLASSES:
        raise InvalidInput(FieldError(FIELD, "choose one of the classes offered"))
    if correct_class == submission.triage_category:
        raise InvalidInput(
            FieldError(FIELD, "is what the triage already said; choose the class it should be")
        )
    client = db.get(ClientRow, submission.client_id)
    assert client is not None and actor.user_id is not None
    now = rt.now()
    text = rt.cipher.decrypt(submission.text_encrypted) or ""
    row = TriageCorrectionRow(
        practice_id=client.practice_id,
        client_id=client.id,
        submission_id=submission.id,
        corrected_by_user_id=actor.user_id,
        corrected_at=now,
        given_class=submission.triage_category,
        given_risk_review=submission.triage_risk_review,
        correct_class=correct_class,
        text_encrypted=rt.cipher.encrypt(text),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="triage_correction",
        entity_id=row.id,
        client_id=client.id,
        origin=origin,
        at=now,
        detail={"given": row.given_class, "correct": correct_class},
    )
    db.commit()
    return row


@dataclass(frozen=True)
class CorrectionView:
    """One correction as the clinical lead sees it."""

    id: int
    corrected_at: datetime
    client_pseudonym: str
    corrected_by: str
    given: str
    given_risk_review: bool
    correct: str
    text: str


def corrections_for(
    db: Session, rt: Runtime, *, actor: Actor, origin: Origin | None = None
) -> list[CorrectionView]:
    """The practice's corrections, newest first, for the clinical lead only; reads audited."""
    if not may_read_concerns(actor):
        raise NotFound("not found")
    views: list[CorrectionView] = []
    rows = db.scalars(
        select(TriageCorrectionRow)
        .where(TriageCorrectionRow.practice_id == actor.practice_id)
        .order_by(TriageCorrectionRow.corrected_at.desc(), TriageCorrectionRow.id.desc())
    )
    for row in rows:
        if "conduct" in (row.given_class, row.correct_class):
            care = client_care(db, row.client_id)
            if care is not None and actor.user_id in care.therapist_ids:
                continue
        client = db.get(ClientRow, row.client_id)
        who = db.get(UserRow, row.corrected_by_user_id)
        assert client is not None
        views.append(
            CorrectionView(
                id=row.id,
                corrected_at=row.corrected_at,
                client_pseudonym=client.pseudonym,
                corrected_by=who.display_name if who else "",
                given=row.given_class,
                given_risk_review=row.given_risk_review,
                correct=row.correct_class,
                text=rt.cipher.decrypt(row.text_encrypted) or "",
            )
        )
        audit.record(
            db,
            actor=actor,
            action="read",
            entity="triage_correction",
            entity_id=row.id,
            client_id=row.client_id,
            origin=origin,
            at=rt.now(),
        )
    db.commit()
    return views


def training_corrections(db: Session, rt: Runtime, *, practice_id: int) -> list[tuple[str, str]]:
    """(text, right class) of every correction in the practice, oldest first, for retraining.

    The latest correction of a submission wins. Audited as one system read per client.
    """
    latest: dict[int, TriageCorrectionRow] = {}
    for row in db.scalars(
        select(TriageCorrectionRow)
        .where(TriageCorrectionRow.practice_id == practice_id)
        .order_by(TriageCorrectionRow.corrected_at, TriageCorrectionRow.id)
    ):
        latest[row.submission_id] = row
    now = rt.now()
    for client_id in sorted({row.client_id for row in latest.values()}):
        audit.record(
            db,
            actor=None,
            action="read",
            entity="triage_correction",
            client_id=client_id,
            at=now,
            detail={"purpose": "retrain the practice's triage model"},
        )
    db.commit()
    return [(rt.cipher.decrypt(r.text_encrypted) or "", r.correct_class) for r in latest.values()]
