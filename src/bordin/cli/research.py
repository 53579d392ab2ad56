"""``bordin research``: research projects and their pseudonymised exports.

The person running the command names themselves with ``--as`` (their Bordin username), so the
same rules apply as on the page (only the clinical lead downloads) and the audit trail says who
exported; the origin is recorded as ``cli``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import NotFound

research_app = typer.Typer(
    help="Research projects and pseudonymised exports.", no_args_is_help=True
)

AsUser = Annotated[
    str,
    typer.Option("--as", help="Your Bordin username (the clinical lead, or the admin to create)."),
]


def _actor(db: Session, username: str) -> Actor:
    from bordin.services.users import actor_for_user
    from bordin.storage.tables import UserRow

    user = db.scalar(select(UserRow).where(UserRow.username == username, UserRow.is_active))
    if user is None:
        raise NotFound(f"--as: no active user called {username!r}")
    return actor_for_user(user)


@research_app.command("create")
def create(
    project: Annotated[str, typer.Option("--project", help="The new project's name.")],
    as_user: AsUser,
) -> None:
    """Start a research project with a new secret key (kept encrypted in the database)."""
    from bordin.cli.context import database, load_settings
    from bordin.services import research_projects
    from bordin.services.audit import CLI

    with database(load_settings()) as (db, rt):
        made = research_projects.create_project(
            db, rt, actor=_actor(db, as_user), name=project, origin=CLI
        )
        typer.echo(f"Started research project {made.name!r}.")


@research_app.command("export")
def export(
    project: Annotated[str, typer.Option("--project", help="The research project's name.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    as_user: AsUser,
    file_format: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    table: Annotated[
        str, typer.Option("--table", help="ratings (one row per rating) or summary (counts).")
    ] = "ratings",
) -> None:
    """Write a project's pseudonymised export: consenting clients only, every client audited.

    What is in the file: docs/research-export.md.
    """
    from bordin.cli.context import database, load_settings
    from bordin.services import research_projects
    from bordin.services.audit import CLI

    with database(load_settings()) as (db, rt):
        actor = _actor(db, as_user)
        found = research_projects.find_project(db, actor=actor, name=project)
        result = research_projects.export_project(
            db, rt, actor=actor, project=found, file_format=file_format, table=table, origin=CLI
        )
    out.write_bytes(result.content)
    typer.echo(
        f"Wrote {result.rows} rows for {result.clients} clients to {out}; "
        f"{result.left_out} clients left out (no current research consent)."
    )


def register(app: typer.Typer) -> None:
    """Add the ``research`` group to ``app``."""
    app.add_typer(research_app, name="research")
