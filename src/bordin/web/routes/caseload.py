"""The therapist's home: their caseload, who needs attention today and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from bordin.domain.access import Role
from bordin.domain.errors import NotFound
from bordin.reports.read.caseload import CaseloadFilter, CaseloadRow, caseload
from bordin.services import audit
from bordin.services.access import visible_therapist_ids
from bordin.services.attendance import sessions_to_mark
from bordin.services.audit import Origin
from bordin.storage.tables import UserRow
from bordin.web.deps import CurrentStaff, DbSession, RequestOrigin, Rt
from bordin.web.sparklines import sparkline
from bordin.web.templating import csv_download, render

router = APIRouter()

CSV_COLUMNS = [
    "episode_id",
    "clients",
    "kind",
    "status",
    "urgency",
    "reasons",
    "next_session",
    "sessions_attended",
    "latest_alliance",
    "alliance_instrument",
    "latest_outcome",
    "outcome_instrument",
]


def _rows(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    filters: CaseloadFilter,
    origin: Origin,
    purpose: str,
) -> list[CaseloadRow]:
    """The viewer's own caseload (supervisors see supervisees' on /supervision); the clients
    listed are audited as read, since the page shows their scores and signals."""
    if viewer.actor.role not in (Role.THERAPIST, Role.SUPERVISOR):
        raise NotFound("not found")
    own = visible_therapist_ids(viewer.actor).where(UserRow.id == viewer.actor.user_id)
    rows = caseload(db, therapist_ids=own, now=rt.now(), filters=filters)
    audit.record_list_view(
        db,
        actor=viewer.actor,
        entity=purpose,
        client_ids=[c.client_id for row in rows for c in row.clients],
        origin=origin,
        at=rt.now(),
    )
    db.commit()
    return rows


def _filters(status: str, attention: bool, kind: str, signal: str) -> CaseloadFilter:
    return CaseloadFilter(
        status=status if status in ("active", "all", "ended") else "active",
        attention=attention,
        kind=kind if kind in ("all", "individual", "couple") else "all",
        signal=signal,
    )


@router.get("/caseload")
def caseload_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    status: Annotated[str, Query()] = "active",
    attention: Annotated[bool, Query()] = False,
    kind: Annotated[str, Query()] = "all",
    signal: Annotated[str, Query()] = "all",
) -> Response:
    filters = _filters(status, attention, kind, signal)
    rows = _rows(db, rt, viewer, filters, origin, "caseload")
    to_mark = sessions_to_mark(db, rt, therapist_id=viewer.actor.user_id or 0)
    return render(
        request,
        "caseload.html",
        {
            "rows": rows,
            "to_mark": to_mark,
            "filters": filters,
            "sparkline": sparkline,
            "now": rt.now(),
            "query": request.url.query,
        },
    )


@router.get("/caseload.csv")
def caseload_csv(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    status: str = "active",
    attention: bool = False,
    kind: str = "all",
    signal: str = "all",
) -> Response:
    rows = _rows(
        db, rt, viewer, _filters(status, attention, kind, signal), origin, "caseload_export"
    )
    records = []
    for row in rows:
        first = row.clients[0] if row.clients else None
        records.append(
            {
                "episode_id": row.episode_id,
                "clients": "; ".join(c.pseudonym for c in row.clients),
                "kind": row.kind,
                "status": row.status,
                "urgency": row.urgency,
                "reasons": " | ".join(summary for _, summary in row.reasons),
                "next_session": row.next_session.isoformat() if row.next_session else "",
                "sessions_attended": row.sessions_attended,
                "latest_alliance": first.alliance[-1] if first and first.alliance else "",
                "alliance_instrument": first.alliance_instrument if first else "",
                "latest_outcome": first.outcome[-1] if first and first.outcome else "",
                "outcome_instrument": first.outcome_instrument if first else "",
            }
        )
    return csv_download(records, CSV_COLUMNS, "caseload.csv")
