"""First run, practice settings, licensed wording, staff editing and enrolment, per role."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.storage.tables import (
    AuditEventRow,
    ClientRow,
    EpisodeRow,
    ImportedWordingRow,
    PracticeRow,
    TherapistProfileRow,
    UserRow,
)
from tests.fixtures.cast import PASSWORD, Cast
from tests.web.conftest import csrf_from, sign_in

SETUP = {
    "name": "Riverside Therapy",
    "locale": "UK",
    "timezone": "Europe/London",
    "display_name": "Ada Admin",
    "username": "ada",
    "email": "ada@example.org",
    "password": PASSWORD,
}


def test_an_empty_bordin_sends_everyone_to_the_first_run_page(web: TestClient) -> None:
    front = web.get("/", follow_redirects=False)
    assert front.headers["location"] == "/setup"
    token = csrf_from(web.get("/setup").text)
    made = web.post("/setup", data={**SETUP, "csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/login")
    sign_in(web, "ada")
    assert "Riverside Therapy" in web.get("/admin/settings").text


def test_the_first_run_page_names_bad_fields_and_stores_nothing(
    web: TestClient, db: Session
) -> None:
    token = csrf_from(web.get("/setup").text)
    bad = web.post(
        "/setup",
        data={
            **SETUP,
            "name": "",
            "timezone": "Mars/Olympus",
            "password": "x",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 422
    for label in ("Practice name:", "Time zone:", "Password:"):
        assert label in bad.text
    assert db.scalars(select(PracticeRow)).all() == []


def test_the_first_run_page_is_gone_once_a_practice_exists(web: TestClient, cast: Cast) -> None:
    assert web.get("/setup").status_code == 404
    token = csrf_from(web.get("/login").text)
    assert web.post("/setup", data={**SETUP, "csrf_token": token}).status_code == 404
    assert web.get("/", follow_redirects=False).headers["location"] == "/login"


def test_the_admin_chooses_measures_per_kind_of_episode(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "adam")
    page = web.get("/admin/settings")
    assert "Session Rating Scale" in page.text and "Every 4th session" in page.text
    assert "srs" not in page.text.replace('value="srs"', "").replace(".srs", "").replace("-srs", "")
    saved = web.post(
        "/admin/settings/measures",
        data={
            "csrf_token": csrf_from(page.text),
            "individual.measures": ["bordin_sac", "phq9"],
            "individual.every.phq9": "4",
            "couple.measures": ["bordin_sac"],
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    practice = db.get(PracticeRow, cast.practice.id)
    db.refresh(practice)
    assert practice is not None and practice.measure_plan == {
        "individual": [
            {"instrument": "bordin_sac", "every": 1},
            {"instrument": "phq9", "every": 4},
        ],
        "couple": [{"instrument": "bordin_sac", "every": 1}],
    }


def test_a_plan_without_couple_measures_is_refused_by_name(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "adam")
    token = csrf_from(web.get("/admin/settings").text)
    bad = web.post(
        "/admin/settings/measures",
        data={"csrf_token": token, "individual.measures": ["phq9"], "individual.every.phq9": "5"},
    )
    assert bad.status_code == 422
    assert "Measures for couple work: choose at least one measure" in bad.text
    assert "Patient Health Questionnaire-9 (individual work), how often" in bad.text
    practice = db.get(PracticeRow, cast.practice.id)
    db.refresh(practice)
    assert practice is not None and practice.measure_plan is None


def test_the_admin_sets_crisis_lines_and_a_bad_number_is_named(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "adam")
    token = csrf_from(web.get("/admin/settings").text)
    line = {
        "line-0-name": "Emergency services",
        "line-0-number": "999",
        "line-0-emergency": "1",
        "line-1-name": "Local crisis team",
        "line-1-number": "call us",
        "line-2-name": "",
        "line-2-number": "",
    }
    bad = web.post("/admin/settings/crisis-lines", data={"csrf_token": token, **line})
    assert bad.status_code == 422 and "Crisis line 2, number" in bad.text
    practice = db.get(PracticeRow, cast.practice.id)
    db.refresh(practice)
    assert practice is not None and practice.crisis_lines is None
    line["line-1-number"] = "0113 555 0000"
    good = web.post(
        "/admin/settings/crisis-lines",
        data={"csrf_token": token, **line},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert "Local crisis team" in web.get("/self-referral").text


def test_the_admin_changes_the_time_zone(web: TestClient, cast: Cast, db: Session) -> None:
    sign_in(web, "adam")
    token = csrf_from(web.get("/admin/settings").text)
    saved = web.post(
        "/admin/settings/details",
        data={"csrf_token": token, "name": "Northgate", "locale": "EU", "timezone": "Europe/Paris"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    practice = db.get(PracticeRow, cast.practice.id)
    db.refresh(practice)
    assert practice is not None and (practice.locale, practice.timezone) == ("EU", "Europe/Paris")


def test_licensed_wording_is_imported_from_an_uploaded_file(
    web: TestClient, cast: Cast, db: Session, shared_data: Path
) -> None:
    sign_in(web, "adam")
    token = csrf_from(web.get("/admin/settings/wording").text)
    data = (shared_data / "fhir" / "pco__Questionnaire-GAD7.json").read_bytes()
    done = web.post(
        "/admin/settings/wording",
        data={"csrf_token": token},
        files={"questionnaire": ("gad7.json", data, "application/json")},
    )
    assert done.status_code == 200
    assert "Imported the wording for Generalized Anxiety Disorder-7" in done.text
    assert len(db.scalars(select(ImportedWordingRow)).all()) == 7


def test_a_bad_wording_file_says_what_is_wrong_and_stores_nothing(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "adam")
    token = csrf_from(web.get("/admin/settings/wording").text)
    not_json = web.post(
        "/admin/settings/wording",
        data={"csrf_token": token},
        files={"questionnaire": ("q.json", b"{not json", "application/json")},
    )
    assert (
        not_json.status_code == 422
        and "In the file, file: is not valid JSON (line 1, column 2)" in not_json.text
    )
    wrong = web.post(
        "/admin/settings/wording",
        data={"csrf_token": token},
        files={"questionnaire": ("q.json", json.dumps({"resourceType": "Patient"}).encode(), "")},
    )
    assert wrong.status_code == 422 and "Questionnaire" in wrong.text
    empty = web.post("/admin/settings/wording", data={"csrf_token": token})
    assert empty.status_code == 422 and "choose a Questionnaire file" in empty.text
    assert db.scalars(select(ImportedWordingRow)).all() == []


@pytest.mark.parametrize("who", ["alice", "sue", "charlie"])
def test_only_the_admin_reaches_settings_and_staff_pages(
    web: TestClient, cast: Cast, who: str
) -> None:
    sign_in(web, who)
    for path in ("/admin/settings", "/admin/settings/wording", f"/admin/users/{cast.bob.id}"):
        assert web.get(path).status_code == 404, path
    token = csrf_from(web.get("/alerts").text)
    posted = web.post(
        f"/admin/users/{cast.bob.id}/password", data={"csrf_token": token, "password": "x" * 12}
    )
    assert posted.status_code == 404


def test_an_admin_cannot_open_staff_of_another_practice(web: TestClient, cast: Cast) -> None:
    sign_in(web, "adam")
    assert web.get(f"/admin/users/{cast.charlie.id}").status_code == 404


def test_the_admin_edits_a_therapists_role_and_profile(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "adam")
    page = web.get(f"/admin/users/{cast.bob.id}")
    assert page.status_code == 200 and "Therapist profile" in page.text
    token = csrf_from(page.text)
    profile = web.post(
        f"/admin/users/{cast.bob.id}/profile",
        data={
            "csrf_token": token,
            "languages": "English, Polish",
            "modalities": "CBT",
            "specialties": ["anxiety"],
            "modes": ["remote"],
            "funding_accepted": ["private", "insurer"],
            "gender": "man",
            "weekly_capacity": "15",
            "accepting_new": "1",
            "availability": ["mon_evening", "tue_evening"],
        },
        follow_redirects=False,
    )
    assert profile.status_code == 303
    row = db.get(TherapistProfileRow, cast.bob.id)
    db.refresh(row)
    assert row is not None and row.languages == ["English", "Polish"]
    assert row.availability == ["mon_evening", "tue_evening"] and row.weekly_capacity == 15
    bad = web.post(
        f"/admin/users/{cast.bob.id}/profile",
        data={"csrf_token": token, "languages": "", "modes": ["remote"], "weekly_capacity": "lots"},
    )
    assert bad.status_code == 422
    assert "Languages:" in bad.text and "Sessions a week:" in bad.text
    db.refresh(row)
    assert row.weekly_capacity == 15
    role = web.post(
        f"/admin/users/{cast.bob.id}",
        data={
            "csrf_token": token,
            "display_name": "Bob Therapist",
            "email": "bob@example.org",
            "role": "supervisor",
            "supervisor_id": "",
        },
        follow_redirects=False,
    )
    assert role.status_code == 303
    user = db.get(UserRow, cast.bob.id)
    db.refresh(user)
    assert user is not None and user.role == "supervisor"


def test_a_password_reset_is_audited_and_the_new_password_works(
    web: TestClient, cast: Cast, db: Session, make_client: object
) -> None:
    sign_in(web, "adam")
    token = csrf_from(web.get(f"/admin/users/{cast.bob.id}").text)
    short = web.post(
        f"/admin/users/{cast.bob.id}/password", data={"csrf_token": token, "password": "short"}
    )
    assert short.status_code == 422 and "New password: must be at least 10" in short.text
    done = web.post(
        f"/admin/users/{cast.bob.id}/password",
        data={"csrf_token": token, "password": "a fresh long password"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    event = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.entity == "user", AuditEventRow.entity_id == str(cast.bob.id)
        )
    ).all()[-1]
    assert event.detail == {"password_reset": True} and event.actor_user_id == cast.adam.id
    other = make_client()  # type: ignore[operator]
    sign_in(other, "bob", "a fresh long password")


def test_a_therapist_enrols_their_own_client_and_opens_the_record(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "alice")
    page = web.get("/enrol")
    assert page.status_code == 200 and "Bob Therapist" not in page.text
    made = web.post(
        "/enrol",
        data={
            "csrf_token": csrf_from(page.text),
            "therapist_id": str(cast.alice.id),
            "kind": "individual",
            "display_name": "Oak Sample",
            "email": "oak@example.org",
            "started_on": "2026-12-07",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"].startswith("/clients/")
    assert web.get(made.headers["location"]).status_code == 200


def test_enrolling_for_a_colleague_is_refused_for_a_therapist(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "alice")
    token = csrf_from(web.get("/enrol").text)
    before = len(db.scalars(select(ClientRow)).all())
    refused = web.post(
        "/enrol",
        data={
            "csrf_token": token,
            "therapist_id": str(cast.bob.id),
            "kind": "individual",
            "display_name": "Oak Sample",
            "started_on": "2026-12-07",
        },
    )
    assert refused.status_code == 422 and "Therapist: choose a therapist" in refused.text
    assert len(db.scalars(select(ClientRow)).all()) == before


def test_the_admin_enrols_a_couple_and_bad_input_names_the_field(
    web: TestClient, cast: Cast, db: Session
) -> None:
    sign_in(web, "adam")
    token = csrf_from(web.get("/enrol").text)
    form = {
        "csrf_token": token,
        "therapist_id": str(cast.alice.id),
        "kind": "couple",
        "display_name": "Oak Sample",
        "partner_name": "",
        "started_on": "2026-12-07",
    }
    bad = web.post("/enrol", data=form)
    assert bad.status_code == 422 and "Partner&#39;s name:" in bad.text
    bad_date = web.post("/enrol", data={**form, "partner_name": "Yew Sample", "started_on": "soon"})
    assert bad_date.status_code == 422 and "First session: use a date" in bad_date.text
    done = web.post("/enrol", data={**form, "partner_name": "Yew Sample"})
    assert done.status_code == 200 and "Oak Sample and Yew Sample are enrolled" in done.text
    episode = db.scalars(
        select(EpisodeRow).where(EpisodeRow.kind == "couple").order_by(EpisodeRow.id.desc())
    ).first()
    assert episode is not None and episode.therapist_id == cast.alice.id
