"""FHIR resources for the REST API: the practice's Questionnaires and score Observations.

Access is the pages' access: instrument definitions are for any member of staff of the practice;
an Observation is a client's score, so it goes only to someone who may read the client's record,
and the read is audited (``services/access.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import InstrumentNotFound, NotFound
from bordin.domain.instruments import get_instrument
from bordin.domain.instruments.base import Instrument
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.services.staff_administrations import administration_for_user, practice_instrument_ids
from bordin.storage.tables import ImportedWordingRow

Json = dict[str, Any]


def _instrument(db: Session, actor: Actor, instrument_id: str) -> Instrument:
    if not actor.is_staff or instrument_id not in practice_instrument_ids(db, actor.practice_id):
        raise NotFound("instrument not found")
    try:
        return get_instrument(instrument_id)
    except InstrumentNotFound:
        raise NotFound("instrument not found") from None


def _wording(db: Session, practice_id: int, instrument: Instrument) -> dict[str, str]:
    """Text the practice may show: what it imported, else the instrument's own."""
    imported = dict(
        db.execute(
            select(ImportedWordingRow.link_id, ImportedWordingRow.text).where(
                ImportedWordingRow.practice_id == practice_id,
                ImportedWordingRow.instrument_id == instrument.id,
            )
        ).all()
    )
    return {
        item.link_id: imported.get(item.link_id) or item.text or ""
        for item in instrument.items
        if imported.get(item.link_id) or item.text
    }


def questionnaire(db: Session, rt: Runtime, *, actor: Actor, instrument_id: str) -> Json:
    from bordin.interop.fhir.questionnaire_export import export_questionnaire

    instrument = _instrument(db, actor, instrument_id)
    resource = export_questionnaire(
        instrument,
        wording=_wording(db, actor.practice_id, instrument),
        canonical_base=rt.settings.base_url,
    )
    exported: Json = resource.model_dump(mode="json", exclude_none=True)
    return exported


def questionnaires(db: Session, rt: Runtime, *, actor: Actor) -> list[Json]:
    if not actor.is_staff:
        raise NotFound("not found")
    return [
        questionnaire(db, rt, actor=actor, instrument_id=i)
        for i in practice_instrument_ids(db, actor.practice_id)
    ]


def score_observation(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    administration_id: int,
    origin: Origin | None = None,
) -> Json:
    """One administration's scores as an R4B Observation (the read is audited)."""
    from bordin.interop.fhir.questionnaire_export import export_score_observation
    from bordin.storage.tables import ClientRow

    row = administration_for_user(
        db, rt, actor=actor, administration_id=administration_id, origin=origin
    )
    if row.total is None:
        raise NotFound("this administration has no score")
    client = db.get(ClientRow, row.client_id)
    assert client is not None
    resource = export_score_observation(
        get_instrument(row.instrument_id),
        administration_id=row.id,
        respondent_id=client.pseudonym,
        answered_at=row.answered_at,
        total=row.total,
        subscales={str(k): v for k, v in row.subscales.items()},
        band=row.band,
        canonical_base=rt.settings.base_url,
    )
    db.commit()
    exported: Json = resource.model_dump(mode="json", exclude_none=True)
    return exported
