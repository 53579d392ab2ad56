"""The client's pages of the feedback loop, and the staff pages it feeds, through the real app."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.notify.memory import MemoryTransport
from bordin.services import feedback
from bordin.services import practice as practice_service
from bordin.services.jobs import run_due_jobs
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AlertRow,
    ConcernRow,
    FeedbackLinkRow,
    SignalRow,
    SubmissionRow,
)
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in

SAC = {
    "bordin_sac.goals": "8",
    "bordin_sac.tasks": "7",
    "bordin_sac.bond": "9",
    "bordin_sac.overall": "8",
}


def link_for(db: Session, rt: Runtime, cast: Cast, *, couple: bool = False) -> dict[int, str]:
    appointment = (cast.couple_sessions if couple else cast.ash_sessions)[3].id
    return {i.client_id: i.token for i in feedback.issue_links(db, rt, appointment_id=appointment)}


def post_form(web: TestClient, token: str, data: dict[str, str]) -> str:
    page = web.get(f"/f/{token}")
    response = web.post(f"/f/{token}", data={**data, "csrf_token": csrf_from(page.text)})
    return f"{response.status_code}\n{response.text}"


def test_the_form_is_accessible_and_says_it_is_not_an_emergency_service(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    page = web.get(f"/f/{token}")
    assert page.status_code == 200
    html = page.text
    assert "not an emergency service" in html
    assert 'href="tel:999"' in html and 'href="tel:116123"' in html and "sms:85258" in html
    assert html.count("<fieldset") == 4 and html.count("<legend>") == 4
    assert "Today we spent our time on the things I came here for." in html
    assert "<script" not in html  # works without JavaScript
    assert 'for="text"' in html and "Anything you&#39;d like your therapist to know?" in html
    assert f'href="/f/{token}/concern"' in html


def test_a_submission_shows_thanks_and_a_second_post_shows_it_again_storing_once(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    page = web.get(f"/f/{token}")
    data = {**SAC, "text": "", "csrf_token": csrf_from(page.text)}
    first = web.post(f"/f/{token}", data=data)
    again = web.post(f"/f/{token}", data=data)
    assert first.status_code == again.status_code == 200
    assert "Thank you" in first.text and "nothing was sent twice" in again.text
    assert len(db.scalars(select(SubmissionRow)).all()) == 1


def test_errors_are_listed_at_the_top_linked_to_fields_and_nothing_is_stored(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    result = post_form(web, token, {"bordin_sac.goals": "8", "bordin_sac.tasks": "12"})
    status, html = result.split("\n", 1)
    assert status == "422"
    assert 'class="error-summary" role="alert"' in html
    assert 'href="#bordin_sac-tasks-0"' in html and 'href="#bordin_sac-bond-0"' in html
    assert 'name="bordin_sac.tasks" value="0" aria-invalid="true"' in html
    assert 'aria-describedby="bordin_sac-tasks-ends bordin_sac-tasks-error"' in html
    assert 'id="bordin_sac-goals-8" name="bordin_sac.goals" value="8" checked' in html
    assert db.scalars(select(SubmissionRow)).all() == []


def test_a_used_link_says_kindly_that_it_was_used(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    post_form(web, token, SAC)
    reopened = web.get(f"/f/{token}")
    assert reopened.status_code == 410
    assert "already sent your feedback" in reopened.text
    assert "not an emergency service" in reopened.text


def test_an_unknown_link_is_not_found_and_still_shows_crisis_help(web: TestClient) -> None:
    page = web.get("/f/no-such-token")
    assert page.status_code == 404
    assert "could not find this feedback link" in page.text and "tel:999" in page.text


def test_a_forged_post_without_the_form_token_is_refused(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    response = web.post(f"/f/{token}", data=SAC)
    assert response.status_code == 403
    assert db.scalars(select(SubmissionRow)).all() == []


def test_words_that_signal_a_crisis_put_crisis_help_first_on_the_thank_you_page(
    web: TestClient, db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    html = post_form(web, token, {**SAC, "text": "I keep thinking about killing myself."})
    assert html.index('id="crisis-help"') < html.index("<h1>Thank you</h1>")
    assert "get help now" in html
    assert len(outbox.of_kind("urgent_alert")) == 2


def test_the_crisis_lines_follow_the_practice_locale(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    cast.practice.locale = "US"
    db.commit()
    token = link_for(db, rt, cast)[cast.ash.id]
    html = web.get(f"/f/{token}").text
    assert 'href="tel:911"' in html and 'href="tel:988"' in html and "tel:999" not in html


def test_a_concern_on_its_own_page_goes_to_the_lead_and_tells_the_client_the_route(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    page = web.get(f"/f/{token}/concern")
    assert "not to your therapist" in page.text
    done = web.post(
        f"/f/{token}/concern",
        data={
            "concern_text": "I am worried about something my therapist said about money.",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert done.status_code == 200 and "BACP" in done.text
    assert db.scalars(select(ConcernRow)).one().about_therapist_id == cast.alice.id


def test_too_many_concerns_from_one_link_get_a_clear_message_with_crisis_help(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    statuses = []
    for n in range(4):
        page = web.get(f"/f/{token}/concern")
        response = web.post(
            f"/f/{token}/concern",
            data={
                "concern_text": f"Concern {n}: my therapist talked about me to a friend.",
                "csrf_token": csrf_from(page.text),
            },
        )
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]
    assert "wait an hour" in response.text and "tel:999" in response.text
    assert len(db.scalars(select(ConcernRow)).all()) == 3


def test_the_thank_you_page_leads_to_the_clients_own_progress_and_consents(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    tokens = link_for(db, rt, cast, couple=True)
    other = feedback.submit_feedback(
        db,
        rt,
        token=tokens[cast.cedar.id],
        answers={
            "bordin_sac.goals": "1",
            "bordin_sac.tasks": "1",
            "bordin_sac.bond": "1",
            "bordin_sac.overall": "1",
        },
    )
    assert other.submission_id
    token = tokens[cast.birch.id]
    thanks = post_form(web, token, SAC).split("\n", 1)[1]
    moved = web.post(f"/f/{token}/progress", data={"csrf_token": csrf_from(thanks)})
    assert moved.status_code == 200 and moved.url.path == "/me"
    html = moved.text
    assert "Your latest score is 32 out of 40" in html
    assert "<td>4</td></tr>" not in html  # Cedar's total (4) is never shown to Birch
    form_token = csrf_from(html)
    saved = web.post("/me/consents", data={"csrf_token": form_token, "see_own_progress": "no"})
    assert "chosen not to see your scores" in saved.text
    assert not practice_service.has_consent(db, cast.birch.id, "see_own_progress")


def test_sign_in_by_email_link_gives_the_same_answer_for_unknown_addresses(
    web: TestClient, db: Session, rt: Runtime, cast: Cast, outbox: MemoryTransport
) -> None:
    page = web.get("/me/sign-in")
    known = web.post(
        "/me/sign-in", data={"email": cast.ash.email or "", "csrf_token": csrf_from(page.text)}
    )
    unknown = web.post(
        "/me/sign-in", data={"email": "nobody@example.org", "csrf_token": csrf_from(page.text)}
    )
    assert known.text == unknown.text
    [message] = outbox.of_kind("magic_link")
    link = re.search(r"/me/link/(\S+)", message.text)
    assert link
    confirm = web.get(f"/me/link/{link.group(1)}")
    assert "Continue" in confirm.text  # opening the link (a mail scanner) signs nobody in
    signed = web.post(f"/me/link/{link.group(1)}", data={"csrf_token": csrf_from(confirm.text)})
    assert signed.url.path == "/me" and "Your progress" in signed.text
    again = web.get(f"/me/link/{link.group(1)}")
    assert again.status_code == 410


def test_the_progress_page_needs_a_client_session(web: TestClient) -> None:
    assert web.get("/me", follow_redirects=False).status_code == 303


# ---- staff side ---------------------------------------------------------------------------


def test_the_therapist_sees_what_the_client_said_in_the_session_view(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    feedback.submit_feedback(
        db,
        rt,
        token=token,
        answers=SAC,
        text="I didn't feel listened to today, and we went too fast.",
    )
    alice = make_client()
    sign_in(alice, "alice")
    page = alice.get(f"/sessions/{cast.ash_sessions[4].id}")
    assert page.status_code == 200
    assert "went too fast" in page.text and "32" in page.text
    alert = db.scalars(select(AlertRow).where(AlertRow.kind == "misalignment")).one()
    assert "Discussed with the client" in page.text
    done = alice.post(
        f"/sessions/{cast.ash_sessions[4].id}/alerts/{alert.id}/discussed",
        data={"csrf_token": csrf_from(page.text)},
    )
    assert done.status_code == 200
    db.refresh(alert)
    assert alert.acknowledged_at is not None


@pytest.mark.parametrize("who", ["bob", "charlie", "adam"])
def test_others_get_not_found_for_the_session_view(
    make_client: Callable[..., TestClient], cast: Cast, who: str
) -> None:
    client = make_client()
    sign_in(client, who)
    assert client.get(f"/sessions/{cast.ash_sessions[4].id}").status_code == 404


def test_marking_a_session_attended_sends_each_client_their_link_once_it_has_ended(
    make_client: Callable[..., TestClient],
    db: Session,
    rt: Runtime,
    clock: FakeClock,
    cast: Cast,
    outbox: MemoryTransport,
) -> None:
    alice = make_client()
    sign_in(alice, "alice")
    appointment = cast.couple_sessions[4]
    page = alice.get(f"/sessions/{appointment.id}")
    done = alice.post(
        f"/sessions/{appointment.id}/attendance",
        data={"status": "attended", "csrf_token": csrf_from(page.text)},
    )
    assert done.status_code == 200 and "Marked attended" in done.text
    db.refresh(appointment)
    assert appointment.status == "attended"
    run_due_jobs(db, rt)
    assert outbox.of_kind("feedback_link") == []  # the session is still going
    clock.advance(minutes=appointment.duration_minutes)
    run_due_jobs(db, rt)
    assert {m.to for m in outbox.of_kind("feedback_link")} == {cast.birch.email, cast.cedar.email}
    assert len(db.scalars(select(FeedbackLinkRow)).all()) == 2


def test_a_conduct_concern_reaches_the_lead_page_and_never_the_therapists(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    words = "My therapist told my sister what I said in our sessions."
    token = link_for(db, rt, cast)[cast.ash.id]
    feedback.submit_feedback(db, rt, token=token, answers=SAC, text=words)
    sue = make_client()
    sign_in(sue, "sue")
    concerns = sue.get("/concerns")
    assert concerns.status_code == 200 and words in concerns.text
    alice = make_client()
    sign_in(alice, "alice")
    assert alice.get("/concerns").status_code == 404
    for path in (f"/clients/{cast.ash.id}", f"/sessions/{cast.ash_sessions[4].id}", "/alerts"):
        assert words not in alice.get(path).text
    concern = db.scalars(select(ConcernRow)).one()
    handled = sue.post(
        f"/concerns/{concern.id}/handled", data={"csrf_token": csrf_from(concerns.text)}
    )
    assert handled.status_code == 200
    db.refresh(concern)
    assert concern.status == "handled"


def test_the_alerts_page_lists_the_viewers_own_alerts_and_marks_them_read(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    feedback.submit_feedback(
        db, rt, token=token, answers=SAC, text="I didn't feel listened to today."
    )
    alice = make_client()
    sign_in(alice, "alice")
    page = alice.get("/alerts")
    assert "did not land" in page.text
    alice.post("/alerts/read", data={"csrf_token": csrf_from(page.text)})
    assert all(
        a.read_at
        for a in db.scalars(select(AlertRow).where(AlertRow.recipient_user_id == cast.alice.id))
    )
    bob = make_client()
    sign_in(bob, "bob")
    assert "did not land" not in bob.get("/alerts").text


def test_a_signal_can_be_marked_discussed_from_the_session_view(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    signal = SignalRow(
        episode_id=cast.ash_episode.id,
        client_id=cast.ash.id,
        session_number=4,
        type="rupture",
        severity="high",
        status="open",
        rule="test rule",
        summary="Alliance fell by 2 SD",
        explanation={},
        key="k",
        computed_at=rt.now(),
    )
    db.add(signal)
    db.commit()
    alice = make_client()
    sign_in(alice, "alice")
    page = alice.get(f"/sessions/{cast.ash_sessions[4].id}")
    assert "Alliance fell by 2 SD" in page.text
    alice.post(
        f"/sessions/{cast.ash_sessions[4].id}/signals/{signal.id}/discussed",
        data={"csrf_token": csrf_from(page.text)},
    )
    db.refresh(signal)
    assert signal.acknowledged_by_user_id == cast.alice.id


def test_the_caseload_links_the_next_session_to_its_session_view(
    make_client: Callable[..., TestClient], cast: Cast
) -> None:
    alice = make_client()
    sign_in(alice, "alice")
    html = alice.get("/caseload").text
    assert f'href="/sessions/{cast.ash_sessions[4].id}"' in html
    assert f'href="/sessions/{cast.couple_sessions[4].id}"' in html


def test_the_request_log_holds_no_token_name_or_words(
    web: TestClient, db: Session, rt: Runtime, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    token = link_for(db, rt, cast)[cast.ash.id]
    words = "Something quite personal about my week."
    with caplog.at_level("DEBUG"):
        post_form(web, token, {**SAC, "text": words})
    # Bordin's own loggers (the test's HTTP client logs the URL it called, as a browser would).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bordin"))
    assert "/f/{token}" in logged  # the route template, not the path
    for secret in (token, words, cast.ash.display_name, cast.ash.email or "@"):
        assert secret not in logged
