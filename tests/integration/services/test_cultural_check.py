"""The Cultural Responsiveness Check asked at intervals with session feedback: a low check alerts
the therapist (once), and the check is not counted as an outcome."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import feedback, practice_setup
from bordin.services.runtime import Runtime
from bordin.storage.tables import AlertRow
from tests.fixtures.cast import Cast

SAC = {
    "bordin_sac.goals": "8",
    "bordin_sac.tasks": "8",
    "bordin_sac.bond": "8",
    "bordin_sac.overall": "8",
}


def ask_the_check_every_session(db: Session, rt: Runtime, cast: Cast) -> None:
    practice_setup.set_measure_plan(
        db,
        rt,
        actor=cast.actor(cast.adam),
        practice_id=cast.practice.id,
        plan={
            "individual": [
                {"instrument": "bordin_sac", "every": 1},
                {"instrument": "bordin_crc", "every": 1},
            ],
            "couple": [{"instrument": "bordin_sac", "every": 1}],
        },
    )


def test_a_low_check_in_session_feedback_alerts_the_therapist_once(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    ask_the_check_every_session(db, rt, cast)
    link = feedback.issue_links(db, rt, appointment_id=cast.ash_sessions[3].id)[0]
    low = {
        "bordin_crc.understood": "3",
        "bordin_crc.safe": "1",
        "bordin_crc.checked": "3",
        "bordin_crc.fitted": "3",
        "bordin_crc.welcome": "3",
    }
    feedback.submit_feedback(db, rt, token=link.token, answers=SAC | low)
    feedback.submit_feedback(db, rt, token=link.token, answers=SAC | low)  # sent twice

    alerts = list(db.scalars(select(AlertRow).where(AlertRow.kind == "cultural")))
    assert [(a.recipient_user_id, a.client_id) for a in alerts] == [(cast.alice.id, cast.ash.id)]
    assert (
        "being able to talk about their culture, faith or identity"
        in (alerts[0].detail["explanation"])
    )
    assert alerts[0].link == f"/clients/{cast.ash.id}#cultural-{cast.ash_episode.id}"


def test_a_good_check_raises_nothing(db: Session, rt: Runtime, cast: Cast) -> None:
    ask_the_check_every_session(db, rt, cast)
    link = feedback.issue_links(db, rt, appointment_id=cast.ash_sessions[3].id)[0]
    good = {f"bordin_crc.{k}": "4" for k in ("understood", "safe", "checked", "fitted", "welcome")}
    feedback.submit_feedback(db, rt, token=link.token, answers=SAC | good)
    assert db.scalar(select(AlertRow).where(AlertRow.kind == "cultural")) is None
