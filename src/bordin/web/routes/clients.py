"""A client's page: the trajectory chart, signals as a timeline, sessions, and the rupture log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from bordin.domain.alliance import MARKERS, STRATEGIES
from bordin.domain.errors import InvalidInput, NotFound
from bordin.reports.charts import render_trajectory_svg
from bordin.reports.read.client_record import client_record
from bordin.reports.read.trajectory import episode_trajectory
from bordin.reports.trajectory import describe_trajectory, trajectory_table
from bordin.services.access import get_client_for_user
from bordin.services.measures import export_administration_fhir
from bordin.services.ruptures import log_rupture
from bordin.web.deps import Csrf, CurrentStaff, DbSession, RequestOrigin, Rt
from bordin.web.templating import csv_download, render

router = APIRouter()


def _page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    client_id: int,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    record = client_record(db, rt.cipher, client_id)
    charts = {}
    for view in record.episodes:
        trajectory = episode_trajectory(
            db,
            rt,
            episode_id=view.episode.id,
            title=f"{record.client.pseudonym}: alliance and outcome",
        )
        table = trajectory_table(trajectory)
        charts[view.episode.id] = {
            "svg": render_trajectory_svg(trajectory) if trajectory.series else "",
            "text": describe_trajectory(trajectory) if trajectory.series else "",
            "table": table,
            "columns": list(table[0].keys()) if table else [],
        }
    db.commit()  # the audited read
    return render(
        request,
        "client.html",
        {
            "record": record,
            "viewer": viewer,
            "now": rt.now(),
            "charts": charts,
            "markers": MARKERS,
            "strategies": STRATEGIES,
            "errors": errors or [],
        },
        status_code=status,
    )


@router.get("/clients/{client_id}")
def client_page(
    client_id: int,
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
    client_id: int,
    episode_id: int,
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


@router.post("/clients/{client_id}/ruptures", dependencies=[Csrf])
async def add_rupture(
    client_id: int,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    appointment_id: Annotated[str, Form()] = "",
    rupture_type: Annotated[str, Form()] = "",
    resolved: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    get_client_for_user(db, rt, viewer.actor, client_id, origin=origin)
    form = await request.form()
    try:
        if not appointment_id.isdigit():
            raise InvalidInput("choose the session", field="session")
        log_rupture(
            db,
            rt,
            actor=viewer.actor,
            appointment_id=int(appointment_id),
            rupture_type=rupture_type,
            markers=[str(v) for v in form.getlist("markers")],
            strategies=[str(v) for v in form.getlist("strategies")],
            resolved=resolved,
            client_id=client_id,
            note=note.strip() or None,
        )
    except InvalidInput as invalid:
        db.rollback()
        get_client_for_user(db, rt, viewer.actor, client_id, origin=origin)
        return _page(
            request,
            db,
            rt,
            viewer,
            client_id,
            errors=[e.as_dict() for e in invalid.errors],
            status=422,
        )
    return RedirectResponse(f"/clients/{client_id}#ruptures", status_code=303)


@router.get("/api/administrations/{administration_id}/fhir")
def administration_fhir(
    administration_id: int, db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin
) -> JSONResponse:
    """One administration as a FHIR R4B QuestionnaireResponse."""
    resource = export_administration_fhir(
        db, rt, actor=viewer.actor, administration_id=administration_id, origin=origin
    )
    return JSONResponse(resource, media_type="application/fhir+json")
