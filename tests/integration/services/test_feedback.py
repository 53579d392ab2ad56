"""The feedback loop's services: links, validated and idempotent submissions, routing, safety.

Every test runs on SQLite and PostgreSQL (the ``db`` fixture) with the synthetic cast: Alice
treats Ash (individual) and the couple Birch + Cedar; Sue is the clinical lead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from bordin.domain.errors import InvalidInput
from bordin.notify.memory import MemoryTransport
from bordin.reports.read.client_record import client_record
from bordin.services import alerts as alert_service
from bordin.services import concerns as concern_service
from bordin.services import feedback
from bordin.services import practice as practice_service
from bordin.services.alerts import shown
from bordin.services.audit import Origin
from bordin.services.feedback_links import FeedbackLinkUnavailable
from bordin.services.instruments import import_questionnaire
from bordin.services.runtime import Runtime
from bordin.storage.base import Base
from bordin.storage.tables import (
    AdministrationRow,
    AlertRow,
    AuditEventRow,
    ClientRow,
    ConcernRow,
    FeedbackLinkRow,
    ImportedWordingRow,
    SubmissionRow,
)
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast

HERE = Origin("127.0.0.1")


def sac(
    goals: object = 8, tasks: object = 8, bond: object = 9, overall: object = 8
) -> dict[str, object]:
    return {
        "bordin_sac.goals": str(goals),
        "bordin_sac.tasks": str(tasks),
        "bordin_sac.bond": str(bond),
        "bordin_sac.overall": str(overall),
    }


def issue(db: Session, rt: Runtime, appointment_id: int) -> dict[int, str]:
    """client id → token for a just-attended session (links issued but not sent)."""
    return {
        i.client_id: i.token for i in feedback.issue_links(db, rt, appointment_id=appointment_id)
    }


def count(db: Session, table: type) -> int:
    return db.scalar(select(func.count()).select_from(table)) or 0


def last_attended(cast: Cast, couple: bool = False) -> int:
    return (cast.couple_sessions if couple else cast.ash_sessions)[3].id


# ---- links --------------------------------------------------------------------------------


def test_each_partner_of_a_couple_gets_their_own_link_and_only_its_hash_is_stored(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    tokens = issue(db, rt, last_attended(cast, couple=True))
    assert set(tokens) == {cast.birch.id, cast.cedar.id}
    assert tokens[cast.birch.id] != tokens[cast.cedar.id]
    stored = {row.token_hash for row in db.scalars(select(FeedbackLinkRow))}
    assert not set(tokens.values()) & stored
    assert len(stored) == 2


def test_issuing_twice_makes_no_second_link_for_the_same_client_and_session(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    issue(db, rt, last_attended(cast))
    assert issue(db, rt, last_attended(cast)) == {}
    assert count(db, FeedbackLinkRow) == 1


def test_no_link_is_made_for_a_session_that_was_not_attended(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    with pytest.raises(InvalidInput):
        feedback.issue_links(db, rt, appointment_id=cast.ash_sessions[4].id)


def test_a_client_who_did_not_consent_to_session_feedback_gets_no_link(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    practice_service.set_consent(
        db,
        rt,
        actor=cast.actor(cast.alice),
        client_id=cast.cedar.id,
        purpose="session_feedback",
        granted=False,
    )
    assert set(issue(db, rt, last_attended(cast, couple=True))) == {cast.birch.id}


def test_links_expire_after_the_configured_hours(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    clock.advance(hours=rt.settings.feedback_link_hours, seconds=1)
    with pytest.raises(FeedbackLinkUnavailable) as refused:
        feedback.open_link(db, rt, token)
    assert refused.value.kind == "expired"
    with pytest.raises(FeedbackLinkUnavailable):
        feedback.submit_feedback(db, rt, token=token, answers=sac())
    assert count(db, SubmissionRow) == 0


def test_an_unknown_token_is_refused_kindly(db: Session, rt: Runtime, cast: Cast) -> None:
    with pytest.raises(FeedbackLinkUnavailable) as refused:
        feedback.open_link(db, rt, "not-a-real-token")
    assert refused.value.kind == "unknown"
    assert "whole link" in refused.value.reason


def test_sending_emails_each_partner_their_own_link(
    db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    appointment = last_attended(cast, couple=True)
    issued = feedback.issue_links(db, rt, appointment_id=appointment)
    report = feedback.send_links(
        db, rt, appointment_id=appointment, tokens={i.link_id: i.token for i in issued}
    )
    assert len(report.sent) == 2
    for item in issued:
        client = db.get(ClientRow, item.client_id)
        assert client is not None and client.email
        [message] = outbox.to(client.email)
        assert message.kind == "feedback_link"
        assert f"/f/{item.token}" in message.text
        assert "not emergency services" in message.text and "116 123" in message.text


def test_a_failed_email_leaves_the_link_unsent_and_a_retry_sends_a_working_one(
    db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    appointment = last_attended(cast)
    issued = feedback.issue_links(db, rt, appointment_id=appointment)
    outbox.fail(permanent=False)
    report = feedback.send_links(
        db, rt, appointment_id=appointment, tokens={i.link_id: i.token for i in issued}
    )
    assert report.failed == (issued[0].link_id,) and not report.sent
    link = db.get(FeedbackLinkRow, issued[0].link_id)
    assert link is not None and link.sent_at is None
    outbox.recover()
    retry = feedback.send_links(db, rt, appointment_id=appointment)
    assert retry.sent == (issued[0].link_id,)
    assert link.sent_at is not None
    new_token = outbox.last.text.split("/f/")[1].split()[0]
    assert feedback.open_link(db, rt, new_token).link_id == link.id


def test_a_client_without_email_consent_is_not_emailed(
    db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    practice_service.set_consent(
        db,
        rt,
        actor=cast.actor(cast.alice),
        client_id=cast.ash.id,
        purpose="email_contact",
        granted=False,
    )
    appointment = last_attended(cast)
    issue(db, rt, appointment)
    report = feedback.send_links(db, rt, appointment_id=appointment)
    assert report.no_email and not outbox.sent


# ---- the form -----------------------------------------------------------------------------


def test_a_measure_whose_wording_was_not_imported_is_left_off_the_form(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    practice_service.configure_feedback_measures(
        db,
        rt,
        actor=cast.actor(cast.adam),
        practice_id=cast.practice.id,
        measures=["bordin_sac", "phq9"],
    )
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    form = feedback.open_link(db, rt, token)
    [sac_measure] = form.measures
    assert sac_measure.items[0].label.startswith("Today we spent our time")
    assert form.crisis_lines[0].number == "999"


def test_a_practice_whose_only_measure_lacks_wording_still_gets_the_alliance_check(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    practice_service.configure_feedback_measures(
        db, rt, actor=cast.actor(cast.adam), practice_id=cast.practice.id, measures=["phq9"]
    )
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    form = feedback.open_link(db, rt, token)
    assert [m.instrument_id for m in form.measures] == ["bordin_sac"]


def test_imported_wording_puts_the_measure_on_the_form_in_its_own_words(
    db: Session, rt: Runtime, cast: Cast, shared_data: Path
) -> None:
    data = (shared_data / "fhir" / "lforms__R4__phq9.json").read_bytes()
    import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)
    practice_service.configure_feedback_measures(
        db,
        rt,
        actor=cast.actor(cast.adam),
        practice_id=cast.practice.id,
        measures=["bordin_sac", "phq9"],
    )
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    form = feedback.open_link(db, rt, token)
    _, phq = form.measures
    assert phq.instrument_id == "phq9"
    assert not any(i.generic for i in phq.items)
    assert not any(i.label.startswith("Question") for i in phq.items)


# ---- submission ---------------------------------------------------------------------------


def test_a_valid_submission_is_scored_stored_and_audited(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    result = feedback.submit_feedback(db, rt, token=token, answers=sac(7, 8, 9, 6), origin=HERE)
    assert not result.duplicate and not result.crisis
    admin = db.scalars(select(AdministrationRow)).one()
    assert (admin.client_id, admin.instrument_id, admin.total) == (cast.ash.id, "bordin_sac", 30)
    assert admin.submission_id == result.submission_id
    assert (
        db.scalars(select(AuditEventRow).where(AuditEventRow.entity == "feedback_submission"))
        .one()
        .actor_client_id
        == cast.ash.id
    )


def _statements_of(db: Session, work: Callable[[], object]) -> list[str]:
    """The SQL statements ``work`` sends through the session's engine."""
    sent: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return sent


