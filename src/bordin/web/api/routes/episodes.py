"""Episodes of care, and what hangs off one: its sessions, administrations and signals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import FieldError, InvalidInput
from bordin.services import audit, enrolment
from bordin.services.access import get_episode_for_user, visible_episode_ids
from bordin.services.practice import participant_ids
from bordin.storage.tables import (
    AdministrationRow,
    AppointmentRow,
    EpisodeRow,
    ParticipantRow,
    SignalRow,
)
from bordin.web.api.auth import Caller, Reader, Writer
from bordin.web.api.http import (
    MAX_ID,
    After,
    IdempotencyKey,
    Limit,
    json_body,
    keyset_rows,
    next_link,
    read_response,
    write_once,
)
from bordin.web.api.schemas import (
    AdministrationPage,
    AppointmentPage,
    EnrolmentIn,
    EpisodeOut,
    EpisodePage,
    SignalOut,
    SignalPage,
)
from bordin.web.api.views import administration_out, appointment_out
from bordin.web.deps import DbSession, Rt

router = APIRouter(tags=["episodes"])
EpisodeId = Path(ge=1, le=MAX_ID)


def _clients(db: Session, episode_ids: Sequence[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {e: [] for e in episode_ids}
    rows = db.execute(
        select(ParticipantRow.episode_id, ParticipantRow.client_id)
        .where(ParticipantRow.episode_id.in_(list(episode_ids)))
        .order_by(ParticipantRow.client_id)
    )
    for episode_id, client_id in rows:
        found[episode_id].append(client_id)
    return found


def _episode_out(row: EpisodeRow, client_ids: list[int]) -> EpisodeOut:
    return EpisodeOut(
        id=row.id,
        therapist_id=row.therapist_id,
        kind=row.kind,
        status=row.status,
        started_on=row.started_on,
        ended_on=row.ended_on,
        client_ids=client_ids,
    )


def _read_episode(db: Session, rt: Rt, caller: Caller, episode_id: int, entity: str) -> EpisodeRow:
    """The episode if the caller may read it (else NotFound); the view is audited."""
    episode = get_episode_for_user(db, caller.actor, episode_id)
    audit.record_page_view(
        db,
        actor=caller.actor,
        entity=entity,
        client_ids=participant_ids(db, episode.id),
        origin=caller.origin,
        at=rt.now(),
        detail={"episode_id": episode.id},
    )
    return episode


@router.get("/episodes", response_model=EpisodePage, summary="List episodes")
def list_episodes(
    request: Request, db: DbSession, rt: Rt, caller: Reader, limit: Limit = 50, after: After = None
) -> Response:
    """The episodes the token's owner may read, by id. Audited, naming the clients shown."""
    query = select(EpisodeRow).where(EpisodeRow.id.in_(visible_episode_ids(caller.actor)))
    rows = keyset_rows(db, query, EpisodeRow.id, after=after, limit=limit)
    clients = _clients(db, [r.id for r in rows])
    audit.record_page_view(
        db,
        actor=caller.actor,
        entity="api_episodes",
        client_ids=[c for ids in clients.values() for c in ids],
        origin=caller.origin,
        at=rt.now(),
    )
    db.commit()
    page = EpisodePage(
        items=[_episode_out(r, clients[r.id]) for r in rows],
        next=next_link(request, rows, limit, lambda r: r.id),
    )
    return read_response(request, page)


