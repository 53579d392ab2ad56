"""``bordin demo``: build the synthetic demo practice into the configured database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated

import typer
from sqlalchemy import Engine

from bordin.cli.context import database, engine_for, load_settings
from bordin.domain.errors import Conflict
from bordin.settings import Settings
from bordin.storage.migrate import upgrade


def build_demo(settings: Settings, *, seed: int, today: dt.date | None = None) -> str:
    """Generate and load the demo practice; refuses a database that already holds a practice."""
    from bordin.demo import generate_demo_practice
    from bordin.services.demo import build_demo_practice, database_is_empty

    with database(settings) as (db, rt):
        if today is not None:
            # The practice as it stands at 09:00 UTC on that day: signals, alerts and concerns
            # are dated as if the clock said so (the tests' fake clock starts there too).
            moment = dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)
            rt = dataclasses.replace(rt, now=lambda: moment)
        if not database_is_empty(db):
            raise Conflict(
                "the database already holds a practice; the demo needs an empty one "
                "(point BORDIN_DATA_DIR or BORDIN_DATABASE_URL elsewhere)"
            )
        practice = generate_demo_practice(seed=seed, today=today or rt.now().date())
        built = build_demo_practice(db, rt, practice)
    summary = built.load
    return (
        f"Demo practice '{practice.name}' loaded: {summary.staff} staff, "
        f"{summary.clients} clients, {summary.episodes} episodes, {summary.sessions} "
        f"sessions, {summary.administrations} ratings, {built.signals} signals, "
        f"{built.alerts} alerts."
    )


def seed_if_empty(settings: Settings, engine: Engine) -> None:
    from bordin.services.demo import database_is_empty
    from bordin.storage.database import make_session_factory

    session = make_session_factory(engine)()
    try:
        empty = database_is_empty(session)
    finally:
        session.close()
    if empty:
        typer.echo("The database is empty: building the demo practice (takes a minute or two)…")
        typer.echo(build_demo(settings, seed=7))


def demo(
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed and date give the same practice.")
    ] = 7,
    today: Annotated[
        str | None,
        typer.Option(help="Date to build the practice as of (YYYY-MM-DD); default today."),
    ] = None,
) -> None:
    """Build the synthetic demo practice (8 therapists, about 300 clients) into an empty
    database. Everyone in it is made up; see docs/demo-practice.md."""
    settings = load_settings()
    engine = engine_for(settings)
    upgrade(engine)
    engine.dispose()
    day = None
    if today is not None:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            from bordin.domain.errors import InvalidInput

            raise InvalidInput("must be a date like 2026-11-22", field="--today") from None
    typer.echo(build_demo(settings, seed=seed, today=day))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
