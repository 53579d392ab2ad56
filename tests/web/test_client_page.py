"""The client page: the trajectory chart with its text alternative, signals, the rupture log."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.services.measures import record_administration
from bordin.services.runtime import Runtime
from bordin.services.ruptures import log_rupture
from bordin.storage.tables import AuditEventRow, RuptureLogRow
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in


def _rate(db: Session, rt: Runtime, cast: Cast, values: list[int]) -> None:
    for appointment, v in zip(cast.ash_sessions, values, strict=False):
        record_administration(
            db,
            rt,
            client_id=cast.ash.id,
            episode_id=cast.ash_episode.id,
            appointment_id=appointment.id,
            instrument_id="bordin_sac",
            answers=[v, v, v, v],
            answered_at=appointment.starts_at,
        )
        record_administration(
            db,
            rt,
            client_id=cast.ash.id,
            episode_id=cast.ash_episode.id,
            appointment_id=appointment.id,
            instrument_id="phq9",
            answers=[2] * 8 + [0],
            answered_at=appointment.starts_at,
        )


def test_the_client_page_shows_an_accessible_chart_and_its_data_table(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    _rate(db, rt, cast, [9, 9, 9, 9])
    sign_in(web, "alice")
    page = web.get(f"/clients/{cast.ash.id}")
    assert page.status_code == 200
    assert "<svg" in page.text and 'role="img"' in page.text
    assert page.text.count('role="img"') >= 2  # drawn wide and narrow; CSS shows one
    assert '<figcaption class="visually-hidden">' in page.text and "Overall" in page.text
    assert "The numbers behind the chart" in page.text
    table = page.text.partition("The numbers behind the chart")[2].partition("</table>")[0]
    assert '<th scope="col">Session</th>' in table and '<th scope="col">Date</th>' in table
    assert "expected_lower" not in table and "events" not in table
    assert re.search(r"\d\.\d{2}", table) is None  # never more than one decimal
    csv = web.get(f"/clients/{cast.ash.id}/episodes/{cast.ash_episode.id}/trajectory.csv")
    assert csv.status_code == 200 and csv.text.count("\n") >= 4


def test_a_drop_against_the_clients_own_baseline_shows_as_a_signal(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    from bordin.services.signals import recompute_episode

    _rate(db, rt, cast, [9, 9, 9, 4])
    recompute_episode(db, rt, episode_id=cast.ash_episode.id)
    sign_in(web, "alice")
    page = web.get(f"/clients/{cast.ash.id}")
    assert "rupture" in page.text
    caseload = web.get("/caseload", params={"attention": "true"})
    assert "Ash Sample" in caseload.text


def test_the_therapist_logs_a_rupture_and_bad_input_changes_nothing(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    sign_in(web, "alice")
    page = web.get(f"/clients/{cast.ash.id}")
    token = csrf_from(page.text)
    session_id = cast.ash_sessions[2].id
    bad = web.post(
        f"/clients/{cast.ash.id}/ruptures",
        data={
            "csrf_token": token,
            "appointment_id": str(session_id),
            "rupture_type": "sulking",
            "resolved": "maybe",
        },
    )
    assert bad.status_code == 422
    assert "<strong>Type</strong>" in bad.text and "<strong>Did it resolve?</strong>" in bad.text
    assert "rupture_type" not in bad.text.split('id="form-errors"')[1].split("</ul>")[0]
    assert db.scalars(select(RuptureLogRow)).all() == []
    good = web.post(
        f"/clients/{cast.ash.id}/ruptures",
        data={
            "csrf_token": token,
            "appointment_id": str(session_id),
            "rupture_type": "withdrawal",
            "markers": ["minimal_response"],
            "strategies": ["invite_discussion"],
            "resolved": "partly",
            "note": "went quiet after homework review",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    row = db.scalars(select(RuptureLogRow)).one()
    assert row.markers == ["minimal_response"] and row.resolved == "partly"
    assert b"went quiet" not in (row.note_encrypted or b"")  # encrypted at rest
    assert rt.cipher.decrypt(row.note_encrypted) == "went quiet after homework review"


def test_a_supervisor_can_read_but_not_log_ruptures_for_a_supervisees_client(
    web: TestClient, cast: Cast
) -> None:
    sign_in(web, "sue")
    page = web.get(f"/clients/{cast.ash.id}")
    assert page.status_code == 200 and "Log a rupture" not in page.text
    response = web.post(
        f"/clients/{cast.ash.id}/ruptures",
        data={
            "csrf_token": csrf_from(page.text),
            "appointment_id": str(cast.ash_sessions[0].id),
            "rupture_type": "withdrawal",
            "resolved": "yes",
        },
    )
    assert response.status_code == 404


def test_an_administration_exports_as_a_valid_fhir_questionnaire_response(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    appointment = cast.ash_sessions[0]
    row = record_administration(
        db,
        rt,
        client_id=cast.ash.id,
        episode_id=cast.ash_episode.id,
        appointment_id=appointment.id,
        instrument_id="phq9",
        answers=[1, 2, 0, 1, 0, 0, 1, 0, 0],
        answered_at=appointment.starts_at,
    )
    sign_in(web, "alice")
    response = web.get(f"/api/administrations/{row.id}/fhir")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    resource = QuestionnaireResponse.model_validate(response.json())
    assert resource.status == "completed"
    assert "Ash" not in response.text  # pseudonym only
    assert cast.ash.pseudonym in response.text
    web.cookies.clear()
    sign_in(web, "bob")
    assert web.get(f"/api/administrations/{row.id}/fhir").status_code == 404


def test_a_clients_words_are_hidden_from_the_therapist_once_they_stop_sharing_them(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    from bordin.services import practice as practice_service
    from bordin.storage.tables import SubmissionRow

    appointment = cast.ash_sessions[1]
    db.add(
        SubmissionRow(
            client_id=cast.ash.id,
            appointment_id=appointment.id,
            received_at=appointment.starts_at,
            text_encrypted=rt.cipher.encrypt("the homework felt pointless"),
            triage_category="misalignment",
        )
    )
    db.commit()
    sign_in(web, "alice")
    assert "the homework felt pointless" in web.get(f"/clients/{cast.ash.id}").text
    practice_service.set_consent(
        db,
        rt,
        actor=cast.actor(cast.alice),
        client_id=cast.ash.id,
        purpose="share_free_text_with_therapist",
        granted=False,
    )
    assert "the homework felt pointless" not in web.get(f"/clients/{cast.ash.id}").text


def _logged_rupture(db: Session, rt: Runtime, cast: Cast, resolved: str = "partly") -> int:
    row = log_rupture(
        db,
        rt,
        actor=Actor(practice_id=cast.practice.id, role=Role.THERAPIST, user_id=cast.alice.id),
        appointment_id=cast.ash_sessions[1].id,
        rupture_type="withdrawal",
        markers=["minimal_response"],
        strategies=["invite_discussion"],
        resolved=resolved,
        client_id=cast.ash.id,
    )
    return row.id


def _repair(web: TestClient, cast: Cast, rupture_id: int, **fields: str) -> Response:
    token = csrf_from(web.get("/caseload").text)
    return web.post(
        f"/clients/{cast.ash.id}/ruptures/{rupture_id}/repair",
        data={"csrf_token": token, **fields},
        follow_redirects=False,
    )


def test_the_therapist_records_at_a_later_session_that_a_rupture_was_repaired(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    rupture_id = _logged_rupture(db, rt, cast)
    sign_in(web, "alice")
    assert "Record the repair" in web.get(f"/clients/{cast.ash.id}").text
    saved = _repair(
        web,
        cast,
        rupture_id,
        appointment_id=str(cast.ash_sessions[3].id),
        resolved="yes",
        note="talked it through at the start",
    )
    assert saved.status_code == 303
    db.expire_all()
    row = db.get(RuptureLogRow, rupture_id)
    assert row is not None and row.resolved == "yes"
    assert row.repaired_appointment_id == cast.ash_sessions[3].id
    assert rt.cipher.decrypt(row.repair_note_encrypted) == "talked it through at the start"
    assert b"talked" not in (row.repair_note_encrypted or b"")  # encrypted at rest
    page = web.get(f"/clients/{cast.ash.id}").text
    assert "resolved: yes" in page and "repaired in session 4" in page
    assert "Repair note:</span> talked it through at the start" in page  # opened for her
    assert "Record the repair" not in page  # nothing left to repair
    audited = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.entity == "rupture_log", AuditEventRow.action == "update"
        )
    ).all()
    assert [(e.entity_id, e.client_id) for e in audited] == [(str(rupture_id), cast.ash.id)]


def test_a_repair_before_the_rupture_or_in_another_therapy_is_refused_and_changes_nothing(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    rupture_id = _logged_rupture(db, rt, cast)
    sign_in(web, "alice")
    earlier = _repair(
        web, cast, rupture_id, appointment_id=str(cast.ash_sessions[0].id), resolved="yes"
    )
    assert earlier.status_code == 422
    assert "<strong>Session</strong>: choose session 2 (the rupture&#39;s) or later" in earlier.text
    elsewhere = _repair(
        web, cast, rupture_id, appointment_id=str(cast.couple_sessions[3].id), resolved="maybe"
    )
    assert elsewhere.status_code == 422
    assert "choose an attended session of this therapy" in elsewhere.text
    assert "<strong>Did it resolve?</strong>: choose yes or partly" in elsewhere.text
    db.expire_all()
    row = db.get(RuptureLogRow, rupture_id)
    assert row is not None and row.resolved == "partly" and row.repaired_appointment_id is None


def test_a_rupture_already_resolved_has_no_repair_to_record(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    rupture_id = _logged_rupture(db, rt, cast, resolved="yes")
    sign_in(web, "alice")
    assert "Record the repair" not in web.get(f"/clients/{cast.ash.id}").text
    again = _repair(
        web, cast, rupture_id, appointment_id=str(cast.ash_sessions[3].id), resolved="partly"
    )
    assert again.status_code == 422 and "already recorded as resolved" in again.text


def test_only_the_treating_therapist_may_record_a_repair(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    rupture_id = _logged_rupture(db, rt, cast)
    for who in ("sue", "bob"):  # her supervisor reads the log; another therapist cannot
        other = make_client()
        sign_in(other, who)
        refused = _repair(
            other, cast, rupture_id, appointment_id=str(cast.ash_sessions[3].id), resolved="yes"
        )
        assert refused.status_code == 404, who
    db.expire_all()
    row = db.get(RuptureLogRow, rupture_id)
    assert row is not None and row.repaired_appointment_id is None


def test_a_repair_is_recorded_only_from_the_page_of_a_client_in_that_therapy(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    # Alice also treats Birch, but Ash's rupture cannot be repaired from Birch's page.
    rupture_id = _logged_rupture(db, rt, cast)
    sign_in(web, "alice")
    token = csrf_from(web.get("/caseload").text)
    elsewhere = web.post(
        f"/clients/{cast.birch.id}/ruptures/{rupture_id}/repair",
        data={
            "csrf_token": token,
            "appointment_id": str(cast.ash_sessions[3].id),
            "resolved": "yes",
        },
    )
    assert elsewhere.status_code == 404
    db.expire_all()
    row = db.get(RuptureLogRow, rupture_id)
    assert row is not None and row.repaired_appointment_id is None
