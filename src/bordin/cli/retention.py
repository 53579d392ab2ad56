"""``bordin retention run``: remove what has passed each practice's retention period."""

from __future__ import annotations

import typer

from bordin.cli.context import database, load_settings

retention_app = typer.Typer(
    help="Retention periods (set them on the Retention page).", no_args_is_help=True
)


@retention_app.command("run")
def run() -> None:
    """Remove every record that has passed its practice's retention period, and print how many
    of each kind went. The worker also does this once a day."""
    from bordin.services.retention import run_retention

    with database(load_settings()) as (db, rt):
        report = run_retention(db, rt)
    typer.echo("Removed, by kind of record:")
    for line in report.lines():
        typer.echo(f"  {line}")


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
