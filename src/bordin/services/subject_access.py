"""Subject access: a copy of everything Bordin holds about one client (docs/data-rights.md).

Three forms, one set of records (``services/client_holdings.py``):

* ``html``: the readable summary, in plain words (``reports/subject_access.py``);
* ``pdf``: the same summary as a PDF, to print or send;
* ``archive``: a zip with ``data.json`` (every record, every column, words opened),
  ``fhir-bundle.json`` (a FHIR R4B Bundle: Patient, QuestionnaireResponse, Observation,
  validated with ``fhir.resources``) and ``summary.html``.

Who may export (ADR 0010): the practice's admin and clinical lead, and the client themselves
from ``/me``; everyone else is told the client does not exist. Every export is audited (who,
which client, which form) in the client's trail, including exports from the command line.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_answer_subject_access
from bordin.domain.errors import BordinError, InvalidInput, NotFound
from bordin.domain.instruments import get_instrument
from bordin.domain.instruments.administration import administer
from bordin.reports.subject_access import (
    Names,
    build_summary,
    render_summary_html,
    render_summary_pdf,
)
from bordin.services import audit
from bordin.services.access import get_client_for_subject_access
from bordin.services.audit import CLI, Origin
from bordin.services.client_holdings import EXCLUDED, OMITTED_COLUMNS, Holdings, gather
from bordin.services.progress import CONSENT_WORDING
from bordin.services.runtime import Runtime
from bordin.storage.tables import ClientRow, PracticeRow, UserRow

Format = Literal["html", "pdf", "archive"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "archive")
DATA_FORMAT = "bordin-subject-access/1"
#: Choices the client's page does not offer, in words for the summary.
CONSENT_WORDING_EXTRA = {
    "intake": "Keep what I told the practice when I asked for therapy, to arrange it.",
}


@dataclass(frozen=True)
class Export:
    """One export, ready to send or save."""

    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class ExportableClient:
    client_id: int
    name: str
    email: str | None


#: How many clients the Data requests page lists at a time.
CLIENTS_PER_PAGE = 50


@dataclass(frozen=True)
class ClientPage:
    """One page of the clients a request can be answered for, by name: ``page`` of ``pages``
    (1-based), clients ``first`` to ``last`` of ``total``."""

    clients: list[ExportableClient]
    page: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        return (self.page - 1) * CLIENTS_PER_PAGE + 1 if self.clients else 0

    @property
    def last(self) -> int:
        return self.first + len(self.clients) - 1 if self.clients else 0


def exportable_clients(
    db: Session,
    rt: Runtime,
    actor: Actor,
    *,
    name: str = "",
    page: int = 1,
    origin: Origin | None = None,
) -> ClientPage:
    """One page of the practice's clients (those whose name contains ``name``), in name order,
    for the admin or clinical lead answering a request; a page past the end gives the last.
    The page names clients, so the view is audited, for the clients it shows."""
    if not may_answer_subject_access(actor):
        raise NotFound("not found")
    if page < 1:
        raise InvalidInput("must be a whole number from 1", field="page")
    query = select(ClientRow).where(ClientRow.practice_id == actor.practice_id)
    if name.strip():
        # Escaped: a "%" or "_" typed in a name means itself, not any text or any letter.
        query = query.where(ClientRow.display_name.icontains(name.strip(), autoescape=True))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // CLIENTS_PER_PAGE))
    page = min(page, pages)
    rows = db.scalars(
        query.order_by(ClientRow.display_name, ClientRow.id)
        .offset((page - 1) * CLIENTS_PER_PAGE)
        .limit(CLIENTS_PER_PAGE)
    )
    found = [ExportableClient(c.id, c.display_name, c.email) for c in rows]
    audit.record_page_view(
        db,
        actor=actor,
        entity="data_requests",
        client_ids=[c.client_id for c in found],
        origin=origin,
        at=rt.now(),
    )
    db.commit()
    return ClientPage(found, page, pages, total)


def export_client(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    client_id: int,
    form: str,
    origin: Origin | None = None,
) -> Export:
    """Everything held about the client, for someone who may export it; audited."""
    chosen = _form(form)
    client = get_client_for_subject_access(db, actor, client_id)
    return _export(db, rt, client, chosen, actor=actor, origin=origin)


def export_from_command_line(db: Session, rt: Runtime, *, client_id: int, form: str) -> Export:
    """The same export for whoever runs the server (``bordin clients export``); audited as
    coming from the command line."""
    chosen = _form(form)
    client = db.get(ClientRow, client_id)
    if client is None:
        raise NotFound(f"no client with id {client_id}")
    return _export(db, rt, client, chosen, actor=None, origin=CLI)


def _form(form: str) -> Format:
    for known in FORMATS:
        if form == known:
            return known
    raise InvalidInput(f"must be one of {', '.join(FORMATS)}, not {form!r}", field="format")


def _export(
    db: Session,
    rt: Runtime,
    client: ClientRow,
    form: Format,
    *,
    actor: Actor | None,
    origin: Origin | None,
) -> Export:
    now = rt.now()
    holdings = gather(db, rt.cipher, client_id=client.id, practice_id=client.practice_id)
    practice = db.get(PracticeRow, client.practice_id)
    assert practice is not None
    summary = build_summary(
        holdings, practice_name=practice.name, names=_names(db, holdings, practice), exported_at=now
    )
    stem = f"bordin-record-{client.pseudonym}-{now:%Y-%m-%d}"
    if form == "html":
        export = Export(render_summary_html(summary).encode(), "text/html", f"{stem}.html")
    elif form == "pdf":
        export = Export(render_summary_pdf(summary), "application/pdf", f"{stem}.pdf")
    else:
        files = {
            "data.json": _dumps(data_json(holdings, practice_name=practice.name, at=now)),
            "fhir-bundle.json": _dumps(fhir_bundle(rt, holdings, at=now)),
            "summary.html": render_summary_html(summary),
        }
        export = Export(_zip(files), "application/zip", f"{stem}.zip")
    audit.record(
        db,
        actor=actor,
        action="export",
        entity="subject_access",
        entity_id=form,
        client_id=client.id,
        origin=origin,
        at=now,
        practice_id=client.practice_id,
    )
    db.commit()
    return export


def data_json(holdings: Holdings, *, practice_name: str, at: datetime) -> dict[str, Any]:
    """The machine-readable copy: every covered table's rows about the client."""
    return {
        "format": DATA_FORMAT,
        "about": "Everything the practice holds about one client in Bordin, table by table.",
        "practice": practice_name,
        "exported_at": at.isoformat(),
        "tables": holdings.tables,
        "left_out": {
            "columns": {f"{t}.{c}": why for (t, c), why in OMITTED_COLUMNS.items()},
            "tables": dict(EXCLUDED),
        },
    }


