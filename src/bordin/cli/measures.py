"""CLI commands for measures: ``bordin score``, ``bordin change`` and ``bordin instruments``.

``score`` and ``change`` are a stable contract that other tools depend on: each prints exactly
one JSON object on stdout. ``score`` reports invalid answers as ``{"valid": false, "errors":
[...]}`` and exits with status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from bordin.domain.errors import BordinError, FieldError, InvalidInput
from bordin.domain.instruments import (
    Instrument,
    apply_import,
    classify_change,
    default_registry,
    get_instrument,
    reliable_change_threshold,
    score,
)
from bordin.domain.instruments.change import clinical_threshold
from bordin.domain.instruments.importing import ImportSummary
from bordin.interop.fhir.questionnaire import load_questionnaire_file

EXIT_INVALID = 2

instruments_app = typer.Typer(
    name="instruments",
    help="List, show and import instrument definitions.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("score")(score_command)
    app.command("change")(change_command)
    app.add_typer(instruments_app, name="instruments")


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False))


def _fail(message: str) -> SystemExit:
    """One line on stderr, and the exit to raise.

    ``SystemExit`` rather than ``typer.Exit``: the entry point runs Click with
    ``standalone_mode=False``, which turns ``typer.Exit`` into a return value and loses the code.
    """
    typer.echo(f"error: {message}", err=True)
    return SystemExit(EXIT_INVALID)


def parse_answers(
    text: str, instrument: Instrument
) -> tuple[list[int | float | None], list[FieldError]]:
    """Split ``1,0,,2`` into values in item order; an empty value is a missing answer."""
    values: list[int | float | None] = []
    errors: list[FieldError] = []
    parts = text.split(",") if text.strip() else []
    for position, part in enumerate(parts, start=1):
        part = part.strip()
        field = (
            instrument.items[position - 1].link_id
            if position <= len(instrument.items)
            else f"answer {position}"
        )
        if not part:
            values.append(None)
            continue
        try:
            number = float(part)
        except ValueError:
            errors.append(FieldError(field, f"item {position}: {part!r} is not a number"))
            values.append(None)
            continue
        values.append(int(number) if number.is_integer() and "." not in part else number)
    return values, errors


def score_command(
    instrument_id: Annotated[str, typer.Argument(help="Instrument id, e.g. phq9, srs, core10.")],
    answers: Annotated[
        str,
        typer.Option(
            "--answers",
            help="Item values in item order, comma-separated; leave a value empty for a "
            "missing item (e.g. 1,0,,2).",
        ),
    ],
) -> None:
    """Score one set of answers and print the result as one JSON object.

    Prints {"valid": true, "instrument", "total", "subscales", "band", "cutoff_exceeded",
    "risk_items", "prorated"}. For the CORE-10, "total" is the clinical score. Invalid answers
    print {"valid": false, "errors": [...]} and exit with status 2.
    """
    try:
        instrument = get_instrument(instrument_id)
    except BordinError as error:
        _print_json({"valid": False, "errors": [{"field": "instrument", "message": str(error)}]})
        raise SystemExit(EXIT_INVALID) from None
    values, errors = parse_answers(answers, instrument)
    if errors:
        _print_json({"valid": False, "errors": [e.as_dict() for e in errors]})
        raise SystemExit(EXIT_INVALID)
    try:
        result = score(instrument, values)
    except InvalidInput as refused:
        _print_json({"valid": False, "errors": [e.as_dict() for e in refused.errors]})
        raise SystemExit(EXIT_INVALID) from None
    _print_json({"valid": True, **result.as_dict()})


def change_command(
    instrument_id: Annotated[str, typer.Argument(help="Instrument id, e.g. phq9.")],
    before: Annotated[float, typer.Option("--before", help="The earlier score.")],
    after: Annotated[float, typer.Option("--after", help="The later score.")],
) -> None:
    """Classify the change between two scores (reliable change, clinically significant change).

    Prints {"delta", "reliable", "direction": "improved"|"deteriorated"|"none",
    "classification": "recovered"|"reliably_improved"|"no_reliable_change"|
    "reliably_deteriorated"} plus the thresholds used.
    """
    try:
        change = classify_change(get_instrument(instrument_id), _number(before), _number(after))
    except BordinError as error:
        raise _fail(str(error)) from None
    data = change.as_dict()
    _print_json(
        {
            "delta": data.pop("delta"),
            "reliable": data.pop("reliable"),
            "direction": data.pop("direction"),
            "classification": data.pop("classification"),
            **data,
        }
    )


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@instruments_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the registered instruments."""
    instruments = default_registry().all()
    if as_json:
        _print_json([_summary(instrument) for instrument in instruments])
        return
    typer.echo(f"{'id':<12} {'kind':<9} {'items':>5}  {'range':<8} {'cut-off':<8} title")
    for instrument in instruments:
        cutoff = "-" if instrument.cutoff is None else f"{instrument.cutoff:g}"
        span = f"{instrument.score_min:g}-{instrument.score_max:g}"
        typer.echo(
            f"{instrument.id:<12} {instrument.kind:<9} {len(instrument.items):>5}  "
            f"{span:<8} {cutoff:<8} {instrument.title}"
        )


