"""Supervision reports as PDF: a therapist's caseload, or one client, over a chosen period.

* ``/reports``: a small form to choose a therapist or a client and the period.
* ``POST /reports/therapist`` (``therapist_id``, ``start``, ``end``: YYYY-MM-DD) and
  ``POST /reports/client`` (``client_id``, ``start``, ``end``): ask for a report
* ``/reports/prepared/{report_id}``: "your report is being prepared", then the download link
* ``/reports/prepared/{report_id}.pdf``: the PDF itself

Asking is a POST with the form's CSRF token, because it makes something (a report, a job):
a link, a prefetch or a crawler cannot ask for one. It goes to the report's waiting page; the
worker makes the PDF in the background (``services/prepared_reports.py``). Reports are private
to the therapist themself, their supervisor and the clinical lead; everyone else gets 404
(before the dates are even looked at), and a prepared report only to the person who asked for
it. Every client in a report is recorded in the audit trail as read at each download. A bad
date is a 422 that names the field ("Start" or "End").
"""

from __future__ import annotations

from fastapi import APIRouter, Request
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
from bordin.web.deps import Csrf, CurrentStaff, DbSession, RequestOrigin, Rt, Viewer
from bordin.web.params import ChoiceField, RecordId
from bordin.web.templating import render

router = APIRouter()
#: How often the waiting page looks again for the finished report.
REFRESH_SECONDS = 2


def _period(rt: Rt, start: str, end: str) -> Period:
    """The chosen period; a field left empty takes the default (see ``parse_period``)."""
    return parse_period(start or None, end or None, today=rt.now().date())


@router.get("/reports")
def reports_form(request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    if viewer.actor.role not in (Role.THERAPIST, Role.SUPERVISOR):
        raise NotFound("not found")
    therapists, clients = choosable(db, viewer.actor)
    default = _period(rt, "", "")
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


@router.post("/reports/therapist", dependencies=[Csrf])
def ask_for_therapist_report(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    therapist_id: ChoiceField = "",
    start: ChoiceField = "",
    end: ChoiceField = "",
) -> Response:
    """Ask for a therapist's report: it is prepared in the background (see the waiting page)."""
    chosen = parse_record_id(therapist_id)
    if chosen is None:
        raise InvalidInput("choose a therapist from the list", field="therapist")
    therapist = report_therapist_for(db, viewer.actor, chosen)
    return _prepare(db, rt, viewer, f"therapist:{therapist.id}", _period(rt, start, end))


@router.post("/reports/client", dependencies=[Csrf])
def ask_for_client_report(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    client_id: ChoiceField = "",
    start: ChoiceField = "",
    end: ChoiceField = "",
) -> Response:
    """Ask for one client's report, prepared in the background like a therapist's."""
    chosen = parse_record_id(client_id)
    if chosen is None:
        raise InvalidInput("choose a client from the list", field="client")
    client = report_client_for(db, viewer.actor, chosen)
    return _prepare(db, rt, viewer, f"client:{client.id}", _period(rt, start, end))


def _prepare(db: DbSession, rt: Rt, viewer: Viewer, subject: str, period: Period) -> Response:
    report_id = prepared_reports.request_report(
        db, rt, actor=viewer.actor, subject=subject, period=period
    )
    return RedirectResponse(f"/reports/prepared/{report_id}", status_code=303)


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
