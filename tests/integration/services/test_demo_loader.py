"""The demo practice loads through the services, with its patterns visible as signals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.services.demo import database_is_empty, load_demo_practice
from bordin.services.runtime import Runtime
from bordin.services.signals import recompute_practice
from bordin.storage.tables import (
    AdministrationRow,
    ClientRow,
    EpisodeRow,
    ParticipantRow,
    SignalRow,
    UserRow,
)
from bordin.testing.demo_practice import generate_demo_practice

TODAY = dt.date(2026, 11, 2)


def test_the_demo_practice_loads_with_its_people_episodes_and_ratings(
    db: Session, rt: Runtime
) -> None:
    assert database_is_empty(db)
    practice = generate_demo_practice(seed=7, today=TODAY)
    summary = load_demo_practice(db, rt, practice)
    assert not database_is_empty(db)
    assert (
        summary.clients
        == len(practice.clients)
        == db.scalar(select(func.count()).select_from(ClientRow))
    )
    couples = db.scalars(select(EpisodeRow.id).where(EpisodeRow.kind == "couple")).all()
    assert len(couples) == 10
    for episode_id in couples:
        partners = db.scalars(select(ParticipantRow).where(ParticipantRow.episode_id == episode_id))
        assert len(list(partners)) == 2
    lead = db.scalars(select(UserRow).where(UserRow.is_clinical_lead)).one()
    assert lead.role == "supervisor" and lead.password_hash is None and lead.is_demo
    assert summary.administrations == db.scalar(select(func.count()).select_from(AdministrationRow))


def test_planted_unrepaired_ruptures_show_up_as_signals(db: Session, rt: Runtime) -> None:
    practice = generate_demo_practice(seed=7, today=TODAY)
    summary = load_demo_practice(db, rt, practice)
    assert recompute_practice(db, rt, practice_id=summary.practice_id) > 0
    planted = [summary.episode_ids[p.episode_id] for p in practice.patterns("unrepaired_rupture")]
    assert planted
    flagged = set(
        db.scalars(
            select(SignalRow.episode_id).where(
                SignalRow.type.in_(["rupture", "rupture_unrepaired"])
            )
        )
    )
    found = sum(1 for episode_id in planted if episode_id in flagged)
    assert found / len(planted) >= 0.9
