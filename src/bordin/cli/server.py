"""``bordin serve`` and ``bordin db upgrade``."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from bordin.cli.context import engine_for, load_settings
from bordin.domain.errors import InvalidInput
from bordin.settings import Settings, configure_logging
from bordin.storage.migrate import upgrade

#: The most web workers ``bordin serve`` starts unless told (``--workers``).
MOST_WORKERS_BY_DEFAULT = 4

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
    workers: Annotated[
        int | None,
        typer.Option(
            help="Web worker processes. Default: one per CPU core, at most "
            f"{MOST_WORKERS_BY_DEFAULT}. Each keeps its own pool of database connections.",
        ),
    ] = None,
) -> None:
    """Serve the Bordin web app (migrating the database first)."""
    import uvicorn

    from bordin.web.app import create_app

    processes = default_workers() if workers is None else workers
    if processes < 1:
        raise InvalidInput("must be at least 1", field="--workers")
    settings = load_settings(demo_mode=True) if demo else load_settings()
    configure_logging(settings)
    _check_triage_reader(settings)
    engine = engine_for(settings)
    upgrade(engine)
    if demo:
        from bordin.cli.demo import seed_if_empty

        seed_if_empty(settings, engine)
    engine.dispose()
    where = f"http://{host}:{port}"
    plural = "s" if processes > 1 else ""
    typer.echo(f"Bordin is serving on {where} ({processes} web worker{plural})")
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
        if processes == 1:
            uvicorn.run(
                create_app(settings), host=host, port=port, log_level="warning", access_log=False
            )
        else:
            _hand_settings_to_workers(settings, demo=demo)
            uvicorn.run(
                "bordin.web.app:app_from_environment",
                factory=True,
                workers=processes,
                host=host,
                port=port,
                log_level="warning",
                access_log=False,
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


def default_workers() -> int:
    """One web worker per core (the work is CPU-bound; more only add switching), at most
    :data:`MOST_WORKERS_BY_DEFAULT` so that a large machine does not open more PostgreSQL
    connections than the server allows."""
    return max(1, min(os.cpu_count() or 1, MOST_WORKERS_BY_DEFAULT))


def _hand_settings_to_workers(settings: Settings, *, demo: bool) -> None:
    """Worker processes read the environment afresh: pass on what the command line said, and
    make the development keys now, once, so that every worker reads the same ones."""
    if demo:
        os.environ["BORDIN_DEMO_MODE"] = "true"
    settings.signing_key()
    settings.fernet_key()


def _check_triage_reader(settings: Settings) -> None:
    """Refuse to start, in one line, when the chosen triage reader cannot be used."""
    from bordin.analytics.triage_transformer import ReaderUnavailable
    from bordin.services.triage_reader import second_reader

    try:
        second_reader(settings)
    except ReaderUnavailable as error:
        raise InvalidInput(str(error), field="BORDIN_TRIAGE_READER") from None
