"""The pseudonymised research export: its columns, pseudonyms, coarse dates and small cells.

Pure rules, no I/O (``services/research_projects.py`` reads the database and writes the audit
trail; ``reports/research_export.py`` writes CSV and Parquet). Decisions (ADR 0012):

* **Pseudonyms** are ``HMAC-SHA256(project key, "<kind>:<id>")``, the first 16 hex digits
  (64 bits). The key is a random 32 bytes made when a research project is created and stored
  encrypted in the database, so the same client has the same pseudonym in every export of a
  project, a different one in every other project, and nobody without the key can go back
  from a pseudonym to the client, or link two projects.
* **Dates are coarsened, not shifted.** An episode's start and end are given as a calendar
  quarter (``2026-Q3``); each rating as whole weeks since the episode's first rating. A
  per-client keyed shift keeps exact gaps but is undone by anyone who knows one true date of
  that client (a session they remember), and it scrambles the calendar (seasons, a change of
  service); quarters plus relative weeks keep what outcome analysis needs and give nothing
  exact to match on.
* **Small cells are suppressed** with :data:`SMALL_CELL` = 5 (the threshold the NHS uses for
  published small numbers): a value of a quasi-identifying column (therapist, kind of
  episode, start and end quarter) held by fewer than 5 clients in the export is replaced by
  :data:`POOLED`, and in grouped tables a count below 5 is withheld (empty) with
  ``suppressed`` true.
* **Never exported**: names, contact details, free text of any kind, database ids, exact
  dates. The column list below is the whole export; nothing else can reach it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

#: Fewer clients than this sharing a value, or in a cell of a grouped table, are suppressed.
SMALL_CELL = 5
#: What a rare value of a quasi-identifier is replaced with.
POOLED = "pooled"
#: Hex digits of the HMAC kept in a pseudonym (16 = 64 bits).
PSEUDONYM_DIGITS = 16


@dataclass(frozen=True)
class Column:
    """One column of the export: its name, its type (as in the Parquet file) and what it means."""

    name: str
    type: str
    meaning: str
    quasi_identifier: bool = False
    nullable: bool = False


#: Every column of the row-level export, in file order: one row per rating.
COLUMNS: tuple[Column, ...] = (
    Column(
        "practice",
        "string",
        "The practice, as a pseudonym (the same for every row of one export).",
    ),
    Column(
        "client",
        "string",
        "The client, as a pseudonym: stable across exports of one project, "
        "different in every other project.",
    ),
    Column(
        "episode",
        "string",
        "The client's episode of care, as a pseudonym. A couple's episode gives"
        " each partner their own.",
    ),
    Column(
        "therapist",
        "string",
        f"The therapist, as a pseudonym; `{POOLED}` for therapists with fewer "
        f"than {SMALL_CELL} clients in the export.",
        quasi_identifier=True,
    ),
    Column(
        "episode_kind",
        "string",
        f"`individual` or `couple`; `{POOLED}` when fewer than {SMALL_CELL} clients share it.",
        quasi_identifier=True,
    ),
    Column(
        "ended_as",
        "string",
        "How the episode ended: `completed` or `dropped_out`.",
    ),
    Column(
        "start_quarter",
        "string",
        f"Calendar quarter the episode started, e.g. `2026-Q3`; `{POOLED}` when "
        f"fewer than {SMALL_CELL} clients share it.",
        quasi_identifier=True,
    ),
    Column(
        "end_quarter",
        "string",
        f"Calendar quarter the episode ended; `{POOLED}` when fewer than "
        f"{SMALL_CELL} clients share it.",
        quasi_identifier=True,
        nullable=True,
    ),
    Column(
        "instrument",
        "string",
        "The measure this rating was made on (its short name, e.g. `phq9`).",
    ),
    Column(
        "measure_role",
        "string",
        "`outcome` (the client's primary outcome measure) or `alliance` (the "
        "alliance measure they answered most).",
    ),
    Column(
        "rating_number",
        "int32",
        "1 for the client's first rating on this measure in the episode, 2 for "
        "the second, and so on.",
    ),
    Column(
        "weeks_since_start",
        "int32",
        "Whole weeks between the client's first rating in the episode and this one.",
    ),
    Column(
        "score",
        "float64",
        "The total score of this rating.",
    ),
    Column(
        "primary_instrument",
        "string",
        "The client's primary outcome measure in the episode (repeated on each of their rows).",
    ),
    Column(
        "intake",
        "float64",
        "First score on the primary outcome measure.",
    ),
    Column(
        "final",
        "float64",
        "Last score on the primary outcome measure; empty with only one score.",
        nullable=True,
    ),
    Column(
        "improvement",
        "float64",
        "Intake to final change, signed so that positive is better; empty without a final score.",
        nullable=True,
    ),
    Column(
        "classification",
        "string",
        "Outcome class: recovered, reliably_improved, no_reliable_change, "
        "reliably_deteriorated, not_case or insufficient_data (Jacobson & Truax"
        " 1991).",
    ),
    Column(
        "dropped_out",
        "bool",
        "True when the episode ended by dropout.",
    ),
    Column(
        "early_alliance_percent",
        "float64",
        "Mean of the first three alliance ratings, as percent of the scale; empty without one.",
        nullable=True,
    ),
    Column(
        "higher_is_better",
        "bool",
        "True when a higher score on the primary outcome measure is better "
        "(e.g. ORS), false for symptom measures.",
    ),
)

#: The grouped table: counts of clients by end quarter, primary measure and outcome class.
SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column(
        "end_quarter",
        "string",
        "Calendar quarter the episodes ended.",
        nullable=True,
    ),
    Column(
        "primary_instrument",
        "string",
        "Primary outcome measure.",
    ),
    Column(
        "classification",
        "string",
        "Outcome class (as in the row-level export).",
    ),
    Column(
        "clients",
        "int64",
        f"Number of clients; empty when fewer than {SMALL_CELL} (suppressed).",
        nullable=True,
    ),
    Column(
        "suppressed",
        "bool",
        f"True when the count was below {SMALL_CELL} and is withheld.",
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
QUASI_IDENTIFIERS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.quasi_identifier)


def pseudonym(key: bytes, kind: str, identifier: object) -> str:
    """The keyed pseudonym of one thing (``kind`` is e.g. ``client``): HMAC-SHA256, 16 hex."""
    message = f"{kind}:{identifier}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_DIGITS]


def quarter(day: date | None) -> str | None:
    """``2026-Q3`` for a date in July to September 2026; None stays None."""
    if day is None:
        return None
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def whole_weeks(first: date, then: date) -> int:
    """Whole weeks from ``first`` to ``then`` (0 in the first week)."""
    return max(0, (then - first).days // 7)


def pool_rare_values(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str] = QUASI_IDENTIFIERS,
    *,
    k: int = SMALL_CELL,
    person: str = "client",
) -> list[dict[str, object]]:
    """The rows with each value of ``columns`` that fewer than ``k`` people share set to POOLED.

    People are counted by the ``person`` column, so one client with ten ratings counts once.
    """
    holders: dict[str, dict[object, set[object]]] = {c: defaultdict(set) for c in columns}
    for row in rows:
        for c in columns:
            holders[c][row.get(c)].add(row.get(person))
    rare = {c: {v for v, who in holders[c].items() if len(who) < k} for c in columns}
    pooled: list[dict[str, object]] = []
    for row in rows:
        copy = dict(row)
        for c in columns:
            if copy.get(c) in rare[c]:
                copy[c] = POOLED
        pooled.append(copy)
    return pooled


def grouped_counts(
    rows: Sequence[Mapping[str, object]],
    by: Sequence[str],
    *,
    k: int = SMALL_CELL,
    person: str = "client",
) -> list[dict[str, object]]:
    """Distinct people per combination of ``by``, sorted; counts below ``k`` withheld.

    A withheld count is None with ``suppressed`` True. Zero cells are not listed.
    """
    people: dict[tuple[object, ...], set[object]] = defaultdict(set)
    for row in rows:
        people[tuple(row.get(c) for c in by)].add(row.get(person))
    counts = Counter({key: len(who) for key, who in people.items()})
    result: list[dict[str, object]] = []
    for key in sorted(counts, key=lambda t: tuple(str(v) for v in t)):
        n = counts[key]
        cell: dict[str, object] = dict(zip(by, key, strict=True))
        cell["clients"] = n if n >= k else None
        cell["suppressed"] = n < k
        result.append(cell)
    return result


def dictionary_markdown() -> str:
    """docs/research-export.md: the data dictionary, generated from :data:`COLUMNS`."""
    lines = [
        "# Research export: data dictionary",
        "",
        "The pseudonymised research export (the practice overview's *Research projects* page,",
        "or `bordin research export`) has exactly these columns. This page is generated from",
        "the code (`python -m bordin.docgen`, from `bordin.domain.research`); a test keeps it",
        "complete. Why the export looks like this:",
        "[ADR 0012](adr/0012-pseudonymised-research-export.md).",
        "",
        "## What is in it and what never is",
        "",
        "* Only clients in ended episodes who **currently agree to research use** (a",
        "  `research_export` consent, not withdrawn). Everyone else is left out and counted.",
        "* **Pseudonyms**, not names or ids: HMAC-SHA256 under the project's secret key, first",
        f"  {PSEUDONYM_DIGITS} hex digits. Stable across exports of one project; different in",
        "  every other project.",
        "* **No exact dates**: quarters for the episode, whole weeks since the first rating.",
        "* **No free text, names, contact details or database ids**, ever.",
        f"* **Small cells**: any therapist, kind of episode or quarter shared by fewer than "
        f"{SMALL_CELL}",
        f"  clients is replaced by `{POOLED}`; in the summary table, counts below {SMALL_CELL} "
        "are withheld.",
        "",
        "## Ratings table (one row per rating)",
        "",
        "Formats: CSV (UTF-8, comma-separated) or Parquet. Parquet types are as listed.",
        "",
        "| Column | Type | Can be empty | Meaning |",
        "|---|---|---|---|",
    ]
    for c in COLUMNS:
        lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {c.meaning} |")
    lines += [
        "",
        "## Summary table (grouped counts)",
        "",
        "| Column | Type | Can be empty | Meaning |",
        "|---|---|---|---|",
    ]
    for c in SUMMARY_COLUMNS:
        lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {c.meaning} |")
    return "\n".join(lines) + "\n"
