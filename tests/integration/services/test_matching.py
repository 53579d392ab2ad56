"""Matching on the database: proposals for the lead, exclusions, confirmation, and re-matching
after a private request for a change of therapist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.fit_check import FitAnswer
from bordin.domain.intake import IntakeAnswers, Preferences
from bordin.services import alerts as alert_service
from bordin.services import fit_check as fit_service
from bordin.services import intake as intake_service
from bordin.services import matching as matching_service
from bordin.services import practice as practice_service
from bordin.services import users as user_service
from bordin.services.alerts import shown
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AdministrationRow,
    AlertRow,
    AppointmentRow,
    AuditEventRow,
    ClientRow,
    EpisodeRow,
    IntakeRow,
    UserRow,
)
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import PASSWORD, Cast

ELM = IntakeAnswers(
    display_name="Elm Sample",
    email="elm@example.org",
    concern_areas=("anxiety", "work"),
    risk_now="no",
    risk_recent="no",
    preferences=Preferences(
        language="Polish",
        modes=("remote",),
        slots=("mon_evening", "sat_morning"),
        funding="insurer",
        therapist_gender="woman",
        gender_required=True,
    ),
    consent_to_store=True,
    consent_feedback=True,
    consent_progress=True,
)


def therapist(db: Session, rt: Runtime, cast: Cast, username: str, **profile: object) -> UserRow:
    base: dict[str, object] = {
        "languages": ["Polish", "English"],
        "specialties": ["anxiety"],
        "gender": "woman",
        "modes": ["remote"],
        "availability": ["mon_evening"],
        "funding_accepted": ["insurer"],
        "weekly_capacity": 4,
    }
    base.update(profile)
    return user_service.add_user(
        db,
        rt,
        practice_id=cast.practice.id,
        username=username,
        email=f"{username}@example.org",
        display_name=f"{username.title()} Therapist",
        role="therapist",
        password=PASSWORD,
        supervisor_id=cast.sue.id,
        profile=base,
    )


@pytest.fixture
def waiting(db: Session, rt: Runtime, cast: Cast) -> IntakeRow:
    result = intake_service.submit_intake(
        db, rt, practice_id=cast.practice.id, answers=ELM, origin=Origin("203.0.113.9")
    )
    intake = db.get(IntakeRow, result.intake_id)
    assert intake is not None
    return intake


def test_the_lead_sees_admissible_therapists_with_reasons_and_the_rest_counted(
    db: Session, rt: Runtime, cast: Cast, waiting: IntakeRow
) -> None:
    olga = therapist(db, rt, cast, "olga")
    therapist(db, rt, cast, "piotr", gender="man")
    view = matching_service.proposals_for(db, rt, actor=cast.actor(cast.sue), intake_id=waiting.id)

    assert [p.therapist_id for p in view.result.proposals] == [olga.id]
    reasons = view.result.proposals[0].reasons
    assert reasons[0] == "Works with anxiety (not listed: work)"
    assert "speaks Polish" in reasons[1] and "Monday evening" in reasons[1]
    assert all(str(olga.id) not in r for r in reasons)
    # Piotr is a man; Sue, Alice and Bob of the cast record no gender and speak no Polish
    assert dict(view.result.ruled_out) == {"language": 3, "time": 3, "gender": 4}
    assert db.scalar(
        select(AuditEventRow.id).where(
            AuditEventRow.entity == "matching", AuditEventRow.client_id == waiting.client_id
        )
    )


@pytest.mark.parametrize("who", ["adam", "alice", "charlie"])
def test_anyone_but_the_clinical_lead_gets_not_found(
    db: Session, rt: Runtime, cast: Cast, waiting: IntakeRow, who: str
) -> None:
    with pytest.raises(NotFound):
        matching_service.proposals_for(
            db, rt, actor=cast.actor(getattr(cast, who)), intake_id=waiting.id
        )


def test_an_exclusion_rules_a_therapist_out_and_the_reason_says_so(
    db: Session, rt: Runtime, cast: Cast, waiting: IntakeRow
) -> None:
    olga = therapist(db, rt, cast, "olga")
    matching_service.add_exclusion(
        db,
        rt,
        actor=cast.actor(cast.sue),
        client_id=waiting.client_id,
        therapist_id=olga.id,
        reason="knows_client",
        note="Olga's sister is Elm's neighbour",
    )
    view = matching_service.proposals_for(db, rt, actor=cast.actor(cast.sue), intake_id=waiting.id)

    assert view.result.proposals == ()
    assert "1 is excluded for this client (a conflict of interest)" in (
        view.result.unmatched_reason or ""
    )
    assert [e.therapist_name for e in view.exclusions] == ["Olga Therapist"]


def test_a_therapist_with_a_full_caseload_is_not_proposed(
    db: Session, rt: Runtime, cast: Cast, waiting: IntakeRow
) -> None:
    therapist(db, rt, cast, "olga", weekly_capacity=0)
    view = matching_service.proposals_for(db, rt, actor=cast.actor(cast.sue), intake_id=waiting.id)
    assert view.result.ruled_out["capacity"] == 1


def confirm(db: Session, rt: Runtime, cast: Cast, intake: IntakeRow, therapist_id: int):
    return matching_service.confirm_match(
        db,
        rt,
        actor=cast.actor(cast.sue),
        intake_id=intake.id,
        therapist_id=therapist_id,
        first_session_at=rt.now() + timedelta(days=3),
    )


def test_confirming_opens_the_episode_books_the_first_session_and_closes_the_intake(
    db: Session, rt: Runtime, cast: Cast, waiting: IntakeRow
) -> None:
    olga = therapist(db, rt, cast, "olga")
    match = confirm(db, rt, cast, waiting, olga.id)

    episode = db.get(EpisodeRow, match.episode_id)
    assert episode is not None and episode.therapist_id == olga.id
    assert episode.presenting_problem == "anxiety"
    booked = db.scalars(select(AppointmentRow).where(AppointmentRow.episode_id == episode.id))
    assert [(a.number, a.status) for a in booked] == [(1, "scheduled")]
    db.refresh(waiting)
    assert (waiting.status, waiting.episode_id) == ("matched", episode.id)
    assert match.reasons and match.score is not None
    with pytest.raises(InvalidInput) as refused:
        confirm(db, rt, cast, waiting, olga.id)
    assert refused.value.errors[0].field == "intake"


def test_confirming_an_inadmissible_therapist_is_refused_with_the_reason_and_nothing_changes(
    db: Session, rt: Runtime, cast: Cast, waiting: IntakeRow
) -> None:
    piotr = therapist(db, rt, cast, "piotr", gender="man")
    with pytest.raises(InvalidInput) as refused:
        confirm(db, rt, cast, waiting, piotr.id)

    assert str(refused.value) == (
        "therapist: This therapist cannot be proposed: "
        "is not of the gender the client requires (a woman)."
    )
    db.refresh(waiting)
    assert waiting.status == "waiting"


def attend_three(
    db: Session, rt: Runtime, cast: Cast, episode_id: int, who: UserRow, clock: FakeClock
) -> None:
    """Sessions 1-3 happen (the clock walks past each) and the therapist records them."""
    first = db.scalar(select(AppointmentRow).where(AppointmentRow.episode_id == episode_id))
    assert first is not None
    sessions = [first]
    for week in (1, 2):
        sessions.append(
            practice_service.schedule_appointment(
                db, rt, episode_id=episode_id, starts_at=first.starts_at + timedelta(weeks=week)
            )
        )
    for appointment in sessions:
        clock.set(appointment.starts_at + timedelta(hours=1))
        practice_service.set_attendance(
            db, rt, actor=cast.actor(who), appointment_id=appointment.id, status="attended"
        )


def test_after_the_third_session_a_change_request_goes_to_the_lead_only_and_rematches(
    db: Session, rt: Runtime, cast: Cast, waiting: IntakeRow, clock: FakeClock
) -> None:
    olga = therapist(db, rt, cast, "olga")
    maja = therapist(db, rt, cast, "maja")
    match = confirm(db, rt, cast, waiting, olga.id)
    client_actor = user_service.actor_for_client(db.get(ClientRow, waiting.client_id))
    assert fit_service.due_checks(db, rt, client_id=waiting.client_id) == []

    attend_three(db, rt, cast, match.episode_id, olga, clock)
    due = fit_service.due_checks(db, rt, client_id=waiting.client_id)
    assert [d.therapist_name for d in due] == ["Olga Therapist"]

    fit_service.record_fit_check(
        db,
        rt,
        actor=client_actor,
        episode_id=match.episode_id,
        answer=FitAnswer("change", note="I'd feel easier with someone older"),
        cultural_answers={
            "understood": "2",
            "safe": "1",
            "checked": "2",
            "fitted": "2",
            "welcome": "3",
        },
    )
    alerts = list(db.scalars(select(AlertRow).where(AlertRow.client_id == waiting.client_id)))
    assert sorted((a.recipient_user_id, a.kind) for a in alerts) == sorted(
        [(cast.sue.id, "change_request"), (olga.id, "cultural")]
    )
    # Olga sees the low cultural check, which the form tells the client, but not the request
    assert all(
        "different therapist" not in shown(rt, a).summary
        for a in alerts
        if a.recipient_user_id == olga.id
    )
    assert (
        db.scalar(
            select(AdministrationRow.total).where(AdministrationRow.instrument_id == "bordin_crc")
        )
        == 10
    )
    assert fit_service.due_checks(db, rt, client_id=waiting.client_id) == []

    requests = fit_service.change_requests(db, rt, actor=cast.actor(cast.sue))
    assert [(r.client_name, r.therapist_name, r.note) for r in requests] == [
        ("Elm Sample", "Olga Therapist", "I'd feel easier with someone older")
    ]
    with pytest.raises(NotFound):
        fit_service.change_requests(db, rt, actor=cast.actor(cast.alice))

    intake_id = fit_service.rematch(
        db, rt, actor=cast.actor(cast.sue), fit_check_id=requests[0].fit_check_id
    )
    episode = db.get(EpisodeRow, match.episode_id)
    assert episode is not None and episode.status == "transferred"
    db.refresh(waiting)
    assert intake_id == waiting.id and waiting.status == "waiting"
    view = matching_service.proposals_for(db, rt, actor=cast.actor(cast.sue), intake_id=waiting.id)
    assert [p.therapist_id for p in view.result.proposals] == [maja.id]
    assert [e.reason for e in view.exclusions] == ["The client asked to change from this therapist"]


def test_a_wish_to_talk_is_told_to_the_therapist_but_not_the_note_unless_shared(
    db: Session, rt: Runtime, cast: Cast, waiting: IntakeRow, clock: FakeClock
) -> None:
    olga = therapist(db, rt, cast, "olga")
    match = confirm(db, rt, cast, waiting, olga.id)
    attend_three(db, rt, cast, match.episode_id, olga, clock)
    client = db.get(ClientRow, waiting.client_id)
    fit_service.record_fit_check(
        db,
        rt,
        actor=user_service.actor_for_client(client),
        episode_id=match.episode_id,
        answer=FitAnswer("talk", note="private words"),
    )
    alert = db.scalar(select(AlertRow).where(AlertRow.client_id == waiting.client_id))
    assert alert is not None and alert.recipient_user_id == olga.id
    assert "would like to talk with you about how therapy is going" in (
        alert_service.shown(rt, alert).summary
    )
    assert alert.detail["note"] == []
    assert alert_service.shown(rt, alert).detail["note"] == ""
