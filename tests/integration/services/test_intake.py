"""Intake: a referral becomes a client on the waiting list, with risk answers acted on at once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound, RateLimited
from bordin.domain.intake import IntakeAnswers, Preferences
from bordin.notify.memory import MemoryTransport
from bordin.services import intake as intake_service
from bordin.services.audit import Origin
from bordin.services.practice import has_consent
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AlertRow,
    AuditEventRow,
    ClientPreferenceRow,
    ClientRow,
    IntakeRow,
)
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast

ANSWERS = IntakeAnswers(
    display_name="Elm Sample",
    email="elm@example.org",
    contact_by="email",
    concern_areas=("anxiety", "work"),
    concerns_text="I keep worrying about my job and cannot switch off.",
    risk_now="no",
    risk_recent="no",
    preferences=Preferences(
        language="Polish",
        modes=("remote",),
        slots=("mon_evening", "sat_morning"),
        funding="insurer",
        therapist_gender="woman",
        gender_required=True,
        specialisms=("anxiety",),
    ),
    identity_notes="A therapist who understands growing up between two cultures.",
    consent_to_store=True,
    consent_feedback=True,
)
HOME = Origin("203.0.113.7")


def test_a_self_referral_lands_on_the_waiting_list_with_its_free_text_encrypted(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    result = intake_service.submit_intake(
        db, rt, practice_id=cast.practice.id, answers=ANSWERS, origin=HOME
    )
    intake = db.get(IntakeRow, result.intake_id)
    prefs = db.get(ClientPreferenceRow, result.client_id)
    assert intake is not None and prefs is not None
    assert intake.source == "self" and intake.status == "waiting" and not result.at_risk
    assert intake.concerns_encrypted and b"worrying" not in intake.concerns_encrypted
    assert prefs.identity_notes_encrypted and b"cultures" not in prefs.identity_notes_encrypted
    assert rt.cipher.decrypt(intake.concerns_encrypted) == ANSWERS.concerns_text
    assert intake_service.preferences_for(db, client_id=result.client_id) == ANSWERS.preferences
    assert has_consent(db, result.client_id, "intake")
    assert has_consent(db, result.client_id, "session_feedback")
    assert not has_consent(db, result.client_id, "see_own_progress")


def test_a_yes_to_a_risk_question_alerts_the_clinical_lead_at_once(
    db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    result = intake_service.submit_intake(
        db,
        rt,
        practice_id=cast.practice.id,
        answers=replace(ANSWERS, risk_now="yes"),
        origin=HOME,
    )
    assert result.at_risk and result.crisis_lines[0].emergency
    alert = db.scalars(select(AlertRow).where(AlertRow.client_id == result.client_id)).one()
    assert (alert.recipient_user_id, alert.severity) == (cast.sue.id, "urgent")
    assert alert.emailed_at is not None
    assert [m.to for m in outbox.sent] == ["sue@example.org"]
    assert "Elm" not in outbox.sent[0].text


def test_crisis_words_in_what_brings_them_count_as_risk(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    words = "I want to kill myself and I have a plan."
    result = intake_service.submit_intake(
        db,
        rt,
        practice_id=cast.practice.id,
        answers=replace(ANSWERS, concerns_text=words),
        origin=HOME,
    )
    intake = db.get(IntakeRow, result.intake_id)
    assert result.at_risk and intake is not None and intake.crisis_in_words


def test_bad_answers_name_every_field_and_store_nothing(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    before = db.scalars(select(ClientRow)).all()
    bad = replace(
        ANSWERS,
        display_name=" ",
        risk_now="",
        consent_to_store=False,
        preferences=replace(ANSWERS.preferences, slots=("someday",), modes=()),
    )
    with pytest.raises(InvalidInput) as refused:
        intake_service.submit_intake(db, rt, practice_id=cast.practice.id, answers=bad)
    fields = {e.field for e in refused.value.errors}
    assert {"display_name", "risk_now", "consent_to_store", "slots", "modes"} <= fields
    db.rollback()
    assert db.scalars(select(ClientRow)).all() == before
    assert db.scalars(select(IntakeRow)).all() == []


def test_the_public_form_is_rate_limited_per_address(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    for _ in range(rt.settings.intake_max_per_hour):
        intake_service.submit_intake(
            db, rt, practice_id=cast.practice.id, answers=ANSWERS, origin=HOME
        )
    with pytest.raises(RateLimited):
        intake_service.submit_intake(
            db, rt, practice_id=cast.practice.id, answers=ANSWERS, origin=HOME
        )
    db.rollback()
    intake_service.submit_intake(
        db, rt, practice_id=cast.practice.id, answers=ANSWERS, origin=Origin("198.51.100.1")
    )
    clock.advance(hours=1, minutes=1)
    intake_service.submit_intake(db, rt, practice_id=cast.practice.id, answers=ANSWERS, origin=HOME)


def test_staff_entered_referrals_are_not_rate_limited_and_name_the_referrer(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    for _ in range(rt.settings.intake_max_per_hour + 1):
        result = intake_service.submit_intake(
            db,
            rt,
            practice_id=cast.practice.id,
            answers=replace(ANSWERS, referrer="Dr Example, Northgate Surgery"),
            actor=cast.actor(cast.bob),
        )
    intake = db.get(IntakeRow, result.intake_id)
    assert intake is not None and intake.source == "referral"
    assert intake.entered_by_user_id == cast.bob.id


def test_the_waiting_list_counts_days_from_the_clock_and_audits_each_client(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    first = intake_service.submit_intake(db, rt, practice_id=cast.practice.id, answers=ANSWERS)
    clock.advance(days=3)
    intake_service.submit_intake(
        db, rt, practice_id=cast.practice.id, answers=replace(ANSWERS, display_name="Fir Sample")
    )
    clock.advance(days=9, hours=2)
    entries = intake_service.waiting_list(db, rt, actor=cast.actor(cast.sue))
    assert [(e.name, e.waiting_days) for e in entries] == [("Elm Sample", 12), ("Fir Sample", 9)]
    assert entries[0].concern_areas == ("Anxiety, worry or panic", "Work or studies")
    reads = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.entity == "waiting_list", AuditEventRow.client_id == first.client_id
        )
    ).all()
    assert len(reads) == 1 and reads[0].actor_user_id == cast.sue.id


def test_an_admin_sees_who_waits_but_not_what_they_wrote(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    result = intake_service.submit_intake(db, rt, practice_id=cast.practice.id, answers=ANSWERS)
    (entry,) = intake_service.waiting_list(db, rt, actor=cast.actor(cast.adam))
    assert entry.at_risk is None and entry.concern_areas is None
    detail = intake_service.intake_detail(
        db, rt, actor=cast.actor(cast.adam), intake_id=result.intake_id
    )
    assert detail.concerns_text is None and detail.risk_now is None
    lead = intake_service.intake_detail(
        db, rt, actor=cast.actor(cast.sue), intake_id=result.intake_id
    )
    assert lead.concerns_text == ANSWERS.concerns_text
    assert lead.identity_notes == ANSWERS.identity_notes


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_therapists_and_outsiders_get_not_found(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    result = intake_service.submit_intake(db, rt, practice_id=cast.practice.id, answers=ANSWERS)
    actor = cast.actor(getattr(cast, who))
    with pytest.raises(NotFound):
        intake_service.waiting_list(db, rt, actor=actor)
    with pytest.raises(NotFound):
        intake_service.intake_detail(db, rt, actor=actor, intake_id=result.intake_id)
    with pytest.raises(NotFound):
        intake_service.identity_notes(db, rt, actor=actor, client_id=result.client_id)


def test_closing_an_intake_takes_it_off_the_waiting_list(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    result = intake_service.submit_intake(db, rt, practice_id=cast.practice.id, answers=ANSWERS)
    intake_service.close_intake(
        db, rt, actor=cast.actor(cast.sue), intake_id=result.intake_id, status="closed"
    )
    assert intake_service.waiting_list(db, rt, actor=cast.actor(cast.sue)) == []
    (closed,) = intake_service.waiting_list(db, rt, actor=cast.actor(cast.sue), status="closed")
    assert closed.intake_id == result.intake_id
