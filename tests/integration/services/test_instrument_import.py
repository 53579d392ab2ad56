"""Importing a practice's licensed wording from a FHIR Questionnaire, stored or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidImport
from bordin.domain.instruments import default_registry
from bordin.services.feedback_form import item_labels
from bordin.services.instruments import import_questionnaire
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow, CustomInstrumentRow, ImportedWordingRow
from tests.fixtures.cast import Cast


def test_imported_gad7_wording_is_stored_for_the_practice(
    db: Session, rt: Runtime, cast: Cast, shared_data: Path
) -> None:
    data = (shared_data / "fhir" / "pco__Questionnaire-GAD7.json").read_bytes()
    summary = import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)
    assert (summary.action, summary.instrument_id) == ("attached_wording", "gad7")
    rows = db.scalars(
        select(ImportedWordingRow).where(ImportedWordingRow.practice_id == cast.practice.id)
    ).all()
    assert sorted(r.link_id for r in rows) == [f"q{i}" for i in range(1, 8)]
    assert all(r.text.strip() for r in rows)
    assert (
        db.scalars(select(AuditEventRow).where(AuditEventRow.entity == "instrument_import"))
        .one()
        .entity_id
        == "gad7"
    )


def test_importing_twice_replaces_rather_than_duplicates(
    db: Session, rt: Runtime, cast: Cast, shared_data: Path
) -> None:
    data = (shared_data / "fhir" / "lforms__R4__phq9.json").read_bytes()
    import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)
    import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)
    rows = db.scalars(
        select(ImportedWordingRow.link_id).where(ImportedWordingRow.instrument_id == "phq9")
    ).all()
    assert len(rows) == len(set(rows)) >= 9


@pytest.mark.parametrize(
    "name",
    [
        "uscore__Observation-PHQ9-item-example-44261-6.json",
        "mii__ValueSet-mii-vs-pro-phq-9-answer-list-ll358-3.json",
    ],
)
def test_a_file_that_is_not_a_questionnaire_stores_nothing(
    db: Session, rt: Runtime, cast: Cast, shared_data: Path, name: str
) -> None:
    with pytest.raises(InvalidImport, match="not a Questionnaire"):
        import_questionnaire(
            db, rt, practice_id=cast.practice.id, data=(shared_data / "fhir" / name).read_bytes()
        )
    assert db.scalars(select(ImportedWordingRow)).all() == []
    assert db.scalars(select(CustomInstrumentRow)).all() == []


def test_broken_json_is_refused_with_its_place(db: Session, rt: Runtime, cast: Cast) -> None:
    with pytest.raises(InvalidImport) as refused:
        import_questionnaire(db, rt, practice_id=cast.practice.id, data=b'{"resourceType": ')
    assert refused.value.errors[0].field == "file"
    assert db.scalars(select(ImportedWordingRow)).all() == []


@pytest.mark.parametrize(
    "data",
    [
        b'{"resourceType": "Questionnaire", "item": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'{"resourceType": "Questionnaire", "item": [{"linkId": "a", "type": "choice",'
        b' "answerOption": [{"valueInteger": ' + b"9" * 400 + b"}]}]}",
    ],
)
def test_a_deeply_nested_or_huge_number_file_is_refused_and_stores_nothing(
    db: Session, rt: Runtime, cast: Cast, data: bytes
) -> None:
    with pytest.raises(InvalidImport, match=r"nests more than 64 levels|number too large"):
        import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)
    assert db.scalars(select(ImportedWordingRow)).all() == []
    assert db.scalars(select(CustomInstrumentRow)).all() == []


def test_wording_one_practice_imports_never_reaches_another_practice(
    db: Session, rt: Runtime, cast: Cast, shared_data: Path
) -> None:
    data = (shared_data / "fhir" / "lforms__R4__phq9.json").read_bytes()
    import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)
    phq9 = default_registry().get("phq9")
    assert not any(item.text for item in phq9.items)
    theirs = item_labels(db, cast.practice.id, phq9)
    ours = item_labels(db, cast.other_practice.id, phq9)
    assert theirs["q1"] != "Interest and pleasure (item 1)"
    assert ours["q1"] == "Interest and pleasure (item 1)"
