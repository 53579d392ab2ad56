"""``bordin triage``: classify one piece of client feedback and explain the decision.

A stable contract other tools depend on: it prints exactly one JSON object on stdout, whose
first four keys are always::

    {"class": "crisis" | "conduct" | "misalignment" | "positive" | "other",
     "severity": "urgent" | "high" | "routine",
     "route": ["therapist", "clinical_lead"],      # who should see the text
     "evidence": ["the client's own phrases that decided it"]}

followed by ``subcategory``, ``also_detected``, ``shows_crisis_help``, ``repair_prompts`` and
``client_message``. Empty text is refused with one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from bordin.domain.errors import InvalidInput
from bordin.domain.triage import triage as classify_feedback

EXIT_INVALID = 2


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("triage")(triage_command)


def _fail(message: str) -> SystemExit:
    """One line on stderr, and the exit to raise (``SystemExit`` survives ``standalone_mode``)."""
    typer.echo(f"error: {message}", err=True)
    return SystemExit(EXIT_INVALID)


def triage_command(
    text: Annotated[
        str,
        typer.Argument(
            help="The feedback text, in quotes, or - to read it from standard input.",
            show_default=False,
        ),
    ],
) -> None:
    """Classify free-text feedback: crisis, conduct, misalignment, positive or other.

    Prints one JSON object: class, severity, route, evidence, then the details.
    """
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise _fail("the feedback text is empty; pass the text in quotes, or - to read stdin")
    try:
        result = classify_feedback(text)
    except InvalidInput as error:
        raise _fail(str(error)) from None
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
