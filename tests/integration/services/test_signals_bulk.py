"""The vectorised whole-practice recompute stores what the per-episode recompute stores.

Runs on SQLite and PostgreSQL (the ``db`` fixture): on PostgreSQL the recompute reads with
``COPY ... TO STDOUT`` and writes with ``COPY ... FROM STDIN``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.analytics.signals import bulk_signals, explain_rows, frame_from_histories
from bordin.domain.alliance import evaluate_episode
from bordin.domain.errors import NotFound
from bordin.services.demo import LoadSummary, load_demo_practice
from bordin.services.measures import record_administration
from bordin.services.runtime import Runtime
from bordin.services.ruptures import log_rupture
from bordin.services.session_view import acknowledge_signal
from bordin.services.signals import load_history, recompute_episode, recompute_practice
from bordin.services.signals_bulk import recompute_practice_bulk
from bordin.services.users import actor_for_user
from bordin.storage.tables import AppointmentRow, EpisodeRow, SignalRow, UserRow
from bordin.storage.tables.signals import RecoveryModelRow
from bordin.testing.demo_practice import generate_demo_practice
from tests.fixtures.cast import Cast
from tests.unit.analytics.test_bulk_signals import NOW, _random_histories

TODAY = dt.date(2026, 11, 2)

Stored = tuple[int, str, int | None, int | None, str, str, str]


@pytest.fixture
def demo(db: Session, rt: Runtime) -> LoadSummary:
    return load_demo_practice(db, rt, generate_demo_practice(seed=7, today=TODAY))


def _stored(db: Session) -> set[Stored]:
    return {
        (r.episode_id, r.type, r.client_id, r.session_number, r.status, r.severity, r.summary)
        for r in db.scalars(select(SignalRow))
    }


def _per_episode(db: Session, rt: Runtime, practice_id: int) -> set[Stored]:
    for episode_id in db.scalars(
        select(EpisodeRow.id).where(EpisodeRow.practice_id == practice_id)
    ):
        recompute_episode(db, rt, episode_id=episode_id, commit=False, alert=False)
    db.commit()
    return _stored(db)


def _log_ruptures(db: Session, rt: Runtime, practice_id: int) -> None:
    """Two logged ruptures: one in an individual episode, one for a couple as a whole."""
    for kind in ("individual", "couple"):
        episode = db.scalars(
            select(EpisodeRow)
            .where(EpisodeRow.practice_id == practice_id, EpisodeRow.kind == kind)
            .order_by(EpisodeRow.id)
        ).first()
        assert episode is not None
        appointment = db.scalars(
            select(AppointmentRow).where(
                AppointmentRow.episode_id == episode.id, AppointmentRow.number == 3
            )
        ).one()
        therapist = db.get(UserRow, episode.therapist_id)
        assert therapist is not None
        log_rupture(
            db,
            rt,
            actor=actor_for_user(therapist),
            appointment_id=appointment.id,
            rupture_type="withdrawal",
            markers=["minimal_response"],
            strategies=["invite_discussion"],
            resolved="yes",
        )


def test_bulk_and_per_episode_recompute_store_the_same_signals_on_the_demo_practice(
    db: Session, rt: Runtime, demo: LoadSummary
) -> None:
    _log_ruptures(db, rt, demo.practice_id)
    summary = recompute_practice_bulk(db, rt, practice_id=demo.practice_id)
    bulk = _stored(db)
    assert summary.signals == len(bulk) > 100
    # Crisis feedback and the logged ruptures go through the per-episode rules.
    assert summary.per_episode >= 3
    assert any("therapist logged a withdrawal rupture" in row[6] for row in bulk)
    assert {"rupture", "split_alliance", "risk", "reliable_improvement"} <= set(summary.by_type)
    pure = _per_episode(db, rt, demo.practice_id)
    # (type, client, session, status, severity) and the sentence itself.
    assert bulk == pure


def test_stored_signals_explain_themselves(db: Session, rt: Runtime, demo: LoadSummary) -> None:
    recompute_practice_bulk(db, rt, practice_id=demo.practice_id)
    for row in db.scalars(select(SignalRow)):
        explanation = row.explanation
        assert explanation["sentence"] == row.summary
        assert explanation["rule"] == row.rule
        assert explanation["next_step"] and explanation["citation"]
        assert explanation["sessions"] and isinstance(explanation["numbers"], dict)
        assert row.key.startswith(f"{row.type}|")


def test_acknowledgements_survive_a_bulk_recompute(
    db: Session, rt: Runtime, demo: LoadSummary
) -> None:
    recompute_practice_bulk(db, rt, practice_id=demo.practice_id)
    signal = db.scalars(select(SignalRow).where(SignalRow.type == "rupture")).first()
    assert signal is not None
    episode = db.get(EpisodeRow, signal.episode_id)
    assert episode is not None
    therapist = db.get(UserRow, episode.therapist_id)
    assert therapist is not None
    acknowledge_signal(db, rt, actor=actor_for_user(therapist), signal_id=signal.id)
    key, episode_id = signal.key, signal.episode_id

    again = recompute_practice_bulk(db, rt, practice_id=demo.practice_id)

    assert again.new_signals == 0
    kept = db.scalars(
        select(SignalRow).where(SignalRow.episode_id == episode_id, SignalRow.key == key)
    ).one()
    assert kept.acknowledged_by_user_id == therapist.id
    assert kept.acknowledged_at is not None


def test_recompute_practice_returns_the_bulk_signal_count(
    db: Session, rt: Runtime, demo: LoadSummary
) -> None:
    count = recompute_practice(db, rt, practice_id=demo.practice_id)
    assert count == len(_stored(db)) > 0


def test_a_practice_with_enough_completed_episodes_gets_a_fitted_model_used_by_both_paths(
    db: Session, rt: Runtime, demo: LoadSummary
) -> None:
    summary = recompute_practice_bulk(db, rt, practice_id=demo.practice_id, min_fit_episodes=5)
    assert summary.fitted_models, "the demo practice has completed episodes on outcome measures"
    assert set(summary.fitted_models) <= set(summary.refitted)
    stored = db.scalars(
        select(RecoveryModelRow).where(RecoveryModelRow.practice_id == demo.practice_id)
    ).all()
    assert {m.instrument_id for m in stored} == set(summary.fitted_models)
    fitted = next(iter(summary.fitted_models))
    labels = {
        row.explanation["numbers"]["model_source"]
        for row in db.scalars(select(SignalRow).where(SignalRow.type == "not_on_track"))
        if row.explanation["instrument"] == fitted
    }
    assert labels <= {"fitted"}
    bulk = _stored(db)
    # The per-episode recompute after a submission reads the stored model: same signals.
    assert _per_episode(db, rt, demo.practice_id) == bulk
    if labels:
        assert any("fitted on" in s[6] for s in bulk if s[1] == "not_on_track")
    # Nothing changed: the stored models are reused, not fitted again.
    again = recompute_practice_bulk(db, rt, practice_id=demo.practice_id, min_fit_episodes=5)
    assert again.refitted == ()
    assert again.fitted_models == summary.fitted_models
    assert _stored(db) == bulk


def test_without_enough_completed_episodes_the_default_model_applies_and_says_so(
    db: Session, rt: Runtime, demo: LoadSummary
) -> None:
    summary = recompute_practice_bulk(db, rt, practice_id=demo.practice_id, min_fit_episodes=10**6)
    assert summary.fitted_models == {}
    rows = db.scalars(select(SignalRow).where(SignalRow.type == "not_on_track")).all()
    assert rows
    assert all(r.explanation["numbers"]["model_source"] == "default" for r in rows)
    assert all("default model" in r.summary for r in rows)


def test_bulk_rows_are_explained_exactly_as_the_per_episode_rules_explain_them() -> None:
    """No database: random histories through ``bulk_signals(details=True)`` and ``explain_rows``."""
    histories = _random_histories(5, 150)
    pure = {
        (s.episode_id, s.client_id, s.instrument_id, s.type, s.session_number): s.explanation
        for h in histories
        for s in evaluate_episode(h, now=NOW)
    }
    frame = bulk_signals(frame_from_histories(histories), now=NOW, details=True)
    explained = explain_rows(frame)
    assert len(explained) == len(frame) > 50
    for row, explanation in zip(frame.itertuples(), explained, strict=True):
        client = row.client_id if isinstance(row.client_id, str) else None
        key = (row.episode_id, client, row.instrument_id, row.type, int(row.session_number))
        assert explanation == pure[key], key


def test_an_unknown_practice_is_not_found(db: Session, rt: Runtime) -> None:
    with pytest.raises(NotFound):
        recompute_practice_bulk(db, rt, practice_id=987654)


def test_an_endorsed_risk_item_gives_exactly_one_risk_signal(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    episode_id = cast.ash_episode.id
    appointment = cast.ash_sessions[0]
    answers = [1, 1, 1, 1, 1, 1, 1, 1, 2]
    record_administration(
        db,
        rt,
        client_id=cast.ash.id,
        episode_id=episode_id,
        appointment_id=appointment.id,
        instrument_id="phq9",
        answers=answers,
    )
    history = load_history(db, episode_id, now=rt.now())
    assert [f for f in history.risk_flags if f.source == "risk_item"] == []
    recompute_episode(db, rt, episode_id=episode_id, alert=False)
    risks = db.scalars(
        select(SignalRow).where(SignalRow.episode_id == episode_id, SignalRow.type == "risk")
    ).all()
    assert len(risks) == 1
    assert risks[0].rule == "risk.item_endorsed"
    before = [(r.rule, r.session_number, r.summary) for r in risks]
    practice_id = db.get(EpisodeRow, episode_id).practice_id  # type: ignore[union-attr]
    recompute_practice_bulk(db, rt, practice_id=practice_id)
    again = db.scalars(
        select(SignalRow).where(SignalRow.episode_id == episode_id, SignalRow.type == "risk")
    ).all()
    assert [(r.rule, r.session_number, r.summary) for r in again] == before
