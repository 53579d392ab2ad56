"""Everything Bordin holds about one client, table by table (for a subject access request).

Every table that points at a client, or at one of their episodes or sessions, is either in
:data:`COVERED` with the way its rows are found, or in :data:`EXCLUDED` with the reason it is
left out; ``tests/integration/services/test_subject_access_coverage.py`` fails when a new
table is in neither, so a new kind of record cannot be forgotten.

Rows are exported with all their columns, as stored, except:

* encrypted client words (``*_encrypted``) are opened and given without the suffix;
* sealed phrase lists (matched triage phrases) are opened;
* the columns in :data:`OMITTED_COLUMNS` (hashes of sign-in secrets) are left out, each with
  its reason;
* a page-view audit event that named several clients keeps only the fact that it named this
  one, never the other clients' ids.

In a couple's episode the sessions are shared, but the partner's own answers, words and
details are theirs: only rows about this client, or about the episode as a whole, are taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, RowMapping, Select, Table, false, or_, select
from sqlalchemy.orm import Session

from bordin.services import audit
from bordin.services.runtime import TextCipher
from bordin.storage.base import Base
from bordin.storage.tables import ParticipantRow, UserRow

Reach = Literal["self", "client", "episode", "client_or_episode", "alerts", "audit"]

#: How each table's rows about the client are found.
#: ``client``: any column pointing at the client; ``episode``: rows of the client's episodes;
#: ``client_or_episode``: rows about the client, or about one of their episodes as a whole
#: (no client named); ``alerts``: notices about the client, or about one of their episodes as a
#: whole (a couple's signal names no client, only ``detail["episode_id"]``); ``audit``: events
#: about the client or by them (see services/audit.py).
COVERED: dict[str, Reach] = {
    "clients": "self",
    "consents": "client",
    "episode_participants": "client",
    "episodes": "episode",
    "appointments": "episode",
    "appointment_series": "episode",
    "administrations": "client",
    "risk_screens": "client",
    "feedback_links": "client",
    "feedback_submissions": "client",
    "concerns": "client",
    "intake_referrals": "client",
    "client_preferences": "client",
    "therapist_exclusions": "client",
    "matches": "client",
    "fit_checks": "client",
    "signals": "client_or_episode",
    "rupture_logs": "client_or_episode",
    "alerts": "alerts",
    "triage_corrections": "client",
    "deliveries": "client",
    "contact_opt_outs": "client",
    "magic_links": "client",
    "auth_sessions": "client",
    "erasure_requests": "client",
    "audit_events": "audit",
}

#: Tables that point at a client, episode or session but are deliberately left out.
#: (None today: every such table holds something about the client.)
EXCLUDED: dict[str, str] = {}

#: Columns left out, with the reason.
OMITTED_COLUMNS: dict[tuple[str, str], str] = {
    ("feedback_links", "token_hash"): "a hash of the link's secret; it describes no one",
    ("magic_links", "token_hash"): "a hash of the sign-in link's secret; it describes no one",
    ("auth_sessions", "token_hash"): "a hash of the browser's sign-in secret; it describes no one",
    ("auth_sessions", "csrf_token"): "a form-protection secret; it describes no one",
}

#: JSON columns holding a list of sealed phrases (TextCipher.seal_phrases).
SEALED_PHRASES = {("feedback_submissions", "triage_evidence"), ("concerns", "evidence")}

#: The tables whose rows can point at clients, episodes or sessions.
LINK_TARGETS = ("clients", "episodes", "appointments")


@dataclass(frozen=True)
class Holdings:
    """What is held about one client: table name → rows as plain JSON-ready dicts."""

    client_id: int
    practice_id: int
    tables: dict[str, list[dict[str, Any]]]

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.tables.get(table, [])

    def one(self, table: str) -> dict[str, Any]:
        return self.tables[table][0]


def linked_tables() -> set[str]:
    """Tables with a column pointing at a client, an episode or a session (and ``clients``)."""
    found = {"clients"}
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name in LINK_TARGETS:
                found.add(table.name)
    return found


def gather(db: Session, cipher: TextCipher, *, client_id: int, practice_id: int) -> Holdings:
    """Read every covered table for one client. The caller has checked access."""
    episode_ids = list(
        db.scalars(select(ParticipantRow.episode_id).where(ParticipantRow.client_id == client_id))
    )
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, reach in COVERED.items():
        table = Base.metadata.tables[name]
        query = _query(
            table, reach, client_id=client_id, practice_id=practice_id, episodes=episode_ids
        )
        ordered = query.order_by(*table.primary_key.columns)
        rows = list(db.execute(ordered).mappings())
        if reach == "alerts":
            rows = [r for r in rows if _about_episodes(r, client_id, episode_ids)]
        tables[name] = [_plain(table, row, cipher) for row in rows]
    return Holdings(client_id=client_id, practice_id=practice_id, tables=tables)


def _query(
    table: Table, reach: Reach, *, client_id: int, practice_id: int, episodes: Sequence[int]
) -> Select[Any]:
    if reach == "self":
        return select(table).where(table.c.id == client_id)
    if reach == "episode":
        column = table.c.id if table.name == "episodes" else table.c.episode_id
        return select(table).where(column.in_(episodes))
    about = _points_at_client(table, client_id)
    if reach == "client_or_episode":
        shared = table.c.client_id.is_(None) & table.c.episode_id.in_(episodes)
        return select(table).where(or_(about, shared))
    if reach == "alerts":
        # Notices about the client, and those naming no client, to this practice's staff; the
        # second kind is kept only when its episode is one of the client's (_about_episodes).
        staff = select(UserRow.id).where(UserRow.practice_id == practice_id)
        nameless = table.c.client_id.is_(None) & table.c.recipient_user_id.in_(staff)
        return select(table).where(or_(table.c.client_id == client_id, nameless))
    if reach == "audit":
        return select(table).where(
            table.c.practice_id == practice_id,
            or_(audit.about_client(client_id), table.c.actor_client_id == client_id),
        )
    return select(table).where(about)


def _about_episodes(row: RowMapping, client_id: int, episodes: Sequence[int]) -> bool:
    if row["client_id"] == client_id:
        return True
    detail = row["detail"] if isinstance(row["detail"], dict) else {}
    return detail.get("episode_id") in episodes


def _points_at_client(table: Table, client_id: int) -> ColumnElement[bool]:
    columns = [k.parent for k in table.foreign_keys if k.column.table.name == "clients"]
    if not columns:
        return false()
    return or_(*(c == client_id for c in columns))


def _plain(table: Table, row: RowMapping, cipher: TextCipher) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        name = column.name
        if (table.name, name) in OMITTED_COLUMNS:
            continue
        value = row[name]
        if name.endswith("_encrypted"):
            out[name.removesuffix("_encrypted")] = cipher.decrypt(value)
        elif (table.name, name) in SEALED_PHRASES:
            out[name] = cipher.open_phrases(value)
        elif name == "detail" and isinstance(value, dict):
            out[name] = _detail(table.name, value, cipher)
        else:
            out[name] = _json_value(value, where=f"{table.name}.{name}")
    return out


def _detail(table: str, detail: dict[str, Any], cipher: TextCipher) -> dict[str, Any]:
    opened = dict(detail)
    if table == "alerts" and "evidence" in opened:
        opened["evidence"] = cipher.open_phrases(cast(list[object], opened["evidence"]))
    if table == "audit_events" and "client_ids" in opened:
        # A view that showed several clients: say so, without naming the others.
        opened["client_ids"] = None
        opened["clients_shown"] = len(detail["client_ids"])
    return opened


def _json_value(value: object, *, where: str) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        # Only ``*_encrypted`` columns hold bytes; anything else is a new column to decide on.
        raise TypeError(f"{where} holds bytes; decide how the export shows it")
    return value
