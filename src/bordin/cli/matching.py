"""``bordin match --from-json FILE``: check matching offline, without a database.

A stable contract other tools depend on. It reads one JSON file of ``therapists`` and
``clients`` (format: ``bordin.domain.matching.reading``; docs/matching.md) and prints one JSON
line per client, in the file's order::

    {"client_id": <as given>,
     "matches": [{"therapist_id": <as given>, "score": 0.0-1.0, "reasons": ["..."]}],
     "unmatched_reason": null | "which requirement ruled out how many therapists"}

Matches are best first, ties broken by therapist id (numbers in order, then strings). Each
client is matched on their own: capacity is not shared out between the clients in one file, as
a person confirms each match and the open slots are counted again then. A file that cannot be
read or breaks the format gives one line on stderr naming the field, and exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bordin.domain.errors import InvalidInput
from bordin.domain.matching import propose_all, read_file

EXIT_INVALID = 2


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("match")(match_command)


def _fail(message: str) -> SystemExit:
    typer.echo(f"error: {message}", err=True)
    return SystemExit(EXIT_INVALID)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def load(path: str) -> object:
    """The parsed file (``-`` reads standard input); a problem is one line and exit 2."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(f"{path}: no such file") from None
    except IsADirectoryError:
        raise _fail(f"{path}: is a folder, not a file") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise _fail(f"{path}: cannot be read ({reason})") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise _fail(
            f"{path}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except ValueError as error:
        raise _fail(f"{path}: not valid JSON ({error})") from None


def match_command(
    from_json: Annotated[
        str,
        typer.Option(
            "--from-json",
            help="A JSON file with 'therapists' and 'clients', as the matching guide describes, "
            "or - to read standard input.",
            show_default=False,
        ),
    ],
    top: Annotated[
        int | None,
        typer.Option("--top", min=1, help="Show at most this many matches per client."),
    ] = None,
) -> None:
    """Propose therapists for each client in a file, best first, with reasons.

    Prints one JSON line per client: client_id, matches (therapist_id, score, reasons) and
    unmatched_reason. Hard constraints (conflicts of interest, capacity, language, mode and
    location, a common time, funding, a required gender) are never broken. Each client is
    matched independently: capacity is not shared out between clients in the file.
    """
    data = load(from_json)
    try:
        therapists, clients = read_file(data)
    except InvalidInput as error:
        raise _fail(str(error)) from None
    for result in propose_all(clients, therapists, limit=top):
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
