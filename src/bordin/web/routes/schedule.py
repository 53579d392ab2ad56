"""The practice's week for staff: week views, booking, moving and cancelling sessions, working
hours and leave, and the practice's scheduling settings (``/schedule...``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.domain.text import parse_record_id
from bordin.services import booking
from bordin.services import scheduling as diary
from bordin.services.week_view import week_view
from bordin.web.client_pages import PostedForm
from bordin.web.deps import Csrf, CurrentStaff, DbSession, RequestOrigin, Rt, Viewer
from bordin.web.field_labels import labelled
from bordin.web.params import RecordId

router = APIRouter()

#: What each form field is called on the page, for error messages.
LABELS = {
    "episode": "Client",
    "client": "Client",
    "date": "Date",
    "time": "Time",
    "frequency": "Repeats",
    "count": "Number of sessions",
    "duration_minutes": "Length",
    "mode": "How",
    "room": "Room",
    "video_link": "Video link",
    "status": "Session",
    "kind": "Kind",
    "first_day": "First day",
    "last_day": "Last day",
    "start": "From",
    "end": "Until",
    "note": "Note",
    "cancellation_notice_hours": "Notice needed to cancel (hours)",
    "session_minutes": "Usual session length (minutes)",
    "slot_minutes": "Offer times every (minutes)",
    "rooms": "Rooms",
}
LABELS |= {
    f"{day.lower()}_{edge}": f"{day} {'start' if edge == 'start' else 'end'}"
    for day in diary.WEEKDAYS
    for edge in ("start", "end")
}
NOTICES = {
    "booked": "Booked.",
    "moved": "Session moved.",
    "cancelled": "Session cancelled.",
    "hours": "Working hours saved.",
    "leave": "Saved.",
    "removed": "Removed.",
    "settings": "Scheduling settings saved.",
}


def _render(
    request: Request, template: str, viewer: Viewer, context: dict[str, Any], status: int = 200
) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, {"viewer": viewer, **context}, status_code=status
    )
    return response


def _week_of(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("Enter a date like 2026-03-24.", field="week") from None


@router.get("/schedule")
def my_week(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    week: str = "",
    therapist: int | None = None,
    done: str = "",
) -> Response:
    if therapist is None and viewer.actor.role.value == "admin":
        return RedirectResponse(f"/schedule/practice?week={week}", status_code=303)
    view = week_view(
        db, rt, actor=viewer.actor, week_of=_week_of(week), therapist_id=therapist, origin=origin
    )
    return _render(
        request, "schedule_week.html", viewer, {"week": view, "notice": NOTICES.get(done)}
    )


@router.get("/schedule/practice")
def practice_week(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    week: str = "",
    done: str = "",
) -> Response:
    view = week_view(
        db, rt, actor=viewer.actor, week_of=_week_of(week), whole_practice=True, origin=origin
    )
    return _render(
        request, "schedule_week.html", viewer, {"week": view, "notice": NOTICES.get(done)}
    )


def _book_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    form: dict[str, str],
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    settings = diary.scheduling_settings(db, viewer.actor.practice_id)
    return _render(
        request,
        "schedule_book.html",
        viewer,
        {
            "episodes": booking.bookable_episodes(db, viewer.actor),
            "rooms": settings.rooms,
            "form": form,
            "errors": errors or [],
            "session_minutes": settings.session_minutes,
        },
        status,
    )


@router.get("/schedule/book")
def book_form(
    request: Request,
    db: DbSession,
    viewer: CurrentStaff,
    episode: str = "",
    day: str = "",
    at: str = "",
) -> Response:
    return _book_page(request, db, viewer, {"episode": episode, "date": day, "time": at})


@router.post("/schedule/book", dependencies=[Csrf])
def book(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    posted: PostedForm,
) -> Response:
    form = {k: str(v) for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    episode_id = parse_record_id(form.get("episode", ""))
    if episode_id is None:
        return _book_page(
            request,
            db,
            viewer,
            form,
            labelled([FieldError("episode", "Choose a client.")], LABELS),
            422,
        )
    try:
        made = booking.book_sessions(
            db,
            rt,
            actor=viewer.actor,
            episode_id=episode_id,
            day=form.get("date", ""),
            at=form.get("time", ""),
            frequency=form.get("frequency", "once"),
            count=form.get("count", "1") or "1",
            duration_minutes=form.get("duration_minutes", ""),
            mode=form.get("mode", "in_person"),
            room=form.get("room", ""),
            video_link=form.get("video_link", ""),
            origin=origin,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _book_page(request, db, viewer, form, labelled(invalid.errors, LABELS), 422)
    return RedirectResponse(booking.week_link(db, made[0], "booked"), status_code=303)


def _move_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    appointment_id: int,
    form: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    appointment, episode, therapist = booking.appointment_for_staff(
        db, viewer.actor, appointment_id
    )
    local = booking.local_start(db, appointment)
    current = {
        "date": local.date().isoformat(),
        "time": f"{local:%H:%M}",
        "mode": appointment.mode,
        "room": appointment.room or "",
        "video_link": appointment.video_link or "",
    }
    return _render(
        request,
        "schedule_move.html",
        viewer,
        {
            "appointment": appointment,
            "clients": booking.client_names(db, episode.id),
            "therapist": therapist,
            "local": local,
            "form": form or current,
            "errors": errors or [],
            "rooms": diary.scheduling_settings(db, therapist.practice_id).rooms,
        },
        status,
    )


@router.get("/schedule/sessions/{appointment_id}/move")
def move_form(
    appointment_id: RecordId, request: Request, db: DbSession, viewer: CurrentStaff
) -> Response:
    return _move_page(request, db, viewer, appointment_id)


@router.post("/schedule/sessions/{appointment_id}/move", dependencies=[Csrf])
def move(
    appointment_id: RecordId,
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    origin: RequestOrigin,
    posted: PostedForm,
) -> Response:
    form = {k: str(v) for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        moved = booking.move_session(
            db,
            rt,
            actor=viewer.actor,
            appointment_id=appointment_id,
            day=form.get("date", ""),
            at=form.get("time", ""),
            mode=form.get("mode") or None,
            room=form.get("room"),
            video_link=form.get("video_link"),
            origin=origin,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _move_page(
            request, db, viewer, appointment_id, form, labelled(invalid.errors, LABELS), 422
        )
    return RedirectResponse(booking.week_link(db, moved, "moved"), status_code=303)


@router.post("/schedule/sessions/{appointment_id}/cancel", dependencies=[Csrf])
def cancel(
    appointment_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff, origin: RequestOrigin
) -> Response:
    cancelled = booking.cancel_session(
        db, rt, actor=viewer.actor, appointment_id=appointment_id, origin=origin
    )
    return RedirectResponse(booking.week_link(db, cancelled, "cancelled"), status_code=303)


def _hours_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: Viewer,
    therapist_id: int,
    *,
    form: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    therapist = diary.therapist_for(db, viewer.actor, therapist_id, manage=True)
    zone = diary.zone_of(db, therapist.practice_id)
    hours = {h.weekday: h for h in diary.working_hours(db, therapist.id)}
    current: dict[str, str] = {}
    for number, day in enumerate(diary.WEEKDAYS):
        entry = hours.get(number)
        current[f"{day.lower()}_start"] = f"{entry.start:%H:%M}" if entry else ""
        current[f"{day.lower()}_end"] = f"{entry.end:%H:%M}" if entry else ""
    now = rt.now()
    leave = [
        (row, row.starts_at.astimezone(zone), row.ends_at.astimezone(zone))
        for row in diary.exceptions(db, therapist.id, start=now, end=now.replace(year=now.year + 2))
    ]
    return _render(
        request,
        "schedule_hours.html",
        viewer,
        {
            "therapist": therapist,
            "weekdays": diary.WEEKDAYS,
            "form": {**current, **(form or {})},
            "errors": errors or [],
            "leave": leave,
            "notice": notice,
            "zone": zone.key,
        },
        status,
    )


def _own_id(viewer: Viewer, therapist: int | None) -> int:
    wanted = therapist if therapist is not None else viewer.actor.user_id
    if wanted is None:
        raise NotFound("not found")
    return wanted


@router.get("/schedule/hours")
def hours_page(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    therapist: int | None = None,
    done: str = "",
) -> Response:
    return _hours_page(
        request, db, rt, viewer, _own_id(viewer, therapist), notice=NOTICES.get(done)
    )


@router.post("/schedule/hours", dependencies=[Csrf])
def save_hours(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    posted: PostedForm,
    therapist: int | None = None,
) -> Response:
    therapist_id = _own_id(viewer, therapist)
    form = {k: str(v) for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    hours = {
        number: (form.get(f"{day.lower()}_start", ""), form.get(f"{day.lower()}_end", ""))
        for number, day in enumerate(diary.WEEKDAYS)
    }
    try:
        diary.set_working_hours(db, rt, actor=viewer.actor, therapist_id=therapist_id, hours=hours)
    except InvalidInput as invalid:
        db.rollback()
        return _hours_page(
            request,
            db,
            rt,
            viewer,
            therapist_id,
            form=form,
            errors=labelled(invalid.errors, LABELS),
            status=422,
        )
    return RedirectResponse(f"/schedule/hours?therapist={therapist_id}&done=hours", status_code=303)


@router.post("/schedule/leave", dependencies=[Csrf])
def add_leave(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    posted: PostedForm,
    therapist: int | None = None,
) -> Response:
    therapist_id = _own_id(viewer, therapist)
    form = {k: str(v) for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        diary.add_exception(
            db,
            rt,
            actor=viewer.actor,
            therapist_id=therapist_id,
            kind=form.get("kind", ""),
            first_day=form.get("first_day", ""),
            last_day=form.get("last_day", ""),
            start=form.get("start", ""),
            end=form.get("end", ""),
            note=form.get("note", ""),
        )
    except InvalidInput as invalid:
        db.rollback()
        return _hours_page(
            request,
            db,
            rt,
            viewer,
            therapist_id,
            form=form,
            errors=labelled(invalid.errors, LABELS),
            status=422,
        )
    return RedirectResponse(f"/schedule/hours?therapist={therapist_id}&done=leave", status_code=303)


@router.post("/schedule/leave/{exception_id}/remove", dependencies=[Csrf])
def remove_leave(exception_id: RecordId, db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    therapist_id = diary.remove_exception(db, rt, actor=viewer.actor, exception_id=exception_id)
    return RedirectResponse(
        f"/schedule/hours?therapist={therapist_id}&done=removed", status_code=303
    )


def _settings_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    *,
    form: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    if viewer.actor.role.value != "admin":
        raise NotFound("not found")
    current = diary.scheduling_settings(db, viewer.actor.practice_id)
    values = {
        "cancellation_notice_hours": str(current.cancellation_notice_hours),
        "session_minutes": str(current.session_minutes),
        "slot_minutes": str(current.slot_minutes),
        "clients_may_rebook": "yes" if current.clients_may_rebook else "",
        "rooms": "\n".join(current.rooms),
    }
    return _render(
        request,
        "schedule_settings.html",
        viewer,
        {"form": {**values, **(form or {})}, "errors": errors or [], "notice": notice},
        status,
    )


@router.get("/schedule/settings")
def settings_page(
    request: Request, db: DbSession, viewer: CurrentStaff, done: str = ""
) -> Response:
    return _settings_page(request, db, viewer, notice=NOTICES.get(done))


@router.post("/schedule/settings", dependencies=[Csrf])
def save_settings(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    cancellation_notice_hours: Annotated[str, Form()] = "",
    session_minutes: Annotated[str, Form()] = "",
    slot_minutes: Annotated[str, Form()] = "",
    clients_may_rebook: Annotated[str, Form()] = "",
    rooms: Annotated[str, Form()] = "",
) -> Response:
    form = {
        "cancellation_notice_hours": cancellation_notice_hours,
        "session_minutes": session_minutes,
        "slot_minutes": slot_minutes,
        "clients_may_rebook": clients_may_rebook,
        "rooms": rooms,
    }
    try:
        diary.save_scheduling_settings(
            db,
            rt,
            actor=viewer.actor,
            cancellation_notice_hours=cancellation_notice_hours,
            session_minutes=session_minutes,
            slot_minutes=slot_minutes,
            clients_may_rebook=clients_may_rebook == "yes",
            rooms=rooms,
        )
    except InvalidInput as invalid:
        db.rollback()
        return _settings_page(
            request, db, viewer, form=form, errors=labelled(invalid.errors, LABELS), status=422
        )
    return RedirectResponse("/schedule/settings?done=settings", status_code=303)