@router.post(
    "/episodes",
    response_model=EpisodeOut,
    status_code=201,
    dependencies=[Depends(json_body)],
    summary="Enrol a client and open their episode",
)
def enrol(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Writer,
    sent: EnrolmentIn,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """As the enrol page: a therapist enrols their own clients; the admin and the clinical lead
    may enrol for any therapist of the practice. A couple episode takes two clients. Nothing is
    stored if any field is wrong (``clients.0.display_name``, ``therapist``...)."""

    def write() -> tuple[int, Any]:
        try:
            done = enrolment.enrol(
                db,
                rt,
                practice_id=caller.actor.practice_id,
                therapist_id=sent.therapist_id,
                kind=sent.kind,
                clients=[
                    enrolment.NewClient(c.display_name, c.email, c.phone) for c in sent.clients
                ],
                started_on=sent.started_on,
                problem_area=sent.problem_area,
                actor=caller.actor,
            )
        except InvalidInput as refused:
            raise InvalidInput(
                [FieldError(_body_field(e.field), e.message) for e in refused.errors]
            ) from None
        return 201, _episode_out(done.episode, [c.id for c in done.clients])

    return write_once(request, db, rt, caller, idempotency_key, sent, write)


def _body_field(field: str) -> str:
    """The enrol page's field names as this body names them."""
    if field == "therapist":
        return "therapist_id"
    if field.startswith("partner_"):
        return f"clients.1.{field.removeprefix('partner_').replace('name', 'display_name')}"
    if field in ("display_name", "email", "phone"):
        return f"clients.0.{field}"
    return field


@router.get("/episodes/{episode_id}", response_model=EpisodeOut, summary="Get an episode")
def get_episode(
    request: Request, db: DbSession, rt: Rt, caller: Reader, episode_id: int = EpisodeId
) -> Response:
    episode = _read_episode(db, rt, caller, episode_id, "episode")
    clients = _clients(db, [episode.id])
    db.commit()
    return read_response(request, _episode_out(episode, clients[episode.id]))


@router.get(
    "/episodes/{episode_id}/appointments",
    response_model=AppointmentPage,
    summary="List an episode's sessions",
)
def list_appointments(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Reader,
    episode_id: int = EpisodeId,
    limit: Limit = 50,
    after: After = None,
) -> Response:
    """The episode's sessions (appointments) in order of their number."""
    episode = _read_episode(db, rt, caller, episode_id, "episode_sessions")
    query = select(AppointmentRow).where(AppointmentRow.episode_id == episode.id)
    rows = keyset_rows(db, query, AppointmentRow.number, after=after, limit=limit)
    db.commit()
    page = AppointmentPage(
        items=[appointment_out(r) for r in rows],
        next=next_link(request, rows, limit, lambda r: r.number),
    )
    return read_response(request, page)


@router.get(
    "/episodes/{episode_id}/administrations",
    response_model=AdministrationPage,
    summary="List an episode's administrations, with scores",
)
def list_administrations(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Reader,
    episode_id: int = EpisodeId,
    limit: Limit = 50,
    after: After = None,
) -> Response:
    """Every completed measure in the episode, with answers, total, subscales and band."""
    episode = _read_episode(db, rt, caller, episode_id, "episode_administrations")
    query = select(AdministrationRow).where(AdministrationRow.episode_id == episode.id)
    rows = keyset_rows(db, query, AdministrationRow.id, after=after, limit=limit)
    db.commit()
    page = AdministrationPage(
        items=[administration_out(r) for r in rows],
        next=next_link(request, rows, limit, lambda r: r.id),
    )
    return read_response(request, page)


@router.get(
    "/episodes/{episode_id}/signals", response_model=SignalPage, summary="List an episode's signals"
)
def list_signals(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Reader,
    episode_id: int = EpisodeId,
    limit: Limit = 50,
    after: After = None,
) -> Response:
    """The episode's current signals (ruptures, off-track, risks, engagement) as last computed."""
    episode = _read_episode(db, rt, caller, episode_id, "episode_signals")
    query = select(SignalRow).where(SignalRow.episode_id == episode.id)
    rows = keyset_rows(db, query, SignalRow.id, after=after, limit=limit)
    db.commit()
    page = SignalPage(
        items=[
            SignalOut(
                id=r.id,
                episode_id=r.episode_id,
                client_id=r.client_id,
                session_number=r.session_number,
                type=r.type,
                severity=r.severity,
                status=r.status,
                rule=r.rule,
                summary=r.summary,
                computed_at=r.computed_at,
                acknowledged_at=r.acknowledged_at,
            )
            for r in rows
        ],
        next=next_link(request, rows, limit, lambda r: r.id),
    )
    return read_response(request, page)
