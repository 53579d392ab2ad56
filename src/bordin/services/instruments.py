"""Importing a practice's licensed wording, or its own instruments, from FHIR Questionnaires.

The import is tried on a scratch registry first: a file that cannot be used raises
``InvalidImport`` (naming the place in the file) and nothing is stored. A usable file stores the
item wording for the practice (``ImportedWordingRow``) and, for a questionnaire that carries its
own scoring weights, the Questionnaire itself (``CustomInstrumentRow``), which is registered
again whenever Bordin starts (:func:`load_custom_instruments`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import FieldError, InvalidImport
from bordin.domain.instruments import apply_import, builtin_registry, default_registry
from bordin.domain.instruments.base import Instrument
from bordin.domain.instruments.importing import (
    ImportedQuestionnaire,
    ImportSummary,
    match_instrument,
)
from bordin.domain.instruments.registry import Registry
from bordin.interop.fhir.bounded_json import load_bounded_json
from bordin.interop.fhir.questionnaire import read_questionnaire
from bordin.services import audit
from bordin.services.runtime import Runtime
from bordin.storage.tables import CustomInstrumentRow, ImportedWordingRow


def _parse(raw: bytes, where: str) -> dict[str, Any]:
    value = load_bounded_json(raw, field=where)
    if not isinstance(value, dict):
        raise InvalidImport([FieldError(where, "is not a JSON object")])
    return value


def _scratch_registry(db: Session, practice_id: int) -> Registry:
    registry = builtin_registry()
    for row in db.scalars(
        select(CustomInstrumentRow).where(CustomInstrumentRow.practice_id == practice_id)
    ):
        _register_stored(row, registry)
    return registry


def _register_stored(row: CustomInstrumentRow, registry: Registry) -> None:
    definition = row.definition
    imported = read_questionnaire(
        definition["questionnaire"], value_sets=definition.get("value_sets", [])
    )
    apply_import(imported, registry)


def import_questionnaire(
    db: Session,
    rt: Runtime,
    *,
    practice_id: int,
    data: bytes,
    value_sets: Sequence[bytes] = (),
    actor: Actor | None = None,
) -> ImportSummary:
    """Check and store one Questionnaire for a practice; returns what matched."""
    questionnaire = _parse(data, "file")
    sets = [_parse(v, f"value set {i + 1}") for i, v in enumerate(value_sets)]
    imported = read_questionnaire(questionnaire, value_sets=sets)
    scratch = _scratch_registry(db, practice_id)
    summary = apply_import(imported, scratch)  # raises InvalidImport; nothing stored yet
    instrument = scratch.get(summary.instrument_id)
    definition = {"questionnaire": questionnaire, "value_sets": sets}
    if summary.action == "registered_custom":
        _refuse_another_practices_measure(db, practice_id, instrument, imported, definition)
    db.execute(
        delete(ImportedWordingRow).where(
            ImportedWordingRow.practice_id == practice_id,
            ImportedWordingRow.instrument_id == instrument.id,
        )
    )
    for item in instrument.items:
        if item.text:
            db.add(
                ImportedWordingRow(
                    practice_id=practice_id,
                    instrument_id=instrument.id,
                    link_id=item.link_id,
                    text=item.text[:2000],
                    source_url=summary.url,
                    imported_at=rt.now(),
                )
            )
    if summary.action == "registered_custom":
        db.execute(
            delete(CustomInstrumentRow).where(
                CustomInstrumentRow.practice_id == practice_id,
                CustomInstrumentRow.instrument_id == instrument.id,
            )
        )
        db.add(
            CustomInstrumentRow(
                practice_id=practice_id,
                instrument_id=instrument.id,
                definition=definition,
                source_url=summary.url,
                imported_at=rt.now(),
            )
        )
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="instrument_import",
        entity_id=instrument.id,
        at=rt.now(),
        detail={"action": summary.action, "url": summary.url},
    )
    db.commit()
    if summary.action == "registered_custom":
        # A custom instrument is scored by this process at once, as after a restart. Wording
        # attached to a built-in instrument stays with the practice that imported it (it is read
        # from ImportedWordingRow), so no other practice's form ever shows it.
        apply_import(imported, default_registry())
    return summary


def _refuse_another_practices_measure(
    db: Session,
    practice_id: int,
    instrument: Instrument,
    imported: ImportedQuestionnaire,
    definition: dict[str, Any],
) -> None:
    """Refuse a custom measure that would take the place of another practice's.

    Every practice's custom measures are scored by the one registry of this process, by id
    (made from the questionnaire's name) and found again by address (its url). Another
    practice's measure with the same id and a different definition, or with the same address,
    would be replaced by this one in the middle of that practice's work: the file is refused,
    before anything is stored, and the practice is told what to change. The same file imported
    by two practices is one measure, and both may use it."""
    theirs = db.scalars(
        select(CustomInstrumentRow.definition).where(
            CustomInstrumentRow.instrument_id == instrument.id,
            CustomInstrumentRow.practice_id != practice_id,
        )
    ).all()
    if any(other != definition for other in theirs):
        raise InvalidImport(
            [
                FieldError(
                    "$.name",
                    f"another practice using this Bordin already has a different measure "
                    f"named {instrument.title!r}; give the questionnaire another name and "
                    "import it again",
                )
            ]
        )
    found = match_instrument(imported, default_registry())
    if found is not None and found[0].origin == "imported" and found[0].id != instrument.id:
        raise InvalidImport(
            [
                FieldError(
                    "$.url",
                    "another practice using this Bordin already has a measure from this "
                    "address; give the questionnaire its own url and import it again",
                )
            ]
        )


def load_custom_instruments(db: Session, registry: Registry | None = None) -> int:
    """Register every stored custom instrument (at start-up); returns how many."""
    registry = registry or default_registry()
    count = 0
    for row in db.scalars(select(CustomInstrumentRow).order_by(CustomInstrumentRow.id)):
        _register_stored(row, registry)
        count += 1
    return count
