"""The audit page: filters by day and by user, pages of 50, and clear messages for bad dates."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bordin.services import audit
from bordin.services.runtime import Runtime
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.web.conftest import sign_in


def _read(db: Session, rt: Runtime, cast: Cast, who: str, client_id: int, entity: str) -> None:
    user = getattr(cast, who)
    audit.record(
        db,
        actor=cast.actor(user),
        action="read",
        entity=entity,
        client_id=client_id,
        at=rt.now(),
    )
    db.commit()


def test_the_audit_trail_filters_by_day_and_by_user(
    web: TestClient, db: Session, rt: Runtime, clock: FakeClock, cast: Cast
) -> None:
    clock.advance(days=3)  # 2026-11-05
    _read(db, rt, cast, "alice", cast.ash.id, "alice_read_on_the_5th")
    clock.advance(days=3)  # 2026-11-08
    _read(db, rt, cast, "bob", cast.dale.id, "bob_read_on_the_8th")
    sign_in(web, "sue")
    one_day = web.get("/audit", params={"since": "2026-11-05", "until": "2026-11-05"}).text
    assert "alice_read_on_the_5th" in one_day and "bob_read_on_the_8th" not in one_day
    since = web.get("/audit", params={"since": "2026-11-06"}).text
    assert "bob_read_on_the_8th" in since and "alice_read_on_the_5th" not in since
    bobs = web.get("/audit", params={"user": str(cast.bob.id)}).text
    assert "bob_read_on_the_8th" in bobs and "alice_read_on_the_5th" not in bobs


def test_bad_audit_filters_are_refused_with_the_field_named(web: TestClient, cast: Cast) -> None:
    sign_in(web, "sue")
    bad = web.get("/audit", params={"since": "5/11/2026"})
    assert bad.status_code == 422
    assert "since" in bad.text and "YYYY-MM-DD" in bad.text
    backwards = web.get("/audit", params={"since": "2026-11-08", "until": "2026-11-05"})
    assert backwards.status_code == 422
    assert "until" in backwards.text and "or later" in backwards.text
    nobody = web.get("/audit", params={"user": "99999"})
    assert nobody.status_code == 422 and "choose someone from the list" in nobody.text


def test_the_audit_trail_comes_in_pages_of_fifty(
    web: TestClient, db: Session, rt: Runtime, clock: FakeClock, cast: Cast
) -> None:
    clock.advance(days=1)
    for _ in range(60):
        clock.advance(seconds=1)
        _read(db, rt, cast, "alice", cast.ash.id, "paged_view")
    sign_in(web, "sue")
    first = web.get("/audit", params={"user": str(cast.alice.id)}).text
    assert first.count("paged_view") == 50
    assert "Older events" in first and "Newer events" not in first
    second = web.get("/audit", params={"user": str(cast.alice.id), "page": "2"}).text
    assert second.count("paged_view") == 10
    assert "Newer events" in second and "Older events" not in second


def test_a_clients_audit_trail_includes_page_views_that_named_them_among_others(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    for client_ids in ([cast.ash.id, cast.dale.id], [cast.birch.id, cast.cedar.id]):
        audit.record_page_view(
            db,
            actor=cast.actor(cast.sue),
            entity=f"view_of_{client_ids[0]}_and_more",
            client_ids=client_ids,
            origin=None,
            at=rt.now(),
        )
    db.commit()
    sign_in(web, "sue")
    for client, shown, hidden in (
        (cast.dale, cast.ash, cast.birch),
        (cast.cedar, cast.birch, cast.ash),
    ):
        text = web.get("/audit", params={"client_id": str(client.id)}).text
        assert f"view_of_{shown.id}_and_more" in text
        assert f"view_of_{hidden.id}_and_more" not in text
