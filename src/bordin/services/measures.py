"""Recording administrations: who answered which instrument, for which session, and the scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import NotFound
from bordin.domain.instruments import get_instrument, score
from bordin.services import audit
from bordin.services.audit import Origin
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


def export_administration_fhir(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    administration_id: int,
    origin: Origin | None = None,
) -> dict[str, object]:
    """One stored administration as an R4B QuestionnaireResponse (validated), as JSON.

    Access is checked and the read audited; the client appears by pseudonym only.
    """
    from bordin.domain.instruments.administration import administer
    from bordin.interop.fhir.questionnaire_response import export_questionnaire_response
    from bordin.services.access import get_client_for_user

    row = db.get(AdministrationRow, administration_id)
    if row is None:
        raise NotFound("administration not found")
    client = get_client_for_user(
        db, rt, actor, row.client_id, origin=origin, purpose="administration_export"
    )
    instrument = get_instrument(row.instrument_id)
    admin = administer(
        instrument,
        dict(row.answers),
        administration_id=str(row.id),
        respondent_id=client.pseudonym,
        completed_at=row.answered_at,
        session_id=str(row.appointment_id) if row.appointment_id else None,
    )
    resource = export_questionnaire_response(admin, instrument, canonical_base=rt.settings.base_url)
    db.commit()
    exported: dict[str, object] = resource.model_dump(mode="json", exclude_none=True)
    return exported
