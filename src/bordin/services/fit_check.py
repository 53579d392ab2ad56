"""The fit check: asking a client, privately, whether their therapist is right for them.

Rules (who is told what) are in ``domain/fit_check.py``. Here: when it is due (the client's
``after_session``-th attended session, ``BORDIN_FIT_CHECK_AFTER_SESSION``), storing the answer
with the Cultural Responsiveness Check asked on the same page, alerting the clinical lead about
a request for a change (never the therapist), and the lead's handling of it: a re-match ends the
episode as *transferred* (not counted in anyone's outcomes: no blame), cancels booked sessions,
excludes the first therapist and puts the client back on the waiting list, keeping their place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.fit_check import ANSWERS, FitAnswer, check_answer, is_due, routing
from bordin.domain.responsiveness import INSTRUMENT_ID as CULTURAL_CHECK
from bordin.services import alerts as alert_service
from bordin.services import audit
from bordin.services import intake as intake_service
from bordin.services.audit import Origin
from bordin.services.matching import add_exclusion, may_match
from bordin.services.measures import record_administration
from bordin.services.responsiveness import alert_if_concern
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    FitCheckRow,
    IntakeRow,
    MatchRow,
    ParticipantRow,
    UserRow,
)

TRANSFERRED = "transferred"
OUTCOMES = {"rematched": "Found a new therapist", "stayed": "Stayed with their therapist"}


@dataclass(frozen=True)
class DueCheck:
    episode_id: int
    therapist_name: str


@dataclass(frozen=True)
class ChangeRequest:
    """A request to change therapist, for the clinical lead's eyes only."""

    fit_check_id: int
    client_name: str
    therapist_name: str
    note: str | None
    shared_with_therapist: bool
    answered_at: datetime
    intake_id: int | None


def _attended(db: Session, episode_id: int) -> int:
    return (
        db.scalar(
            select(func.count()).where(
                AppointmentRow.episode_id == episode_id, AppointmentRow.status == "attended"
            )
        )
        or 0
    )


def due_checks(db: Session, rt: Runtime, *, client_id: int) -> list[DueCheck]:
    """The client's active episodes whose fit check is due and not yet answered."""
    after = rt.settings.fit_check_after_session
    due = []
    for episode, therapist in db.execute(
        select(EpisodeRow, UserRow)
        .join(ParticipantRow, ParticipantRow.episode_id == EpisodeRow.id)
        .join(UserRow, UserRow.id == EpisodeRow.therapist_id)
        .where(ParticipantRow.client_id == client_id, EpisodeRow.status == "active")
        .order_by(EpisodeRow.id)
    ).all():
        answered = db.scalar(
            select(FitCheckRow.id).where(
                FitCheckRow.episode_id == episode.id, FitCheckRow.client_id == client_id
            )
        )
        if is_due(_attended(db, episode.id), after_session=after, already_answered=bool(answered)):
            due.append(DueCheck(episode.id, therapist.display_name))
    return due


def record_fit_check(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    episode_id: int,
    answer: FitAnswer,
    cultural_answers: Mapping[str, str] | None = None,
    origin: Origin | None = None,
) -> FitCheckRow:
    """Store the client's answer (and the cultural check, if answered) in one transaction."""
    client_id = actor.client_id
    due = {d.episode_id for d in due_checks(db, rt, client_id=client_id)} if client_id else set()
    if client_id is None or episode_id not in due:
        raise NotFound("not found")
    check_answer(answer)
    episode = db.get(EpisodeRow, episode_id)
    assert episode is not None
    given = {k: v for k, v in (cultural_answers or {}).items() if str(v).strip()}
    if given:
        record_administration(
            db,
            rt,
            client_id=client_id,
            episode_id=episode_id,
            instrument_id=CULTURAL_CHECK,
            answers=_numbers(given),
            source="fit_check",
            actor=actor,
            commit=False,
        )
        db.flush()
        alert_if_concern(db, rt, episode_id=episode_id, client_id=client_id)
    route = routing(answer)
    row = FitCheckRow(
        episode_id=episode_id,
        client_id=client_id,
        therapist_id=episode.therapist_id,
        after_session=_attended(db, episode_id),
        answer=answer.answer,
        note_encrypted=rt.cipher.encrypt(answer.note) if answer.note.strip() else None,
        share_with_therapist=answer.share_with_therapist,
        status="open" if route.opens_request else "closed",
        answered_at=rt.now(),
    )
    db.add(row)
    db.flush()
    client = db.get(ClientRow, client_id)
    assert client is not None
    if route.to_lead:
        for lead in alert_service.clinical_leads(db, episode.practice_id):
            if lead.id == episode.therapist_id:
                continue  # the therapist concerned never gets it, even when they are the lead
            alert_service.raise_alert(
                db,
                rt,
                recipient_user_id=lead.id,
                kind="change_request",
                severity="high",
                summary=f"{client.pseudonym} has asked for a different therapist.",
                client_id=client_id,
                link="/fit-checks",
            )
    if route.therapist_sees_answer:
        words = {
            "talk": "would like to talk with you about how therapy is going",
            "change": "has asked the practice for a different therapist and agreed you are told",
            "right": "says you feel like the right therapist for them",
            "not_sure": "is not sure yet whether you are the right therapist for them",
        }[answer.answer]
        alert_service.raise_alert(
            db,
            rt,
            recipient_user_id=episode.therapist_id,
            kind="fit_check",
            severity="routine",
            summary=f"{client.pseudonym} {words}.",
            client_id=client_id,
            link=f"/clients/{client_id}",
            detail={
                "note": rt.cipher.seal_phrases([answer.note] if route.therapist_sees_note else [])
            },
        )
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="fit_check",
        entity_id=row.id,
        client_id=client_id,
        origin=origin,
        at=rt.now(),
        detail={"answer": answer.answer},
    )
    db.commit()
    return row


