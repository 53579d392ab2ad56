"""``bordin serve`` and ``bordin db upgrade``."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from bordin.cli.context import engine_for, load_settings
from bordin.storage.migrate import upgrade

db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)


def serve(
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Demo mode: seed the synthetic practice "
            "if the database is empty, and offer one-click sign-in "
            "as each demo person.",
        ),
    ] = False,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker",
            help="Also run the job worker (reminders, feedback links, digest, signals) in "
            "this process; Ctrl-C stops both.",
        ),
    ] = False,
) -> None:
    """Serve the Bordin web app (migrating the database first)."""
    import uvicorn

    from bordin.web.app import create_app

    settings = load_settings(demo_mode=True) if demo else load_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    engine = engine_for(settings)
    upgrade(engine)
    if demo:
        from bordin.cli.demo import seed_if_empty

        seed_if_empty(settings, engine)
    engine.dispose()
    where = f"http://{host}:{port}"
    typer.echo(f"Bordin is serving on {where}")
    if demo:
        typer.echo(
            "Demo mode: open the address above and pick a demo person to sign in as "
            "(e.g. a therapist to see their caseload). Everyone in it is synthetic."
        )
    else:
        typer.echo("Sign in with an account made by `bordin user add`.")
    stop = None
    if with_worker:
        from bordin.cli.worker import start_worker_thread

        thread, stop = start_worker_thread(settings)
        typer.echo("The job worker runs alongside (reminders, feedback links, digest, signals).")
    try:
        uvicorn.run(
            create_app(settings), host=host, port=port, log_level="warning", access_log=False
        )
    finally:
        if stop is not None:
            stop.set()
            thread.join(timeout=30)


def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    settings = load_settings()
    engine = engine_for(settings)
    upgrade(engine)
    engine.dispose()
    typer.echo("Database is up to date.")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    db_app.command("upgrade")(db_upgrade)
    app.add_typer(db_app, name="db")
