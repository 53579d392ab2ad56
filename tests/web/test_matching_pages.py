"""The matching page and change requests (clinical lead only), and the client's fit check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import intake as intake_service
from bordin.services import matching as matching_service
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    IntakeRow,
    MatchRow,
    UserRow,
)
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.integration.services.test_matching import ELM, attend_three, therapist
from tests.web.conftest import csrf_from, sign_in


@pytest.fixture
def waiting(db: Session, rt: Runtime, cast: Cast) -> IntakeRow:
    therapist(db, rt, cast, "olga")
    therapist(db, rt, cast, "piotr", gender="man")
    result = intake_service.submit_intake(
        db, rt, practice_id=cast.practice.id, answers=ELM, origin=Origin("203.0.113.9")
    )
    intake = db.get(IntakeRow, result.intake_id)
    assert intake is not None
    return intake


def test_the_lead_sees_proposals_in_words_without_ids(
    web: TestClient, cast: Cast, waiting: IntakeRow
) -> None:
    sign_in(web, "sue")
    page = web.get(f"/matching/{waiting.id}")

    assert page.status_code == 200
    assert "Find a therapist for Elm Sample" in page.text
    assert "<h2>Olga Therapist</h2>" in page.text and "<h2>Piotr Therapist</h2>" not in page.text
    assert "Works with anxiety (not listed: work)" in page.text
    assert "therapist_id" not in page.text


@pytest.mark.parametrize("who", ["adam", "alice"])
def test_others_get_404_on_matching_and_change_requests(
    web: TestClient, cast: Cast, waiting: IntakeRow, who: str
) -> None:
    sign_in(web, who)
    assert web.get(f"/matching/{waiting.id}").status_code == 404
    assert web.get("/fit-checks").status_code == 404


def test_confirming_from_the_page_books_the_first_session(
    web: TestClient, db: Session, rt: Runtime, cast: Cast, waiting: IntakeRow
) -> None:
    sign_in(web, "sue")
    page = web.get(f"/matching/{waiting.id}")
    assert db.scalar(select(MatchRow.id)) is None
    when = (rt.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    therapist_id = page.text.split('name="therapist" value="', 1)[1].split('"', 1)[0]
    done = web.post(
        f"/matching/{waiting.id}/confirm",
        data={
            "csrf_token": csrf_from(page.text),
            "therapist": therapist_id,
            "first_session_at": when,
        },
    )
    assert done.status_code == 200
    assert "Elm Sample will see Olga Therapist" in done.text
    match = db.scalar(select(MatchRow))
    assert match is not None
    assert db.scalar(select(AppointmentRow).where(AppointmentRow.episode_id == match.episode_id))


def test_a_bad_first_session_time_is_refused_naming_it_and_nothing_changes(
    web: TestClient, db: Session, cast: Cast, waiting: IntakeRow
) -> None:
    sign_in(web, "sue")
    page = web.get(f"/matching/{waiting.id}")
    therapist_id = page.text.split('name="therapist" value="', 1)[1].split('"', 1)[0]
    refused = web.post(
        f"/matching/{waiting.id}/confirm",
        data={
            "csrf_token": csrf_from(page.text),
            "therapist": therapist_id,
            "first_session_at": "soon",
        },
    )
    assert refused.status_code == 422
    assert "Give the date and time of the first session" in refused.text
    assert db.scalar(select(MatchRow)) is None


def test_the_fit_check_is_offered_on_me_after_the_third_session_and_goes_to_the_lead(
    web: TestClient,
    make_client,
    db: Session,
    rt: Runtime,
    cast: Cast,
    waiting: IntakeRow,
    clock: FakeClock,
) -> None:
    sign_in(web, "sue")
    page = web.get(f"/matching/{waiting.id}")
    therapist_id = int(page.text.split('name="therapist" value="', 1)[1].split('"', 1)[0])
    match = matching_service.confirm_match(
        db,
        rt,
        actor=cast.actor(cast.sue),
        intake_id=waiting.id,
        therapist_id=therapist_id,
        first_session_at=rt.now() + timedelta(days=1),
    )
    attend_three(db, rt, cast, match.episode_id, db.get(UserRow, therapist_id), clock)
    sign_in(web, "sue")  # three weeks on: signed in again
    signed = user_service.start_client_session(
        db, rt, client=db.get(ClientRow, waiting.client_id), origin=Origin("203.0.113.9")
    )
    phone = make_client()
    phone.cookies.set("bordin_session", signed.token)
    me = phone.get("/me")
    assert "Is Olga Therapist right for you?" in me.text
    form = phone.get("/me/fit-check")
    assert "Is Olga Therapist the right therapist for you?" in form.text
    sent = phone.post(
        "/me/fit-check",
        data={
            "csrf_token": csrf_from(form.text),
            "episode": str(match.episode_id),
            "fit": "change",
            "share": "no",
        },
    )
    assert sent.status_code == 200
    assert "Your therapist is not told unless you agreed above" in sent.text
    requests = web.get("/fit-checks")
    assert "Elm Sample" in requests.text and "their therapist has not been told" in requests.text
    episode = db.get(EpisodeRow, match.episode_id)
    assert episode is not None and episode.status == "active"
