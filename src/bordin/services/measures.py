"""Recording administrations: who answered which instrument, for which session, and the scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.instruments import get_instrument, score
from bordin.services import audit
from bordin.services.runtime import Runtime
from bordin.storage.tables import AdministrationRow

Answers = Sequence[int | float | None] | Mapping[str, int | float | None]


def record_administration(
    db: Session,
    rt: Runtime,
    *,
    client_id: int,
    episode_id: int,
    instrument_id: str,
    answers: Answers,
    answered_at: datetime | None = None,
    appointment_id: int | None = None,
    submission_id: int | None = None,
    source: str = "feedback_link",
    actor: Actor | None = None,
    commit: bool = True,
) -> AdministrationRow:
    """Score ``answers`` by the instrument's published rules and store them with the scores.

    Invalid answers raise ``InvalidResponses`` (one message per item) and nothing is stored.
    """
    instrument = get_instrument(instrument_id)
    result = score(instrument, answers)  # raises InvalidResponses before anything is written
    row = AdministrationRow(
        client_id=client_id,
        episode_id=episode_id,
        appointment_id=appointment_id,
        submission_id=submission_id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        answered_at=answered_at or rt.now(),
        answers={k: v for k, v in result.item_values.items()},
        total=result.total,
        subscales=dict(result.subscales),
        band=result.band,
        cutoff_exceeded=result.cutoff_exceeded,
        risk_items=list(result.risk_items),
        prorated=result.prorated,
        source=source,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="administration",
        entity_id=row.id,
        client_id=client_id,
        at=rt.now(),
        detail={"instrument": instrument.id},
    )
    if commit:
        db.commit()
    return row
