"""Builds the pseudonymised research export's rows and writes them as CSV or Parquet.

The columns, pseudonyms, coarse dates and small-cell rules are in :mod:`bordin.domain.research`;
this module only reads the ratings of the records it is given (already limited to clients with
current research consent by ``services/research.py``) and lays them out. Every value written
comes from a column listed in :data:`~bordin.domain.research.COLUMNS`: no name, contact detail,
free text, id or exact date can reach the file.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.research import (
    COLUMN_NAMES,
    COLUMNS,
    SUMMARY_COLUMNS,
    Column,
    grouped_counts,
    pool_rare_values,
    pseudonym,
    quarter,
    whole_weeks,
)
from bordin.reports.csv_export import rows_to_csv
from bordin.reports.read.practice import EpisodeOutcome
from bordin.storage.tables import AdministrationRow, EpisodeRow

FORMATS = ("csv", "parquet")
TABLES = ("ratings", "summary")


def research_rows(
    db: Session, *, practice_id: int, key: bytes, included: Sequence[EpisodeOutcome]
) -> list[dict[str, object]]:
    """One row per rating on each included client's primary outcome and alliance measure.

    Rare values of the quasi-identifying columns are pooled (see the domain module).
    """
    if not included:
        return []
    episode_ids = sorted({o.episode_id for o in included})
    started = dict(
        db.execute(
            select(EpisodeRow.id, EpisodeRow.started_on).where(EpisodeRow.id.in_(episode_ids))
        ).all()
    )
    wanted = {
        (o.episode_id, o.client_id): {o.record.instrument_id, o.alliance_instrument}
        for o in included
    }
    ratings: dict[tuple[int, int], list[tuple[str, date, float]]] = defaultdict(list)
    for episode_id, client_id, instrument_id, answered_at, total in db.execute(
        select(
            AdministrationRow.episode_id,
            AdministrationRow.client_id,
            AdministrationRow.instrument_id,
            AdministrationRow.answered_at,
            AdministrationRow.total,
        )
        .where(
            AdministrationRow.episode_id.in_(episode_ids),
            AdministrationRow.total.is_not(None),
        )
        .order_by(AdministrationRow.answered_at, AdministrationRow.id)
    ):
        if total is not None and instrument_id in wanted.get((episode_id, client_id), ()):
            ratings[(episode_id, client_id)].append(
                (instrument_id, answered_at.date(), float(total))
            )
    practice = pseudonym(key, "practice", practice_id)
    rows: list[dict[str, object]] = []
    for o in included:
        r = o.record
        series = ratings.get((o.episode_id, o.client_id), [])
        if not series:
            continue
        first_day = series[0][1]
        shared = {
            "practice": practice,
            "client": pseudonym(key, "client", o.client_id),
            "episode": pseudonym(key, "episode", f"{o.episode_id}:{o.client_id}"),
            "therapist": pseudonym(key, "therapist", o.therapist_id),
            "episode_kind": o.kind,
            "ended_as": o.status,
            "start_quarter": quarter(started.get(o.episode_id)),
            "end_quarter": quarter(o.ended_on),
            "primary_instrument": r.instrument_id,
            "intake": r.intake,
            "final": r.final,
            "improvement": r.improvement,
            "classification": r.classification,
            "dropped_out": r.dropped_out,
            "early_alliance_percent": (
                None if r.early_alliance is None else round(r.early_alliance, 1)
            ),
            "higher_is_better": r.higher_is_better,
        }
        counts: dict[str, int] = defaultdict(int)
        for instrument_id, day, total in series:
            counts[instrument_id] += 1
            rows.append(
                {
                    **shared,
                    "instrument": instrument_id,
                    "measure_role": "outcome" if instrument_id == r.instrument_id else "alliance",
                    "rating_number": counts[instrument_id],
                    "weeks_since_start": whole_weeks(first_day, day),
                    "score": total,
                }
            )
    return pool_rare_values(rows)


def summary_rows(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Clients by end quarter, primary measure and outcome class; small counts withheld."""
    return grouped_counts(rows, ("end_quarter", "primary_instrument", "classification"))


def _arrow_type(column: Column) -> object:
    import pyarrow as pa

    return {
        "string": pa.string(),
        "int32": pa.int32(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
    }[column.type]


def arrow_schema(columns: Sequence[Column] = COLUMNS) -> object:
    """The Parquet schema, from the column list (so the file and the dictionary agree)."""
    import pyarrow as pa

    return pa.schema([pa.field(c.name, _arrow_type(c), nullable=c.nullable) for c in columns])


def encode(rows: Sequence[Mapping[str, object]], *, table: str, file_format: str) -> bytes:
    """The rows of ``table`` (ratings or summary) as CSV or Parquet bytes."""
    columns = COLUMNS if table == "ratings" else SUMMARY_COLUMNS
    names = [c.name for c in columns]
    if file_format == "csv":
        return rows_to_csv(rows, names).encode("utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(columns)
    data = {name: [row.get(name) for row in rows] for name in names}
    arrow_table = pa.Table.from_pydict(data, schema=schema)
    buffer = io.BytesIO()
    pq.write_table(arrow_table, buffer, compression="zstd")
    return buffer.getvalue()


__all__ = [
    "COLUMN_NAMES",
    "FORMATS",
    "TABLES",
    "arrow_schema",
    "encode",
    "research_rows",
    "summary_rows",
]
