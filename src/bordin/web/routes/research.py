"""Research projects: create one, and download its pseudonymised export (CSV or Parquet).

``/practice/research`` lists the practice's projects and lets the admin or the clinical lead
start one; the clinical lead downloads ``/practice/research/{id}/export?format=csv|parquet``
(``&table=summary`` for the grouped counts). Rules and what is in the file:
``services/research_projects.py`` and docs/research-export.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.access import may_export_research, may_manage_research_projects
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.research import SMALL_CELL
from bordin.reports.read.practice import outcome_records
from bordin.services import research_projects
from bordin.services.research import select_for_research
from bordin.web.deps import Csrf, CurrentStaff, DbSession, RequestOrigin, Rt
from bordin.web.params import NameField, RecordId
from bordin.web.templating import render

router = APIRouter()


def _page(
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    *,
    errors: list[dict[str, str]] | None = None,
    name: str = "",
    status: int = 200,
) -> Response:
    projects = research_projects.list_projects(db, actor=viewer.actor)
    may_export = may_export_research(viewer.actor)
    selection = (
        select_for_research(db, outcome_records(db, practice_id=viewer.actor.practice_id))
        if may_export
        else None
    )
    return render(
        request,
        "research.html",
        {
            "projects": projects,
            "viewer": viewer,
            "may_export": may_export,
            "research": selection,
            "errors": errors or [],
            "name": name,
            "small_cell": SMALL_CELL,
        },
        status_code=status,
    )


@router.get("/practice/research")
def research_page(request: Request, db: DbSession, viewer: CurrentStaff) -> Response:
    if not may_manage_research_projects(viewer.actor):
        raise NotFound("not found")
    return _page(request, db, viewer)


@router.post("/practice/research", dependencies=[Csrf])
def create_project(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    name: NameField = "",
) -> Response:
    if not may_manage_research_projects(viewer.actor):
        raise NotFound("not found")
    try:
        research_projects.create_project(db, rt, actor=viewer.actor, name=name, origin=origin)
    except InvalidInput as invalid:
        db.rollback()
        errors = [{**e.as_dict(), "label": "Project name"} for e in invalid.errors]
        return _page(request, db, viewer, errors=errors, name=name, status=422)
    return RedirectResponse("/practice/research", status_code=303)


@router.get("/practice/research/{project_id}/export")
def export(
    project_id: RecordId,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    format: Annotated[str, Query()] = "csv",
    table: Annotated[str, Query()] = "ratings",
) -> Response:
    if not may_export_research(viewer.actor):
        raise NotFound("not found")
    project = research_projects.get_project(db, actor=viewer.actor, project_id=project_id)
    result = research_projects.export_project(
        db, rt, actor=viewer.actor, project=project, file_format=format, table=table, origin=origin
    )
    return Response(
        result.content,
        media_type=result.media_type,
        headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
    )
