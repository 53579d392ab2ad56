"""The practice overview: outcomes, the alliance–outcome link, and therapists without a ranking.

``/practice`` is for the admin and the clinical lead; everyone else gets 404. It shows
aggregate numbers only, so the admin (who never reads clinical content) may see it too.

CSV exports (decision, documented on the page):

* ``/practice.csv`` (admin and clinical lead): one row per therapist estimate, in the same
  alphabetical order as the page; aggregate numbers only.
* ``/practice.csv?rows=episodes`` (clinical lead only; the admin gets 404): one row per client
  in an ended episode who holds current research consent (``research_export``), with the
  client's pseudonym and the therapist's id, never a name. Clients without that consent, or who
  withdrew it, are left out; the page says how many. Each client in it is recorded in the audit
  trail.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from bordin.domain.access import Actor, Role, may_see_practice_overview
from bordin.domain.errors import InvalidInput, NotFound
from bordin.reports.read.practice import PracticeOverview, practice_overview
from bordin.services.erasure import erasures_done
from bordin.services.research import export_for_research, select_for_research
from bordin.services.runtime import Runtime
from bordin.web.deps import CurrentStaff, DbSession, RequestOrigin, Rt
from bordin.web.templating import csv_download, render

router = APIRouter()

THERAPIST_COLUMNS = [
    "therapist",
    "finished_episodes",
    "adjusted_difference",
    "ci_lower",
    "ci_upper",
    "overlaps_practice_mean",
    "unit",
    "note",
]
EPISODE_COLUMNS = [
    "episode_id",
    "client_pseudonym",
    "therapist_id",
    "kind",
    "status",
    "instrument",
    "outcome_scores",
    "intake",
    "final",
    "improvement",
    "classification",
    "dropped_out",
    "early_alliance_percent",
    "alliance_instrument",
]


def _overview(db: DbSession, actor: Actor, rt: Runtime | None = None) -> PracticeOverview:
    if not may_see_practice_overview(actor):
        raise NotFound("not found")
    today = rt.now().date() if rt is not None else None
    return practice_overview(db, practice_id=actor.practice_id, today=today)


@router.get("/practice")
def practice_page(request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    overview = _overview(db, viewer.actor, rt)
    is_admin = viewer.actor.role is Role.ADMIN
    return render(
        request,
        "practice.html",
        {
            "o": overview,
            "viewer": viewer,
            "is_admin": is_admin,
            "research": None if is_admin else select_for_research(db, overview.records),
            "erased": erasures_done(db, practice_id=viewer.actor.practice_id),
        },
    )


@router.get("/practice.csv")
def practice_csv(
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    rows: Annotated[str, Query()] = "therapists",
) -> Response:
    if not may_see_practice_overview(viewer.actor):
        raise NotFound("not found")
    if rows not in ("therapists", "episodes"):
        raise InvalidInput("must be therapists or episodes", field="rows")
    overview = _overview(db, viewer.actor)
    records: list[dict[str, object]] = []
    if rows == "therapists":
        columns = THERAPIST_COLUMNS
        for e in overview.therapists:
            records.append(
                {
                    "therapist": e.display_name,
                    "finished_episodes": e.n,
                    "adjusted_difference": e.adjusted_difference,
                    "ci_lower": e.ci_lower,
                    "ci_upper": e.ci_upper,
                    "overlaps_practice_mean": e.overlaps_practice_mean,
                    "unit": e.unit,
                    "note": e.note,
                }
            )
        name = "practice-therapists.csv"
    else:
        selection = export_for_research(
            db, rt, actor=viewer.actor, records=overview.records, origin=origin
        )
        columns = EPISODE_COLUMNS
        for o in selection.included:
            r = o.record
            records.append(
                {
                    "episode_id": o.episode_id,
                    "client_pseudonym": o.pseudonym,
                    "therapist_id": o.therapist_id,
                    "kind": o.kind,
                    "status": o.status,
                    "instrument": r.instrument_id,
                    "outcome_scores": o.outcome_scores,
                    "intake": r.intake,
                    "final": r.final,
                    "improvement": r.improvement,
                    "classification": r.classification,
                    "dropped_out": r.dropped_out,
                    "early_alliance_percent": (
                        None if r.early_alliance is None else round(r.early_alliance, 1)
                    ),
                    "alliance_instrument": o.alliance_instrument,
                }
            )
        name = "practice-episodes.csv"
    return csv_download(records, columns, name)
