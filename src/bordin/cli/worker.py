"""``bordin worker``: run due jobs (reminders, feedback links, the digest, signal recomputes)."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from bordin.cli.context import engine_for, load_settings
from bordin.settings import Settings, configure_logging


def start_worker_thread(settings: Settings) -> tuple[threading.Thread, threading.Event]:
    """Start the worker loop in a daemon thread; set the returned event to stop it."""
    from bordin.services.runtime import build_runtime
    from bordin.services.worker import run_forever
    from bordin.storage.database import make_session_factory

    engine = engine_for(settings)
    sessions = make_session_factory(engine)
    rt = build_runtime(settings)
    stop = threading.Event()

    def loop() -> None:
        try:
            run_forever(sessions, rt, stop=stop, poll_seconds=settings.worker_poll_seconds)
        finally:
            engine.dispose()

    thread = threading.Thread(target=loop, name="bordin-worker", daemon=True)
    thread.start()
    return thread, stop


def worker(
    once: Annotated[
        bool,
        typer.Option("--once", help="Run the jobs that are due now, then exit (for cron)."),
    ] = False,
) -> None:
    """Run due jobs from the job table until stopped (Ctrl-C). Safe to run several at once."""
    from bordin.services.jobs import counts
    from bordin.services.runtime import build_runtime
    from bordin.services.worker import run_due
    from bordin.storage.database import make_session_factory
    from bordin.storage.migrate import upgrade

    settings = load_settings()
    configure_logging(settings)
    engine = engine_for(settings)
    upgrade(engine)
    if once:
        sessions = make_session_factory(engine)
        with sessions() as db:
            ran = run_due(db, build_runtime(settings))
            left = counts(db)
        engine.dispose()
        typer.echo(f"Ran {ran} job(s). Queued now: {left.get('queued', 0)}.")
        return
    engine.dispose()
    thread, stop = start_worker_thread(settings)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    typer.echo("Bordin worker running; press Ctrl-C to stop.")
    try:
        while thread.is_alive():
            thread.join(timeout=0.5)
    except KeyboardInterrupt:
        pass
    stop.set()
    thread.join(timeout=30)
    typer.echo("Bordin worker stopped.")


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