@instruments_app.command("show")
def show_command(
    instrument_id: Annotated[str, typer.Argument(help="Instrument id, e.g. phq9.")],
) -> None:
    """Show one instrument's definition (scoring rules, items, licence) as JSON."""
    try:
        instrument = get_instrument(instrument_id)
    except BordinError as error:
        raise _fail(str(error)) from None
    _print_json(describe(instrument))


@instruments_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="A FHIR Questionnaire (or Bundle) JSON file.")],
    value_set: Annotated[
        list[Path] | None,
        typer.Option(
            "--value-set",
            help="A ValueSet JSON file the Questionnaire's answer lists point to (repeatable).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Only check the file and print what would match."),
    ] = False,
) -> None:
    """Import wording (or a custom instrument) from a FHIR Questionnaire into the practice's
    database, and print what matched. Nothing is stored when the file is refused.
    """
    try:
        if check:
            imported = load_questionnaire_file(path, value_set_paths=value_set or [])
            summary = apply_import(imported, default_registry().copy())
        else:
            summary = _import_into_database(path, value_set or [])
    except OSError as error:
        raise _fail(f"cannot read {error.filename}: {error.strerror}") from None
    except InvalidInput as refused:
        _print_json({"valid": False, "errors": [e.as_dict() for e in refused.errors]})
        raise SystemExit(EXIT_INVALID) from None
    _print_json({"valid": True, **summary.as_dict()})


def _import_into_database(path: Path, value_sets: list[Path]) -> ImportSummary:
    from bordin.cli.context import database, engine_for, load_settings
    from bordin.services.instruments import import_questionnaire
    from bordin.services.practice import the_practice
    from bordin.storage.migrate import upgrade

    settings = load_settings()
    engine = engine_for(settings)
    upgrade(engine)
    engine.dispose()
    data, sets = path.read_bytes(), [p.read_bytes() for p in value_sets]
    with database(settings) as (db, rt):
        practice = the_practice(db)
        return import_questionnaire(db, rt, practice_id=practice.id, data=data, value_sets=sets)


def _summary(instrument: Instrument) -> dict[str, Any]:
    return {
        "id": instrument.id,
        "version": instrument.version,
        "title": instrument.title,
        "kind": instrument.kind,
        "items": len(instrument.items),
        "score_min": instrument.score_min,
        "score_max": instrument.score_max,
        "direction": instrument.direction,
        "cutoff": instrument.cutoff,
        "reliable_change": reliable_change_threshold(instrument),
        "origin": instrument.origin,
        "has_wording": instrument.has_wording,
    }


def describe(instrument: Instrument) -> dict[str, Any]:
    """Everything about an instrument's scoring, as JSON-ready data (no licensed wording)."""
    clinical = clinical_threshold(instrument)
    licence = instrument.licence
    return {
        **_summary(instrument),
        "short_title": instrument.short_title,
        "description": instrument.description,
        "score_label": instrument.score_label,
        "cutoff_inclusive": instrument.cutoff_inclusive,
        "clinical_threshold": None if clinical is None else round(clinical[0], 2),
        "clinical_method": None if clinical is None else clinical[1],
        "prorate": instrument.prorate,
        "max_missing": instrument.max_missing,
        "dimensions": {k: list(v) for k, v in instrument.dimensions.items()},
        "risk_items": list(instrument.risk_items),
        "bands": [
            {"label": band.label, "lower": band.lower, "upper": band.upper}
            for band in instrument.bands
        ],
        "code": instrument.code,
        "total_code": instrument.total_code,
        "items_detail": [
            {
                "link_id": item.link_id,
                "number": item.number,
                "code": item.code,
                "min": item.min_value,
                "max": item.max_value,
                "scored": item.scored,
                "reverse": item.reverse,
                "risk": item.risk,
                "required": item.required,
                "dimension": item.dimension,
                "has_text": item.text is not None,
            }
            for item in instrument.items
        ],
        "free_text": [prompt.link_id for prompt in instrument.free_text],
        "licence": None
        if licence is None
        else {"name": licence.name, "summary": licence.summary, "url": licence.url},
        "citation": instrument.citation,
        "questionnaire_url": instrument.questionnaire.url if instrument.questionnaire else None,
    }
