"""A minute that is a minute: the feedback form at phone width (390×844), filled in by tapping
as a client would. The usual form (stable scores) asks the alliance check and a one-question
risk screen; the intake form asks every measure in full. The page says how many questions it
has. Timings are not asserted here: ``bench/bench_form_burden.py`` measures them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from bordin.testing.form_burden import WORDING_FILES, fill_in, page_burden, seed_burden_case
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_feedback_loop import assert_phone_friendly


def test_the_usual_form_is_short_and_says_how_many_questions_it_asks(
    live_server: LiveServer, new_page: Callable[..., Page], shared_data: Path
) -> None:
    wording = [(shared_data / "fhir" / name).read_bytes() for name in WORDING_FILES]
    with live_server.sessions() as db:
        case = seed_burden_case(db, live_server.runtime, wording=wording)
    intake, usual = new_page(), new_page()
    intake.goto(live_server.url(f"/f/{case.intake_token}"))
    usual.goto(live_server.url(f"/f/{case.usual_token}"))
    # PHQ-9 asks its unscored difficulty question too when the practice's imported wording
    # carries it (another test in the same live server may have imported such wording).
    phq9_questions = intake.get_by_role("region", name="PHQ-9").get_by_role("group").count()
    assert phq9_questions in (9, 10)
    intake_questions = 4 + phq9_questions + 7
    expect(intake.get_by_text(f"{intake_questions} questions, about 3 minutes.")).to_be_visible()
    expect(usual.get_by_text("5 questions, under a minute.")).to_be_visible()
    before, after = page_burden(intake), page_burden(usual)
    assert (before.questions, after.questions) == (intake_questions, 5)
    assert after.height_px < before.height_px * 0.6
    assert_phone_friendly(usual)
    screenshot(usual, "feedback-form-usual-phone")
    assert fill_in(usual) == 5
    assert fill_in(intake) == intake_questions
