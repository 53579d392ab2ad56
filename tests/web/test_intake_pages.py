"""The public self-referral form, the staff referral form and the waiting list, per role."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.storage.tables import AlertRow, AuditEventRow, ClientRow, IntakeRow
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in

FORM: dict[str, Any] = {
    "display_name": "Elm Sample",
    "email": "elm@example.org",
    "contact_by": "email",
    "episode_kind": "individual",
    "concern_areas": ["anxiety", "work"],
    "concerns_text": "Worrying about work all the time.",
    "risk_now": "no",
    "risk_recent": "no",
    "language": "Polish",
    "modes": ["remote"],
    "slots": ["mon_evening", "sat_morning"],
    "funding": "insurer",
    "therapist_gender": "woman",
    "specialisms": ["anxiety"],
    "identity_notes": "Someone who knows what growing up between two cultures is like.",
    "consent_to_store": "1",
    "consent_feedback": "1",
}


def _send(web: TestClient, path: str, **changes: Any) -> Any:
    token = csrf_from(web.get(path).text)
    return web.post(path, data={**FORM, **changes, "csrf_token": token})


def test_the_public_form_works_without_signing_in_and_shows_crisis_help(
    web: TestClient, cast: Cast
) -> None:
    page = web.get("/self-referral")
    assert page.status_code == 200
    assert "Ask for therapy at Northgate Test Practice" in page.text
    assert 'href="tel:999"' in page.text and "not an emergency service" in page.text
    assert 'aria-label="Main"' not in page.text  # no staff navigation for the public


def test_a_self_referral_lands_on_the_waiting_list(
    web: TestClient, cast: Cast, db: Session, clock: FakeClock
) -> None:
    sent = _send(web, "/self-referral")
    assert sent.status_code == 200 and "We have your request" in sent.text
    assert "let the practice's clinical lead know" not in sent.text
    clock.advance(days=4)
    sign_in(web, "sue")
    waiting = web.get("/waiting-list")
    assert waiting.status_code == 200
    assert "Elm Sample" in waiting.text and "4 days" in waiting.text
    assert "Monday evening, Saturday morning" in waiting.text
    assert "mon_evening" not in waiting.text and "in_person" not in waiting.text


def test_a_yes_to_risk_shows_crisis_help_first_and_alerts_the_lead(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sent = _send(web, "/self-referral", risk_now="yes")
    assert sent.status_code == 200
    assert sent.text.index("please get help now") < sent.text.index("Thank you</h1>")
    assert db.scalars(select(AlertRow).where(AlertRow.recipient_user_id == cast.sue.id)).one()


def test_bad_input_names_each_field_and_stores_nothing(
    web: TestClient, cast: Cast, db: Session
) -> None:
    before = len(db.scalars(select(ClientRow)).all())
    sent = _send(
        web, "/self-referral", display_name="", risk_now="", slots=["someday"], consent_to_store=""
    )
    assert sent.status_code == 422
    for words in ("Your name:", "Times you can make:", "Keeping your referral:", "right now:"):
        assert words in sent.text or words.rstrip(":") in sent.text
    assert 'value="Worrying' not in sent.text  # textarea refilled, not an input
    assert "Worrying about work all the time." in sent.text
    assert len(db.scalars(select(ClientRow)).all()) == before
    assert db.scalars(select(IntakeRow)).all() == []


def test_the_public_form_refuses_a_post_without_its_token(web: TestClient, cast: Cast) -> None:
    sent = web.post("/self-referral", data=FORM)
    assert sent.status_code == 403


def test_too_many_self_referrals_from_one_address_are_paused(
    web: TestClient, cast: Cast, db: Session
) -> None:
    for _ in range(5):
        assert _send(web, "/self-referral").status_code == 200
    paused = _send(web, "/self-referral")
    assert paused.status_code == 429 and "try again later" in paused.text
    assert len(db.scalars(select(IntakeRow)).all()) == 5


def test_no_client_words_reach_the_log(
    web: TestClient, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        _send(web, "/self-referral", risk_now="yes")
    assert "Elm" not in caplog.text and "cultures" not in caplog.text


@pytest.mark.parametrize("who", ["alice", "sue", "adam"])
def test_staff_take_a_referral_by_telephone(
    web: TestClient, cast: Cast, db: Session, who: str
) -> None:
    sign_in(web, who)
    sent = _send(web, "/intake/new", referrer="Dr Example, Northgate Surgery")
    assert sent.status_code == 200 and "The client is on the waiting list" in sent.text
    intake = db.scalars(select(IntakeRow)).one()
    assert intake.source == "referral" and intake.entered_by_user_id == getattr(cast, who).id


def test_the_lead_reads_what_the_client_wrote_and_it_is_audited(
    web: TestClient, cast: Cast, db: Session
) -> None:
    _send(web, "/self-referral", risk_recent="yes")
    intake = db.scalars(select(IntakeRow)).one()
    sign_in(web, "sue")
    page = web.get(f"/waiting-list/{intake.id}")
    assert page.status_code == 200
    assert "Worrying about work all the time." in page.text
    assert "two cultures" in page.text and "Contact today" in page.text
    assert "Find a therapist" in page.text
    reads = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.client_id == intake.client_id, AuditEventRow.action == "read"
        )
    ).all()
    assert {r.entity for r in reads} >= {"intake", "identity_notes"}


def test_the_admin_sees_who_waits_but_not_what_they_wrote(
    web: TestClient, cast: Cast, db: Session
) -> None:
    _send(web, "/self-referral", risk_now="yes")
    intake = db.scalars(select(IntakeRow)).one()
    sign_in(web, "adam")
    assert "Elm Sample" in web.get("/waiting-list").text
    page = web.get(f"/waiting-list/{intake.id}")
    assert page.status_code == 200 and "Polish" in page.text
    assert "Worrying about work" not in page.text and "Contact today" not in page.text


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_therapists_and_outsiders_get_404_for_the_waiting_list(
    web: TestClient, cast: Cast, db: Session, who: str
) -> None:
    _send(web, "/self-referral")
    intake = db.scalars(select(IntakeRow)).one()
    sign_in(web, who)
    assert web.get("/waiting-list").status_code == 404
    assert web.get(f"/waiting-list/{intake.id}").status_code == 404
    token = csrf_from(web.get("/intake/new").text)
    closed = web.post(f"/waiting-list/{intake.id}/close", data={"csrf_token": token})
    assert closed.status_code == 404
    assert db.get(IntakeRow, intake.id).status == "waiting"  # type: ignore[union-attr]


def test_the_waiting_list_needs_a_sign_in(web: TestClient, cast: Cast) -> None:
    response = web.get("/waiting-list", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_lead_takes_someone_off_the_list(web: TestClient, cast: Cast, db: Session) -> None:
    _send(web, "/self-referral")
    intake = db.scalars(select(IntakeRow)).one()
    sign_in(web, "sue")
    token = csrf_from(web.get(f"/waiting-list/{intake.id}").text)
    done = web.post(
        f"/waiting-list/{intake.id}/close", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    assert "Nobody is waiting" in web.get("/waiting-list").text
