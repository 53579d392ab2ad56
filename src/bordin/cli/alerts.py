"""``bordin alerts digest``: send the daily digest (run it once a day, e.g. from cron)."""

from __future__ import annotations

import typer

from bordin.cli.context import database, load_settings

alerts_app = typer.Typer(help="Alerts to staff.", no_args_is_help=True)


@alerts_app.command("digest")
def digest() -> None:
    """Email each member of staff their unread non-urgent alerts, and retry urgent emails
    that failed. Emails hold counts and pseudonyms, never clinical detail."""
    from bordin.services.alerts import send_daily_digest, send_urgent_now

    with database(load_settings()) as (db, rt):
        retried = send_urgent_now(db, rt)
        outcome = send_daily_digest(db, rt, now=rt.now())
    typer.echo(
        f"Digest sent to {len(outcome.sent_to)} people ({outcome.alerts_included} alerts); "
        f"{len(outcome.failed)} failed and will be retried. Urgent emails retried: {retried}."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
