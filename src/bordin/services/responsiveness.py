"""The Cultural Responsiveness Check on the database: a client's checks, and the signal.

``checks_for`` reads a client's checks in one episode (for the chart on the client record);
``alert_if_concern`` raises an alert for the therapist when the latest check is low or falling
(``domain/responsiveness.py``), at most once per check. It is called in the same transaction as
the one that stored the check: the fit check, or session feedback when the practice asks the
check at intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.responsiveness import INSTRUMENT_ID, Check, Concern, concern
from bordin.services import alerts as alert_service
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AdministrationRow,
    AlertRow,
    AppointmentRow,
    ClientRow,
    EpisodeRow,
)


@dataclass(frozen=True)
class CulturalChecks:
    episode_id: int
    client_id: int
    checks: tuple[Check, ...]
    concern: Concern | None


def checks_for(db: Session, *, episode_id: int, client_id: int) -> CulturalChecks:
    rows = db.execute(
        select(AdministrationRow, AppointmentRow.number)
        .outerjoin(AppointmentRow, AppointmentRow.id == AdministrationRow.appointment_id)
        .where(
            AdministrationRow.episode_id == episode_id,
            AdministrationRow.client_id == client_id,
            AdministrationRow.instrument_id == INSTRUMENT_ID,
            AdministrationRow.total.is_not(None),
        )
        .order_by(AdministrationRow.answered_at, AdministrationRow.id)
    ).all()
    checks = tuple(
        Check(
            answered_at=row.answered_at,
            total=float(row.total or 0),
            items={str(k): float(v) for k, v in (row.answers or {}).items() if v is not None},
            session_number=number,
        )
        for row, number in rows
    )
    return CulturalChecks(episode_id, client_id, checks, concern(checks))


def alert_if_concern(db: Session, rt: Runtime, *, episode_id: int, client_id: int) -> None:
    """Alert the therapist when the latest check is low or falling (once per check)."""
    found = checks_for(db, episode_id=episode_id, client_id=client_id)
    if found.concern is None:
        return
    latest = found.checks[-1].answered_at.isoformat()
    episode = db.get(EpisodeRow, episode_id)
    client = db.get(ClientRow, client_id)
    assert episode is not None and client is not None
    for alert in db.scalars(
        select(AlertRow).where(
            AlertRow.client_id == client_id,
            AlertRow.kind == "cultural",
            AlertRow.recipient_user_id == episode.therapist_id,
        )
    ):
        if alert.detail.get("check_answered_at") == latest:
            return
    alert_service.raise_alert(
        db,
        rt,
        recipient_user_id=episode.therapist_id,
        kind="cultural",
        severity="routine",
        summary=f"{client.pseudonym} rated cultural responsiveness "
        + ("low" if found.concern.kind == "low" else "lower than before")
        + ". See their chart and what to consider.",
        client_id=client_id,
        link=f"/clients/{client_id}#cultural-{episode_id}",
        detail={
            "episode_id": episode_id,
            "check_answered_at": latest,
            "explanation": found.concern.explanation,
        },
    )
