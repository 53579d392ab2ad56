"""A practice's own triage model, retrained on the shipped texts plus its staff's corrections.

``bordin triage retrain --practice ID`` calls :func:`retrain`: it fits a model on every labelled
text in Bordin plus the practice's corrections, judges it beside the shipped model on the same
held-out writers (one author held out at a time, the corrections always in training), stores it
encrypted (its vocabulary holds clients' words), and switches the practice to it only if its
crisis reach is no worse. The clinical lead can ask for the same from the corrections page
(:func:`request_retrain`): it takes minutes, so the worker runs it as a job, and
:func:`retrain_status` tells the page what happened. :func:`model_for_practice` gives the active
model (or ``None``: the shipped one), read once per process for each stored version; a model
fitted by an older recipe than the shipped model's is not used (its thresholds were chosen for
another decision rule) until the practice retrains.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ScalarSelect, Select, bindparam, func, select, update
from sqlalchemy.orm import Session, aliased

from bordin.domain.access import Actor, may_retrain_triage
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.services import audit, jobs
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.services.triage_corrections import training_corrections
from bordin.storage.tables import JobRow, PracticeRow, TriageCorrectionRow, TriageModelRow

if TYPE_CHECKING:
    from bordin.domain.triage.model import Model

_LOADED: dict[str, Model] = {}
#: The kind of the worker's job that retrains a practice's model.
RETRAIN_JOB = "triage_retrain"


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


@dataclass(frozen=True)
class RetrainStatus:
    """What the corrections page says about retraining."""

    corrections: int
    #: When the retraining asked for is due, while it waits or runs; None when none waits.
    waiting_since: datetime | None
    #: The last retraining asked for from the page gave up (the worker's log says why).
    failed: bool
    #: The latest model fitted for the practice, and when.
    latest: RetrainReport | None
    latest_at: datetime | None
    #: Whether the practice's triage uses a model of its own now.
    in_use: bool
    #: The practice's model was fitted by an older recipe, so the shipped one is used.
    outdated: bool


def _job_key(practice_id: int) -> str:
    return f"{RETRAIN_JOB}:{practice_id}"


def _corrections(db: Session, practice_id: int) -> int:
    """How many texts the practice has corrected (a text corrected twice counts once, as its
    latest correction is the one a retrain learns from)."""
    return int(
        db.scalar(
            select(func.count(func.distinct(TriageCorrectionRow.submission_id))).where(
                TriageCorrectionRow.practice_id == practice_id
            )
        )
        or 0
    )


def request_retrain(
    db: Session, rt: Runtime, *, actor: Actor, origin: Origin | None = None
) -> None:
    """Queue a retraining of the practice's model on its corrections (the clinical lead only).

    One job per practice: asking again while one waits moves nothing; asking after one ran
    queues it again. Commits.
    """
    if not may_retrain_triage(actor):
        raise NotFound("not found")
    count = _corrections(db, actor.practice_id)
    if not count:
        raise InvalidInput(
            FieldError("practice", "has no triage corrections yet, so there is nothing to learn")
        )
    now = rt.now()
    jobs.enqueue(
        db,
        kind=RETRAIN_JOB,
        key=_job_key(actor.practice_id),
        run_at=now,
        payload={"practice_id": actor.practice_id},
        again=True,
        now=now,
    )
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="triage_retrain",
        entity_id=actor.practice_id,
        origin=origin,
        at=now,
        detail={"corrections": count},
    )
    db.commit()


def use_shipped_model(
    db: Session, rt: Runtime, *, actor: Actor, origin: Origin | None = None
) -> None:
    """Go back to Bordin's own model: the practice's models are kept, none in use. Commits."""
    if not may_retrain_triage(actor):
        raise NotFound("not found")
    db.execute(
        update(TriageModelRow)
        .where(TriageModelRow.practice_id == actor.practice_id, TriageModelRow.active)
        .values(active=False)
    )
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="triage_model",
        origin=origin,
        at=rt.now(),
        detail={"use": "shipped"},
    )
    db.commit()


def retrain_status(db: Session, rt: Runtime, *, actor: Actor) -> RetrainStatus:
    """The corrections on record, the retraining that waits, and the latest model fitted."""
    if not may_retrain_triage(actor):
        raise NotFound("not found")
    job = db.scalars(select(JobRow).where(JobRow.key == _job_key(actor.practice_id))).first()
    row = db.scalars(
        select(TriageModelRow)
        .where(TriageModelRow.practice_id == actor.practice_id)
        .order_by(TriageModelRow.id.desc())
        .limit(1)
    ).first()
    waiting = job is not None and job.status in ("queued", "running")
    active = db.execute(_active_model(), {"practice_id": actor.practice_id}).first()
    in_use = active is not None and active_model(db, rt, active[0], active[1]) is not None
    return RetrainStatus(
        corrections=_corrections(db, actor.practice_id),
        waiting_since=job.run_at if job is not None and waiting else None,
        failed=job is not None and job.status == "failed",
        latest=_report(row) if row is not None else None,
        latest_at=row.created_at if row is not None else None,
        in_use=in_use,
        outdated=active is not None and not in_use,
    )


def _report(row: TriageModelRow) -> RetrainReport:
    return RetrainReport(
        model_id=row.id,
        corrections=row.corrections,
        crisis_reach=row.crisis_reach,
        shipped_crisis_reach=row.shipped_crisis_reach,
        false_alarms=row.false_alarms,
        shipped_false_alarms=row.shipped_false_alarms,
        switched=row.active,
    )


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
    return _report(row)


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
    """The practice's active retrained model, or None to use the shipped one (also when the
    practice's model was fitted by an older recipe: :func:`active_model`)."""
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


def active_model(db: Session, rt: Runtime, model_id: int, digest: str) -> Model | None:
    """The retrained model ``model_id`` (its artifact's ``digest``), loaded once per process;
    None, to use the shipped model, when it was fitted by an older recipe than the shipped
    model's (its thresholds were chosen for another decision rule)."""
    from bordin.domain.triage.model import model_from_json, shipped_model  # a lean web start

    model = _LOADED.get(digest)
    if model is None:
        row = db.get(TriageModelRow, model_id)
        assert row is not None
        model = model_from_json(rt.cipher.decrypt(row.artifact_encrypted) or "")
        _LOADED.clear()  # one practice model per process is plenty; they are a few MB each
        _LOADED[digest] = model
    return model if model.version == shipped_model().version else None
