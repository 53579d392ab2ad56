"""``bordin triage``: classify client feedback and explain the decision.

A stable contract other tools depend on. ``bordin triage TEXT`` and ``bordin triage -`` (text on
standard input) print exactly one JSON object on stdout, whose first keys are always::

    {"class": "crisis" | "conduct" | "misalignment" | "positive" | "other",
     "severity": "urgent" | "high" | "routine",
     "route": ["therapist", "clinical_lead"],      # who should see the text
     "evidence": ["the client's own phrases, or the sentence that drove the model"],
     "risk_review": true | false,                  # possible risk: the lead reads it today
     "subcategory": "...",
     "confidence": 0.0-1.0,                        # the model's probability of the class
     ...}

followed by ``decided_by``, ``also_detected``, ``shows_crisis_help``, ``repair_prompts`` and
``client_message``. Empty text is refused with one line on stderr and exit status 2.

``bordin triage --jsonl FILE`` (or ``-`` for standard input) reads JSON lines ``{"id": ...,
"text": ...}`` and prints one JSON line per input, in order: ``{"id": ..., "class": ...}``. A
line that cannot be read prints ``{"id": ..., "error": "..."}`` in its place (and the same on
stderr); the exit status is then 2, after every line has been answered.

``--reader transformer`` (or ``BORDIN_TRIAGE_READER=transformer``) reads each text with the
opt-in transformer beside the light model, from ``--transformer-dir`` (or
``BORDIN_TRIAGE_TRANSFORMER_DIR``; unset: ``DATA_DIR/triage-transformer``).
A reader that cannot be used is refused with one line on stderr and exit status 2.

``bordin triage retrain --practice ID`` fits a practice model on the labelled texts plus the
practice's corrections, compares it with the shipped model on held-out writers, and switches
to it only if its crisis reach is no worse (see docs/triage.md). To triage the single word
"retrain", pass it on standard input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from bordin.domain.errors import InvalidInput
from bordin.domain.text import clean_text

if TYPE_CHECKING:
    from bordin.domain.triage.second_reader import SecondReader

EXIT_INVALID = 2


class Reader(StrEnum):
    """What reads the text beside the rules (settings ``triage_reader``)."""

    light = "light"
    transformer = "transformer"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("triage")(triage_command)


def _fail(message: str) -> SystemExit:
    """One line on stderr, and the exit to raise (``SystemExit`` survives ``standalone_mode``)."""
    typer.echo(f"error: {message}", err=True)
    return SystemExit(EXIT_INVALID)


def triage_command(
    text: Annotated[
        str | None,
        typer.Argument(
            help="The feedback text, in quotes, or - to read it from standard input. "
            "The word retrain, with --practice, retrains a practice's model instead.",
            show_default=False,
        ),
    ] = None,
    jsonl: Annotated[
        str | None,
        typer.Option(
            "--jsonl",
            help='Read JSON lines {"id", "text"} from FILE (or - for standard input) and print '
            "one JSON line per input, in order.",
            show_default=False,
        ),
    ] = None,
    practice: Annotated[
        int | None,
        typer.Option(
            "--practice",
            help="With retrain: the practice whose corrections to learn from.",
            show_default=False,
        ),
    ] = None,
    reader: Annotated[
        Reader,
        typer.Option(
            "--reader",
            envvar="BORDIN_TRIAGE_READER",
            help="light: Bordin's own model beside the rules; transformer: that model "
            "averaged with the optional transformer reader, once it is built.",
        ),
    ] = Reader.light,
    transformer_dir: Annotated[
        Path | None,
        typer.Option(
            "--transformer-dir",
            envvar="BORDIN_TRIAGE_TRANSFORMER_DIR",
            help="With --reader transformer: the built reader's folder "
            "(unset: DATA_DIR/triage-transformer).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Classify free-text feedback: crisis, conduct, misalignment, positive or other.

    Prints one JSON object: class, severity, route, evidence, risk_review, subcategory,
    confidence, then the details.
    """
    if text == "retrain" and jsonl is None:
        raise SystemExit(_retrain(practice))
    if jsonl is not None:
        if text is not None:
            raise _fail("give either a text or --jsonl, not both")
        raise SystemExit(_batch(jsonl, _reader(reader, transformer_dir)))
    if text is None:
        raise _fail("the feedback text is missing; pass the text in quotes, or - to read stdin")
    if text == "-":
        text = sys.stdin.read()
    text = clean_text(text)  # as the web forms do: a NUL or other control character is dropped
    if not text.strip():
        raise _fail("the feedback text is empty; pass the text in quotes, or - to read stdin")
    from bordin.domain.triage import triage as classify_feedback  # its rules compile on import

    second = _reader(reader, transformer_dir)
    try:
        result = classify_feedback(text, reader=second)
    except InvalidInput as error:
        raise _fail(str(error)) from None
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))


