"""Research projects and their pseudonymised exports, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.research import COLUMN_NAMES, POOLED
from bordin.services import practice as practice_service
from bordin.services import research_projects
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow, ClientRow, ResearchProjectRow
from tests.fixtures.cast import Cast
from tests.integration.reports.helpers import ended_practice


@pytest.fixture
def ended(db: Session, rt: Runtime, cast: Cast) -> Cast:
    ended_practice(db, rt, cast)
    return cast


def _consent(db: Session, rt: Runtime, cast: Cast, client: ClientRow, granted: bool) -> None:
    practice_service.set_consent(
        db,
        rt,
        actor=cast.actor(cast.sue),
        client_id=client.id,
        purpose="research_export",
        granted=granted,
    )


def _rows(
    db: Session, rt: Runtime, cast: Cast, project: ResearchProjectRow
) -> list[dict[str, str]]:
    result = research_projects.export_project(
        db, rt, actor=cast.actor(cast.sue), project=project, file_format="csv"
    )
    return list(csv.DictReader(io.StringIO(result.content.decode("utf-8"))))


def _project(db: Session, rt: Runtime, cast: Cast, name: str) -> ResearchProjectRow:
    return research_projects.create_project(db, rt, actor=cast.actor(cast.sue), name=name)


def test_a_client_who_withdraws_research_consent_is_left_out_of_the_next_export(
    db: Session, rt: Runtime, ended: Cast
) -> None:
    for client in (ended.ash, ended.birch, ended.dale):
        _consent(db, rt, ended, client, True)
    project = _project(db, rt, ended, "Alliance study")
    before = {r["client"] for r in _rows(db, rt, ended, project)}
    assert len(before) == 3
    _consent(db, rt, ended, ended.birch, False)
    result = research_projects.export_project(
        db, rt, actor=ended.actor(ended.sue), project=project, file_format="csv"
    )
    after = {r["client"] for r in csv.DictReader(io.StringIO(result.content.decode()))}
    assert len(after) == 2 and after < before
    assert result.clients == 2 and result.left_out == 2  # Birch withdrew; Cedar never agreed


def test_pseudonyms_are_stable_across_exports_and_differ_between_projects(
    db: Session, rt: Runtime, ended: Cast
) -> None:
    _consent(db, rt, ended, ended.ash, True)
    first = _project(db, rt, ended, "Alliance study")
    second = _project(db, rt, ended, "Dropout study")
    once = _rows(db, rt, ended, first)
    again = _rows(db, rt, ended, first)
    other = _rows(db, rt, ended, second)
    assert once == again
    ash = {r["client"] for r in once}
    assert len(ash) == 1
    assert ash.isdisjoint({r["client"] for r in other})
    assert {r["episode"] for r in once}.isdisjoint({r["episode"] for r in other})
    assert ended.ash.pseudonym not in ash  # not the practice's own stored code either


def test_the_export_holds_ratings_in_the_documented_columns_with_coarse_dates(
    db: Session, rt: Runtime, ended: Cast
) -> None:
    _consent(db, rt, ended, ended.ash, True)
    rows = _rows(db, rt, ended, _project(db, rt, ended, "Alliance study"))
    assert list(rows[0]) == list(COLUMN_NAMES)
    outcome = [r for r in rows if r["measure_role"] == "outcome"]
    assert [r["score"] for r in outcome] == ["18", "14", "10", "6"]
    assert [r["rating_number"] for r in outcome] == ["1", "2", "3", "4"]
    assert {r["classification"] for r in rows} == {"recovered"}
    assert {r["instrument"] for r in rows} == {"phq9", "bordin_sac"}  # not the GAD-7
    assert outcome[0]["weeks_since_start"] == "0"
    # one client: every quasi-identifier is shared by fewer than 5 clients, so all are pooled
    for column in ("therapist", "episode_kind", "start_quarter", "end_quarter"):
        assert {r[column] for r in rows} == {POOLED}


def test_no_name_contact_detail_free_text_or_id_reaches_either_file(
    db: Session, rt: Runtime, ended: Cast
) -> None:
    for client in (ended.ash, ended.birch, ended.cedar, ended.dale):
        _consent(db, rt, ended, client, True)
    project = _project(db, rt, ended, "Alliance study")
    lead = ended.actor(ended.sue)
    csv_bytes = research_projects.export_project(
        db, rt, actor=lead, project=project, file_format="csv"
    ).content
    parquet = research_projects.export_project(
        db, rt, actor=lead, project=project, file_format="parquet"
    ).content
    table = pq.read_table(io.BytesIO(parquet))
    assert table.column_names == list(COLUMN_NAMES)
    # Parquet pages are compressed, so search the decoded values as well as the raw bytes.
    decoded = repr(table.to_pylist()).encode() + parquet
    forbidden = [project.name, "Northgate", "Alice Therapist", "Bob Therapist", "@example.org"]
    for client in (ended.ash, ended.birch, ended.cedar, ended.dale):
        forbidden += [client.display_name, client.pseudonym]
        forbidden += [client.email] if client.email else []
    for text in forbidden:
        assert text.encode() not in csv_bytes, text
        assert text.encode() not in decoded, text
    assert table.num_rows == csv_bytes.count(b"\r\n") - 1 > 0


def test_the_summary_withholds_counts_below_five(db: Session, rt: Runtime, ended: Cast) -> None:
    for client in (ended.ash, ended.birch, ended.cedar, ended.dale):
        _consent(db, rt, ended, client, True)
    result = research_projects.export_project(
        db,
        rt,
        actor=ended.actor(ended.sue),
        project=_project(db, rt, ended, "Alliance study"),
        file_format="csv",
        table="summary",
    )
    cells = list(csv.DictReader(io.StringIO(result.content.decode())))
    assert cells and all(c["clients"] == "" and c["suppressed"] == "true" for c in cells)


def test_each_export_is_audited_per_client_naming_the_project(
    db: Session, rt: Runtime, ended: Cast
) -> None:
    _consent(db, rt, ended, ended.ash, True)
    _consent(db, rt, ended, ended.dale, True)
    project = _project(db, rt, ended, "Alliance study")
    _rows(db, rt, ended, project)
    events = db.scalars(
        select(AuditEventRow).where(AuditEventRow.entity == "research_export")
    ).all()
    assert sorted(e.client_id for e in events) == sorted([ended.ash.id, ended.dale.id])
    assert {e.detail["project"] for e in events} == {"Alliance study"}
    assert (
        db.scalars(select(AuditEventRow).where(AuditEventRow.entity == "research_project"))
        .one()
        .action
        == "create"
    )


def test_the_key_is_stored_encrypted_and_never_in_the_export(
    db: Session, rt: Runtime, ended: Cast
) -> None:
    _consent(db, rt, ended, ended.ash, True)
    project = _project(db, rt, ended, "Alliance study")
    key_hex = rt.cipher.decrypt(project.key_encrypted)
    assert key_hex is not None and len(bytes.fromhex(key_hex)) == 32
    assert key_hex.encode() not in project.key_encrypted
    content = research_projects.export_project(
        db, rt, actor=ended.actor(ended.sue), project=project, file_format="csv"
    ).content
    assert key_hex.encode() not in content


@pytest.mark.parametrize("who", ["adam", "alice", "charlie"])
def test_only_the_clinical_lead_may_export(db: Session, rt: Runtime, ended: Cast, who: str) -> None:
    project = _project(db, rt, ended, "Alliance study")
    with pytest.raises(NotFound):
        research_projects.export_project(
            db, rt, actor=ended.actor(getattr(ended, who)), project=project, file_format="csv"
        )


def test_a_bad_name_or_format_is_refused_naming_the_field(
    db: Session, rt: Runtime, ended: Cast
) -> None:
    lead = ended.actor(ended.sue)
    project = _project(db, rt, ended, "Alliance study")
    with pytest.raises(InvalidInput) as taken:
        research_projects.create_project(db, rt, actor=lead, name=" Alliance  study ")
    assert taken.value.errors[0].field == "name"
    db.rollback()
    with pytest.raises(InvalidInput) as blank:
        research_projects.create_project(db, rt, actor=lead, name="   ")
    assert blank.value.errors[0].field == "name"
    with pytest.raises(InvalidInput) as bad:
        research_projects.export_project(db, rt, actor=lead, project=project, file_format="xlsx")
    assert bad.value.errors[0].field == "format"
    assert len(research_projects.list_projects(db, actor=lead)) == 1
