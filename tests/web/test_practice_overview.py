"""The practice overview: the admin and the clinical lead only, aggregate numbers only, no
league table, and its CSV exports."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

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


def test_the_clinical_lead_exports_one_pseudonymised_row_per_client_and_it_is_audited(
    web: TestClient, db: Session, ended: Cast
) -> None:
    sign_in(web, "sue")
    response = web.get("/practice.csv", params={"rows": "episodes"})
    assert response.status_code == 200
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("episode_id,client_pseudonym,therapist_id,kind,status,instrument")
    assert len(lines) == 1 + 4
    assert ended.ash.pseudonym in response.text
    assert not any(name in response.text for name in CLIENT_NAMES)
    exported = db.scalars(
        select(AuditEventRow.client_id).where(AuditEventRow.entity == "research_export")
    ).all()
    assert set(exported) == {c.id for c in (ended.ash, ended.birch, ended.cedar, ended.dale)}
    assert len(exported) == 4


def test_an_unknown_export_is_refused_with_the_field_named(web: TestClient, ended: Cast) -> None:
    sign_in(web, "sue")
    response = web.get("/practice.csv", params={"rows": "clients"})
    assert response.status_code == 422 and "rows" in response.text
