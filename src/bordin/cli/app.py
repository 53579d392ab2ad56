"""The ``bordin`` command line.

Each command group lives in its own module and adds itself through ``register(app)``. Errors
that Bordin raises on purpose become one line on stderr and a non-zero exit code, never a
traceback.
"""

from __future__ import annotations

import sys

import typer

from bordin.cli import (
    alerts,
    analytics,
    demo,
    matching,
    measures,
    practice,
    research,
    retention,
    server,
    signals,
    subject_access,
    tokens,
    triage,
    users,
    worker,
)
from bordin.domain.errors import BordinError, InvalidInput, NotFound

app = typer.Typer(
    name="bordin",
    help="Bordin: alliance-centred measurement and feedback for therapy practices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

for module in (
    server,
    demo,
    practice,
    subject_access,
    users,
    tokens,
    measures,
    triage,
    signals,
    alerts,
    matching,
    research,
    analytics,
    worker,
    retention,
):
    module.register(app)


def main() -> None:
    """Entry point: run the app, turning Bordin's own errors into one clear line."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(1)
    except InvalidInput as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except NotFound as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(3)
    except BordinError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
    except Exception as error:
        # Usage errors from the (vendored) click inside Typer: shown as click shows them.
        show, exit_code = getattr(error, "show", None), getattr(error, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
