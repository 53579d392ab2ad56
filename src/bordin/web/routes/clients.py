"""A client's page: the trajectory chart, signals as a timeline, sessions, and the rupture log."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from bordin.domain.alliance import MARKERS, STRATEGIES
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.text import parse_record_id
from bordin.reports.charts import render_trajectory_svg
from bordin.reports.read.client_record import client_record
from bordin.reports.read.trajectory import episode_trajectory
from bordin.reports.trajectory import (
    describe_trajectory,
    trajectory_data_table,
    trajectory_table,
)
from bordin.services import responsiveness
from bordin.services.access import get_client_for_user
from bordin.services.measures import export_administration_fhir
from bordin.services.ruptures import log_rupture, record_repair
from bordin.web.deps import Csrf, CurrentStaff, DbSession, PostedForm, RequestOrigin, Rt
from bordin.web.field_labels import labelled
from bordin.web.params import ChoiceField, FreeText, RecordId
from bordin.web.sparklines import sparkline
from bordin.web.templating import csv_download, render

router = APIRouter()

#: The rupture form's fields as the page names them (error messages say these, never the keys).
LABELS = {
    "session": "Session",
    "rupture_type": "Type",
    "rupture.markers": "Markers",
    "rupture.strategies": "What you tried",
    "resolved": "Did it resolve?",
    "client": "Client",
    "note": "Note",
}


def _page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    client_id: int,
    *,
    errors: list[dict[str, str]] | None = None,
    entered: dict[str, object] | None = None,
    status: int = 200,
) -> Response:
    record = client_record(db, rt.cipher, client_id)
    charts = {}
    cultural = {}
    for view in record.episodes:
        trajectory = episode_trajectory(
            db,
            rt,
            episode_id=view.episode.id,
            title=f"{record.client.display_name}: alliance and outcome",
        )
        charts[view.episode.id] = {
            "svg": render_trajectory_svg(trajectory) if trajectory.series else "",
            "svg_narrow": (
                render_trajectory_svg(trajectory, narrow=True) if trajectory.series else ""
            ),
            "text": describe_trajectory(trajectory) if trajectory.series else "",
            "table": trajectory_data_table(trajectory),
        }
        cultural[view.episode.id] = responsiveness.checks_for(
            db, episode_id=view.episode.id, client_id=client_id
        )
    db.commit()  # the audited read
    return render(
        request,
        "client.html",
        {
            "record": record,
            "viewer": viewer,
            "now": rt.now(),
            "charts": charts,
            "cultural": cultural,
            "sparkline": sparkline,
            "markers": MARKERS,
            "strategies": STRATEGIES,
            "errors": errors or [],
            "entered": entered or {},
        },
        status_code=status,
    )


@router.get("/clients/{client_id}")
def client_page(
    client_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
) -> Response:
    get_client_for_user(db, rt, viewer.actor, client_id, origin=origin)
    return _page(request, db, rt, viewer, client_id)


@router.get("/clients/{client_id}/episodes/{episode_id}/trajectory.csv")
def trajectory_csv(
    client_id: RecordId,
    episode_id: RecordId,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
) -> Response:
    client = get_client_for_user(
        db, rt, viewer.actor, client_id, origin=origin, purpose="trajectory_export"
    )
    record = client_record(db, rt.cipher, client_id)
    if episode_id not in {v.episode.id for v in record.episodes}:
        raise NotFound("episode not found")
    trajectory = episode_trajectory(db, rt, episode_id=episode_id, title=client.pseudonym)
    rows = trajectory_table(trajectory)
    db.commit()
    columns = list(rows[0].keys()) if rows else ["session"]
    return csv_download(rows, columns, f"{client.pseudonym}-trajectory.csv")


def _log_step(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    client_id: int,
    appointment_id: str,
    save: Callable[[int], object],
    entered: dict[str, object],
) -> Response:
    """Save one step of the rupture and repair log (``save`` gets the chosen session's id) and
    go back to the log; refused input shows the page again, with the errors in the form's
    words and the form open with what was entered."""
    get_client_for_user(db, rt, viewer.actor, client_id, origin=origin)
    try:
        session_id = parse_record_id(appointment_id)
        if session_id is None:
            raise InvalidInput("choose the session", field="session")
        save(session_id)
    except InvalidInput as invalid:
        db.rollback()
        get_client_for_user(db, rt, viewer.actor, client_id, origin=origin)
        return _page(
            request,
            db,
            rt,
            viewer,
            client_id,
            errors=labelled(invalid.errors, LABELS),
            entered={"appointment_id": appointment_id, **entered},
            status=422,
        )
    return RedirectResponse(f"/clients/{client_id}#ruptures", status_code=303)


@router.post("/clients/{client_id}/ruptures", dependencies=[Csrf])
def add_rupture(
    client_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    posted: PostedForm,
    appointment_id: ChoiceField = "",
    rupture_type: ChoiceField = "",
    resolved: ChoiceField = "",
    note: FreeText = "",
) -> Response:
    """A rupture seen in session: its type, the markers, what was tried, whether it resolved."""
    markers = [str(v) for v in posted.getlist("markers")]
    strategies = [str(v) for v in posted.getlist("strategies")]
    return _log_step(
        request,
        db,
        rt,
        viewer,
        origin,
        client_id,
        appointment_id,
        lambda session_id: log_rupture(
            db,
            rt,
            actor=viewer.actor,
            appointment_id=session_id,
            rupture_type=rupture_type,
            markers=markers,
            strategies=strategies,
            resolved=resolved,
            client_id=client_id,
            note=note.strip() or None,
        ),
        {
            "rupture_type": rupture_type,
            "markers": markers,
            "strategies": strategies,
            "resolved": resolved,
            "note": note,
        },
    )


@router.post("/clients/{client_id}/ruptures/{rupture_id}/repair", dependencies=[Csrf])
def add_repair(
    client_id: RecordId,
    rupture_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    appointment_id: ChoiceField = "",
    resolved: ChoiceField = "",
    note: FreeText = "",
) -> Response:
    """The repair step of the log: the session in which a logged rupture was repaired."""
    return _log_step(
        request,
        db,
        rt,
        viewer,
        origin,
        client_id,
        appointment_id,
        lambda session_id: record_repair(
            db,
            rt,
            actor=viewer.actor,
            rupture_id=rupture_id,
            appointment_id=session_id,
            resolved=resolved,
            note=note.strip() or None,
            client_id=client_id,
        ),
        {"repair_of": str(rupture_id), "resolved": resolved, "note": note},
    )


@router.get("/api/administrations/{administration_id}/fhir")
def administration_fhir(
    administration_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin
) -> JSONResponse:
    """One administration as a FHIR R4B QuestionnaireResponse."""
    resource = export_administration_fhir(
        db, rt, actor=viewer.actor, administration_id=administration_id, origin=origin
    )
    return JSONResponse(resource, media_type="application/fhir+json")