def fhir_bundle(rt: Runtime, holdings: Holdings, *, at: datetime) -> dict[str, Any]:
    """The FHIR R4B Bundle (validated): Patient, and a response and score per measure."""
    # FHIR's models (fhir.resources, with pydantic and YAML) load with the first archive, not
    # when a web worker starts (issue 15: a lean worker).
    from bordin.interop.fhir.subject_access import Measured, PatientFacts, subject_access_bundle

    client = holdings.one("clients")
    measures = []
    for row in holdings.rows("administrations"):
        try:
            instrument = get_instrument(row["instrument_id"])
            scored = administer(
                instrument,
                dict(row["answers"]),
                administration_id=str(row["id"]),
                respondent_id=client["pseudonym"],
                completed_at=datetime.fromisoformat(row["answered_at"]),
                session_id=str(row["appointment_id"]) if row["appointment_id"] else None,
            )
        except BordinError:
            continue  # a measure no longer installed: its answers are still in data.json
        measures.append(Measured(scored, instrument, row["band"]))
    patient = PatientFacts(
        pseudonym=client["pseudonym"],
        name=client["display_name"],
        email=client["email"],
        phone=client["phone"],
        language=client["preferred_language"],
    )
    return subject_access_bundle(
        patient, measures, generated_at=at, canonical_base=rt.settings.base_url
    )


def _names(db: Session, holdings: Holdings, practice: PracticeRow) -> Names:
    staff = {
        user_id: name
        for user_id, name in db.execute(
            select(UserRow.id, UserRow.display_name).where(UserRow.practice_id == practice.id)
        )
    }
    measures: dict[str, str] = {}
    for row in holdings.rows("administrations"):
        try:
            measures[row["instrument_id"]] = get_instrument(row["instrument_id"]).title
        except BordinError:
            continue
    consents = {**CONSENT_WORDING, **CONSENT_WORDING_EXTRA}
    return Names(staff=staff, measures=measures, consents=consents, timezone=practice.timezone)


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
