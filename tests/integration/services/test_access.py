"""Who may see whom, decided in one place, with every read audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import NotFound
from bordin.services.access import get_client_for_user, visible_client_ids
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow
from tests.fixtures.cast import Cast


def test_a_therapist_sees_their_own_client_and_the_read_is_audited(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    client = get_client_for_user(db, rt, cast.actor(cast.alice), cast.ash.id)
    db.commit()
    assert client.id == cast.ash.id
    event = db.scalars(select(AuditEventRow).where(AuditEventRow.action == "read")).one()
    assert (event.actor_user_id, event.client_id) == (cast.alice.id, cast.ash.id)


@pytest.mark.parametrize("who", ["bob", "adam", "charlie"])
def test_anyone_else_gets_not_found_for_alices_client(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    with pytest.raises(NotFound):
        get_client_for_user(db, rt, cast.actor(getattr(cast, who)), cast.ash.id)


def test_a_supervisor_sees_every_supervisees_client(db: Session, rt: Runtime, cast: Cast) -> None:
    visible = set(db.scalars(visible_client_ids(cast.actor(cast.sue))))
    assert visible == {cast.ash.id, cast.birch.id, cast.cedar.id, cast.dale.id}


def test_a_therapist_lists_only_their_own_clients(db: Session, cast: Cast) -> None:
    assert set(db.scalars(visible_client_ids(cast.actor(cast.alice)))) == {
        cast.ash.id,
        cast.birch.id,
        cast.cedar.id,
    }
    assert set(db.scalars(visible_client_ids(cast.actor(cast.charlie)))) == {cast.zed.id}


def test_an_admin_sees_no_clinical_records(db: Session, cast: Cast) -> None:
    assert list(db.scalars(visible_client_ids(cast.actor(cast.adam)))) == []


def test_a_refused_read_leaves_no_audit_event(db: Session, rt: Runtime, cast: Cast) -> None:
    before = len(db.scalars(select(AuditEventRow)).all())
    with pytest.raises(NotFound):
        get_client_for_user(db, rt, cast.actor(cast.bob), cast.ash.id)
    db.commit()
    assert len(db.scalars(select(AuditEventRow)).all()) == before
