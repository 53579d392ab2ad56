"""Stopping reminders from the link in a reminder (``/reminders/stop/<token>``), and the
therapist's calendar feed (``/calendar``: make or revoke; ``/calendar/<token>.ics``: the feed).

Opening a stop link only shows a button: link checkers in mail systems open links, so the
opt-out is recorded by the POST the client makes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bordin.domain.errors import LinkUnavailable
from bordin.services import calendar as calendar_service
from bordin.services import reminders as reminder_service
from bordin.services.crisis import lines_for_install
from bordin.web.client_pages import form_token, render_client
from bordin.web.deps import Csrf, CurrentStaff, DbSession, MaybeViewer, Rt

router = APIRouter()

CHANNEL_NAMES = {"email": "email", "sms": "text message"}


def _stop_page(
    request: Request, db: DbSession, rt: Rt, viewer: MaybeViewer, token: str, *, done: bool
) -> Response:
    try:
        wanted = reminder_service.read_opt_out_token(rt, token)
        unavailable = None
    except LinkUnavailable as refused:
        wanted, unavailable = None, str(refused)
    return render_client(
        request,
        "reminders_stop.html",
        {
            "channel": CHANNEL_NAMES[wanted.channel] if wanted else "",
            "unavailable": unavailable,
            "done": done,
            "action": f"/reminders/stop/{token}",
            "csrf_token": form_token(request, viewer),
        },
        crisis_lines=lines_for_install(db, rt),
        status=404 if unavailable else 200,
    )


@router.get("/reminders/stop/{token}")
def stop_reminders_page(
    token: str, request: Request, db: DbSession, rt: Rt, viewer: MaybeViewer, done: bool = False
) -> Response:
    return _stop_page(request, db, rt, viewer, token, done=done)


@router.post("/reminders/stop/{token}", dependencies=[Csrf])
def stop_reminders(
    token: str, request: Request, db: DbSession, rt: Rt, viewer: MaybeViewer
) -> Response:
    try:
        reminder_service.opt_out(db, rt, token=token)
    except LinkUnavailable:
        return _stop_page(request, db, rt, viewer, token, done=False)
    return RedirectResponse(f"/reminders/stop/{token}?done=true", status_code=303)


@router.get("/calendar")
def calendar_page(
    request: Request, db: DbSession, rt: Rt, viewer: CurrentStaff, made: str = ""
) -> Response:
    feed = calendar_service.active_feed(db, actor=viewer.actor)
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "calendar.html",
        {
            "viewer": viewer,
            "feed": feed,
            "url": calendar_service.feed_url(rt, made) if made and feed else None,
        },
    )
    return response


@router.post("/calendar", dependencies=[Csrf])
def make_feed(
    request: Request,
    db: DbSession,
    rt: Rt,
    viewer: CurrentStaff,
    show_client_names: Annotated[str, Form()] = "",
) -> Response:
    token = calendar_service.create_feed(
        db, rt, actor=viewer.actor, show_client_names=show_client_names == "yes"
    )
    # The address is shown once, on the page this redirect opens; only its hash is kept.
    return calendar_page(request, db, rt, viewer, made=token)


@router.post("/calendar/revoke", dependencies=[Csrf])
def revoke_feed(db: DbSession, rt: Rt, viewer: CurrentStaff) -> Response:
    calendar_service.revoke_feed(db, rt, actor=viewer.actor)
    return RedirectResponse("/calendar", status_code=303)


@router.get("/calendar/{token}.ics")
def calendar_feed(token: str, db: DbSession, rt: Rt) -> Response:
    try:
        body = calendar_service.feed_ics(db, rt, token=token)
    except LinkUnavailable:
        return Response(
            "This calendar address is not valid any more.\n",
            status_code=404,
            media_type="text/plain",
        )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store"},
    )