def _numbers(given: Mapping[str, str]) -> dict[str, int | float | None]:
    """The check's answers as numbers; something else is refused naming the question."""
    out: dict[str, int | float | None] = {}
    for key, value in given.items():
        try:
            out[key] = int(value)
        except ValueError:
            raise InvalidInput(
                "choose one of the answers", field=f"{CULTURAL_CHECK}.{key}"
            ) from None
    return out


def change_requests(
    db: Session, rt: Runtime, *, actor: Actor, origin: Origin | None = None
) -> list[ChangeRequest]:
    """Open requests to change therapist (clinical lead only; each client's read audited)."""
    if not may_match(actor):
        raise NotFound("not found")
    rows = db.execute(
        select(FitCheckRow, ClientRow, UserRow, EpisodeRow)
        .join(ClientRow, ClientRow.id == FitCheckRow.client_id)
        .join(UserRow, UserRow.id == FitCheckRow.therapist_id)
        .join(EpisodeRow, EpisodeRow.id == FitCheckRow.episode_id)
        .where(
            FitCheckRow.status == "open",
            EpisodeRow.practice_id == actor.practice_id,
            FitCheckRow.therapist_id != (actor.user_id or -1),
        )
        .order_by(FitCheckRow.answered_at, FitCheckRow.id)
    ).all()
    found = [
        ChangeRequest(
            fit_check_id=check.id,
            client_name=client.display_name,
            therapist_name=therapist.display_name,
            note=rt.cipher.decrypt(check.note_encrypted) if check.note_encrypted else None,
            shared_with_therapist=check.share_with_therapist,
            answered_at=check.answered_at,
            intake_id=_intake_id(db, episode.id),
        )
        for check, client, therapist, episode in rows
    ]
    audit.record_list_view(
        db,
        actor=actor,
        entity="change_requests",
        client_ids=[client.id for _, client, _, _ in rows],
        origin=origin,
        at=rt.now(),
    )
    db.commit()
    return found


def _intake_id(db: Session, episode_id: int) -> int | None:
    return db.scalar(
        select(MatchRow.intake_id).where(MatchRow.episode_id == episode_id).limit(1)
    ) or db.scalar(select(IntakeRow.id).where(IntakeRow.episode_id == episode_id).limit(1))


def _open_request(db: Session, actor: Actor, fit_check_id: int) -> FitCheckRow:
    check = db.get(FitCheckRow, fit_check_id)
    episode = db.get(EpisodeRow, check.episode_id) if check else None
    if (
        check is None
        or episode is None
        or episode.practice_id != actor.practice_id
        or not may_match(actor)
        or check.therapist_id == actor.user_id
    ):
        raise NotFound("not found")
    if check.status != "open":
        raise InvalidInput("this request has already been handled", field="request")
    return check


def rematch(db: Session, rt: Runtime, *, actor: Actor, fit_check_id: int) -> int:
    """Act on a change request: end the episode as transferred (no blame), cancel its booked
    sessions, exclude this therapist, and put the client back on the waiting list. Returns the
    intake to match again."""
    check = _open_request(db, actor, fit_check_id)
    intake_id = _intake_id(db, check.episode_id)
    if intake_id is None:
        raise InvalidInput(
            "this client did not come through the waiting list; enrol them with another "
            "therapist instead",
            field="request",
        )
    now = rt.now()
    episode = db.get(EpisodeRow, check.episode_id)
    assert episode is not None
    episode.status = TRANSFERRED
    episode.ended_on = now.date()
    for appointment in db.scalars(
        select(AppointmentRow).where(
            AppointmentRow.episode_id == episode.id, AppointmentRow.status == "scheduled"
        )
    ):
        appointment.status = "cancelled"
    for match in db.scalars(
        select(MatchRow).where(MatchRow.episode_id == episode.id, MatchRow.ended_at.is_(None))
    ):
        match.ended_at, match.ended_reason = now, "change_requested"
    add_exclusion(
        db,
        rt,
        actor=actor,
        client_id=check.client_id,
        therapist_id=check.therapist_id,
        reason="change_requested",
        commit=False,
    )
    intake_service.reopen_intake(db, rt, actor=actor, intake_id=intake_id, commit=False)
    check.status, check.handled_at = "handled", now
    check.handled_by_user_id, check.outcome = actor.user_id, "rematched"
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="episode",
        entity_id=episode.id,
        client_id=check.client_id,
        at=now,
        detail={"status": TRANSFERRED},
    )
    db.commit()
    return intake_id


def stay(db: Session, rt: Runtime, *, actor: Actor, fit_check_id: int) -> None:
    """Close a change request after talking it through: the client stays with their therapist."""
    check = _open_request(db, actor, fit_check_id)
    check.status, check.handled_at = "handled", rt.now()
    check.handled_by_user_id, check.outcome = actor.user_id, "stayed"
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="fit_check",
        entity_id=check.id,
        client_id=check.client_id,
        at=rt.now(),
        detail={"outcome": "stayed"},
    )
    db.commit()


__all__ = ["ANSWERS", "ChangeRequest", "DueCheck", "due_checks", "record_fit_check", "rematch"]
