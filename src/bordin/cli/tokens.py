"""``bordin tokens``: make, list and revoke personal access tokens for the REST API."""

from __future__ import annotations

from typing import Annotated

import typer

from bordin.cli.context import database, load_settings

tokens_app = typer.Typer(
    help="Personal access tokens for the REST API (/api/v1). Staff can also manage their own "
    "on the API tokens page.",
    no_args_is_help=True,
)


@tokens_app.command("create")
def create(
    username: Annotated[str, typer.Option(help="The member of staff the token acts for.")],
    name: Annotated[str, typer.Option(help="What uses it, e.g. 'Records system'.")],
    scope: Annotated[
        list[str], typer.Option(help="read, write or admin (admins only); repeat for several.")
    ],
    days: Annotated[
        int | None, typer.Option(help="Days until it ends (1 to 366); default: until revoked.")
    ] = None,
) -> None:
    """Make a token and print it once; only a keyed hash of it is kept."""
    from bordin.services.api_tokens import create_for_username

    with database(load_settings()) as (db, rt):
        made = create_for_username(
            db, rt, username=username, name=name, scopes=scope, expires_in_days=days
        )
    typer.echo(made.secret)
    typer.echo(f"Token {made.row.id} for {username}; it is not shown again.", err=True)


@tokens_app.command("list")
def list_tokens() -> None:
    """Every token: id, owner, first characters, scopes, last use and whether it is revoked."""
    from bordin.services.api_tokens import all_tokens

    with database(load_settings()) as (db, _rt):
        rows = all_tokens(db)
    if not rows:
        typer.echo("No tokens.")
    for row, username in rows:
        used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
        state = "revoked" if row.revoked_at else "active"
        typer.echo(
            f"{row.id}\t{username}\tbordin_{row.prefix}\t{','.join(row.scopes)}\t"
            f"last used {used}\t{state}\t{row.name}"
        )


@tokens_app.command("revoke")
def revoke(token_id: Annotated[int, typer.Option(help="The token's id, from `list`.")]) -> None:
    """Revoke a token at once (recorded in the audit trail as coming from the command line)."""
    from bordin.services.api_tokens import revoke_from_command_line

    with database(load_settings()) as (db, rt):
        revoke_from_command_line(db, rt, token_id=token_id)
    typer.echo(f"Token {token_id} revoked.")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")
