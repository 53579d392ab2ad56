"""``bordin user add``: create a member of staff from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from bordin.cli.context import database, load_settings
from bordin.domain.errors import InvalidInput
from bordin.services import practice as practice_service
from bordin.services import users as user_service
from bordin.storage.tables import PracticeRow, UserRow

user_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)


@user_app.command("add")
def add(
    username: Annotated[str, typer.Option(help="Sign-in name: lower-case letters, digits, . _ -")],
    email: Annotated[str, typer.Option(help="Email address for alerts.")],
    name: Annotated[str, typer.Option(help="Display name, e.g. 'Dr Ada Example'.")],
    role: Annotated[str, typer.Option(help="therapist, supervisor or admin.")] = "therapist",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="At least 10 characters and not easy to guess (prompted if omitted).",
        ),
    ] = "",
    supervisor: Annotated[str | None, typer.Option(help="Username of their supervisor.")] = None,
    clinical_lead: Annotated[
        bool, typer.Option("--clinical-lead", help="Supervisor who is the clinical lead.")
    ] = False,
    practice_name: Annotated[
        str, typer.Option(help="Name of the practice, if none exists yet.")
    ] = "My practice",
) -> None:
    """Add a therapist, supervisor or admin."""
    settings = load_settings()
    from bordin.cli.context import engine_for
    from bordin.storage.migrate import upgrade

    engine = engine_for(settings)
    upgrade(engine)
    engine.dispose()
    with database(settings) as (db, rt):
        practice = db.scalar(select(PracticeRow).order_by(PracticeRow.id).limit(1))
        if practice is None:
            practice = practice_service.create_practice(db, rt, name=practice_name)
        supervisor_id = None
        if supervisor:
            supervisor_id = db.scalar(select(UserRow.id).where(UserRow.username == supervisor))
            if supervisor_id is None:
                raise InvalidInput(f"no user called {supervisor!r}", field="--supervisor")
        user = user_service.add_user(
            db,
            rt,
            practice_id=practice.id,
            username=username,
            email=email,
            display_name=name,
            role=role,
            password=password,
            supervisor_id=supervisor_id,
            is_clinical_lead=clinical_lead,
        )
        typer.echo(f"Added {user.role} {user.username} (id {user.id}).")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
