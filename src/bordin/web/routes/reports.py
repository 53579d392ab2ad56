"""Supervision reports as PDF: a therapist's caseload, or one client, over a chosen period.

* ``/reports``: a small form to choose a therapist or a client and the period.
* ``/reports/therapists/{user_id}.pdf?start=YYYY-MM-DD&end=YYYY-MM-DD``
* ``/reports/clients/{client_id}.pdf?start=...&end=...``

Private to the therapist themself, their supervisor and the clinical lead; everyone else gets
404 (before the dates are even looked at). Every client in a report is recorded in the audit
trail as read. A bad date is a 422 that names the field (``start`` or ``end``).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.access import Role
from bordin.domain.errors import InvalidInput, NotFound
from bordin.reports.read.supervision_report import (
    BuiltReport,
    Period,
    choosable,
    client_report,
    parse_period,
    report_client_for,
    report_therapist_for,
    therapist_report,
)
from bordin.reports.supervision_report import render_supervision_report_pdf
from bordin.services import audit
from bordin.web.deps import CurrentStaff, DbSession, RequestOrigin, Rt, Viewer
from bordin.web.templating import render

router = APIRouter()

Day = Annotated[str | None, Query(description="YYYY-MM-DD")]


def _pdf(
    db: DbSession,
    rt: Rt,
    viewer: Viewer,
    origin: RequestOrigin,
    built: BuiltReport,
    *,
    subject: str,
    filename: str,
) -> Response:
    for client_id in built.client_ids:
        audit.record(
            db,
            actor=viewer.actor,
            action="read",
            entity="supervision_report",
            entity_id=subject,
            client_id=client_id,
            origin=origin,
            at=rt.now(),
            detail={
                "period_start": built.data.period_start.isoformat(),
                "period_end": built.data.period_end.isoformat(),
            },
        )
    pdf = render_supervision_report_pdf(built.data)
    db.commit()  # the audited reads, once the report exists
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def _period(rt: Rt, start: str | None, end: str | None) -> Period:
    return parse_period(start, end, today=rt.now().date())


@router.get("/reports")
def reports_form(request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    if viewer.actor.role not in (Role.THERAPIST, Role.SUPERVISOR):
        raise NotFound("not found")
    therapists, clients = choosable(db, viewer.actor)
    default = _period(rt, None, None)
    return render(
        request,
        "reports.html",
        {
            "viewer": viewer,
            "therapists": therapists,
            "clients": clients,
            "start": default.start.isoformat(),
            "end": default.end.isoformat(),
        },
    )


@router.get("/reports/therapist", include_in_schema=False)
def choose_therapist(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    therapist_id: str = "",
    start: Day = None,
    end: Day = None,
) -> Response:
    """The form's target: check the choice, then go to the PDF's address."""
    if not therapist_id.isdigit():
        raise InvalidInput("choose a therapist from the list", field="therapist")
    report_therapist_for(db, viewer.actor, int(therapist_id))
    period = _period(rt, start, end)
    query = urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    return RedirectResponse(f"/reports/therapists/{int(therapist_id)}.pdf?{query}", status_code=303)


@router.get("/reports/client", include_in_schema=False)
def choose_client(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    client_id: str = "",
    start: Day = None,
    end: Day = None,
) -> Response:
    if not client_id.isdigit():
        raise InvalidInput("choose a client from the list", field="client")
    report_client_for(db, viewer.actor, int(client_id))
    period = _period(rt, start, end)
    query = urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    return RedirectResponse(f"/reports/clients/{int(client_id)}.pdf?{query}", status_code=303)


@router.get("/reports/therapists/{user_id}.pdf")
def therapist_pdf(
    user_id: int,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    start: Day = None,
    end: Day = None,
) -> Response:
    therapist = report_therapist_for(db, viewer.actor, user_id)
    period = _period(rt, start, end)
    built = therapist_report(db, rt, therapist=therapist, period=period)
    return _pdf(
        db,
        rt,
        viewer,
        origin,
        built,
        subject=f"therapist:{therapist.id}",
        filename=f"supervision-therapist-{therapist.id}-{period.start}-{period.end}.pdf",
    )


@router.get("/reports/clients/{client_id}.pdf")
def client_pdf(
    client_id: int,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    start: Day = None,
    end: Day = None,
) -> Response:
    client = report_client_for(db, viewer.actor, client_id)
    period = _period(rt, start, end)
    built = client_report(db, rt, client=client, period=period)
    if not built.data.clients:
        raise InvalidInput(
            f"{client.pseudonym} had no sessions between {period.start} and {period.end}; "
            "choose a period in which they were seen",
            field="start",
        )
    return _pdf(
        db,
        rt,
        viewer,
        origin,
        built,
        subject=f"client:{client.id}",
        filename=f"supervision-{client.pseudonym}-{period.start}-{period.end}.pdf",
    )
