"""Writes through the API: administrations scored by the published rules (bad answers named
field by field, nothing stored), sessions booked with the diary's checks, attendance recorded
by the treating therapist only, and Idempotency-Key replays instead of writing twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.services import practice, scheduling
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AdministrationRow,
    AppointmentRow,
    AuditEventRow,
    IdempotencyKeyRow,
)
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.web.api.conftest import assert_error_shape, bearer

PHQ9 = {f"q{i}": 2 for i in range(1, 10)}


def _administration(cast: Cast, **changes: object) -> dict[str, object]:
    return {
        "client_id": cast.ash.id,
        "episode_id": cast.ash_episode.id,
        "instrument_id": "phq9",
        "answers": PHQ9,
        "appointment_id": cast.ash_sessions[1].id,
        **changes,
    }


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AdministrationRow)) or 0


def test_the_treating_therapist_records_an_administration_and_gets_its_scores(
    api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session
) -> None:
    made = api.post(
        "/api/v1/administrations", json=_administration(cast), headers=bearer(token_for(cast.alice))
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["total"] == 18 and body["band"] == "moderately severe"
    assert body["source"] == "api"
    created = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.action == "create", AuditEventRow.entity == "administration"
        )
    ).one()
    assert created.actor_user_id == cast.alice.id and created.client_id == cast.ash.id


def test_answers_that_cannot_be_scored_are_named_item_by_item_and_nothing_is_stored(
    api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session
) -> None:
    answers = {**PHQ9, "q3": 7, "q10": 1}
    refused = api.post(
        "/api/v1/administrations",
        json=_administration(cast, answers=answers),
        headers=bearer(token_for(cast.alice)),
    )
    assert refused.status_code == 422
    assert_error_shape(refused.json(), "invalid_input")
    fields = {f["field"] for f in refused.json()["error"]["fields"]}
    assert "answers.q10" in fields
    assert _count(db) == 0


def test_a_session_of_another_episode_or_an_unknown_measure_is_refused_by_name(
    api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session
) -> None:
    refused = api.post(
        "/api/v1/administrations",
        json=_administration(
            cast, instrument_id="nothing", appointment_id=cast.couple_sessions[0].id
        ),
        headers=bearer(token_for(cast.alice)),
    )
    assert refused.status_code == 422
    assert {f["field"] for f in refused.json()["error"]["fields"]} == {
        "instrument_id",
        "appointment_id",
    }
    assert _count(db) == 0


@pytest.mark.parametrize("who", ["sue", "bob", "adam", "charlie"])
def test_only_the_treating_therapist_writes_to_the_record_others_get_404(
    who: str, api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session
) -> None:
    refused = api.post(
        "/api/v1/administrations",
        json=_administration(cast),
        headers=bearer(token_for(getattr(cast, who))),
    )
    assert refused.status_code == 404
    assert_error_shape(refused.json(), "not_found")
    assert _count(db) == 0


def test_the_same_idempotency_key_and_body_replays_the_first_answer_without_a_second_write(
    api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session
) -> None:
    headers = {**bearer(token_for(cast.alice)), "Idempotency-Key": "visit-42"}
    first = api.post("/api/v1/administrations", json=_administration(cast), headers=headers)
    again = api.post("/api/v1/administrations", json=_administration(cast), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert _count(db) == 1
    other = api.post(
        "/api/v1/administrations",
        json=_administration(cast, answers={**PHQ9, "q1": 0}),
        headers=headers,
    )
    assert other.status_code == 409
    assert_error_shape(other.json(), "conflict")
    assert "Idempotency-Key" in other.json()["error"]["message"]
    assert _count(db) == 1


def test_a_session_is_booked_with_the_diarys_checks(
    api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session, rt: Runtime
) -> None:
    scheduling.set_working_hours(
        db,
        rt,
        actor=cast.actor(cast.alice),
        therapist_id=cast.alice.id,
        hours={d: ("09:00", "17:00") for d in range(5)},
    )
    headers = bearer(token_for(cast.alice))
    path = f"/api/v1/episodes/{cast.ash_episode.id}/appointments"
    booked = api.post(path, json={"date": "2026-11-10", "time": "10:00"}, headers=headers)
    assert booked.status_code == 201, booked.text
    [session] = booked.json()["items"]
    assert session["starts_at"].startswith("2026-11-10T10:00")
    clash = api.post(path, json={"date": "2026-11-10", "time": "10:30"}, headers=headers)
    assert clash.status_code == 422
    assert clash.json()["error"]["fields"]
    unknown = api.post(
        path, json={"date": "2026-11-10", "time": "11:00", "colour": "red"}, headers=headers
    )
    assert unknown.status_code == 422
    assert [f["field"] for f in unknown.json()["error"]["fields"]] == ["colour"]
    outsider = api.post(
        path, json={"date": "2026-11-11", "time": "10:00"}, headers=bearer(token_for(cast.charlie))
    )
    assert outsider.status_code == 404


def test_attendance_is_recorded_by_the_treating_therapist_once_the_session_has_begun(
    api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session, rt: Runtime
) -> None:
    past = cast.ash_sessions[3]
    future = practice.schedule_appointment(
        db, rt, episode_id=cast.ash_episode.id, starts_at=rt.now() + timedelta(days=7)
    )
    headers = bearer(token_for(cast.alice))
    done = api.patch(f"/api/v1/appointments/{past.id}", json={"status": "no_show"}, headers=headers)
    assert done.status_code == 200 and done.json()["status"] == "no_show"
    early = api.patch(
        f"/api/v1/appointments/{future.id}", json={"status": "attended"}, headers=headers
    )
    assert early.status_code == 422
    assert early.json()["error"]["fields"][0]["field"] == "status"
    bob = api.patch(
        f"/api/v1/appointments/{past.id}",
        json={"status": "attended"},
        headers=bearer(token_for(cast.bob)),
    )
    assert bob.status_code == 404
    db.refresh(past)
    assert db.get(AppointmentRow, past.id).status == "no_show"  # type: ignore[union-attr]


def test_a_body_that_is_not_json_gets_a_clear_json_error(
    api: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    refused = api.post(
        "/api/v1/administrations",
        content=b"client_id=1",
        headers={**bearer(token_for(cast.alice)), "Content-Type": "text/plain"},
    )
    assert refused.status_code == 415
    assert_error_shape(refused.json(), "unsupported_media_type")


def test_an_id_beyond_the_databases_range_or_an_odd_idempotency_key_is_refused_cleanly(
    api: TestClient, cast: Cast, token_for: Callable[..., str]
) -> None:
    headers = bearer(token_for(cast.alice))
    huge = api.patch(f"/api/v1/appointments/{2**31}", json={"status": "attended"}, headers=headers)
    assert huge.status_code == 404
    assert_error_shape(huge.json(), "not_found")
    odd = api.patch(
        f"/api/v1/appointments/{cast.ash_sessions[3].id}",
        json={"status": "attended"},
        headers={**headers, "Idempotency-Key": "\x7f\x01 key"},
    )
    assert odd.status_code in (200, 422)
    if odd.status_code == 422:
        assert_error_shape(odd.json(), "invalid_input")


def test_an_idempotency_key_is_forgotten_after_a_day_with_the_answer_it_held(
    api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session, clock: FakeClock
) -> None:
    headers = {**bearer(token_for(cast.alice)), "Idempotency-Key": "monday"}
    api.post("/api/v1/administrations", json=_administration(cast), headers=headers)
    clock.advance(hours=24, seconds=1)
    later = api.post("/api/v1/administrations", json=_administration(cast), headers=headers)
    assert later.status_code == 201 and "idempotent-replayed" not in later.headers
    assert _count(db) == 2
    kept = db.scalars(select(IdempotencyKeyRow)).all()
    assert [k.created_at for k in kept] == [clock()]


def test_a_therapist_enrols_their_own_client_and_reads_them_back(
    api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session
) -> None:
    headers = bearer(token_for(cast.alice))
    body = {
        "therapist_id": cast.alice.id,
        "clients": [{"display_name": "Elm Sample", "email": "elm@example.org"}],
        "started_on": "2026-11-02",
    }
    made = api.post("/api/v1/episodes", json=body, headers=headers)
    assert made.status_code == 201, made.text
    [client_id] = made.json()["client_ids"]
    assert api.get(f"/api/v1/clients/{client_id}", headers=headers).json()["display_name"] == (
        "Elm Sample"
    )
    for who in ("bob", "charlie"):
        other = api.get(
            f"/api/v1/clients/{client_id}", headers=bearer(token_for(getattr(cast, who)))
        )
        assert other.status_code == 404


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_enrolling_for_another_therapist_is_refused_and_nothing_is_stored(
    who: str, api: TestClient, cast: Cast, token_for: Callable[..., str], db: Session
) -> None:
    from bordin.storage.tables import ClientRow

    before = db.scalar(select(func.count()).select_from(ClientRow))
    refused = api.post(
        "/api/v1/episodes",
        json={
            "therapist_id": cast.alice.id,
            "kind": "couple",
            "clients": [{"display_name": "Fir Sample"}],
            "started_on": "2026-11-02",
        },
        headers=bearer(token_for(getattr(cast, who))),
    )
    assert refused.status_code == 422
    assert [f["field"] for f in refused.json()["error"]["fields"]] == ["therapist_id"]
    assert db.scalar(select(func.count()).select_from(ClientRow)) == before