def _retrain(practice: int | None) -> int:
    """``bordin triage retrain --practice ID``: fit, compare, and switch only if no worse."""
    if practice is None:
        raise _fail("retrain needs --practice ID: the practice whose corrections to learn from")
    from bordin.cli.context import database, load_settings
    from bordin.services.triage_practice_model import retrain

    with database(load_settings()) as (db, rt):
        report = retrain(db, rt, practice_id=practice)
    verdict = (
        "Switched to the practice model."
        if report.switched
        else "Kept the shipped model: the practice model reached fewer crisis texts."
    )
    typer.echo(
        f"Learned from {report.corrections} corrections. On held-out writers, crisis reach "
        f"{report.crisis_reach:.3f} (shipped {report.shipped_crisis_reach:.3f}), false alarms "
        f"{report.false_alarms:.3f} (shipped {report.shipped_false_alarms:.3f}). {verdict}"
    )
    return 0


def _reader(choice: Reader, folder: Path | None) -> SecondReader | None:
    """The second reader asked for, or None; a reader that cannot be used is one error line."""
    if choice == Reader.light:
        return None
    from bordin.analytics.triage_transformer import ReaderUnavailable
    from bordin.cli.context import load_settings
    from bordin.services.triage_reader import second_reader

    overrides: dict[str, object] = {"triage_reader": choice.value}
    if folder is not None:
        overrides["triage_transformer_dir"] = folder
    try:
        return second_reader(load_settings(**overrides))
    except ReaderUnavailable as error:
        raise _fail(str(error)) from None


def _batch(source: str, reader: SecondReader | None) -> int:
    """Answer every JSON line of ``source``; 2 if any line could not be read, else 0."""
    if source == "-":
        return _answer(sys.stdin, reader)
    path = Path(source)
    if not path.is_file():
        raise _fail(f"--jsonl: there is no file {source}")
    with path.open(encoding="utf-8") as stream:
        return _answer(stream, reader)


def _answer(stream: TextIO, reader: SecondReader | None) -> int:
    status = 0
    out = sys.stdout
    for answer in answers(stream, reader):
        if "error" in answer:
            status = EXIT_INVALID
            typer.echo(f"error: {answer['error']}", err=True)
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    out.flush()
    return status


def answers(lines: Iterable[str], reader: SecondReader | None = None) -> Iterator[dict[str, Any]]:
    """One answer per non-blank line: the id, then the triage or what was wrong with the line."""
    from bordin.domain.triage import triage as classify_feedback

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            yield {"id": None, "error": f"line {number}: is not valid JSON"}
            continue
        if not isinstance(item, dict):
            yield {"id": None, "error": f"line {number}: is not an object with id and text"}
            continue
        item_id = item.get("id")
        text = item.get("text")
        if not isinstance(text, str):
            yield {"id": item_id, "error": f"line {number}: text: must be a string"}
            continue
        try:
            result = classify_feedback(clean_text(text), reader=reader)
        except InvalidInput as error:
            yield {"id": item_id, "error": f"line {number}: {error}"}
            continue
        yield {"id": item_id, **result.as_dict()}
