"""A practice's own triage model, retrained on the shipped texts plus its staff's corrections.

``bordin triage retrain --practice ID`` calls :func:`retrain`: it fits a model on every labelled
text in Bordin plus the practice's corrections, judges it beside the shipped model on the same
held-out writers (one author held out at a time, the corrections always in training), stores it
encrypted (its vocabulary holds clients' words), and switches the practice to it only if its
crisis reach is no worse. :func:`model_for_practice` gives the active model (or ``None``: the
shipped one), read once per process for each stored version.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ScalarSelect, Select, bindparam, select, update
from sqlalchemy.orm import Session, aliased

from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.services import audit
from bordin.services.runtime import Runtime
from bordin.services.triage_corrections import training_corrections
from bordin.storage.tables import PracticeRow, TriageModelRow

if TYPE_CHECKING:
    from bordin.domain.triage.model import Model

_LOADED: dict[str, Model] = {}


@dataclass(frozen=True)
class RetrainReport:
    """What retraining found, and whether the practice switched."""

    model_id: int
    corrections: int
    crisis_reach: float
    shipped_crisis_reach: float
    false_alarms: float
    shipped_false_alarms: float
    switched: bool


def retrain(db: Session, rt: Runtime, *, practice_id: int) -> RetrainReport:
    """Fit, compare and (if no worse on crisis reach) switch the practice's model."""
    from bordin.analytics.triage_evaluation import compare_practice_model

    if db.get(PracticeRow, practice_id) is None:
        raise NotFound("practice not found")
    corrections = training_corrections(db, rt, practice_id=practice_id)
    if not corrections:
        raise InvalidInput(
            FieldError("practice", "has no triage corrections yet, so there is nothing to learn")
        )
    result = compare_practice_model(corrections)
    switched = result.no_worse
    if switched:
        db.execute(
            update(TriageModelRow)
            .where(TriageModelRow.practice_id == practice_id)
            .values(active=False)
        )
    row = TriageModelRow(
        practice_id=practice_id,
        created_at=rt.now(),
        sha256=hashlib.sha256(result.artifact.encode("utf-8")).hexdigest(),
        corrections=result.corrections,
        crisis_reach=result.crisis_reach,
        shipped_crisis_reach=result.shipped_crisis_reach,
        false_alarms=result.false_alarms,
        shipped_false_alarms=result.shipped_false_alarms,
        active=switched,
        artifact_encrypted=rt.cipher.encrypt(result.artifact),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor=None,
        action="create",
        entity="triage_model",
        entity_id=row.id,
        at=rt.now(),
        detail={"practice_id": practice_id, "corrections": row.corrections, "active": switched},
    )
    db.commit()
    return RetrainReport(
        model_id=row.id,
        corrections=row.corrections,
        crisis_reach=row.crisis_reach,
        shipped_crisis_reach=row.shipped_crisis_reach,
        false_alarms=row.false_alarms,
        shipped_false_alarms=row.shipped_false_alarms,
        switched=switched,
    )


@functools.cache
def _active_model() -> Select[int, str]:
    """Built once: every feedback submission asks (building it cost more than running it)."""
    return (
        select(TriageModelRow.id, TriageModelRow.sha256)
        .where(TriageModelRow.practice_id == bindparam("practice_id"), TriageModelRow.active)
        .order_by(TriageModelRow.id.desc())
        .limit(1)
    )


def model_for_practice(db: Session, rt: Runtime, practice_id: int) -> Model | None:
    """The practice's active retrained model, or None to use the shipped one."""
    found = db.execute(_active_model(), {"practice_id": practice_id}).first()
    if found is None:
        return None
    return active_model(db, rt, found[0], found[1])


def active_model_id() -> ScalarSelect[int]:
    """The id of the practice's active retrained model, as a subquery correlated with
    ``PracticeRow`` (for callers that read it with the practice in one query)."""
    models = aliased(TriageModelRow)  # the outer query may join TriageModelRow itself
    return (
        select(models.id)
        .where(models.practice_id == PracticeRow.id, models.active)
        .order_by(models.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def active_model(db: Session, rt: Runtime, model_id: int, digest: str) -> Model:
    """The retrained model ``model_id`` (its artifact's ``digest``), loaded once per process."""
    model = _LOADED.get(digest)
    if model is None:
        from bordin.domain.triage.model import model_from_json  # on use: a lean web start

        row = db.get(TriageModelRow, model_id)
        assert row is not None
        model = model_from_json(rt.cipher.decrypt(row.artifact_encrypted) or "")
        _LOADED.clear()  # one practice model per process is plenty; they are a few MB each
        _LOADED[digest] = model
    return model
