"""The practice overview: the admin and the clinical lead only, aggregate numbers only, no
league table, and its CSV exports."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import practice as practice_service
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow
from tests.fixtures.cast import Cast
from tests.integration.reports.helpers import ended_practice
from tests.web.conftest import sign_in

CLIENT_NAMES = ("Ash Sample", "Birch Sample", "Cedar Sample", "Dale Sample")


@pytest.fixture
def ended(db: Session, rt: Runtime, cast: Cast) -> Cast:
    ended_practice(db, rt, cast)
    return cast


@pytest.mark.parametrize("who", ["adam", "sue"])
def test_the_admin_and_the_clinical_lead_see_the_overview(
    web: TestClient, ended: Cast, who: str
) -> None:
    sign_in(web, who)
    page = web.get("/practice")
    assert page.status_code == 200
    for words in ("Dropout", "Recovery", "Reliable improvement", "95% CI", "r = 0.28"):
        assert words in page.text
    assert "not a league table" in page.text


def test_the_admin_sees_no_client_level_content(web: TestClient, ended: Cast) -> None:
    sign_in(web, "adam")
    page = web.get("/practice")
    for client in (ended.ash, ended.birch, ended.cedar, ended.dale):
        assert client.display_name not in page.text
        assert client.pseudonym not in page.text
        assert f"/clients/{client.id}" not in page.text
    assert "rows=episodes" not in page.text
    assert web.get("/practice.csv", params={"rows": "episodes"}).status_code == 404


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_therapists_get_404(web: TestClient, ended: Cast, who: str) -> None:
    sign_in(web, who)
    assert web.get("/practice").status_code == 404
    assert web.get("/practice.csv").status_code == 404
    assert web.get("/practice.csv", params={"rows": "episodes"}).status_code == 404


def test_therapists_are_listed_alphabetically_never_ranked(web: TestClient, ended: Cast) -> None:
    sign_in(web, "sue")
    text = web.get("/practice").text.split('id="therapists-h"')[1]
    assert text.index("Alice Therapist") < text.index("Bob Therapist")
    assert "Too few finished episodes" in text  # the reason there is no estimate


def test_the_therapist_table_exports_as_csv(web: TestClient, ended: Cast) -> None:
    sign_in(web, "adam")
    response = web.get("/practice.csv")
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0] == (
        "therapist,finished_episodes,adjusted_difference,ci_lower,ci_upper,"
        "overlaps_practice_mean,unit,note"
    )
    assert [line.split(",")[0] for line in lines[1:]] == ["Alice Therapist", "Bob Therapist"]
    assert not any(name in response.text for name in CLIENT_NAMES)


def _research_consents(db: Session, rt: Runtime, cast: Cast) -> None:
    """Ash agrees; Birch agrees then withdraws; Cedar never agrees; Dale withdraws and agrees
    again, so Ash and Dale hold current research consent."""
    lead = cast.actor(cast.sue)
    for client, choices in (
        (cast.ash, [True]),
        (cast.birch, [True, False]),
        (cast.dale, [True, False, True]),
    ):
        for granted in choices:
            practice_service.set_consent(
                db,
                rt,
                actor=lead,
                client_id=client.id,
                purpose="research_export",
                granted=granted,
            )


def test_the_research_export_holds_only_clients_with_current_research_consent_and_audits_them(
    web: TestClient, db: Session, rt: Runtime, ended: Cast
) -> None:
    _research_consents(db, rt, ended)
    sign_in(web, "sue")
    response = web.get("/practice.csv", params={"rows": "episodes"})
    assert response.status_code == 200
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("episode_id,client_pseudonym,therapist_id,kind,status,instrument")
    pseudonyms = {line.split(",")[1] for line in lines[1:]}
    assert pseudonyms == {ended.ash.pseudonym, ended.dale.pseudonym}
    assert not any(name in response.text for name in CLIENT_NAMES)
    exported = db.scalars(
        select(AuditEventRow.client_id).where(AuditEventRow.entity == "research_export")
    ).all()
    assert sorted(exported) == sorted([ended.ash.id, ended.dale.id])


def test_without_any_research_consent_the_export_is_empty(
    web: TestClient, db: Session, ended: Cast
) -> None:
    sign_in(web, "sue")
    lines = web.get("/practice.csv", params={"rows": "episodes"}).text.strip().splitlines()
    assert len(lines) == 1
    assert not db.scalars(
        select(AuditEventRow.id).where(AuditEventRow.entity == "research_export")
    ).all()


def test_the_page_says_how_many_clients_are_left_out_of_the_research_export(
    web: TestClient, db: Session, rt: Runtime, ended: Cast
) -> None:
    _research_consents(db, rt, ended)
    sign_in(web, "sue")
    text = " ".join(web.get("/practice").text.split())
    assert "2 clients with an ended episode are left out of the per-client file" in text
    assert "2 rows will be exported" in text


def test_an_unknown_export_is_refused_with_the_field_named(web: TestClient, ended: Cast) -> None:
    sign_in(web, "sue")
    response = web.get("/practice.csv", params={"rows": "clients"})
    assert response.status_code == 422 and "<strong>Rows</strong>" in response.text


def test_the_overview_leads_with_the_feedback_completion_rate(web: TestClient, ended: Cast) -> None:
    sign_in(web, "adam")
    page = web.get("/practice").text
    assert page.index("Feedback completion") < page.index("Episodes of care")
    found = re.search(r'<strong class="big-figure">(\d+)%</strong>[^:]*: (\d+) of (\d+)', page)
    assert found is not None
    percent, completed, expected = (int(g) for g in found.groups())
    assert expected > 0 and percent == round(100 * completed / expected)
