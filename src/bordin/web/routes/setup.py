"""Starting a practice, and its settings page (admin only).

* ``/setup``: the first-run page, shown while the database holds no practice (afterwards: 404).
* ``/admin/settings``: name, locale and time zone; the measures for each kind of episode and how
  often; the crisis lines client pages show.
* ``/admin/settings/wording``: import licensed wording as a FHIR Questionnaire file; a file
  that cannot be used says what is wrong where, and nothing is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import FormData

from bordin.domain.access import may_manage_users
from bordin.domain.crisis import default_lines
from bordin.domain.errors import Conflict, InvalidInput, NotFound
from bordin.domain.instruments import default_registry
from bordin.domain.measure_plan import EVERY, KINDS
from bordin.domain.text import parse_count
from bordin.services import practice_setup
from bordin.services.crisis import lines_for_practice
from bordin.services.instruments import import_questionnaire
from bordin.storage.tables import ImportedWordingRow, PracticeRow
from bordin.web.client_pages import PostedForm
from bordin.web.deps import Csrf, CurrentStaff, DbSession, Rt, anonymous_csrf_token
from bordin.web.field_labels import in_words, labelled
from bordin.web.templating import render

router = APIRouter()

MAX_UPLOAD = 2_000_000
LOCALE_NAMES = {
    "UK": "United Kingdom",
    "EU": "European Union",
    "US": "United States",
    "AU": "Australia",
}
SETUP_LABELS = {
    "name": "Practice name",
    "locale": "Country or region",
    "timezone": "Time zone",
    "username": "Your username",
    "email": "Your email",
    "display_name": "Your name",
    "password": "Password",
}


def _labelled(invalid: InvalidInput, labels: dict[str, str]) -> list[dict[str, str]]:
    return labelled(invalid.errors, {e.field: _label(e.field, labels) for e in invalid.errors})


def _label(field: str, labels: dict[str, str]) -> str:
    if field.startswith("crisis_lines["):
        index, _, part = field[len("crisis_lines[") :].partition("]")
        part = part.lstrip(".") or "line"
        return f"Crisis line {int(index) + 1}, {part.replace('_', ' ')}"
    if field.endswith("_measures"):
        return f"Measures for {field.removesuffix('_measures')} work"
    if field.count(".") == 2:
        kind, instrument, _ = field.split(".")
        try:
            title = default_registry().get(instrument).title
        except NotFound:
            title = instrument
        return f"{title} ({kind} work), how often"
    return labels.get(field) or in_words(field)


# --- first run --------------------------------------------------------------------------------


def _setup_page(
    request: Request,
    *,
    values: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "setup.html",
        {
            "csrf_token": anonymous_csrf_token(request),
            "values": values or {"locale": "UK", "timezone": "Europe/London"},
            "errors": errors or [],
            "locales": LOCALE_NAMES,
            "timezones": practice_setup.timezones(),
        },
        status_code=status,
    )


@router.get("/setup")
def setup_page(request: Request, db: DbSession) -> Response:
    if practice_setup.practice_exists(db):
        raise NotFound("not found")
    return _setup_page(request)


@router.post("/setup", dependencies=[Csrf])
def setup(
    request: Request,
    db: DbSession,
    rt: Rt,
    name: Annotated[str, Form()] = "",
    locale: Annotated[str, Form()] = "UK",
    timezone: Annotated[str, Form()] = "Europe/London",
    display_name: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    if practice_setup.practice_exists(db):
        raise NotFound("not found")
    values = {
        "name": name,
        "locale": locale,
        "timezone": timezone,
        "display_name": display_name,
        "username": username,
        "email": email,
    }
    try:
        practice_setup.init_practice(
            db,
            rt,
            name=name,
            locale=locale,
            timezone=timezone,
            admin_username=username,
            admin_email=email,
            admin_name=display_name,
            admin_password=password,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _setup_page(
            request, values=values, errors=_labelled(invalid, SETUP_LABELS), status=422
        )
    except Conflict:
        raise NotFound("not found") from None
    return RedirectResponse("/login?next=/admin/settings", status_code=303)


# --- settings ---------------------------------------------------------------------------------


def _admin_practice(db: DbSession, viewer: CurrentStaff) -> PracticeRow:
    practice = db.get(PracticeRow, viewer.actor.practice_id)
    if practice is None or not may_manage_users(viewer.actor):
        raise NotFound("not found")
    return practice


def _line_rows(practice: PracticeRow) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [dict(line) for line in practice.crisis_lines or []]
    return rows + [{} for _ in range(max(2, 6 - len(rows)))]


def _settings_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    *,
    errors: list[dict[str, str]] | None = None,
    section: str | None = None,
    lines: list[dict[str, Any]] | None = None,
    saved: str | None = None,
    status: int = 200,
) -> Response:
    practice = _admin_practice(db, viewer)
    plan = practice_setup.measure_plan(practice)
    chosen = {kind: {s.instrument: s.every for s in plan.for_kind(kind)} for kind in KINDS}
    return render(
        request,
        "settings.html",
        {
            "viewer": viewer,
            "practice": practice,
            "errors": errors or [],
            "section": section,
            "saved": saved,
            "choices": practice_setup.measure_choices(db, practice.id),
            "chosen": chosen,
            "every": EVERY,
            "kinds": KINDS,
            "locales": LOCALE_NAMES,
            "timezones": practice_setup.timezones(),
            "lines": lines if lines is not None else _line_rows(practice),
            "shown_lines": lines_for_practice(practice, rt),
            "default_lines": default_lines(practice.locale),
            "uses_defaults": not practice.crisis_lines,
        },
        status_code=status,
    )


@router.get("/admin/settings")
def settings_page(
    request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff, saved: str | None = None
) -> Response:
    return _settings_page(request, db, rt, viewer, saved=saved)


@router.post("/admin/settings/details", dependencies=[Csrf])
def save_details(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    name: Annotated[str, Form()] = "",
    locale: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
) -> Response:
    practice = _admin_practice(db, viewer)
    try:
        practice_setup.update_details(
            db,
            rt,
            actor=viewer.actor,
            practice_id=practice.id,
            name=name,
            locale=locale,
            timezone=timezone,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _settings_page(
            request,
            db,
            rt,
            viewer,
            errors=_labelled(invalid, SETUP_LABELS),
            section="details",
            status=422,
        )
    return RedirectResponse("/admin/settings?saved=details", status_code=303)


def _plan_from_form(form: FormData) -> dict[str, list[dict[str, Any]]]:
    plan: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        entries = []
        for instrument in form.getlist(f"{kind}.measures"):
            raw = str(form.get(f"{kind}.every.{instrument}") or "1")
            every: Any = raw if (count := parse_count(raw)) is None else count
            entries.append({"instrument": str(instrument), "every": every})
        plan[kind] = entries
    return plan


@router.post("/admin/settings/measures", dependencies=[Csrf])
def save_measures(
    request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff, form: PostedForm
) -> Response:
    practice = _admin_practice(db, viewer)
    try:
        practice_setup.set_measure_plan(
            db, rt, actor=viewer.actor, practice_id=practice.id, plan=_plan_from_form(form)
        )
    except InvalidInput as invalid:
        db.rollback()
        return _settings_page(
            request, db, rt, viewer, errors=_labelled(invalid, {}), section="measures", status=422
        )
    return RedirectResponse("/admin/settings?saved=measures", status_code=303)


def _lines_from_form(form: FormData) -> list[dict[str, Any]]:
    lines = []
    for index in range(20):
        name = str(form.get(f"line-{index}-name") or "").strip()
        number = str(form.get(f"line-{index}-number") or "").strip()
        if f"line-{index}-name" not in form:
            break
        if not name and not number:
            continue
        line: dict[str, Any] = {
            "name": name,
            "number": number,
            "how": str(form.get(f"line-{index}-how") or "call"),
            "note": str(form.get(f"line-{index}-note") or "").strip(),
            "emergency": bool(form.get(f"line-{index}-emergency")),
        }
        text_body = str(form.get(f"line-{index}-text_body") or "").strip()
        if text_body:
            line["text_body"] = text_body
        lines.append(line)
    return lines


@router.post("/admin/settings/crisis-lines", dependencies=[Csrf])
def save_crisis_lines(
    request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff, form: PostedForm
) -> Response:
    practice = _admin_practice(db, viewer)
    lines = [] if form.get("use_defaults") else _lines_from_form(form)
    try:
        practice_setup.set_crisis_lines(
            db, rt, actor=viewer.actor, practice_id=practice.id, lines=lines
        )
    except InvalidInput as invalid:
        db.rollback()
        return _settings_page(
            request,
            db,
            rt,
            viewer,
            errors=_labelled(invalid, {"crisis_lines": "Crisis lines"}),
            section="crisis",
            lines=lines + [{} for _ in range(2)],
            status=422,
        )
    return RedirectResponse("/admin/settings?saved=crisis", status_code=303)


# --- licensed wording -------------------------------------------------------------------------


def _wording_page(
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    *,
    errors: list[dict[str, str]] | None = None,
    imported: str | None = None,
    status: int = 200,
) -> Response:
    practice = _admin_practice(db, viewer)
    registry = default_registry()
    have = sorted(
        set(
            db.scalars(
                select(ImportedWordingRow.instrument_id).where(
                    ImportedWordingRow.practice_id == practice.id
                )
            )
        )
    )
    titles = []
    for instrument_id in have:
        try:
            titles.append(registry.get(instrument_id).title)
        except NotFound:
            titles.append(instrument_id)
    return render(
        request,
        "settings_wording.html",
        {
            "viewer": viewer,
            "errors": errors or [],
            "have": titles,
            "imported": imported,
            "choices": practice_setup.measure_choices(db, practice.id),
        },
        status_code=status,
    )


@router.get("/admin/settings/wording")
def wording_page(request: Request, db: DbSession, viewer: CurrentStaff) -> Response:
    return _wording_page(request, db, viewer)


@router.post("/admin/settings/wording", dependencies=[Csrf])
def import_wording(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    questionnaire: Annotated[UploadFile | None, File()] = None,
    value_sets: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    # A plain ``def``: FastAPI runs it in its thread pool, so the database work below never
    # blocks the event loop (ADR 0005). The uploads are already spooled by the form parser.
    practice = _admin_practice(db, viewer)
    data = questionnaire.file.read(MAX_UPLOAD + 1) if questionnaire else b""
    sets = [f.file.read(MAX_UPLOAD + 1) for f in value_sets or [] if f.filename]
    problem = None
    if not data:
        problem = "choose a Questionnaire file (.json) to import"
    elif len(data) > MAX_UPLOAD or any(len(s) > MAX_UPLOAD for s in sets):
        problem = "is larger than 2 MB; a Questionnaire file is usually much smaller"
    if problem:
        return _wording_page(
            request,
            db,
            viewer,
            errors=[{"field": "questionnaire", "label": "File", "message": problem}],
            status=422,
        )
    try:
        summary = import_questionnaire(
            db, rt, practice_id=practice.id, data=data, value_sets=sets, actor=viewer.actor
        )
    except InvalidInput as invalid:
        db.rollback()
        errors = [
            {"field": "questionnaire", "label": f"In the file, {e.field}", "message": e.message}
            for e in invalid.errors
        ]
        return _wording_page(request, db, viewer, errors=errors, status=422)
    try:
        title = default_registry().get(summary.instrument_id).title
    except NotFound:
        title = summary.instrument_id
    return _wording_page(request, db, viewer, imported=title)
