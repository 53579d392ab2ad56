"""Sessions (appointments): read one, book one or a series, record whether it took place."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from bordin.domain.errors import NotFound
from bordin.services import audit, booking
from bordin.services.access import get_episode_for_user
from bordin.services.practice import participant_ids, set_attendance
from bordin.storage.tables import AppointmentRow
from bordin.web.api.auth import Reader, Writer
from bordin.web.api.http import MAX_ID, IdempotencyKey, json_body, read_response, write_once
from bordin.web.api.schemas import (
    AppointmentBooking,
    AppointmentChange,
    AppointmentOut,
    AppointmentPage,
    ErrorOut,
)
from bordin.web.api.views import appointment_out
from bordin.web.deps import DbSession, Rt

router = APIRouter(tags=["appointments"])
TAKES_JSON = [Depends(json_body)]
AppointmentId = Path(ge=1, le=MAX_ID)
EpisodeId = Path(ge=1, le=MAX_ID)
REFUSALS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "The Idempotency-Key was used for another request."}
}


@router.get(
    "/appointments/{appointment_id}", response_model=AppointmentOut, summary="Get a session"
)
def get_appointment(
    request: Request, db: DbSession, rt: Rt, caller: Reader, appointment_id: int = AppointmentId
) -> Response:
    row = db.get(AppointmentRow, appointment_id)
    if row is None:
        raise NotFound("session not found")
    get_episode_for_user(db, caller.actor, row.episode_id)
    audit.record_page_view(
        db,
        actor=caller.actor,
        entity="session",
        client_ids=participant_ids(db, row.episode_id),
        origin=caller.origin,
        at=rt.now(),
        detail={"appointment_id": row.id},
    )
    db.commit()
    return read_response(request, appointment_out(row))


@router.post(
    "/episodes/{episode_id}/appointments",
    response_model=AppointmentPage,
    status_code=201,
    responses=REFUSALS,
    dependencies=TAKES_JSON,
    summary="Book a session or a series",
)
def book(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Writer,
    booking_in: AppointmentBooking,
    idempotency_key: IdempotencyKey = None,
    episode_id: int = EpisodeId,
) -> Response:
    """Book at the practice's local date and time, with the same checks as the diary page
    (working hours, clashes, rooms). The therapist, or an admin of the practice, may book."""

    def write() -> tuple[int, Any]:
        made = booking.book_sessions(
            db,
            rt,
            actor=caller.actor,
            episode_id=episode_id,
            day=booking_in.date,
            at=booking_in.time,
            frequency=booking_in.frequency,
            count=booking_in.count,
            duration_minutes=booking_in.duration_minutes or "",
            mode=booking_in.mode,
            room=booking_in.room,
            video_link=booking_in.video_link,
            origin=caller.origin,
        )
        return 201, AppointmentPage(items=[appointment_out(a) for a in made], next=None)

    return write_once(request, db, rt, caller, idempotency_key, booking_in, write)


@router.patch(
    "/appointments/{appointment_id}",
    response_model=AppointmentOut,
    responses=REFUSALS,
    dependencies=TAKES_JSON,
    summary="Record whether a session took place",
)
def change(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Writer,
    change_in: AppointmentChange,
    idempotency_key: IdempotencyKey = None,
    appointment_id: int = AppointmentId,
) -> Response:
    """Attended, no-show, or back to scheduled; only the treating therapist, and only once the
    session has begun (as on the session page)."""

    def write() -> tuple[int, Any]:
        row = set_attendance(
            db, rt, actor=caller.actor, appointment_id=appointment_id, status=change_in.status
        )
        return 200, appointment_out(row)

    return write_once(request, db, rt, caller, idempotency_key, change_in, write)