def test_a_submission_asks_for_imported_wording_only_when_the_practice_has_some(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    # The form's joined context read says whether the practice imported any wording; a
    # practice that has none (Bordin's own measures ship theirs) is spared the query.
    tokens = issue(db, rt, last_attended(cast, couple=True))
    first, second = tokens[cast.birch.id], tokens[cast.cedar.id]
    without = _statements_of(
        db, lambda: feedback.submit_feedback(db, rt, token=first, answers=sac())
    )
    db.add(
        ImportedWordingRow(
            practice_id=cast.practice.id,
            instrument_id="phq9",
            link_id="q1",
            text="Synthetic wording for a test",
            source_url=None,
            imported_at=rt.now(),
        )
    )
    db.commit()
    with_wording = _statements_of(
        db, lambda: feedback.submit_feedback(db, rt, token=second, answers=sac())
    )
    asks = "imported_wording.text"
    assert not any(asks in sql for sql in without)
    assert any(asks in sql for sql in with_wording)
    assert db.scalar(select(func.count()).select_from(SubmissionRow)) == 2


def test_a_submission_reads_its_context_as_plain_rows_and_builds_no_orm_objects(
    db: Session, sessions: sessionmaker[Session], rt: Runtime, cast: Cast
) -> None:
    # The link, client, session, episode and practice are read as one joined row of plain
    # values: building ORM objects for them was about a sixth of a submission's CPU.
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    built: list[str] = []

    def note(target: object, _context: object) -> None:
        built.append(type(target).__name__)

    event.listen(Base, "load", note, propagate=True)
    try:
        with sessions() as fresh:  # as a web request's: nothing loaded yet
            result = feedback.submit_feedback(fresh, rt, token=token, answers=sac(7, 8, 9, 6))
    finally:
        event.remove(Base, "load", note)
    assert not result.duplicate and count(db, SubmissionRow) == 1
    assert built == []


def test_a_link_the_session_holds_says_it_was_used_once_a_submission_claims_it(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    appointment_id = last_attended(cast)
    token = issue(db, rt, appointment_id)[cast.ash.id]
    link = db.scalars(
        select(FeedbackLinkRow).where(
            FeedbackLinkRow.client_id == cast.ash.id,
            FeedbackLinkRow.appointment_id == appointment_id,
        )
    ).one()
    assert link.used_at is None
    feedback.submit_feedback(db, rt, token=token, answers=sac())
    assert link.used_at == rt.now()


def test_every_field_problem_is_reported_and_nothing_is_stored(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    answers = sac(goals="", tasks="eleven", bond=11, overall=5)
    with pytest.raises(InvalidInput) as refused:
        feedback.submit_feedback(db, rt, token=token, answers=answers, text="x" * 2001)
    messages = {e.field: e.message for e in refused.value.errors}
    assert set(messages) == {"bordin_sac.goals", "bordin_sac.tasks", "bordin_sac.bond", "text"}
    assert messages["bordin_sac.goals"] == "Please choose an answer from 0 to 10."
    assert "2,000 characters" in messages["text"]
    db.rollback()
    assert count(db, SubmissionRow) == count(db, AdministrationRow) == 0
    link = db.scalars(select(FeedbackLinkRow)).one()
    assert link.used_at is None  # the client can correct and send again
    assert feedback.submit_feedback(db, rt, token=token, answers=sac()).submission_id


def test_a_double_submit_stores_once_and_returns_the_stored_result(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    first = feedback.submit_feedback(db, rt, token=token, answers=sac())
    second = feedback.submit_feedback(db, rt, token=token, answers=sac(1, 1, 1, 1))
    assert second.duplicate and second.submission_id == first.submission_id
    assert count(db, SubmissionRow) == 1 and count(db, AdministrationRow) == 1
    assert db.scalars(select(AdministrationRow)).one().total == 33


def test_a_used_link_cannot_be_opened_again(db: Session, rt: Runtime, cast: Cast) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    feedback.submit_feedback(db, rt, token=token, answers=sac())
    with pytest.raises(FeedbackLinkUnavailable) as refused:
        feedback.open_link(db, rt, token)
    assert refused.value.kind == "used"
    assert "already sent your feedback" in refused.value.reason


def test_partners_each_see_only_their_own_scores(db: Session, rt: Runtime, cast: Cast) -> None:
    tokens = issue(db, rt, last_attended(cast, couple=True))
    feedback.submit_feedback(db, rt, token=tokens[cast.birch.id], answers=sac(9, 9, 9, 9))
    feedback.submit_feedback(db, rt, token=tokens[cast.cedar.id], answers=sac(3, 4, 5, 4))
    from bordin.services.progress import own_progress

    birch = own_progress(db, rt, client_id=cast.birch.id)
    assert [p.total for m in birch.measures for p in m.points] == [36]
    cedar = own_progress(db, rt, client_id=cast.cedar.id)
    assert [p.total for m in cedar.measures for p in m.points] == [16]


def test_a_withdrawn_consent_makes_an_issued_link_unusable(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    practice_service.set_consent(
        db,
        rt,
        actor=cast.actor(cast.alice),
        client_id=cast.ash.id,
        purpose="session_feedback",
        granted=False,
    )
    with pytest.raises(FeedbackLinkUnavailable) as refused:
        feedback.submit_feedback(db, rt, token=token, answers=sac())
    assert refused.value.kind == "withdrawn"


# ---- safety and routing -------------------------------------------------------------------


def import_phq9_wording(db: Session, rt: Runtime, cast: Cast, shared_data: Path) -> None:
    """The PHQ-9 is asked only in its published wording, which the practice imports."""
    data = (shared_data / "fhir" / "lforms__R4__phq9.json").read_bytes()
    import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)


def urgent_alerts(db: Session) -> list[AlertRow]:
    return list(db.scalars(select(AlertRow).where(AlertRow.severity == "urgent")))


def test_an_endorsed_risk_item_alerts_therapist_and_lead_at_once_in_app_and_by_email(
    db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport, shared_data: Path
) -> None:
    import_phq9_wording(db, rt, cast, shared_data)
    practice_service.configure_feedback_measures(
        db,
        rt,
        actor=cast.actor(cast.adam),
        practice_id=cast.practice.id,
        measures=["bordin_sac", "phq9"],
    )
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    answers = {**sac(), **{f"phq9.q{n}": "1" for n in range(1, 9)}, "phq9.q9": "2"}
    result = feedback.submit_feedback(db, rt, token=token, answers=answers)
    assert result.crisis
    alerts = [a for a in urgent_alerts(db) if a.kind == "risk_item"]
    assert {a.recipient_user_id for a in alerts} == {cast.alice.id, cast.sue.id}
    assert all(a.emailed_at is not None for a in alerts)
    emails = outbox.of_kind("urgent_alert")
    assert {m.to for m in emails} == {cast.alice.email, cast.sue.email}
    for message in emails:
        assert cast.ash.pseudonym in message.text
        assert "Ash" not in message.text and "PHQ" not in message.text


def test_a_submission_is_kept_when_the_urgent_email_afterwards_fails(
    db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport, shared_data: Path
) -> None:
    import_phq9_wording(db, rt, cast, shared_data)
    practice_service.configure_feedback_measures(
        db,
        rt,
        actor=cast.actor(cast.adam),
        practice_id=cast.practice.id,
        measures=["bordin_sac", "phq9"],
    )
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    outbox.fail(permanent=False)
    answers = {**sac(), **{f"phq9.q{n}": "0" for n in range(1, 9)}, "phq9.q9": "1"}
    result = feedback.submit_feedback(db, rt, token=token, answers=answers)
    db.rollback()  # nothing pending: it was committed before the email was tried
    assert db.get(SubmissionRow, result.submission_id) is not None
    pending = [a for a in urgent_alerts(db) if a.emailed_at is None]
    assert len(pending) == 2
    outbox.recover()
    sent = alert_service.send_urgent_now(db, rt)
    assert set(sent.sent) == {a.id for a in pending}


def test_words_that_signal_a_crisis_raise_urgent_alerts_and_show_help_first(
    db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    result = feedback.submit_feedback(
        db,
        rt,
        token=token,
        answers=sac(),
        text="Honestly I have been thinking about killing myself this week.",
    )
    assert result.crisis and result.category == "crisis"
    assert {a.recipient_user_id for a in urgent_alerts(db)} == {cast.alice.id, cast.sue.id}
    assert len(outbox.of_kind("urgent_alert")) == 2


def test_a_possible_risk_below_the_crisis_threshold_is_sent_for_review_today(
    db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    words = "Been a hard week. Not sure what the point of anything is tbh."
    result = feedback.submit_feedback(db, rt, token=token, answers=sac(), text=words)
    assert result.category != "crisis"
    assert result.crisis  # the thank-you page shows the crisis numbers first
    review = db.scalars(select(AlertRow).where(AlertRow.kind == "risk_review")).all()
    assert {a.recipient_user_id for a in review} == {cast.alice.id, cast.sue.id}
    assert all(a.severity == "urgent" for a in review)
    assert all(shown(rt, a).summary.startswith("Possible risk: please read today.") for a in review)
    assert all(words not in shown(rt, a).summary for a in review)
    assert len(outbox.of_kind("urgent_alert")) == 2


def test_a_possible_conduct_concern_reaches_the_lead_only(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    words = "My therapist told my sister what I said in our sessions, without asking me."
    result = feedback.submit_feedback(db, rt, token=token, answers=sac(), text=words)
    assert result.category == "conduct" and result.concern_raised
    concern = db.scalars(select(ConcernRow)).one()
    assert (concern.source, concern.about_therapist_id) == ("triage", cast.alice.id)
    [seen] = concern_service.concerns_for(db, rt, actor=cast.actor(cast.sue))
    assert seen.text == words
    # The therapist: no alert mentioning it, nothing on the client's page.
    assert not db.scalars(select(AlertRow).where(AlertRow.recipient_user_id == cast.alice.id)).all()
    record = client_record(db, rt.cipher, cast.ash.id)
    assert all(not line.texts for ev in record.episodes for line in ev.sessions)
    lead_alert = db.scalars(select(AlertRow).where(AlertRow.recipient_user_id == cast.sue.id)).one()
    assert words not in alert_service.shown(rt, lead_alert).summary


def test_anyone_but_the_clinical_lead_is_refused_the_concerns(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    from bordin.domain.errors import NotFound

    for who in (cast.alice, cast.bob, cast.adam, cast.charlie):
        with pytest.raises(NotFound):
            concern_service.concerns_for(db, rt, actor=cast.actor(who))


def test_misalignment_goes_to_the_therapist_with_repair_prompts(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    feedback.submit_feedback(
        db,
        rt,
        token=token,
        answers=sac(5, 4, 8, 5),
        text="I didn't feel listened to today, and we went too fast for me.",
    )
    alert = db.scalars(select(AlertRow).where(AlertRow.kind == "misalignment")).one()
    assert alert.recipient_user_id == cast.alice.id
    assert alert.detail["repair_prompts"]
    assert alert.link == f"/sessions/{cast.ash_sessions[4].id}"
    assert alert.detail["evidence"]


def test_a_misalignment_alert_keeps_the_clients_phrases_back_if_they_do_not_share_their_words(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    from bordin.services import practice as practice_service

    practice_service.set_consent(
        db,
        rt,
        actor=cast.actor(cast.alice),
        client_id=cast.ash.id,
        purpose="share_free_text_with_therapist",
        granted=False,
    )
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    feedback.submit_feedback(
        db,
        rt,
        token=token,
        answers=sac(5, 4, 8, 5),
        text="I didn't feel listened to today, and we went too fast for me.",
    )
    alert = db.scalars(select(AlertRow).where(AlertRow.kind == "misalignment")).one()
    assert alert.detail["evidence"] == []
    assert alert.detail["repair_prompts"]


def test_words_flagged_for_a_risk_review_show_in_the_record_even_when_not_shared(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    from bordin.services import practice as practice_service

    practice_service.set_consent(
        db,
        rt,
        actor=cast.actor(cast.alice),
        client_id=cast.ash.id,
        purpose="share_free_text_with_therapist",
        granted=False,
    )
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    words = "Been a hard week. Not sure what the point of anything is tbh."
    feedback.submit_feedback(db, rt, token=token, answers=sac(), text=words)
    assert db.scalars(select(SubmissionRow)).one().triage_risk_review

    record = client_record(db, rt.cipher, cast.ash.id)

    assert any(words in line.texts.values() for ev in record.episodes for line in ev.sessions)


def test_a_concern_from_the_separate_form_goes_to_the_lead_and_is_stored_once(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    text = "I would like to talk to someone other than my therapist about how sessions go."
    first = concern_service.raise_concern(db, rt, token=token, text=text)
    again = concern_service.raise_concern(db, rt, token=token, text=text)
    assert again.duplicate and again.concern_id == first.concern_id
    assert "BACP" in first.route
    assert count(db, ConcernRow) == 1
    assert db.scalars(select(AlertRow)).one().recipient_user_id == cast.sue.id


def test_an_empty_concern_is_refused_with_a_message(db: Session, rt: Runtime, cast: Cast) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    with pytest.raises(InvalidInput) as refused:
        concern_service.raise_concern(db, rt, token=token, text="   ")
    assert refused.value.errors[0].field == "concern_text"


def test_the_progress_page_opens_from_the_link_only_just_after_submitting(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    with pytest.raises(InvalidInput):
        feedback.progress_session_from_link(db, rt, token=token, origin=HERE)
    feedback.submit_feedback(db, rt, token=token, answers=sac())
    signed = feedback.progress_session_from_link(db, rt, token=token, origin=HERE)
    assert signed.actor.client_id == cast.ash.id
    clock.advance(hours=1, seconds=1)
    with pytest.raises(FeedbackLinkUnavailable):
        feedback.progress_session_from_link(db, rt, token=token, origin=HERE)


def test_the_daily_digest_sends_one_email_per_person_with_counts_and_pseudonyms(
    db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    for client in (cast.ash, cast.birch):
        alert_service.raise_alert(
            db,
            rt,
            recipient_user_id=cast.alice.id,
            kind="misalignment",
            severity="routine",
            summary=f"{client.display_name} said",
            client_id=client.id,
        )
    db.commit()
    outcome = alert_service.send_daily_digest(db, rt, now=rt.now() + timedelta(minutes=1))
    assert outcome.sent_to == (cast.alice.id,) and outcome.alerts_included == 2
    [message] = outbox.of_kind("digest")
    assert cast.ash.pseudonym in message.text and "Ash" not in message.text
    assert alert_service.send_daily_digest(db, rt, now=rt.now()).sent_to == ()


def test_words_with_a_crisis_and_a_conduct_concern_go_urgently_to_the_lead_only(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    words = "My therapist touched me in a sexual way and now I want to kill myself."
    result = feedback.submit_feedback(db, rt, token=token, answers=sac(), text=words)
    assert result.crisis and result.concern_raised
    urgent = urgent_alerts(db)
    assert {a.recipient_user_id for a in urgent} == {cast.sue.id}
    assert not db.scalars(select(AlertRow).where(AlertRow.recipient_user_id == cast.alice.id)).all()
    record = client_record(db, rt.cipher, cast.ash.id)
    assert all(not line.texts for ev in record.episodes for line in ev.sessions)
    assert db.scalars(select(ConcernRow)).one().category == "conduct"


def test_a_fault_in_the_signal_recompute_never_costs_the_client_their_submission(
    db: Session, rt: Runtime, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bordin.services import signals

    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("simulated fault in the signal rules")

    monkeypatch.setattr(signals, "recompute_episode", broken)
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    result = feedback.submit_feedback(db, rt, token=token, answers=sac())
    db.rollback()
    assert db.get(SubmissionRow, result.submission_id) is not None
    assert count(db, AdministrationRow) == 1


def test_each_plain_record_of_the_context_reads_the_columns_named_as_its_fields() -> None:
    from dataclasses import fields

    from bordin.services.feedback import (
        _LINK_COLUMNS,
        _RECORDS,
        _SCHEDULE_COLUMNS,
        _Link,
        _Schedule,
    )

    for kind, columns in (*_RECORDS, (_Link, _LINK_COLUMNS), (_Schedule, _SCHEDULE_COLUMNS)):
        assert [f.name for f in fields(kind)] == [c.key for c in columns], kind.__name__
