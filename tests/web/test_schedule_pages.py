"""The week pages for staff and the client's own sessions: each route by role, outsiders 404,
bad input named by field with nothing changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.services import scheduling
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.services.users import start_client_session
from bordin.storage.tables import AppointmentRow, ClientRow, WorkingHoursRow
from bordin.web.deps import SESSION_COOKIE
from tests.fixtures.booking import alices_tuesday
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in


def staff(make_client: Callable[..., TestClient], username: str) -> TestClient:
    client = make_client()
    sign_in(client, username)
    return client


def as_client(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, who: ClientRow
) -> TestClient:
    client = make_client()
    signed = start_client_session(db, rt, client=who, origin=Origin("test"))
    db.commit()
    client.cookies.set(SESSION_COOKIE, signed.token)
    return client


def appointments(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AppointmentRow)) or 0


@pytest.fixture
def alice_works(db: Session, rt: Runtime, cast: Cast) -> AppointmentRow:
    return alices_tuesday(db, rt, cast)


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("alice", "/schedule?week=2026-11-09", 200),
        ("sue", "/schedule?week=2026-11-09&therapist={alice}", 200),
        ("bob", "/schedule?week=2026-11-09&therapist={alice}", 404),
        ("charlie", "/schedule?week=2026-11-09&therapist={alice}", 404),
        ("adam", "/schedule/practice?week=2026-11-09", 200),
        ("sue", "/schedule/practice?week=2026-11-09", 200),
        ("alice", "/schedule/practice", 404),
        ("charlie", "/schedule/practice", 404),
        ("alice", "/schedule/hours", 200),
        ("bob", "/schedule/hours?therapist={alice}", 404),
        ("adam", "/schedule/hours?therapist={alice}", 200),
        ("alice", "/schedule/settings", 404),
        ("adam", "/schedule/settings", 200),
        ("alice", "/schedule/sessions/{session}/move", 200),
        ("bob", "/schedule/sessions/{session}/move", 404),
        ("charlie", "/schedule/sessions/{session}/move", 404),
    ],
)
def test_each_page_answers_by_role(
    make_client: Callable[..., TestClient],
    cast: Cast,
    alice_works: AppointmentRow,
    who: str,
    path: str,
    status: int,
) -> None:
    client = staff(make_client, who)
    page = client.get(path.format(alice=cast.alice.id, session=alice_works.id))
    assert page.status_code == status
    if who == "alice" and path.startswith("/schedule?"):
        assert "Ash Sample" in page.text and "10:00–10:50" in page.text
        assert "09:00–17:00" in page.text


def test_a_therapist_books_a_weekly_series_from_the_form(
    make_client: Callable[..., TestClient], db: Session, cast: Cast, alice_works: AppointmentRow
) -> None:
    client = staff(make_client, "alice")
    form = client.get("/schedule/book")
    assert "Ash Sample" in form.text and "Birch Sample and Cedar Sample" in form.text
    before = appointments(db)
    done = client.post(
        "/schedule/book",
        data={
            "csrf_token": csrf_from(form.text),
            "episode": str(cast.couple_episode.id),
            "date": "2026-11-11",
            "time": "14:00",
            "frequency": "weekly",
            "count": "3",
            "mode": "remote",
            "video_link": "https://video.example.org/x",
        },
    )
    assert done.status_code == 200 and "Booked." in done.text
    assert appointments(db) == before + 3


def test_bad_booking_input_names_the_field_and_changes_nothing(
    make_client: Callable[..., TestClient], db: Session, cast: Cast, alice_works: AppointmentRow
) -> None:
    client = staff(make_client, "alice")
    token = csrf_from(client.get("/schedule/book").text)
    before = appointments(db)
    for data, label, message in [
        ({"episode": ""}, "Client", "Choose a client."),
        (
            {"episode": str(cast.ash_episode.id), "date": "tomorrow", "time": "10:00"},
            "Date",
            "Enter a date like",
        ),
        (
            {"episode": str(cast.ash_episode.id), "date": "2026-11-10", "time": "10:20"},
            "Time",
            "The therapist already has a session",
        ),
        (
            {"episode": str(cast.ash_episode.id), "date": "2026-11-14", "time": "10:00"},
            "Time",
            "Sat 14 Nov 10:00 is outside the therapist",
        ),
    ]:
        refused = client.post("/schedule/book", data={"csrf_token": token, **data})
        assert refused.status_code == 422
        assert f">{label}</a>: {message}" in refused.text
    assert appointments(db) == before


def test_others_cannot_book_move_or_cancel_alices_sessions(
    make_client: Callable[..., TestClient], db: Session, cast: Cast, alice_works: AppointmentRow
) -> None:
    before = appointments(db)
    for who in ("bob", "charlie"):
        client = staff(make_client, who)
        token = csrf_from(client.get("/schedule/hours").text)
        assert (
            client.post(
                "/schedule/book",
                data={
                    "csrf_token": token,
                    "episode": str(cast.ash_episode.id),
                    "date": "2026-11-12",
                    "time": "10:00",
                },
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/schedule/sessions/{alice_works.id}/cancel", data={"csrf_token": token}
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/schedule/sessions/{alice_works.id}/move",
                data={"csrf_token": token, "date": "2026-11-12", "time": "11:00"},
            ).status_code
            == 404
        )
    db.refresh(alice_works)
    assert appointments(db) == before and alice_works.status == "scheduled"


def test_moving_and_cancelling_from_the_week(
    make_client: Callable[..., TestClient], db: Session, cast: Cast, alice_works: AppointmentRow
) -> None:
    client = staff(make_client, "alice")
    form = client.get(f"/schedule/sessions/{alice_works.id}/move")
    moved = client.post(
        f"/schedule/sessions/{alice_works.id}/move",
        data={
            "csrf_token": csrf_from(form.text),
            "date": "2026-11-12",
            "time": "15:00",
            "mode": "in_person",
        },
    )
    assert "Session moved." in moved.text and "15:00–15:50" in moved.text
    cancelled = client.post(
        f"/schedule/sessions/{alice_works.id}/cancel", data={"csrf_token": csrf_from(moved.text)}
    )
    assert "Session cancelled." in cancelled.text
    db.refresh(alice_works)
    assert (alice_works.status, alice_works.cancelled_by) == ("cancelled", "practice")


def test_bad_working_hours_name_the_day_and_change_nothing(
    make_client: Callable[..., TestClient], db: Session, cast: Cast, alice_works: AppointmentRow
) -> None:
    client = staff(make_client, "alice")
    token = csrf_from(client.get("/schedule/hours").text)
    refused = client.post(
        "/schedule/hours",
        data={
            "csrf_token": token,
            "monday_start": "17:00",
            "monday_end": "09:00",
            "tuesday_start": "9am",
            "tuesday_end": "17:00",
        },
    )
    assert refused.status_code == 422
    assert ">Monday end</a>: Monday must end after it starts." in refused.text
    assert ">Tuesday start</a>: Enter a time like 09:00" in refused.text
    days = db.scalars(
        select(WorkingHoursRow.weekday).where(WorkingHoursRow.therapist_id == cast.alice.id)
    )
    assert sorted(days) == [0, 1, 2, 3, 4]
    leave = client.post(
        "/schedule/leave",
        data={
            "csrf_token": token,
            "kind": "away",
            "first_day": "2026-11-20",
            "last_day": "2026-11-19",
        },
    )
    assert (
        leave.status_code == 422 and ">Last day</a>: The last day must be on or after" in leave.text
    )


def test_scheduling_settings_are_for_admins_and_bad_values_are_named(
    make_client: Callable[..., TestClient], db: Session, cast: Cast
) -> None:
    client = staff(make_client, "adam")
    token = csrf_from(client.get("/schedule/settings").text)
    refused = client.post(
        "/schedule/settings",
        data={
            "csrf_token": token,
            "cancellation_notice_hours": "-1",
            "session_minutes": "50",
            "slot_minutes": "60",
        },
    )
    assert refused.status_code == 422
    assert (
        ">Notice needed to cancel (hours)</a>: Enter a whole number from 0 to 336." in refused.text
    )
    saved = client.post(
        "/schedule/settings",
        data={
            "csrf_token": token,
            "cancellation_notice_hours": "48",
            "session_minutes": "50",
            "slot_minutes": "30",
            "clients_may_rebook": "yes",
            "rooms": "Garden room\nRoom 2",
        },
    )
    assert "Scheduling settings saved." in saved.text
    assert scheduling.scheduling_settings(db, cast.practice.id).rooms == ("Garden room", "Room 2")
    alice = staff(make_client, "alice")
    assert (
        alice.post(
            "/schedule/settings",
            data={
                "csrf_token": csrf_from(alice.get("/schedule").text),
                "cancellation_notice_hours": "1",
            },
        ).status_code
        == 404
    )


def test_a_client_cancels_late_from_their_sessions_page(
    make_client: Callable[..., TestClient],
    db: Session,
    rt: Runtime,
    cast: Cast,
    alice_works: AppointmentRow,
    clock: object,
) -> None:
    from datetime import UTC, datetime

    clock.set(datetime(2026, 11, 9, 20, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    client = as_client(make_client, db, rt, cast.ash)
    page = client.get("/me/sessions")
    assert "Tuesday 10 November, 10:00" in page.text and "Alice Therapist" in page.text
    confirm = client.get(f"/me/sessions/{alice_works.id}/cancel")
    assert "recorded as a late cancellation" in confirm.text
    done = client.post(
        f"/me/sessions/{alice_works.id}/cancel", data={"csrf_token": csrf_from(confirm.text)}
    )
    assert "recorded as a late cancellation" in done.text
    db.refresh(alice_works)
    assert alice_works.late_cancellation is True


def test_a_client_picks_a_free_time_and_a_taken_one_is_refused(
    make_client: Callable[..., TestClient],
    db: Session,
    rt: Runtime,
    cast: Cast,
    alice_works: AppointmentRow,
) -> None:
    client = as_client(make_client, db, rt, cast.ash)
    page = client.get(f"/me/sessions/{alice_works.id}/move")
    assert page.status_code == 200 and 'value="2026-11-03T09:00:00+00:00"' in page.text
    token = csrf_from(page.text)
    refused = client.post(
        f"/me/sessions/{alice_works.id}/move",
        data={"csrf_token": token, "starts_at": "2026-11-03T08:00:00+00:00"},
    )
    assert refused.status_code == 422 and "no longer free" in refused.text
    db.refresh(alice_works)
    assert alice_works.status == "scheduled"
    moved = client.post(
        f"/me/sessions/{alice_works.id}/move",
        data={"csrf_token": token, "starts_at": "2026-11-03T09:00:00+00:00"},
    )
    assert "Your session has been moved" in moved.text and "Tuesday 3 November, 09:00" in moved.text


def test_other_clients_and_staff_get_not_found_for_a_clients_session(
    make_client: Callable[..., TestClient],
    db: Session,
    rt: Runtime,
    cast: Cast,
    alice_works: AppointmentRow,
) -> None:
    for who in (cast.dale, cast.zed):
        client = as_client(make_client, db, rt, who)
        assert client.get(f"/me/sessions/{alice_works.id}/move").status_code == 404
        assert client.get(f"/me/sessions/{alice_works.id}/cancel").status_code == 404
        token = csrf_from(client.get("/me/sessions").text)
        assert (
            client.post(
                f"/me/sessions/{alice_works.id}/cancel", data={"csrf_token": token}
            ).status_code
            == 404
        )
    assert staff(make_client, "alice").get("/me/sessions").status_code == 404
    db.refresh(alice_works)
    assert alice_works.status == "scheduled"


@pytest.mark.parametrize(
    ("who", "status"), [("sue", 200), ("adam", 200), ("alice", 404), ("charlie", 404)]
)
def test_the_measure_schedule_page_is_for_the_lead_and_admins(
    make_client: Callable[..., TestClient], cast: Cast, who: str, status: int
) -> None:
    assert staff(make_client, who).get("/measures/schedule").status_code == status


def test_a_bad_measure_cadence_is_named_and_nothing_changes(
    make_client: Callable[..., TestClient], db: Session, cast: Cast
) -> None:
    from bordin.services.measurement_plan import policy_for

    client = staff(make_client, "sue")
    token = csrf_from(client.get("/measures/schedule").text)
    refused = client.post(
        "/measures/schedule", data={"csrf_token": token, "adaptive": "yes", "stable_every": "0"}
    )
    assert refused.status_code == 422
    assert ">Once stable, ask every</a>: Enter a whole number from 2 to 12." in refused.text
    assert policy_for(db, cast.practice.id).risk_screen is True
    saved = client.post(
        "/measures/schedule", data={"csrf_token": token, "adaptive": "yes", "stable_every": "4"}
    )
    assert "Saved." in saved.text
    assert (
        policy_for(db, cast.practice.id).stable_every,
        policy_for(db, cast.practice.id).risk_screen,
    ) == (4, False)
