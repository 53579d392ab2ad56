"""Supervision reports as PDF: a therapist's caseload, or one client, over a chosen period.

* ``/reports``: a small form to choose a therapist or a client and the period.
* ``/reports/therapists/{user_id}.pdf?start=YYYY-MM-DD&end=YYYY-MM-DD``
* ``/reports/clients/{client_id}.pdf?start=...&end=...``
* ``/reports/prepared/{report_id}``: "your report is being prepared", then the download link
* ``/reports/prepared/{report_id}.pdf``: the PDF itself

The two report addresses ask for the report and go to its waiting page: the worker makes the
PDF in the background (``services/prepared_reports.py``). Reports are private to the therapist
themself, their supervisor and the clinical lead; everyone else gets 404 (before the dates are
even looked at), and a prepared report only to the person who asked for it. Every client in a
report is recorded in the audit trail as read at each download. A bad date is a 422 that names
the field (``start`` or ``end``).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.access import Role
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.text import parse_record_id
from bordin.reports.read.supervision_report import (
    Period,
    choosable,
    parse_period,
    report_client_for,
    report_therapist_for,
)
from bordin.services import prepared_reports
from bordin.web.deps import CurrentStaff, DbSession, RequestOrigin, Rt, Viewer
from bordin.web.params import RecordId
from bordin.web.templating import render

router = APIRouter()
#: How often the waiting page looks again for the finished report.
REFRESH_SECONDS = 2

Day = Annotated[str | None, Query(description="YYYY-MM-DD")]


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
    chosen = parse_record_id(therapist_id)
    if chosen is None:
        raise InvalidInput("choose a therapist from the list", field="therapist")
    report_therapist_for(db, viewer.actor, chosen)
    period = _period(rt, start, end)
    query = urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    return RedirectResponse(f"/reports/therapists/{chosen}.pdf?{query}", status_code=303)


@router.get("/reports/client", include_in_schema=False)
def choose_client(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    client_id: str = "",
    start: Day = None,
    end: Day = None,
) -> Response:
    chosen = parse_record_id(client_id)
    if chosen is None:
        raise InvalidInput("choose a client from the list", field="client")
    report_client_for(db, viewer.actor, chosen)
    period = _period(rt, start, end)
    query = urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    return RedirectResponse(f"/reports/clients/{chosen}.pdf?{query}", status_code=303)


def _prepare(db: DbSession, rt: Rt, viewer: Viewer, subject: str, period: Period) -> Response:
    report_id = prepared_reports.request_report(
        db, rt, actor=viewer.actor, subject=subject, period=period
    )
    return RedirectResponse(f"/reports/prepared/{report_id}", status_code=303)


@router.get("/reports/therapists/{user_id}.pdf")
def therapist_pdf(
    user_id: RecordId,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    start: Day = None,
    end: Day = None,
) -> Response:
    """Ask for a therapist's report: it is prepared in the background (see the waiting page)."""
    therapist = report_therapist_for(db, viewer.actor, user_id)
    return _prepare(db, rt, viewer, f"therapist:{therapist.id}", _period(rt, start, end))


@router.get("/reports/clients/{client_id}.pdf")
def client_pdf(
    client_id: RecordId,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    start: Day = None,
    end: Day = None,
) -> Response:
    client = report_client_for(db, viewer.actor, client_id)
    return _prepare(db, rt, viewer, f"client:{client.id}", _period(rt, start, end))


@router.get("/reports/prepared/{report_id}.pdf")
def prepared_pdf(
    report_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin
) -> Response:
    """The prepared PDF, for the person who asked for it; every client in it audited as read."""
    prepared = prepared_reports.download(
        db, rt, actor=viewer.actor, report_id=report_id, origin=origin
    )
    return Response(
        prepared.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{prepared.filename}"'},
    )


@router.get("/reports/prepared/{report_id}")
def prepared_page(
    request: Request, report_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff
) -> Response:
    """ "Your report is being prepared": refreshes itself until the download link appears."""
    report = prepared_reports.prepared_report(db, rt, actor=viewer.actor, report_id=report_id)
    return render(
        request,
        "report_prepared.html",
        {"viewer": viewer, "report": report, "refresh_seconds": REFRESH_SECONDS},
    )
