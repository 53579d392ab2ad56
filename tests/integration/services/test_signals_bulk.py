"""The vectorised whole-practice recompute stores what the per-episode recompute stores.

Runs on SQLite and PostgreSQL (the ``db`` fixture): on PostgreSQL the recompute reads with
``COPY ... TO STDOUT`` and writes with ``COPY ... FROM STDIN``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from bordin.analytics.signals import bulk_signals, digest, explain_rows, frame_from_histories
from bordin.domain.alliance import evaluate_episode
from bordin.domain.errors import NotFound
from bordin.services import signals_bulk
from bordin.services.measures import record_administration
from bordin.services.practice import schedule_appointment
from bordin.services.runtime import Runtime
from bordin.services.ruptures import log_rupture
from bordin.services.session_view import acknowledge_signal
from bordin.services.signals import (
    SUMMARY_LENGTH,
    load_history,
    recompute_episode,
    recompute_practice,
    summary_of,
)
from bordin.services.signals_bulk import attendance_query, recompute_practice_bulk
from bordin.services.users import actor_for_user
from bordin.storage.tables import AppointmentRow, EpisodeRow, PracticeRow, SignalRow, UserRow
from bordin.storage.tables.signals import RecoveryModelRow
from tests.fixtures.cast import Cast
from tests.fixtures.demo import DemoDatabase
from tests.unit.analytics.test_bulk_signals import NOW, _random_histories

TODAY = dt.date(2026, 11, 2)

Stored = tuple[int, str, int | None, int | None, str, str, str]


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


def _recomputed(demo: DemoDatabase) -> tuple[Session, Runtime]:
    """The demo practice as loaded, then recomputed once by the bulk recompute."""
    demo.as_loaded()
    recompute_practice_bulk(demo.db, demo.rt, practice_id=demo.practice_id)
    return demo.db, demo.rt


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
    demo: DemoDatabase,
) -> None:
    db, rt = demo.db, demo.rt
    demo.as_loaded()
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


def test_stored_signals_explain_themselves(demo: DemoDatabase) -> None:
    db = demo.db  # as ``bordin demo`` computed them, through the bulk recompute
    assert db.scalars(select(SignalRow)).first() is not None
    for row in db.scalars(select(SignalRow)):
        explanation = row.explanation
        assert explanation["sentence"] == row.summary
        assert explanation["rule"] == row.rule
        assert explanation["next_step"] and explanation["citation"]
        assert explanation["sessions"] and isinstance(explanation["numbers"], dict)
        assert row.key.startswith(f"{row.type}|")


def test_acknowledgements_survive_a_bulk_recompute(demo: DemoDatabase) -> None:
    db, rt = _recomputed(demo)
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


def test_a_second_bulk_recompute_rewrites_only_the_episodes_whose_signals_changed(
    demo: DemoDatabase,
) -> None:
    db, rt = _recomputed(demo)
    expected = _stored(db)
    rows = db.scalars(select(SignalRow).order_by(SignalRow.episode_id, SignalRow.id)).all()
    by_episode: dict[int, list[SignalRow]] = {}
    for row in rows:
        by_episode.setdefault(row.episode_id, []).append(row)
    edited, shortened = [e for e, signals in by_episode.items() if len(signals) >= 2][:2]
    # One episode's acknowledged signal was stored with other words; another lost a signal.
    target = by_episode[edited][1]
    episode = db.get(EpisodeRow, edited)
    assert episode is not None
    therapist = db.get(UserRow, episode.therapist_id)
    assert therapist is not None
    acknowledge_signal(db, rt, actor=actor_for_user(therapist), signal_id=target.id)
    key, first_raised = target.key, target.computed_at
    edited_keys = [r.key for r in by_episode[edited]]
    target.summary = "words from an older version"
    db.delete(by_episode[shortened][0])
    db.commit()
    untouched = {
        (r.id, r.episode_id, r.key)
        for r in db.scalars(
            select(SignalRow).where(SignalRow.episode_id.not_in([edited, shortened]))
        )
    }

    again = recompute_practice_bulk(db, rt, practice_id=demo.practice_id)

    assert _stored(db) == expected
    assert again.new_signals == 1  # the lost one, raised again
    kept = db.scalars(
        select(SignalRow).where(SignalRow.episode_id == edited, SignalRow.key == key)
    ).one()
    assert kept.acknowledged_by_user_id == therapist.id
    assert kept.computed_at == first_raised
    stored_order = [
        r.key
        for r in db.scalars(
            select(SignalRow).where(SignalRow.episode_id == edited).order_by(SignalRow.id)
        )
    ]
    assert stored_order == edited_keys
    if db.get_bind().dialect.name == "postgresql":
        # Episodes whose signals did not change keep their rows as they were (same ids).
        now_stored = {
            (r.id, r.episode_id, r.key)
            for r in db.scalars(
                select(SignalRow).where(SignalRow.episode_id.not_in([edited, shortened]))
            )
        }
        assert now_stored == untouched


def test_a_signal_whose_stored_explanation_alone_differs_is_rewritten_and_the_others_kept(
    demo: DemoDatabase,
) -> None:
    db, rt = _recomputed(demo)
    postgres = db.get_bind().dialect.name == "postgresql"
    words = "explanation::text" if postgres else "explanation"
    stored_text = dict(db.execute(text(f"SELECT id, {words} FROM signals")).all())
    target = db.scalars(select(SignalRow).order_by(SignalRow.id)).first()
    assert target is not None
    episode_id, key, original = target.episode_id, target.key, dict(target.explanation)
    # Same summary and columns; only a number inside the stored explanation differs.
    target.explanation = {**original, "numbers": {**original["numbers"], "older": 1}}
    db.commit()
    others = {
        (r.id, r.key)
        for r in db.scalars(select(SignalRow).where(SignalRow.episode_id != episode_id))
    }

    again = recompute_practice_bulk(db, rt, practice_id=demo.practice_id)

    assert again.new_signals == 0
    restored = db.scalars(
        select(SignalRow).where(SignalRow.episode_id == episode_id, SignalRow.key == key)
    ).one()
    assert restored.explanation == original
    now_text = dict(db.execute(text(f"SELECT id, {words} FROM signals")).all())
    if postgres:
        # The other episodes' rows were not rewritten: same ids, byte for byte the same words.
        assert {
            (r.id, r.key)
            for r in db.scalars(select(SignalRow).where(SignalRow.episode_id != episode_id))
        } == others
        kept = {i for i, _ in others}
        assert {i: t for i, t in now_text.items() if i in kept} == {
            i: t for i, t in stored_text.items() if i in kept
        }
    assert sorted(now_text.values()) == sorted(stored_text.values())


def test_recompute_practice_returns_the_bulk_signal_count(demo: DemoDatabase) -> None:
    db, rt = demo.db, demo.rt
    demo.as_loaded()
    count = recompute_practice(db, rt, practice_id=demo.practice_id)
    assert count == len(_stored(db)) > 0


def test_a_practice_with_enough_completed_episodes_gets_a_fitted_model_used_by_both_paths(
    demo: DemoDatabase,
) -> None:
    db, rt = demo.db, demo.rt
    demo.as_loaded()
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
        assert any(
            "fitted on" in row.explanation["citation"]
            for row in db.scalars(select(SignalRow).where(SignalRow.type == "not_on_track"))
        )
    # Nothing changed: the stored models are reused, not fitted again.
    again = recompute_practice_bulk(db, rt, practice_id=demo.practice_id, min_fit_episodes=5)
    assert again.refitted == ()
    assert again.fitted_models == summary.fitted_models
    assert _stored(db) == bulk


def test_without_enough_completed_episodes_the_default_model_applies_and_says_so(
    demo: DemoDatabase,
) -> None:
    db, rt = demo.db, demo.rt
    demo.as_loaded()
    summary = recompute_practice_bulk(db, rt, practice_id=demo.practice_id, min_fit_episodes=10**6)
    assert summary.fitted_models == {}
    rows = db.scalars(select(SignalRow).where(SignalRow.type == "not_on_track")).all()
    assert rows
    assert all(r.explanation["numbers"]["model_source"] == "default" for r in rows)
    assert all(
        "general one built from published figures" in r.explanation["citation"] for r in rows
    )


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


def test_only_episodes_with_enough_recent_missed_appointments_are_read_for_disengagement(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    # Ash missed two of the last four appointments: read.
    cast.ash_sessions[1].status = "no_show"
    cast.ash_sessions[2].status = "cancelled"
    # The couple missed two as well, but long ago: four attended ones came after. Not read.
    cast.couple_sessions[0].status = "no_show"
    cast.couple_sessions[1].status = "cancelled"
    db.commit()
    for days in (6, 5):
        schedule_appointment(
            db,
            rt,
            episode_id=cast.couple_episode.id,
            starts_at=rt.now() - dt.timedelta(days=days),
            status="attended",
        )
    sql = attendance_query(db, practice_id=cast.practice.id, today=rt.now().date())
    rows = db.execute(text(sql)).all()
    assert {r.episode_id for r in rows} == {cast.ash_episode.id}
    assert sorted((r.session_number, r.attendance) for r in rows) == [
        (1, "attended"),
        (2, "no_show"),
        (3, "cancelled"),
        (4, "attended"),
    ]


def test_a_signal_summary_keeps_whole_sentences_and_fits_its_column() -> None:
    sentences = "The alliance fell. " * 30  # 570 characters of 19-character sentences
    kept = summary_of(sentences)
    assert kept == ("The alliance fell. " * 26).strip() and len(kept) <= SUMMARY_LENGTH
    very_long = "word " * 200 + "end."
    cut = summary_of(very_long)
    assert len(cut) == SUMMARY_LENGTH and cut.endswith("…")


def _stored_in_order(db: Session) -> list[tuple[object, ...]]:
    return [
        (r.episode_id, r.client_id, r.session_number, r.type, r.status, r.summary, r.key)
        for r in db.scalars(select(SignalRow).order_by(SignalRow.id))
    ]


def _calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[tuple[object, ...]]:
    """The calls made to ``signals_bulk.<name>`` from now on (it still runs)."""
    calls: list[tuple[object, ...]] = []
    original = getattr(signals_bulk, name)

    def recorded(*args: object) -> object:
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(signals_bulk, name, recorded)
    return calls


#: The recompute works in two processes on PostgreSQL only.
ON_POSTGRES = pytest.mark.parametrize(
    "demo", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@ON_POSTGRES
def test_two_processes_store_what_one_process_stores_row_for_row(
    demo: DemoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, rt = demo.db, demo.rt
    demo.as_loaded()
    _log_ruptures(db, rt, demo.practice_id)
    one = recompute_practice_bulk(db, rt, practice_id=demo.practice_id)
    in_one = _stored_in_order(db)
    demo.as_loaded()
    forked = _calls(monkeypatch, "_in_second_process")
    monkeypatch.setattr(signals_bulk, "PARALLEL_MIN_RATINGS", 1)
    two = recompute_practice_bulk(db, rt, practice_id=demo.practice_id)

    assert len(forked) == 1
    assert two.signals == one.signals > 100 and two.per_episode == one.per_episode >= 3
    assert _stored_in_order(db) == in_one


@ON_POSTGRES
def test_a_failure_in_the_second_process_is_raised_and_nothing_is_stored(
    demo: DemoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, rt = demo.db, demo.rt
    demo.as_loaded()
    part = signals_bulk._bulk_part

    def fails_for_the_higher_ids(data, episodes, *args):  # type: ignore[no-untyped-def]
        if episodes is not None and episodes[0] > int(data.ratings["episode_id"].min()):
            raise ValueError("the higher half cannot be worked out")
        return part(data, episodes, *args)

    monkeypatch.setattr(signals_bulk, "PARALLEL_MIN_RATINGS", 1)
    monkeypatch.setattr(signals_bulk, "_bulk_part", fails_for_the_higher_ids)
    with pytest.raises(RuntimeError, match="the higher half cannot be worked out"):
        recompute_practice_bulk(db, rt, practice_id=demo.practice_id)
    assert db.scalars(select(SignalRow)).first() is None


@pytest.mark.postgres
def test_the_small_reads_run_beside_the_ratings_and_see_what_the_transaction_sees(
    demo_postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside = _calls(monkeypatch, "_read_beside")
    with Session(demo_postgres_engine) as db:
        practice_id = db.scalars(select(PracticeRow.id)).one()
        together = signals_bulk._read(db, practice_id, TODAY)
        assert len(beside) == 1
        stored = signals_bulk._stored_brief(lambda sql: db.execute(text(sql)), practice_id)
        db.rollback()
        # An uncommitted write is not visible to another connection: read on this one alone.
        episode_id = int(together.ratings["episode_id"].max())
        db.execute(text("UPDATE episodes SET status = status WHERE id = :id"), {"id": episode_id})
        alone = signals_bulk._read(db, practice_id, TODAY)
        db.rollback()

    assert len(beside) == 1
    assert together.special == alone.special and len(together.special) >= 1
    assert together.attendance.equals(alone.attendance)
    assert together.ratings.equals(alone.ratings) and len(together.ratings) > 1000
    # The stored signals in brief come with the small reads, or are read on this connection.
    assert together.stored == alone.stored == stored and len(stored) > 50


def _words_by_id(db: Session) -> dict[int, tuple[object, ...]]:
    return {
        r.id: (r.episode_id, r.key, r.summary, r.explanation, r.inputs_digest)
        for r in db.scalars(select(SignalRow))
    }


def _worded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The episodes whose signals ``explain_rows`` words from now on, one entry per signal."""
    worded: list[int] = []
    original = getattr(signals_bulk, "explain_rows")  # noqa: B009 (the name monkeypatched below)

    def recorded(frame, **kwargs):  # type: ignore[no-untyped-def]
        worded.extend(frame["episode_id"].tolist())
        return original(frame, **kwargs)

    monkeypatch.setattr(signals_bulk, "explain_rows", recorded)
    return worded


