"""CLI: ``bordin signals`` — alliance and outcome signals.

``bordin signals --from-csv FILE`` is a stable contract for offline analysis. FILE has a header
row and the columns:

- ``episode_id``, ``client_id``: text; two client ids in one episode make a couple;
- ``session_number``: whole number from 1;
- ``date``: ISO date (``2024-03-01``);
- ``instrument``: an instrument id (``phq9``, ``gad7``, ``core10``, ``wai_sr``, ``srs``, ``ors``,
  ``bordin_sac``);
- ``score``: the total as the instrument scores it;
- optional ``item_1`` .. ``item_n``: item values, ``item_k`` being the instrument's k-th item;
- optional ``episode_status``: ``active`` (default), ``ended`` or ``dropped_out``.

It prints one JSON object per line per signal: ``episode_id``, ``client_id`` (null for a
couple-level signal), ``session_number``, ``type``, ``severity``, ``status``, ``explanation``
(a sentence), ``instrument`` and ``details`` (the rule, numbers, sessions, next step and
citation). A file that cannot be read prints one line naming the line and column, and exits 2.

``bordin signals recompute [--practice-id N] [--json]`` recomputes the stored signals of every
episode of a practice (every practice when no id is given) in the configured database,
vectorised (:func:`bordin.services.signals_bulk.recompute_practice_bulk`): it fits the
practice's expected-recovery models when it has enough completed episodes, keeps
acknowledgements, raises no alerts, and prints one line per practice (or one JSON object with
``--json``). An unknown practice prints one line and exits 3.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from bordin.domain.alliance import EpisodeHistory, Rating, SignalConfig, evaluate_episode
from bordin.domain.alliance.scale import ScaleFacts, registry_scale
from bordin.domain.errors import FieldError, InstrumentNotFound, InvalidImport, InvalidInput

REQUIRED = ("episode_id", "client_id", "session_number", "date", "instrument", "score")
STATUSES = ("active", "ended", "dropped_out")

signals_app = typer.Typer(
    name="signals",
    help="Alliance ruptures, not-on-track, change and split-alliance signals.",
    no_args_is_help=False,
    add_completion=False,
)


@dataclass
class _Episode:
    """What the file says about one episode so far."""

    clients: list[str] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    status: str = "active"


def _bad(line: int, column: str, message: str) -> InvalidImport:
    return InvalidImport(FieldError(f"line {line}, column {column}", message))


def _number(text: str, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _bad(line, column, f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise _bad(line, column, f"{text!r} is not a finite number")
    return value


def _rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Data rows with their line numbers; a broken line becomes an :class:`InvalidImport`."""
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            raise _bad(line + 1, "-", f"not a readable CSV line ({error})") from None
        line = getattr(reader, "line_num", line + 1)
        yield line, row


def read_histories(path: Path) -> tuple[list[EpisodeHistory], dt.date | None]:
    """Episode histories from a signals CSV, and the latest date in it.

    Raises :class:`InvalidImport` naming the line and column of the first problem.
    """
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        message = f"cannot open {str(path)!r}: {error.strerror}"
        raise InvalidImport(FieldError("file", message)) from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise _bad(1, "header", "the file is empty") from None
        except (csv.Error, UnicodeDecodeError) as error:
            raise _bad(1, "header", f"not a readable CSV file ({error})") from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise _bad(1, "header", f"missing column(s): {', '.join(missing)}")
        where = {name: k for k, name in enumerate(header)}
        item_columns = sorted(
            (int(h[5:]), h) for h in header if h.startswith("item_") and h[5:].isdigit()
        )
        episodes: dict[str, _Episode] = {}
        seen: dict[tuple[str, str, str, int], int] = {}
        latest: dt.date | None = None
        for line, row in _rows(reader):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise _bad(line, "-", f"expected {len(header)} values, found {len(row)}")

            def cell(name: str, _row: list[str] = row) -> str:
                return _row[where[name]].strip()

            episode_id = cell("episode_id")
            client_id = cell("client_id")
            for name, value in (("episode_id", episode_id), ("client_id", client_id)):
                if not value:
                    raise _bad(line, name, "is empty")
            try:
                session = int(cell("session_number"))
            except ValueError:
                text = cell("session_number")
                raise _bad(line, "session_number", f"{text!r} is not a whole number") from None
            if session < 1:
                raise _bad(line, "session_number", "must be 1 or more")
            try:
                date = dt.date.fromisoformat(cell("date"))
            except ValueError:
                raise _bad(
                    line, "date", f"{cell('date')!r} is not an ISO date (YYYY-MM-DD)"
                ) from None
            instrument = cell("instrument")
            try:
                facts = registry_scale(instrument)
            except InstrumentNotFound:
                raise _bad(line, "instrument", f"unknown instrument {instrument!r}") from None
            score = _number(cell("score"), line, "score")
            if not facts.score_min <= score <= facts.score_max:
                span = f"{facts.score_min:g}-{facts.score_max:g}"
                raise _bad(line, "score", f"{score:g} is outside {instrument}'s range {span}")
            items = _items(row, where, item_columns, facts, line)
            key = (episode_id, client_id, instrument, session)
            if key in seen:
                message = f"a second {instrument} rating for session {session}"
                raise _bad(line, "session_number", f"{message} (first on line {seen[key]})")
            seen[key] = line
            episode = episodes.setdefault(episode_id, _Episode())
            if client_id not in episode.clients:
                if len(episode.clients) == 2:
                    raise _bad(line, "client_id", f"episode {episode_id!r} already has two clients")
                episode.clients.append(client_id)
            episode.ratings.append(Rating(client_id, session, date, instrument, score, items))
            if "episode_status" in where and cell("episode_status"):
                status = cell("episode_status")
                if status not in STATUSES:
                    allowed = ", ".join(STATUSES)
                    raise _bad(line, "episode_status", f"must be one of {allowed}, not {status!r}")
                episode.status = status
            latest = date if latest is None or date > latest else latest
    histories = [
        EpisodeHistory(
            episode_id=episode_id,
            kind="couple" if len(data.clients) == 2 else "individual",
            client_ids=tuple(data.clients),
            ratings=tuple(data.ratings),
            ended=data.status != "active",
            dropped_out=data.status == "dropped_out",
        )
        for episode_id, data in episodes.items()
    ]
    return histories, latest


