"""The therapist's side of cultural responsiveness: the chart on the client record, and feedback
read as cultural misattunement pointing to it from the session page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bordin.services import feedback
from bordin.services.runtime import Runtime
from tests.fixtures.cast import Cast
from tests.integration.services.test_cultural_check import SAC, ask_the_check_every_session
from tests.web.conftest import sign_in


def test_misattunement_feedback_and_a_low_check_lead_the_therapist_to_the_chart(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    ask_the_check_every_session(db, rt, cast)
    link = feedback.issue_links(db, rt, appointment_id=cast.ash_sessions[3].id)[0]
    check = {f"bordin_crc.{k}": "2" for k in ("understood", "safe", "checked", "fitted")}
    feedback.submit_feedback(
        db,
        rt,
        token=link.token,
        answers=SAC | check | {"bordin_crc.welcome": "2"},
        text="She doesn't really understand my culture and assumed my family arranged my marriage.",
    )
    sign_in(web, "alice")

    session = web.get(f"/sessions/{cast.ash_sessions[4].id}")
    assert session.status_code == 200
    assert "See how they have rated cultural responsiveness" in session.text
    assert f'href="/clients/{cast.ash.id}#cultural-{cast.ash_episode.id}"' in session.text

    record = web.get(f"/clients/{cast.ash.id}")
    assert f'id="cultural-{cast.ash_episode.id}"' in record.text
    assert "latest Cultural Responsiveness Check is 10 out of 20" in record.text
