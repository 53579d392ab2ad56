"""The research projects page: the admin and the clinical lead start projects; only the lead
downloads, as CSV or Parquet."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bordin.domain.research import COLUMN_NAMES
from bordin.services import practice as practice_service
from bordin.services.runtime import Runtime
from bordin.storage.tables import ResearchProjectRow
from tests.fixtures.cast import Cast
from tests.integration.reports.helpers import ended_practice
from tests.web.conftest import csrf_from, sign_in


@pytest.fixture
def ended(db: Session, rt: Runtime, cast: Cast) -> Cast:
    ended_practice(db, rt, cast)
    for client in (cast.ash, cast.dale):
        practice_service.set_consent(
            db,
            rt,
            actor=cast.actor(cast.sue),
            client_id=client.id,
            purpose="research_export",
            granted=True,
        )
    return cast


def _create(web: TestClient, name: str) -> int:
    page = web.get("/practice/research")
    response = web.post(
        "/practice/research",
        data={"name": name, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    return response.status_code


def test_the_lead_starts_a_project_and_downloads_csv_and_parquet(
    web: TestClient, db: Session, ended: Cast
) -> None:
    sign_in(web, "sue")
    assert _create(web, "Alliance study") == 303
    page = web.get("/practice/research")
    assert "Alliance study" in page.text
    text = " ".join(page.text.split())
    assert "2 clients with an ended episode are left out" in text
    project = db.query(ResearchProjectRow).one()
    csv_file = web.get(f"/practice/research/{project.id}/export", params={"format": "csv"})
    assert csv_file.status_code == 200
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert csv_file.text.splitlines()[0] == ",".join(COLUMN_NAMES)
    parquet = web.get(f"/practice/research/{project.id}/export", params={"format": "parquet"})
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.column_names == list(COLUMN_NAMES)
    assert len(set(table.column("client").to_pylist())) == 2


def test_the_practice_overview_links_to_research_projects(web: TestClient, ended: Cast) -> None:
    sign_in(web, "sue")
    assert 'href="/practice/research"' in web.get("/practice").text


def test_the_admin_starts_a_project_but_never_downloads(
    web: TestClient, db: Session, ended: Cast
) -> None:
    sign_in(web, "adam")
    assert _create(web, "Waiting times") == 303
    page = web.get("/practice/research")
    assert "Waiting times" in page.text and "export?format" not in page.text
    project = db.query(ResearchProjectRow).one()
    assert web.get(f"/practice/research/{project.id}/export").status_code == 404


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_therapists_and_outsiders_get_404(
    web: TestClient, db: Session, ended: Cast, who: str
) -> None:
    sign_in(web, "sue")
    _create(web, "Alliance study")
    project = db.query(ResearchProjectRow).one()
    web.cookies.clear()
    sign_in(web, who)
    assert web.get("/practice/research").status_code == 404
    assert web.get(f"/practice/research/{project.id}/export").status_code == 404


def test_a_blank_name_is_refused_with_the_field_named_and_nothing_saved(
    web: TestClient, db: Session, ended: Cast
) -> None:
    sign_in(web, "sue")
    page = web.get("/practice/research")
    response = web.post(
        "/practice/research", data={"name": " ", "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 422
    assert "Project name" in response.text and 'href="#f-name"' in response.text
    assert db.query(ResearchProjectRow).count() == 0


def test_an_unknown_format_is_refused_naming_the_field(
    web: TestClient, db: Session, ended: Cast
) -> None:
    sign_in(web, "sue")
    _create(web, "Alliance study")
    project = db.query(ResearchProjectRow).one()
    response = web.get(f"/practice/research/{project.id}/export", params={"format": "xlsx"})
    assert response.status_code == 422 and "<strong>Format</strong>" in response.text
