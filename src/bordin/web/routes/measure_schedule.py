"""How often outcome measures are asked (``/measures/schedule``): the clinical lead and admins.

The measures themselves, per kind of episode, are chosen in the practice settings; this page
sets the burden-adaptive rule on top (docs/feedback.md, "How often each measure is asked").
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.access import may_see_practice_overview
from bordin.domain.errors import InvalidInput, NotFound
from bordin.services.measurement_plan import policy_for, save_policy
from bordin.web.deps import Csrf, CurrentStaff, DbSession, Rt, Viewer

router = APIRouter()


def _page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    *,
    form: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    if not may_see_practice_overview(viewer.actor):
        raise NotFound("not found")
    policy = policy_for(db, viewer.actor.practice_id)
    current = {
        "adaptive": "yes" if policy.adaptive else "",
        "stable_every": str(policy.stable_every),
        "risk_screen": "yes" if policy.risk_screen else "",
    }
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "measure_schedule.html",
        {
            "viewer": viewer,
            "form": {**current, **(form or {})},
            "errors": errors or [],
            "notice": "Saved." if saved else None,
        },
        status_code=status,
    )
    return response


@router.get("/measures/schedule")
def schedule_page(
    request: Request, db: DbSession, viewer: CurrentStaff, saved: bool = False
) -> Response:
    return _page(request, db, viewer, saved=saved)


@router.post("/measures/schedule", dependencies=[Csrf])
def save_schedule(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    adaptive: Annotated[str, Form()] = "",
    stable_every: Annotated[str, Form()] = "",
    risk_screen: Annotated[str, Form()] = "",
) -> Response:
    form = {"adaptive": adaptive, "stable_every": stable_every, "risk_screen": risk_screen}
    try:
        save_policy(
            db,
            rt,
            actor=viewer.actor,
            adaptive=adaptive == "yes",
            stable_every=stable_every,
            risk_screen=risk_screen == "yes",
        )
    except InvalidInput as invalid:
        db.rollback()
        errors = [
            {"field": e.field, "label": "Once stable, ask every", "message": e.message}
            for e in invalid.errors
        ]
        return _page(request, db, viewer, form=form, errors=errors, status=422)
    return RedirectResponse("/measures/schedule?saved=true", status_code=303)
