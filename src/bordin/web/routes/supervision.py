"""The supervisor's view: supervisees' caseloads, who needs attention and why, and (for the
clinical lead only) conduct concerns.

``/supervision`` is for supervisors; everyone else gets 404. ``?therapist=ID`` narrows it to one
supervisee. ``/supervision.csv`` exports the summary table (one row per supervisee, counts
only); ``/supervision.csv?rows=clients`` exports the list of episodes that need attention, with
pseudonyms instead of names. Conduct concerns are never exported.

Both the page and the per-client export show clients' clinical detail, so each view is audited
as one read event naming the clients shown (not one event per client per view); the summary
export holds counts only and names no client.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from bordin.domain.access import Role, may_read_concerns
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.text import parse_record_id
from bordin.reports.read.supervision import (
    ConcernDigest,
    SupervisionOverview,
    concern_digest,
    supervision_overview,
)
from bordin.services import audit
from bordin.services.audit import Origin
from bordin.web.deps import CurrentStaff, DbSession, RequestOrigin, Rt
from bordin.web.templating import csv_download, render

router = APIRouter()

SUMMARY_COLUMNS = [
    "therapist",
    "active_episodes",
    "active_clients",
    "needs_attention",
    "open_ruptures",
    "unrepaired_ruptures",
    "not_on_track",
    "split_alliance",
    "risk",
    "most_urgent",
]
CLIENT_COLUMNS = [
    "therapist",
    "episode_id",
    "clients",
    "kind",
    "urgency",
    "signals",
    "reasons",
    "next_session",
    "sessions_attended",
]


def _therapist(value: str | None) -> int | None:
    if value is None or value in ("", "all"):
        return None
    therapist_id = parse_record_id(value)
    if therapist_id is None:
        raise InvalidInput("choose a supervisee from the list", field="therapist")
    return therapist_id


def _overview(
    db: DbSession, rt: Rt, viewer: CurrentStaff, therapist: str | None
) -> SupervisionOverview:
    if viewer.actor.role is not Role.SUPERVISOR:
        raise NotFound("not found")
    return supervision_overview(db, viewer.actor, now=rt.now(), therapist_id=_therapist(therapist))


def _audit_flagged(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    overview: SupervisionOverview,
    origin: Origin,
    entity: str,
) -> None:
    """One read event for this view, naming the clients of the flagged episodes it shows."""
    audit.record_page_view(
        db,
        actor=viewer.actor,
        entity=entity,
        client_ids=[
            c.client_id for s in overview.supervisees for f in s.flagged for c in f.clients
        ],
        origin=origin,
        at=rt.now(),
    )
    db.commit()


@router.get("/supervision")
def supervision_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    therapist: Annotated[str | None, Query()] = None,
) -> Response:
    overview = _overview(db, rt, viewer, therapist)
    concerns: ConcernDigest | None = None
    if may_read_concerns(viewer.actor):
        concerns = concern_digest(db, rt.cipher, viewer.actor)
        for line in concerns.latest:
            audit.record(
                db,
                actor=viewer.actor,
                action="read",
                entity="concern",
                entity_id=line.concern_id,
                client_id=line.client_id,
                origin=origin,
                at=rt.now(),
                detail={"view": "supervision"},
            )
    _audit_flagged(db, rt, viewer, overview, origin, "supervision")
    return render(
        request,
        "supervision.html",
        {
            "overview": overview,
            "concerns": concerns,
            "viewer": viewer,
            "query": request.url.query,
        },
    )


@router.get("/supervision.csv")
def supervision_csv(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    therapist: Annotated[str | None, Query()] = None,
    rows: Annotated[str, Query()] = "summary",
) -> Response:
    overview = _overview(db, rt, viewer, therapist)  # 404 for anyone but a supervisor
    if rows not in ("summary", "clients"):
        raise InvalidInput("must be summary or clients", field="rows")
    records: list[dict[str, object]] = []
    if rows == "summary":
        columns = SUMMARY_COLUMNS
        for s in overview.supervisees:
            records.append(
                {
                    "therapist": s.display_name,
                    "active_episodes": s.active_episodes,
                    "active_clients": s.active_clients,
                    "needs_attention": s.needs_attention,
                    "open_ruptures": s.open_ruptures,
                    "unrepaired_ruptures": s.unrepaired_ruptures,
                    "not_on_track": s.not_on_track,
                    "split_alliance": s.split_alliance,
                    "risk": s.risk,
                    "most_urgent": s.urgency,
                }
            )
    else:
        columns = CLIENT_COLUMNS
        _audit_flagged(db, rt, viewer, overview, origin, "supervision_export")
        for s in overview.supervisees:
            for f in s.flagged:
                records.append(
                    {
                        "therapist": s.display_name,
                        "episode_id": f.episode_id,
                        "clients": "; ".join(c.pseudonym for c in f.clients),
                        "kind": f.kind,
                        "urgency": f.urgency,
                        "signals": "; ".join(sorted(f.types)),
                        "reasons": " | ".join(r.summary for r in f.reasons),
                        "next_session": f.next_session,
                        "sessions_attended": f.sessions_attended,
                    }
                )
    name = "supervision.csv" if rows == "summary" else "supervision-clients.csv"
    return csv_download(records, columns, name)