@ON_POSTGRES
def test_a_recompute_with_nothing_new_words_no_signal_and_writes_nothing(
    demo: DemoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, rt = demo.db, demo.rt
    demo.as_loaded()
    first = recompute_practice_bulk(db, rt, practice_id=demo.practice_id)
    stored = _words_by_id(db)
    worded = _worded(monkeypatch)
    rewritten = _calls(monkeypatch, "_rewrite")
    digested = _calls(monkeypatch, "_store_digests")

    again = recompute_practice_bulk(db, rt, practice_id=demo.practice_id)

    assert worded == [] and rewritten == [] and digested == []
    assert _words_by_id(db) == stored
    assert again.signals == first.signals > 100 and again.by_type == first.by_type
    # The bulk rules' signals carry their digest; the per-episode episodes' have none.
    assert sum(digest is not None for *_, digest in stored.values()) > 100
    assert any(digest is None for *_, digest in stored.values())


@ON_POSTGRES
def test_signals_the_per_episode_recompute_rewrote_are_compared_kept_and_digested_again(
    demo: DemoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, rt = _recomputed(demo)
    digested = {
        r.episode_id: r.inputs_digest
        for r in db.scalars(select(SignalRow).where(SignalRow.inputs_digest.is_not(None)))
    }
    episode_id = next(iter(sorted(digested)))
    recompute_episode(db, rt, episode_id=episode_id, alert=False)
    rewritten_by_episode = _words_by_id(db)
    assert {v[4] for v in rewritten_by_episode.values() if v[0] == episode_id} == {None}
    worded = _worded(monkeypatch)
    rewritten = _calls(monkeypatch, "_rewrite")

    recompute_practice_bulk(db, rt, practice_id=demo.practice_id)

    assert set(worded) == {episode_id}
    # Only that episode is compared (and rewritten if the two paths stored its signals in
    # another order); it has the digest again, and says what it said.
    assert all(changed == {episode_id} for _, _, changed, _ in rewritten)
    after = _words_by_id(db)
    assert {i: v for i, v in after.items() if v[0] != episode_id} == {
        i: v for i, v in rewritten_by_episode.items() if v[0] != episode_id
    }
    assert sorted(v[1:4] for v in after.values() if v[0] == episode_id) == sorted(
        v[1:4] for v in rewritten_by_episode.values() if v[0] == episode_id
    )
    assert {v[4] for v in after.values() if v[0] == episode_id} == {digested[episode_id]}


@ON_POSTGRES
def test_new_code_words_every_episode_again_and_rewrites_only_what_changed(
    demo: DemoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, rt = _recomputed(demo)
    before = _words_by_id(db)
    monkeypatch.setattr(digest, "code_fingerprint", lambda: b"the next release")
    worded = _worded(monkeypatch)
    rewritten = _calls(monkeypatch, "_rewrite")

    recompute_practice_bulk(db, rt, practice_id=demo.practice_id)

    after = _words_by_id(db)
    assert len(worded) == sum(1 for *_, d in before.values() if d is not None) > 100
    assert rewritten == [] and after.keys() == before.keys()
    assert {i: v[:4] for i, v in after.items()} == {i: v[:4] for i, v in before.items()}
    changed_digests = {
        i for i in before if before[i][4] is not None and after[i][4] != before[i][4]
    }
    assert changed_digests == {i for i in before if before[i][4] is not None}


def test_changing_what_a_signal_says_forgets_its_digest_and_acknowledging_it_does_not(
    demo: DemoDatabase,
) -> None:
    db, rt = _recomputed(demo)
    db.execute(text("UPDATE signals SET inputs_digest = 'a digest'"))
    db.commit()
    first, second = db.scalars(select(SignalRow).order_by(SignalRow.id).limit(2)).all()
    episode = db.get(EpisodeRow, first.episode_id)
    assert episode is not None
    therapist = db.get(UserRow, episode.therapist_id)
    assert therapist is not None
    acknowledge_signal(db, rt, actor=actor_for_user(therapist), signal_id=first.id)
    second.summary = "other words"
    db.commit()

    assert db.get(SignalRow, first.id).inputs_digest == "a digest"  # type: ignore[union-attr]
    assert db.get(SignalRow, second.id).inputs_digest is None  # type: ignore[union-attr]