def _items(
    row: list[str],
    where: dict[str, int],
    columns: list[tuple[int, str]],
    facts: ScaleFacts,
    line: int,
) -> dict[str, float]:
    items: dict[str, float] = {}
    for k, name in columns:
        text = row[where[name]].strip()
        if not text:
            continue
        if k > len(facts.item_ids):
            raise _bad(line, name, f"{facts.instrument_id} has only {len(facts.item_ids)} items")
        value = _number(text, line, name)
        link = facts.item_ids[k - 1]
        lo, hi = facts.item_bounds[link]
        if not lo <= value <= hi:
            raise _bad(line, name, f"{value:g} is outside the item's range {lo:g}-{hi:g}")
        items[link] = value
    return items


def signal_lines(
    histories: list[EpisodeHistory], *, now: dt.date, config: SignalConfig | None = None
) -> list[str]:
    """One JSON line per signal, in file order of episodes."""
    lines: list[str] = []
    for history in histories:
        for signal in evaluate_episode(history, now=now, config=config):
            details = signal.explanation.as_dict()
            details.pop("sentence")
            details["numbers"] = {k: _clean(v) for k, v in signal.explanation.numbers.items()}
            lines.append(
                json.dumps(
                    {
                        "episode_id": signal.episode_id,
                        "client_id": signal.client_id,
                        "session_number": signal.session_number,
                        "type": signal.type,
                        "severity": signal.severity,
                        "status": signal.status,
                        "explanation": signal.explanation.sentence,
                        "instrument": signal.instrument_id,
                        "details": details,
                    },
                    default=str,
                    allow_nan=False,
                )
            )
    return lines


def _clean(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@signals_app.callback(invoke_without_command=True)
def signals(
    ctx: typer.Context,
    from_csv: Annotated[
        Path | None,
        typer.Option(
            "--from-csv",
            help="CSV of ratings (episode_id, client_id, session_number, date, instrument, score, "
            "optional item_1..item_n and episode_status); prints one JSON line per signal.",
            dir_okay=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Evaluate as of this ISO date (default: the latest date in the file)."
        ),
    ] = None,
) -> None:
    """Compute signals: ruptures and repair, not on track, change, split alliance, risk."""
    if ctx.invoked_subcommand is not None:
        return
    if from_csv is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    try:
        histories, latest = read_histories(from_csv)
        if as_of is not None:
            try:
                now = dt.date.fromisoformat(as_of)
            except ValueError:
                raise InvalidInput(FieldError("--as-of", f"{as_of!r} is not an ISO date")) from None
        else:
            now = latest or dt.date.today()
        lines = signal_lines(histories, now=now)
    except InvalidInput as error:
        typer.echo(f"error: {error}", err=True)
        # SystemExit, not typer.Exit: ``cli.app.main`` runs click with standalone_mode=False,
        # where an Exit's code is returned rather than used as the process exit status.
        raise SystemExit(2) from None
    for line in lines:
        typer.echo(line)


@signals_app.command("recompute")
def recompute(
    practice_id: Annotated[
        int | None,
        typer.Option("--practice-id", help="Recompute this practice only (default: every one)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per practice.")
    ] = False,
) -> None:
    """Recompute the stored signals of every episode of a practice, vectorised.

    Fits the practice's own expected-recovery models once it has enough completed episodes,
    keeps acknowledgements, and raises no alerts. Run it after changing a setting or importing
    ratings; signals are recomputed for one episode after every submission anyway.
    """
    from sqlalchemy import select

    from bordin.cli.context import database, load_settings
    from bordin.services.signals_bulk import recompute_practice_bulk
    from bordin.storage.tables import PracticeRow

    with database(load_settings()) as (db, rt):
        if practice_id is None:
            ids = list(db.scalars(select(PracticeRow.id).order_by(PracticeRow.id)))
        else:
            ids = [practice_id]
        for pid in ids:
            summary = recompute_practice_bulk(db, rt, practice_id=pid)
            if as_json:
                typer.echo(json.dumps(summary.as_dict()))
                continue
            models = (
                ", ".join(f"{k} fitted on {n} episodes" for k, n in summary.fitted_models.items())
                or "default models"
            )
            seconds = (
                summary.read_seconds
                + summary.fit_seconds
                + summary.compute_seconds
                + summary.write_seconds
            )
            typer.echo(
                f"Practice {pid}: {summary.episodes} episodes, {summary.ratings} ratings, "
                f"{summary.signals} signals ({summary.new_signals} new); "
                f"expected recovery: {models}; {seconds:.1f} s."
            )
        if not ids:
            typer.echo("No practice in the database: nothing to recompute.")


def register(app: typer.Typer) -> None:
    """Add the ``signals`` group to ``app``."""
    app.add_typer(signals_app, name="signals")
