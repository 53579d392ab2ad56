"""The demo practice loads through the services, with its patterns visible as signals, its
alerts and concerns of a plausible age, and one client offered for one-click sign-in.

The practice is the one ``bordin demo --today 2026-11-02`` built for this test run
(tests/fixtures/demo.py), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from bordin.demo import DemoPractice, generate_demo_practice
from bordin.services.demo import ALERTS_SEEN_AFTER, CONCERNS_HANDLED_AFTER, database_is_empty
from bordin.services.signals import recompute_practice
from bordin.storage.tables import (
    AdministrationRow,
    AlertRow,
    ClientRow,
    ConcernRow,
    EpisodeRow,
    ParticipantRow,
    SignalRow,
    UserRow,
)
from tests.fixtures.demo import DEMO_SEED, DEMO_TODAY, DemoDatabase


@pytest.fixture(scope="module")
def practice() -> DemoPractice:
    return generate_demo_practice(seed=DEMO_SEED, today=DEMO_TODAY)


def test_the_demo_practice_loads_with_its_people_episodes_and_ratings(
    demo: DemoDatabase, practice: DemoPractice
) -> None:
    db = demo.db
    assert not database_is_empty(db)
    assert len(practice.clients) == db.scalar(select(func.count()).select_from(ClientRow))
    couples = db.scalars(select(EpisodeRow.id).where(EpisodeRow.kind == "couple")).all()
    assert len(couples) == practice.params.n_couples
    for episode_id in couples:
        partners = db.scalars(select(ParticipantRow).where(ParticipantRow.episode_id == episode_id))
        assert len(list(partners)) == 2
    lead = db.scalars(select(UserRow).where(UserRow.is_clinical_lead)).one()
    assert lead.role == "supervisor" and lead.password_hash is None and lead.is_demo
    given = sum(len(s.administrations) for e in practice.episodes for s in e.sessions)
    assert given == db.scalar(select(func.count()).select_from(AdministrationRow))


def test_planted_unrepaired_ruptures_show_up_as_signals(
    demo: DemoDatabase, practice: DemoPractice
) -> None:
    db = demo.db
    demo.as_loaded()
    assert recompute_practice(db, demo.rt, practice_id=demo.practice_id) > 0
    planted = [demo.episode_ids[p.episode_id] for p in practice.patterns("unrepaired_rupture")]
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


def test_alerts_are_dated_at_the_session_that_raised_them_and_old_ones_were_seen(
    demo: DemoDatabase,
) -> None:
    now = demo.rt.now()
    alerts = demo.db.scalars(select(AlertRow)).all()
    assert alerts
    ages = [now - a.created_at for a in alerts]
    assert all(age >= dt.timedelta(0) for age in ages)
    assert any(age > ALERTS_SEEN_AFTER for age in ages), "some alerts are weeks old"
    assert any(age <= ALERTS_SEEN_AFTER for age in ages), "some alerts are recent"
    for alert, age in zip(alerts, ages, strict=True):
        seen = alert.read_at is not None and alert.acknowledged_at is not None
        assert seen == (age > ALERTS_SEEN_AFTER), alert.id
    # Only episodes still in progress raise alerts.
    active = set(demo.db.scalars(select(EpisodeRow.id).where(EpisodeRow.status == "active")))
    assert {a.detail["episode_id"] for a in alerts} <= active


def test_old_concerns_were_handled_by_the_clinical_lead_and_recent_ones_are_open(
    demo: DemoDatabase,
) -> None:
    now = demo.rt.now()
    lead = demo.db.scalars(select(UserRow).where(UserRow.is_clinical_lead)).one()
    concerns = demo.db.scalars(select(ConcernRow)).all()
    assert concerns
    for concern in concerns:
        old = now - concern.received_at > CONCERNS_HANDLED_AFTER
        assert (concern.status == "handled") == old
        if old:
            assert concern.handled_by_user_id == lead.id
            assert concern.handled_at is not None and concern.handled_at < now


def test_exactly_one_client_is_offered_for_one_click_sign_in(
    demo: DemoDatabase, practice: DemoPractice
) -> None:
    offered = demo.db.scalars(select(ClientRow).where(ClientRow.is_demo)).all()
    assert [c.pseudonym for c in offered] == [
        c.client_id for c in practice.clients if c.offers_sign_in
    ]
    assert Counter(c.is_demo for c in demo.db.scalars(select(ClientRow)))[True] == 1
