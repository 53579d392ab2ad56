"""Rows as the API shows them (shared by several routers)."""

from __future__ import annotations

from bordin.storage.tables import AdministrationRow, AppointmentRow
from bordin.web.api.schemas import AdministrationOut, AppointmentOut


def appointment_out(row: AppointmentRow) -> AppointmentOut:
    return AppointmentOut(
        id=row.id,
        episode_id=row.episode_id,
        number=row.number,
        starts_at=row.starts_at,
        duration_minutes=row.duration_minutes,
        status=row.status,
        mode=row.mode,
    )


def administration_out(row: AdministrationRow) -> AdministrationOut:
    return AdministrationOut(
        id=row.id,
        client_id=row.client_id,
        episode_id=row.episode_id,
        appointment_id=row.appointment_id,
        instrument_id=row.instrument_id,
        instrument_version=row.instrument_version,
        answered_at=row.answered_at,
        answers=dict(row.answers),
        total=row.total,
        subscales=dict(row.subscales),
        band=row.band,
        cutoff_exceeded=row.cutoff_exceeded,
        risk_items=[str(i) for i in row.risk_items],
        prorated=row.prorated,
        source=row.source,
    )
