"""The supervision page: supervisors only, supervisees by urgency, concerns for the lead only,
and its CSV export."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.services import users as user_service
from bordin.services.concerns import raise_concern
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow, ConcernRow
from tests.fixtures.cast import PASSWORD, Cast
from tests.integration.reports.helpers import put_signals, signal
from tests.web.conftest import sign_in

CONCERN = "My therapist told my neighbour what we talked about in our sessions."


@pytest.fixture
def flagged(db: Session, rt: Runtime, cast: Cast) -> Cast:
    put_signals(
        db,
        rt,
        cast.ash_episode.id,
        signal(
            cast.ash_episode.id,
            "not_on_track",
            client_id=cast.ash.id,
            sentence="PHQ-9 is amber in session 3: 16 against an expected 11.",
        ),
    )
    put_signals(
        db,
        rt,
        cast.dale_episode.id,
        signal(
            cast.dale_episode.id, "risk", severity="urgent", status="open", client_id=cast.dale.id
        ),
    )
    actor = Actor(practice_id=cast.practice.id, role=Role.CLIENT, client_id=cast.ash.id)
    raise_concern(db, rt, text=CONCERN, actor=actor)
    return cast


def _vic(db: Session, rt: Runtime, cast: Cast) -> None:
    """A supervisor who is not the clinical lead, supervising Bob."""
    vic = user_service.add_user(
        db,
        rt,
        practice_id=cast.practice.id,
        username="vic",
        email="vic@example.org",
        display_name="Vic Supervisor",
        role="supervisor",
        password=PASSWORD,
    )
    cast.bob.supervisor_id = vic.id  # set-up only
    db.commit()


def test_the_supervisor_sees_supervisees_with_the_most_urgent_first(
    web: TestClient, flagged: Cast
) -> None:
    sign_in(web, "sue")
    page = web.get("/supervision")
    assert page.status_code == 200
    text = page.text.split('class="responsive supervision-table"')[1]  # after the filter
    assert text.index("Bob Therapist") < text.index("Alice Therapist")  # Bob has a risk signal
    assert "PHQ-9 is amber in session 3" in text
    assert f'href="/clients/{flagged.ash.id}"' in text
    assert "nothing here is a ranking" in page.text


def test_the_clinical_lead_sees_concern_counts_and_the_latest_and_the_read_is_audited(
    web: TestClient, db: Session, flagged: Cast
) -> None:
    sign_in(web, "sue")
    page = web.get("/supervision")
    assert "Conduct concerns" in page.text and CONCERN in page.text
    assert 'href="/concerns' in page.text
    concern = db.scalars(select(ConcernRow)).one()
    reads = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.entity == "concern", AuditEventRow.action == "read"
        )
    ).all()
    assert [(r.actor_user_id, r.entity_id) for r in reads] == [(flagged.sue.id, str(concern.id))]


def test_another_supervisor_never_sees_concerns(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, flagged: Cast
) -> None:
    _vic(db, rt, flagged)
    web = make_client()
    sign_in(web, "vic")
    page = web.get("/supervision")
    assert page.status_code == 200
    assert "Bob Therapist" in page.text and "Alice Therapist" not in page.text
    assert "Conduct concerns" not in page.text and CONCERN not in page.text
    assert "/concerns" not in page.text.split("<main")[1]


@pytest.mark.parametrize("who", ["alice", "bob", "adam", "charlie"])
def test_therapists_and_admins_get_404(web: TestClient, flagged: Cast, who: str) -> None:
    sign_in(web, who)
    assert web.get("/supervision").status_code == 404
    assert web.get("/supervision.csv").status_code == 404
    assert CONCERN not in web.get("/supervision").text


def test_the_page_can_be_filtered_to_one_supervisee(web: TestClient, flagged: Cast) -> None:
    sign_in(web, "sue")
    page = web.get("/supervision", params={"therapist": flagged.alice.id})
    main = page.text.split("<main")[1]
    assert "Ash Sample" in main and "Dale Sample" not in main
    assert web.get("/supervision", params={"therapist": flagged.charlie.id}).status_code == 404
    wrong = web.get("/supervision", params={"therapist": "bob"})
    assert wrong.status_code == 422 and "<strong>Therapist</strong>" in wrong.text


def test_the_table_exports_as_csv_with_counts_only(web: TestClient, flagged: Cast) -> None:
    sign_in(web, "sue")
    response = web.get("/supervision.csv")
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0] == (
        "therapist,active_episodes,active_clients,needs_attention,open_ruptures,"
        "unrepaired_ruptures,not_on_track,split_alliance,risk,most_urgent"
    )
    assert lines[1].startswith("Bob Therapist,1,1,1,") and lines[1].endswith(",urgent")
    assert "Ash Sample" not in response.text and CONCERN not in response.text


def test_the_clients_list_exports_with_pseudonyms_not_names(web: TestClient, flagged: Cast) -> None:
    sign_in(web, "sue")
    response = web.get("/supervision.csv", params={"rows": "clients"})
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("therapist,episode_id,clients,kind,urgency,signals")
    assert len(lines) == 1 + 2
    assert flagged.ash.pseudonym in response.text and "Ash Sample" not in response.text
    assert CONCERN not in response.text
    assert web.get("/supervision.csv", params={"rows": "everything"}).status_code == 422


def _views(db: Session, entity: str) -> list[AuditEventRow]:
    return list(db.scalars(select(AuditEventRow).where(AuditEventRow.entity == entity)))


def test_each_supervision_view_is_audited_once_naming_the_clients_shown(
    web: TestClient, db: Session, flagged: Cast
) -> None:
    sign_in(web, "sue")
    assert web.get("/supervision").status_code == 200
    assert web.get("/supervision.csv", params={"rows": "clients"}).status_code == 200
    assert web.get("/supervision.csv").status_code == 200  # counts only: names no client
    for entity in ("supervision", "supervision_export"):
        [event] = _views(db, entity)
        assert (event.action, event.actor_user_id) == ("read", flagged.sue.id)
        assert event.detail["client_ids"] == sorted([flagged.ash.id, flagged.dale.id])
