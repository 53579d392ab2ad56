"""Marking a triage decision wrong from the alerts page, and the clinical lead's list."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.analytics.triage_transformer import cached
from bordin.services.runtime import Runtime
from bordin.storage.tables import JobRow, TriageCorrectionRow, TriageModelRow
from tests.fixtures.cast import Cast
from tests.fixtures.tiny_transformer import write_reader
from tests.fixtures.triage import practice_model_row, submit_words
from tests.web.conftest import csrf_from, sign_in

WORDS = "I didn't feel listened to today, and we went too fast."


def test_the_therapist_marks_a_reading_wrong_from_the_alerts_page_and_the_lead_lists_it(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    submission = submit_words(db, rt, cast, WORDS)
    alice = make_client()
    sign_in(alice, "alice")
    page = alice.get("/alerts")
    assert "Was this read wrongly?" in page.text
    assert "It was read as something that did not land" in page.text

    done = alice.post(
        "/triage/corrections",
        data={
            "csrf_token": csrf_from(page.text),
            "submission_id": str(submission.id),
            "correct_class": "positive",
            "return_to": "/alerts",
        },
    )

    assert done.status_code == 200
    assert "the correction is recorded" in done.text
    row = db.scalars(select(TriageCorrectionRow)).one()
    assert row.correct_class == "positive"
    assert alice.get("/triage/corrections").status_code == 404
    sue = make_client()
    sign_in(sue, "sue")
    listed = sue.get("/triage/corrections")
    assert listed.status_code == 200
    assert WORDS.replace("'", "&#39;") in listed.text
    assert "should be positive" in listed.text


def test_a_bad_class_is_refused_with_a_message_naming_the_field(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    submission = submit_words(db, rt, cast, WORDS)
    alice = make_client()
    sign_in(alice, "alice")
    page = alice.get("/alerts")

    refused = alice.post(
        "/triage/corrections",
        data={
            "csrf_token": csrf_from(page.text),
            "submission_id": str(submission.id),
            "correct_class": "urgent",
        },
    )

    assert refused.status_code == 422
    assert "choose one of the classes offered" in refused.text
    assert db.scalars(select(TriageCorrectionRow)).all() == []


def test_the_lead_asks_from_the_corrections_page_for_the_triage_to_learn_from_them(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    sue = make_client()
    sign_in(sue, "sue")
    empty = sue.get("/triage/corrections")
    assert "Teach the practice's triage" in empty.text
    assert "Retrain the triage on these corrections" not in empty.text
    submission = submit_words(db, rt, cast, WORDS)
    alice = make_client()
    sign_in(alice, "alice")
    alerts = alice.get("/alerts")
    alice.post(
        "/triage/corrections",
        data={
            "csrf_token": csrf_from(alerts.text),
            "submission_id": str(submission.id),
            "correct_class": "positive",
            "return_to": "/alerts",
        },
    )

    page = sue.get("/triage/corrections")
    assert "Retrain the triage on these corrections" in page.text
    asked = sue.post("/triage/corrections/retrain", data={"csrf_token": csrf_from(page.text)})

    assert asked.status_code == 200
    assert "Retraining on 1 correction was asked for on" in asked.text
    assert "Retrain the triage on these corrections" not in asked.text  # it waits already
    job = db.scalars(select(JobRow).where(JobRow.kind == "triage_retrain")).one()
    assert job.status == "queued"
    refused = alice.post("/triage/corrections/retrain", data={"csrf_token": csrf_from(alerts.text)})
    assert refused.status_code == 404


def test_the_corrections_page_says_how_the_last_retraining_went_and_which_model_is_used(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    db.add(
        practice_model_row(
            cast.sue.practice_id,
            rt,
            corrections=3,
            crisis_reach=0.991,
            shipped_crisis_reach=0.987,
            false_alarms=0.31,
            shipped_false_alarms=0.375,
        )
    )
    db.commit()
    sue = make_client()
    sign_in(sue, "sue")

    page = sue.get("/triage/corrections").text

    assert "Last retrained on Tue 01 Dec 2026, 09:30, with 3 corrections." in page
    assert "99.1% of crisis texts" in page and "against 98.7% for Bordin" in page
    assert "The practice's triage uses this model." in page

    back = sue.post("/triage/corrections/use-shipped", data={"csrf_token": csrf_from(page)})
    assert "The practice's triage uses Bordin's own model again." in back.text
    assert db.scalars(select(TriageModelRow).where(TriageModelRow.active)).all() == []

    db.add(practice_model_row(cast.sue.practice_id, rt, version="2000.01-1"))
    db.commit()
    page = sue.get("/triage/corrections").text
    assert "yours was fitted by an older version of Bordin. Retrain to fit it again." in page


def test_the_lead_sees_that_only_the_rules_and_bordins_model_read_clients_words(
    make_client: Callable[..., TestClient], cast: Cast
) -> None:
    sue = make_client()
    sign_in(sue, "sue")

    page = sue.get("/triage/corrections")

    assert "reads what clients write with its rules and its own model" in page.text
    assert "Your administrator can add a second reader" in page.text


def test_with_the_transformer_the_lead_sees_the_second_reader_and_its_figures(
    make_client: Callable[..., TestClient], cast: Cast, tmp_path: Path
) -> None:
    folder = write_reader(tmp_path / "reader")
    sue = make_client(triage_reader="transformer", triage_transformer_dir=folder)
    sign_in(sue, "sue")

    page = sue.get("/triage/corrections")

    assert "and a second reader: a small language model" in page.text
    assert "sent 97.5% of crisis texts to the clinical lead" in page.text
    assert "needless alarm for 24% of other texts" in page.text


def test_a_submission_is_read_by_the_transformer_when_the_practice_chose_it(
    db: Session, rt: Runtime, cast: Cast, tmp_path: Path
) -> None:
    folder = write_reader(tmp_path / "reader")
    chosen = with_transformer(rt, folder)
    words = "The zorblax again, all week."

    light = submit_words(db, rt, cast, words, session=2)
    both = submit_words(db, chosen, cast, words, session=3)

    assert light.triage_category != "crisis"
    assert both.triage_category == "crisis" and both.crisis_shown


def test_a_reader_gone_missing_after_start_leaves_the_light_model_reading_and_says_so(
    make_client: Callable[..., TestClient],
    db: Session,
    rt: Runtime,
    cast: Cast,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = write_reader(tmp_path / "reader")
    chosen = {"triage_reader": "transformer", "triage_transformer_dir": folder}
    sue = make_client(**chosen)
    sign_in(sue, "sue")
    shutil.rmtree(folder)
    cached.cache_clear()  # as a process started since would find it: gone
    words = "I keep thinking I don't want to be alive."
    same = with_transformer(rt, folder)

    stored = submit_words(db, same, cast, words, session=2)
    page = sue.get("/triage/corrections")

    assert stored.crisis_shown  # the rules and the light model still read it
    assert "reading with the light model" in caplog.text
    assert "alive" not in caplog.text  # the client's words never reach the log
    assert "cannot be used just now" in page.text


def with_transformer(rt: Runtime, folder: Path) -> Runtime:
    """``rt`` for a practice that turned on the transformer reader built in ``folder``."""
    settings = rt.settings.model_copy(
        update={"triage_reader": "transformer", "triage_transformer_dir": folder}
    )
    return Runtime(settings=settings, transport=rt.transport, now=rt.now)
