"""A practice that turned on the transformer reader, in a real browser on a phone, from an empty
database (the cast made through the services).

Ash writes words that neither the rules nor Bordin's own model read as a crisis, but that the
second reader does (a tiny but real reader: tests/fixtures/tiny_transformer.py). The crisis
help comes first on Ash's phone, and the clinical lead's triage page says that a second reader
reads clients' words, with the figures it was built with.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from bordin.domain.triage import triage
from bordin.services import feedback_links
from tests.browser.conftest import fits, screenshot
from tests.browser.empty_practice import cast_on, sign_in
from tests.browser.test_feedback_loop import answer_sac
from tests.browser.test_practice_from_nothing import empty_bordin
from tests.fixtures.tiny_transformer import write_reader

WORDS = "The zorblax again, all week."


def test_words_only_the_second_reader_understands_bring_crisis_help_and_the_lead_is_told(
    tmp_path: Path, new_page: Callable[..., Page]
) -> None:
    assert triage(WORDS).category != "crisis"  # the light model alone lets these pass
    folder = write_reader(tmp_path / "reader")
    with empty_bordin(
        tmp_path, triage_reader="transformer", triage_transformer_dir=folder
    ) as server:
        cast, rt = cast_on(server)
        with server.sessions() as db:
            links = feedback_links.issue_links(db, rt, appointment_id=cast.ash_sessions[3].id)
        ash = new_page()
        ash.goto(server.url(f"/f/{links[0].token}"))
        answer_sac(ash, 7, 7, 8, 7)
        ash.get_by_label("Anything you'd like your therapist to know?").fill(WORDS)
        ash.get_by_role("button", name="Send my feedback").click()
        help_box = ash.locator("#crisis-help")
        expect(help_box).to_contain_text("get help now")
        box = help_box.bounding_box()
        assert box is not None and box["y"] < 844  # seen without scrolling on the phone
        screenshot(ash, "transformer-crisis-thanks-phone")

        sue = new_page()
        sign_in(sue, server, "sue")
        sue.goto(server.url("/alerts"))
        alert = sue.get_by_role("listitem").filter(has_text="Ash Sample").first
        expect(alert.locator(".badge")).to_have_text("urgent")
        sue.goto(server.url("/triage/corrections"))
        reading = sue.locator("#reading")
        expect(reading).to_contain_text("and a second reader: a small language model")
        expect(reading).to_contain_text("97.5% of crisis texts")
        fits(sue, 390)
        screenshot(sue, "transformer-reading-lead-phone")
