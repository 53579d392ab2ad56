"""Administrations: answers, score, who and when."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bordin.domain.errors import InvalidInput, InvalidResponses
from bordin.domain.instruments import get_instrument
from bordin.domain.instruments.administration import administer

WHEN = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)


def test_an_administration_keeps_answers_score_and_free_text():
    admin = administer(
        get_instrument("bordin_sac"),
        {"goals": 8, "tasks": 6, "bond": 9, "overall": 7},
        administration_id="adm-1",
        respondent_id="client-0001",
        completed_at=WHEN,
        session_id="session-12",
        free_text={"didnt_land": "The homework felt rushed."},
    )
    assert admin.score.total == 30
    assert admin.answers == {"goals": 8, "tasks": 6, "bond": 9, "overall": 7}
    assert admin.free_text == {"didnt_land": "The homework felt rushed."}
    assert (admin.instrument_id, admin.session_id) == ("bordin_sac", "session-12")


def test_a_naive_time_and_an_unknown_free_text_question_are_refused():
    with pytest.raises(InvalidInput) as raised:
        administer(
            get_instrument("bordin_sac"),
            {"goals": 8, "tasks": 6, "bond": 9, "overall": 7},
            administration_id="adm-2",
            respondent_id="client-0001",
            completed_at=datetime(2026, 3, 4, 17, 30),
            free_text={"notes": "x"},
        )
    assert {e.field for e in raised.value.errors} == {"completed_at", "notes"}


def test_answers_that_cannot_be_scored_are_refused():
    with pytest.raises(InvalidResponses):
        administer(
            get_instrument("phq9"),
            {"q1": 1},
            administration_id="adm-3",
            respondent_id="client-0001",
            completed_at=WHEN,
        )
