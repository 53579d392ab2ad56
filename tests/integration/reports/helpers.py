"""Helpers for the read-model tests: ratings and signals stored through the services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from bordin.domain.alliance.signal import Explanation, Signal
from bordin.services import practice as practice_service
from bordin.services.measures import record_administration
from bordin.services.runtime import Runtime
from bordin.services.signals import store_signals
from bordin.storage.tables import AppointmentRow, SignalRow
from tests.fixtures.cast import Cast


def phq9_answers(total: int) -> list[int]:
    """Nine item values (0-3) that add up to ``total``, item 9 (the risk item) always 0."""
    answers = [0] * 9
    left = total
    for i in range(8):
        answers[i] = min(3, left)
        left -= answers[i]
    assert left == 0, "a PHQ-9 total above 24 needs item 9, which these tests keep at 0"
    return answers


def core10_answers(total: int) -> list[int]:
    """Ten raw answers (0-4) giving a CORE-10 clinical score of ``total`` (items 2 and 3 are
    reverse-keyed, so their raw answer 4 scores 0; item 6, the risk item, stays 0)."""
    answers = [0, 4, 4, 0, 0, 0, 0, 0, 0, 0]
    left = total
    for i in (0, 3, 4, 6, 7, 8, 9):
        answers[i] = min(4, left)
        left -= answers[i]
    assert left == 0
    return answers


def rate(
    db: Session,
    rt: Runtime,
    *,
    client_id: int,
    episode_id: int,
    sessions: Sequence[AppointmentRow],
    alliance: Sequence[int] = (),
    phq9: Sequence[int] = (),
    core10: Sequence[int] = (),
) -> None:
    """Record, per session in order: a Session Alliance Check with all four items equal to the
    given value (total 4×value), and PHQ-9 or CORE-10 totals."""
    measures = (("bordin_sac", alliance), ("phq9", phq9), ("core10", core10))
    for i, session in enumerate(sessions):
        for instrument_id, values in measures:
            if i >= len(values):
                continue
            answers = {
                "bordin_sac": lambda v: [v] * 4,
                "phq9": phq9_answers,
                "core10": core10_answers,
            }[instrument_id](values[i])
            record_administration(
                db,
                rt,
                client_id=client_id,
                episode_id=episode_id,
                appointment_id=session.id,
                answered_at=session.starts_at,
                instrument_id=instrument_id,
                answers=answers,
            )


def signal(
    episode_id: int,
    type_: str,
    *,
    severity: str = "high",
    status: str = "active",
    session: int = 3,
    client_id: int | None = None,
    sentence: str | None = None,
    rule: str | None = None,
    numbers: dict[str, object] | None = None,
) -> Signal:
    return Signal(
        episode_id=str(episode_id),
        client_id=str(client_id) if client_id else None,
        session_number=session,
        type=type_,  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        explanation=Explanation(
            rule=rule or f"test.{type_}",
            sentence=sentence or f"Test signal: {type_.replace('_', ' ')} at session {session}.",
            numbers=numbers or {},  # type: ignore[arg-type]
            sessions=(session,),
        ),
    )


def put_signals(db: Session, rt: Runtime, episode_id: int, *signals: Signal) -> list[SignalRow]:
    """Replace an episode's stored signals with these (through the signals service)."""
    rows = store_signals(db, rt, episode_id=episode_id, signals=list(signals))
    db.commit()
    return rows


def ended_practice(db: Session, rt: Runtime, cast: Cast) -> None:
    """Ash recovers (PHQ-9 18 → 6), Birch improves reliably on the CORE-10, Cedar starts below
    the clinical threshold, and Dale drops out after one score."""
    rate(
        db,
        rt,
        client_id=cast.ash.id,
        episode_id=cast.ash_episode.id,
        sessions=cast.ash_sessions[:4],
        alliance=[9, 8, 9, 10],
        phq9=[18, 14, 10, 6],
    )
    for session in cast.ash_sessions[:4]:  # as many GAD-7s as PHQ-9s: PHQ-9 stays primary
        record_administration(
            db,
            rt,
            client_id=cast.ash.id,
            episode_id=cast.ash_episode.id,
            appointment_id=session.id,
            instrument_id="gad7",
            answers=[1] * 7,
            answered_at=session.starts_at,
        )
    couple = cast.couple_sessions[:4]
    rate(
        db,
        rt,
        client_id=cast.birch.id,
        episode_id=cast.couple_episode.id,
        sessions=couple,
        alliance=[7, 7, 6, 8],
        core10=[20, 18, 15, 12],
    )
    rate(
        db,
        rt,
        client_id=cast.cedar.id,
        episode_id=cast.couple_episode.id,
        sessions=couple[:2],
        alliance=[10, 10],
        core10=[8, 7],
    )
    dale_first = cast.dale_episode.id
    dale_session = practice_service.schedule_appointment(
        db,
        rt,
        episode_id=dale_first,
        starts_at=rt.now() - timedelta(days=60),
        status="attended",
    )
    rate(
        db,
        rt,
        client_id=cast.dale.id,
        episode_id=cast.dale_episode.id,
        sessions=[dale_session],
        phq9=[16],
    )
    today = rt.now().date()
    for episode, status in (
        (cast.ash_episode, "completed"),
        (cast.couple_episode, "completed"),
        (cast.dale_episode, "dropped_out"),
    ):
        practice_service.end_episode(db, rt, episode_id=episode.id, status=status, ended_on=today)
