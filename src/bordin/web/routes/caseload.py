"""The therapist's home: their caseload, who needs attention today and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from bordin.domain.access import Role
from bordin.domain.errors import NotFound
from bordin.reports.csv_export import rows_to_csv
from bordin.reports.read.caseload import CaseloadFilter, CaseloadRow, caseload
from bordin.services.access import visible_therapist_ids
from bordin.web.deps import CurrentStaff, DbSession, Rt
from bordin.web.sparklines import sparkline
from bordin.web.templating import render

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
    db: DbSession, rt: Rt, viewer: CurrentStaff, filters: CaseloadFilter
) -> list[CaseloadRow]:
    if viewer.actor.role not in (Role.THERAPIST, Role.SUPERVISOR):
        raise NotFound("not found")
    rows = caseload(
        db, therapist_ids=visible_therapist_ids(viewer.actor), now=rt.now(), filters=filters
    )
    if viewer.actor.role is Role.SUPERVISOR:
        rows = [r for r in rows if r.therapist_id == viewer.actor.user_id]
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
    status: Annotated[str, Query()] = "active",
    attention: Annotated[bool, Query()] = False,
    kind: Annotated[str, Query()] = "all",
    signal: Annotated[str, Query()] = "all",
) -> Response:
    filters = _filters(status, attention, kind, signal)
    rows = _rows(db, rt, viewer, filters)
    db.commit()
    return render(
        request,
        "caseload.html",
        {
            "rows": rows,
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
    status: str = "active",
    attention: bool = False,
    kind: str = "all",
    signal: str = "all",
) -> Response:
    rows = _rows(db, rt, viewer, _filters(status, attention, kind, signal))
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
    return Response(
        rows_to_csv(records, CSV_COLUMNS),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="caseload.csv"'},
    )
