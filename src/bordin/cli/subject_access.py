"""``bordin clients export``: everything held about one client, for a subject access request."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bordin.cli.context import database, load_settings
from bordin.cli.practice import clients_app

SUFFIXES = {".zip": "archive", ".pdf": "pdf", ".html": "html", ".htm": "html"}


def export(
    client_id: Annotated[int, typer.Option(help="The client's record number (as on their page).")],
    out: Annotated[Path, typer.Option(help="File to write, e.g. record.zip, record.pdf.")],
    form: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="archive (zip: data.json, FHIR R4B Bundle, summary), pdf or html. "
            "Default: from the file's ending, else archive.",
        ),
    ] = None,
) -> None:
    """Export everything held about one client (a subject access request). The export is
    recorded in the client's audit trail as coming from the command line."""
    from bordin.services.subject_access import export_from_command_line

    form = form or SUFFIXES.get(out.suffix.lower(), "archive")
    with database(load_settings()) as (db, rt):
        done = export_from_command_line(db, rt, client_id=client_id, form=form)
    out.write_bytes(done.content)
    typer.echo(f"Wrote the {form} for client {client_id} to {out} ({len(done.content)} bytes).")


def register(app: typer.Typer) -> None:
    """Adds ``export`` to the ``clients`` group that ``cli/practice.py`` registers."""
    clients_app.command("export")(export)
