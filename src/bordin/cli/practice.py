"""``bordin practice init`` and ``bordin clients add``: start a practice, enrol a client."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from bordin.cli.context import database, engine_for, load_settings
from bordin.domain.errors import InvalidInput
from bordin.services import enrolment, practice_setup
from bordin.services import practice as practice_service
from bordin.settings import Settings
from bordin.storage.migrate import upgrade

practice_app = typer.Typer(help="Set up the practice.", no_args_is_help=True)
clients_app = typer.Typer(help="Clients.", no_args_is_help=True)


def _migrated() -> Settings:
    settings = load_settings()
    engine = engine_for(settings)
    upgrade(engine)
    engine.dispose()
    return settings


@practice_app.command("init")
def init(
    name: Annotated[str, typer.Option(help="The practice's name, as clients will see it.")],
    admin_username: Annotated[str, typer.Option(help="Sign-in name of the first admin.")],
    admin_email: Annotated[str, typer.Option(help="The admin's email address.")],
    admin_name: Annotated[str, typer.Option(help="The admin's name, e.g. 'Ada Example'.")],
    admin_password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="At least 10 characters (prompted if omitted).",
        ),
    ] = "",
    locale: Annotated[
        str, typer.Option(help="UK, EU, US or AU: which crisis lines are shown by default.")
    ] = "UK",
    timezone: Annotated[str, typer.Option(help="Time zone, e.g. Europe/London.")] = "Europe/London",
) -> None:
    """Start a practice from nothing: the practice, its settings and its first admin.

    Refused when the database already holds a practice. Sign in as the admin afterwards to
    choose measures and crisis lines and to add staff.
    """
    settings = _migrated()
    with database(settings) as (db, rt):
        practice, admin = practice_setup.init_practice(
            db,
            rt,
            name=name,
            locale=locale,
            timezone=timezone,
            admin_username=admin_username,
            admin_email=admin_email,
            admin_name=admin_name,
            admin_password=admin_password,
        )
        typer.echo(f"Started {practice.name}. Sign in as {admin.username} at {settings.base_url}.")


@clients_app.command("add")
def add_client(
    name: Annotated[str, typer.Option(help="The client's name.")],
    therapist: Annotated[str, typer.Option(help="Username of the therapist who will see them.")],
    email: Annotated[str | None, typer.Option(help="Email, for session feedback links.")] = None,
    phone: Annotated[str | None, typer.Option(help="Telephone number.")] = None,
    kind: Annotated[str, typer.Option(help="individual or couple.")] = "individual",
    partner_name: Annotated[
        str | None, typer.Option(help="For couple work: the other partner's name.")
    ] = None,
    partner_email: Annotated[str | None, typer.Option(help="The other partner's email.")] = None,
    started_on: Annotated[
        str | None, typer.Option(help="First session date, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """Enrol a client (or a couple) and open their episode with a therapist."""
    settings = _migrated()
    try:
        start = date.fromisoformat(started_on) if started_on else None
    except ValueError:
        raise InvalidInput("use YYYY-MM-DD", field="--started-on") from None
    with database(settings) as (db, rt):
        practice = practice_service.the_practice(db)
        who = enrolment.therapist_by_username(db, practice.id, therapist)
        people = [enrolment.NewClient(name, email, phone)]
        if partner_name:
            people.append(enrolment.NewClient(partner_name, partner_email))
        done = enrolment.enrol(
            db,
            rt,
            practice_id=practice.id,
            therapist_id=who.id,
            kind=kind,
            clients=people,
            started_on=start or rt.now().date(),
        )
        names = " and ".join(c.display_name for c in done.clients)
        typer.echo(f"Enrolled {names} with {who.display_name} ({kind}).")


def register(app: typer.Typer) -> None:
    app.add_typer(practice_app, name="practice")
    app.add_typer(clients_app, name="clients")
