"""Burden-adaptive measures on the real form: the alliance check every session, the outcome
measure at intake and until stable, then every third session with a one-item risk screen in
between, and back to every session after a risk answer or a deterioration."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.services import feedback
from bordin.services import practice as practice_service
from bordin.services.alerts import shown as shown_alert
from bordin.services.feedback_form import burden
from bordin.services.instruments import import_questionnaire
from bordin.services.measurement_plan import save_policy
from bordin.services.measures import record_administration
from bordin.services.runtime import Runtime
from bordin.storage.tables import AlertRow, RiskScreenRow
from tests.fixtures.cast import Cast

SAC = {
    "bordin_sac.goals": "8",
    "bordin_sac.tasks": "8",
    "bordin_sac.bond": "9",
    "bordin_sac.overall": "8",
}


@pytest.fixture
def phq9_practice(db: Session, rt: Runtime, cast: Cast, shared_data: Path) -> Cast:
    data = (shared_data / "fhir" / "lforms__R4__phq9.json").read_bytes()
    import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)
    practice_service.configure_feedback_measures(
        db,
        rt,
        actor=cast.actor(cast.adam),
        practice_id=cast.practice.id,
        measures=["bordin_sac", "phq9"],
    )
    return cast


def phq9(db: Session, rt: Runtime, cast: Cast, session: int, *answers: int) -> None:
    """Ash's PHQ-9 answered an hour after session ``session`` (0-3)."""
    appointment = cast.ash_sessions[session]
    record_administration(
        db,
        rt,
        client_id=cast.ash.id,
        episode_id=cast.ash_episode.id,
        instrument_id="phq9",
        answers={f"q{n}": v for n, v in enumerate(answers, start=1)},
        answered_at=appointment.starts_at + timedelta(hours=1),
        appointment_id=appointment.id,
    )


def form_after(
    db: Session, rt: Runtime, cast: Cast, session: int
) -> tuple[str, feedback.FeedbackForm]:
    [issued] = feedback.issue_links(db, rt, appointment_id=cast.ash_sessions[session].id)
    return issued.token, feedback.open_link(db, rt, issued.token)


def shown(form: feedback.FeedbackForm) -> dict[str, int]:
    return {m.instrument_id: len(m.items) for m in form.measures}


STABLE = ((2, 1, 1, 2, 1, 1, 2, 2, 0), (1, 1, 1, 2, 1, 1, 2, 2, 0), (2, 1, 1, 2, 1, 1, 2, 1, 0))


@pytest.fixture
def stable(db: Session, rt: Runtime, phq9_practice: Cast) -> Cast:
    """Ash's PHQ-9 after sessions 1-3 changed by 1 point at a time: stable."""
    for session, answers in enumerate(STABLE):
        phq9(db, rt, phq9_practice, session, *answers)
    return phq9_practice


def test_at_intake_the_outcome_measure_is_asked_in_full(
    db: Session, rt: Runtime, phq9_practice: Cast
) -> None:
    _, form = form_after(db, rt, phq9_practice, 0)
    # 10: the imported wording carries the PHQ-9's unscored difficulty question too.
    assert shown(form) == {"bordin_sac": 4, "phq9": 10}
    assert burden(form.measures).questions == 14


def test_once_stable_it_gives_way_to_a_one_item_risk_screen(
    db: Session, rt: Runtime, stable: Cast
) -> None:
    cast = stable
    _, form = form_after(db, rt, cast, 3)
    assert shown(form) == {"bordin_sac": 4, "phq9": 1}
    [screen] = [m for m in form.measures if m.instrument_id == "phq9"]
    assert screen.screen_only and screen.items[0].field == "phq9.q9"
    assert burden(form.measures).questions == 5
    assert burden(form.measures).wording == "under a minute"


def test_a_risk_answer_on_the_screen_alerts_at_once_and_brings_the_full_measure_back(
    db: Session, rt: Runtime, stable: Cast
) -> None:
    cast = stable
    token, _ = form_after(db, rt, cast, 3)
    result = feedback.submit_feedback(db, rt, token=token, answers={**SAC, "phq9.q9": "1"})
    assert result.crisis is True
    screen = db.scalars(select(RiskScreenRow)).one()
    assert (screen.instrument_id, screen.link_id, screen.value, screen.endorsed) == (
        "phq9",
        "q9",
        1.0,
        True,
    )
    alerts = db.scalars(select(AlertRow).where(AlertRow.kind == "risk_item")).all()
    assert {a.recipient_user_id for a in alerts} >= {cast.alice.id, cast.sue.id}
    assert all("PHQ-9 item 9 (answer 1 of 3)" in shown_alert(rt, a).summary for a in alerts)
    cast.ash_sessions[4].status = "attended"
    db.commit()
    _, form = form_after(db, rt, cast, 4)
    assert shown(form)["phq9"] == 10


def test_a_screen_left_unanswered_is_refused_naming_the_question(
    db: Session, rt: Runtime, stable: Cast
) -> None:
    cast = stable
    token, _ = form_after(db, rt, cast, 3)
    with pytest.raises(InvalidInput) as refused:
        feedback.submit_feedback(db, rt, token=token, answers=SAC)
    assert [e.field for e in refused.value.errors] == ["phq9.q9"]


def test_a_deterioration_brings_it_back_to_every_session(
    db: Session, rt: Runtime, phq9_practice: Cast
) -> None:
    cast = phq9_practice
    for session, answers in enumerate(STABLE[:2]):
        phq9(db, rt, cast, session, *answers)
    phq9(db, rt, cast, 2, 3, 2, 2, 3, 2, 2, 2, 2, 0)  # 18: up 7 from 11, a reliable worsening
    _, form = form_after(db, rt, cast, 3)
    assert shown(form)["phq9"] == 10


def test_a_practice_can_ask_every_session_or_drop_the_risk_screen(
    db: Session, rt: Runtime, stable: Cast
) -> None:
    cast = stable
    lead = cast.actor(cast.sue)
    token, form = form_after(db, rt, cast, 3)
    assert shown(form) == {"bordin_sac": 4, "phq9": 1}
    save_policy(db, rt, actor=lead, adaptive=True, stable_every=3, risk_screen=False)
    assert shown(feedback.open_link(db, rt, token)) == {"bordin_sac": 4}
    save_policy(db, rt, actor=lead, adaptive=False, stable_every=3, risk_screen=True)
    assert shown(feedback.open_link(db, rt, token)) == {"bordin_sac": 4, "phq9": 10}


def test_the_schedule_setting_is_checked_and_kept_for_the_lead_and_admins(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    with pytest.raises(InvalidInput) as refused:
        save_policy(
            db, rt, actor=cast.actor(cast.adam), adaptive=True, stable_every="1", risk_screen=True
        )
    assert [e.field for e in refused.value.errors] == ["stable_every"]
    with pytest.raises(NotFound):
        save_policy(
            db, rt, actor=cast.actor(cast.alice), adaptive=False, stable_every=3, risk_screen=True
        )
