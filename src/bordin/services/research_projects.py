"""Research projects and their pseudonymised exports (issue 14; ADR 0012).

A research project is a name and a random secret key, kept encrypted in the database (with
``BORDIN_ENCRYPTION_KEY``), never shown and never in the repository. Its key makes the
project's pseudonyms (:func:`bordin.domain.research.pseudonym`), so exports of one project
line up with each other and with no other project.

Who may do what (rules in ``domain/access.py``): the admin and the clinical lead may create and
list projects; only the clinical lead may download an export, because it holds client-level
scores (ADR 0002). Consent is enforced by :func:`bordin.services.research.select_for_research`:
only clients with a current research consent are in the file, and the others are counted.
Every export writes one audit event per exported client, naming the project and format.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_export_research, may_manage_research_projects
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.reports.read.practice import outcome_records
from bordin.reports.research_export import FORMATS, TABLES, encode, research_rows, summary_rows
from bordin.services import audit
from bordin.services.audit import Origin
from bordin.services.research import select_for_research
from bordin.services.runtime import Runtime
from bordin.storage.tables import ResearchProjectRow

NAME_MAX = 120
KEY_BYTES = 32


@dataclass(frozen=True)
class ResearchExport:
    """One export: the file's bytes, its name, and who was in and left out."""

    content: bytes
    filename: str
    media_type: str
    rows: int
    clients: int
    left_out: int


def list_projects(db: Session, *, actor: Actor) -> list[ResearchProjectRow]:
    """The practice's research projects, by name."""
    if not may_manage_research_projects(actor):
        raise NotFound("not found")
    return list(
        db.scalars(
            select(ResearchProjectRow)
            .where(ResearchProjectRow.practice_id == actor.practice_id)
            .order_by(ResearchProjectRow.name)
        )
    )


def create_project(
    db: Session, rt: Runtime, *, actor: Actor, name: str, origin: Origin | None = None
) -> ResearchProjectRow:
    """Start a research project with a new random key; refused if the name is taken or blank."""
    if not may_manage_research_projects(actor):
        raise NotFound("not found")
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("give the project a name", field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"at most {NAME_MAX} characters", field="name")
    taken = db.scalar(
        select(ResearchProjectRow.id).where(
            ResearchProjectRow.practice_id == actor.practice_id, ResearchProjectRow.name == name
        )
    )
    if taken is not None:
        raise InvalidInput(f"a project called {name!r} already exists", field="name")
    project = ResearchProjectRow(
        practice_id=actor.practice_id,
        name=name,
        key_encrypted=rt.cipher.encrypt(secrets.token_hex(KEY_BYTES)),
        created_at=rt.now(),
        created_by_user_id=actor.user_id,
    )
    db.add(project)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="research_project",
        entity_id=project.id,
        origin=origin,
        at=rt.now(),
    )
    db.commit()
    return project


def find_project(db: Session, *, actor: Actor, name: str) -> ResearchProjectRow:
    """The practice's project called ``name``; NotFound naming the field otherwise."""
    if not may_manage_research_projects(actor):
        raise NotFound("not found")
    project = db.scalar(
        select(ResearchProjectRow).where(
            ResearchProjectRow.practice_id == actor.practice_id,
            ResearchProjectRow.name == " ".join(name.split()),
        )
    )
    if project is None:
        raise NotFound(f"project: no research project called {name!r} in this practice")
    return project


def get_project(db: Session, *, actor: Actor, project_id: int) -> ResearchProjectRow:
    project = db.get(ResearchProjectRow, project_id)
    if project is None or project.practice_id != actor.practice_id:
        raise NotFound("not found")
    return project


def _key(rt: Runtime, project: ResearchProjectRow) -> bytes:
    opened = rt.cipher.decrypt(project.key_encrypted)
    if opened is None:
        raise InvalidInput(
            "the project's key cannot be opened with this BORDIN_ENCRYPTION_KEY", field="project"
        )
    return bytes.fromhex(opened)


def export_project(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    project: ResearchProjectRow,
    file_format: str,
    table: str = "ratings",
    origin: Origin | None = None,
) -> ResearchExport:
    """The project's pseudonymised export as CSV or Parquet, consenting clients only, audited."""
    if not may_export_research(actor) or project.practice_id != actor.practice_id:
        raise NotFound("not found")
    errors = []
    if file_format not in FORMATS:
        errors.append(FieldError("format", f"must be one of {', '.join(FORMATS)}"))
    if table not in TABLES:
        errors.append(FieldError("table", f"must be one of {', '.join(TABLES)}"))
    if errors:
        raise InvalidInput(errors)
    selection = select_for_research(db, outcome_records(db, practice_id=actor.practice_id))
    rows = research_rows(
        db, practice_id=actor.practice_id, key=_key(rt, project), included=selection.included
    )
    out = rows if table == "ratings" else summary_rows(rows)
    content = encode(out, table=table, file_format=file_format)
    now = rt.now()
    exported = sorted({o.client_id for o in selection.included})
    for client_id in exported:
        audit.record(
            db,
            actor=actor,
            action="read",
            entity="research_export",
            entity_id=project.id,
            client_id=client_id,
            origin=origin,
            at=now,
            detail={"project": project.name, "format": file_format, "table": table},
        )
    db.commit()
    slug = "".join(ch if ch.isalnum() else "-" for ch in project.name.lower()).strip("-")
    return ResearchExport(
        content=content,
        filename=f"research-{slug or 'project'}-{table}.{file_format}",
        media_type="text/csv" if file_format == "csv" else "application/vnd.apache.parquet",
        rows=len(out),
        clients=len(exported),
        left_out=selection.left_out,
    )
