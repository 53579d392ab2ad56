"""The supervision report's data from the database: who may ask, which clients are in it, their
signals and rupture log in the period, and the outcome rates. Both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.reports.read.supervision_report import (
    Period,
    choosable,
    client_report,
    parse_period,
    report_client_for,
    report_therapist_for,
    rupture_entries,
    therapist_report,
)
from bordin.reports.supervision_report import (
    render_supervision_report_html,
    single_client_report,
)
from bordin.services import practice as practice_service
from bordin.services import users as user_service
from bordin.services.runtime import Runtime
from bordin.services.ruptures import log_rupture
from bordin.services.signals import recompute_episode
from bordin.storage.tables import SignalRow, UserRow
from tests.fixtures.cast import PASSWORD, Cast
from tests.integration.reports.helpers import put_signals, rate, signal

TODAY = dt.date(2026, 11, 2)  # the fake clock's date


def _period(rt: Runtime, days: int = 60) -> Period:
    today = rt.now().date()
    return Period(today - dt.timedelta(days=days), today)


# --- the period ---------------------------------------------------------------------------------


def test_the_period_defaults_to_the_twelve_weeks_up_to_today() -> None:
    period = parse_period(None, "", today=TODAY)
    assert (period.start, period.end) == (TODAY - dt.timedelta(weeks=12), TODAY)


def test_a_period_is_read_from_iso_dates() -> None:
    period = parse_period("2026-01-01", "2026-03-31", today=TODAY)
    assert (period.start, period.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert dt.date(2026, 3, 31) in period and dt.date(2026, 4, 1) not in period


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ("2026-13-01", "2026-12-31", "start", "not a date"),
        ("2026-01-01", "yesterday", "end", "YYYY-MM-DD"),
        ("2026-05-01", "2026-04-30", "end", "before the start"),
        ("2020-01-01", "2026-01-01", "end", "at most"),
    ],
)
def test_a_bad_period_names_the_field_and_what_was_wrong(
    start: str, end: str, field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_period(start, end, today=TODAY)
    [error] = raised.value.errors
    assert error.field == field and words in error.message


# --- who may ask --------------------------------------------------------------------------------


def _vic(db: Session, rt: Runtime, cast: Cast) -> UserRow:
    """A supervisor who is not the clinical lead and supervises nobody in the cast."""
    return user_service.add_user(
        db,
        rt,
        practice_id=cast.practice.id,
        username="vic",
        email="vic@example.org",
        display_name="Vic Supervisor",
        role="supervisor",
        password=PASSWORD,
    )


@pytest.mark.parametrize("who", ["alice", "sue"])
def test_the_therapist_and_their_supervisor_may_have_the_therapists_report(
    db: Session, cast: Cast, who: str
) -> None:
    assert (
        report_therapist_for(db, cast.actor(getattr(cast, who)), cast.alice.id).id == cast.alice.id
    )


@pytest.mark.parametrize("who", ["bob", "adam", "charlie", "vic"])
def test_anyone_else_gets_not_found_for_the_therapists_report(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    user = _vic(db, rt, cast) if who == "vic" else getattr(cast, who)
    with pytest.raises(NotFound):
        report_therapist_for(db, cast.actor(user), cast.alice.id)


def test_the_clinical_lead_may_have_any_therapists_report_in_the_practice(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    bob = db.get(UserRow, cast.bob.id)
    assert bob is not None
    bob.supervisor_id = _vic(db, rt, cast).id  # set-up only: Bob is no longer Sue's supervisee
    db.commit()
    assert report_therapist_for(db, cast.actor(cast.sue), cast.bob.id).id == cast.bob.id
    with pytest.raises(NotFound):
        report_therapist_for(db, cast.actor(cast.sue), cast.charlie.id)  # another practice
    with pytest.raises(NotFound):
        report_therapist_for(db, cast.actor(cast.sue), cast.adam.id)  # not a therapist


@pytest.mark.parametrize(("who", "allowed"), [("alice", True), ("sue", True), ("bob", False)])
def test_a_clients_report_follows_who_may_read_the_client(
    db: Session, cast: Cast, who: str, allowed: bool
) -> None:
    actor = cast.actor(getattr(cast, who))
    if allowed:
        assert report_client_for(db, actor, cast.birch.id).id == cast.birch.id
    else:
        with pytest.raises(NotFound):
            report_client_for(db, actor, cast.birch.id)


@pytest.mark.parametrize("who", ["adam", "charlie"])
def test_admins_and_outsiders_get_no_clients_report(db: Session, cast: Cast, who: str) -> None:
    with pytest.raises(NotFound):
        report_client_for(db, cast.actor(getattr(cast, who)), cast.ash.id)


def test_the_form_offers_only_what_the_person_may_open(db: Session, cast: Cast) -> None:
    therapists, clients = choosable(db, cast.actor(cast.alice))
    assert [t.id for t in therapists] == [cast.alice.id]
    assert {c.id for c, _ in clients} == {cast.ash.id, cast.birch.id, cast.cedar.id}
    therapists, clients = choosable(db, cast.actor(cast.sue))
    assert {t.id for t in therapists} == {cast.alice.id, cast.bob.id, cast.sue.id}
    assert cast.zed.id not in {c.id for c, _ in clients}
    assert choosable(db, cast.actor(cast.adam)) == ([], [])


# --- what is in it ------------------------------------------------------------------------------


def _rated(db: Session, rt: Runtime, cast: Cast) -> None:
    rate(
        db,
        rt,
        client_id=cast.ash.id,
        episode_id=cast.ash_episode.id,
        sessions=cast.ash_sessions[:4],
        alliance=[9, 9, 9, 9],
        phq9=[16, 14, 12, 10],
    )
    rate(
        db,
        rt,
        client_id=cast.birch.id,
        episode_id=cast.couple_episode.id,
        sessions=cast.couple_sessions[:4],
        alliance=[8, 8, 8, 8],
    )


def test_the_therapists_report_has_a_section_per_episode_seen_in_the_period(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _rated(db, rt, cast)
    built = therapist_report(db, rt, therapist=cast.alice, period=_period(rt))
    labels = [c.client_label for c in built.data.clients]
    assert any("Ash Sample" in label for label in labels)
    assert any("Birch Sample" in label and "Cedar Sample" in label for label in labels)
    assert set(built.client_ids) == {cast.ash.id, cast.birch.id, cast.cedar.id}
    ash = next(c for c in built.data.clients if "Ash" in c.client_label)
    assert ash.sessions_in_period == 4
    assert ash.trajectory.series  # the chart has lines
    assert (built.data.therapist_name, built.data.supervisor_name) == (
        "Alice Therapist",
        "Sue Supervisor",
    )
    assert built.data.outcomes is None  # nothing ended in the period


def test_a_period_before_any_session_gives_an_empty_report(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _rated(db, rt, cast)
    long_ago = Period(dt.date(2020, 1, 1), dt.date(2020, 3, 31))
    assert therapist_report(db, rt, therapist=cast.alice, period=long_ago).data.clients == ()
    assert client_report(db, rt, client=cast.ash, period=long_ago).data.clients == ()


def test_signals_in_the_period_are_in_the_report_and_resolved_ones_are_not(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _rated(db, rt, cast)
    put_signals(
        db,
        rt,
        cast.ash_episode.id,
        signal(cast.ash_episode.id, "not_on_track", session=3, client_id=cast.ash.id),
        signal(cast.ash_episode.id, "reliable_deterioration", status="resolved", session=2),
    )
    built = therapist_report(db, rt, therapist=cast.alice, period=_period(rt))
    ash = next(c for c in built.data.clients if "Ash" in c.client_label)
    assert [s.type for s in ash.signals] == ["Not on track"]
    assert ash.signals[0].date == cast.ash_sessions[2].starts_at.date()
    assert ash.signals[0].explanation.startswith("Test signal")
    # The more urgent episode comes first in the caseload table.
    assert "Ash" in built.data.clients[0].client_label


def test_a_logged_rupture_appears_in_the_rupture_log_with_what_was_tried(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _rated(db, rt, cast)
    log_rupture(
        db,
        rt,
        actor=cast.actor(cast.alice),
        appointment_id=cast.ash_sessions[2].id,
        rupture_type="withdrawal",
        markers=["minimal_response"],
        strategies=["invite_discussion"],
        resolved="yes",
        client_id=cast.ash.id,
    )
    recompute_episode(db, rt, episode_id=cast.ash_episode.id, alert=False)
    built = therapist_report(db, rt, therapist=cast.alice, period=_period(rt))
    ash = next(c for c in built.data.clients if "Ash" in c.client_label)
    [entry] = ash.ruptures
    assert entry.session_number == cast.ash_sessions[2].number
    assert "logged" in entry.source
    assert "Minimal response" in entry.description
    assert "Invite the client to talk" in entry.what_was_tried
    # A repaired rupture alone gives no page in the caseload report (it stays concise), but the
    # one-client report, asked for to discuss this client, shows the log in full.
    assert "Minimal response" not in render_supervision_report_html(built.data)
    one = single_client_report(built.data, ash.client_key)
    assert "Minimal response" in render_supervision_report_html(one)


def test_the_rupture_log_links_repairs_to_their_rupture() -> None:
    dates = {n: dt.date(2026, 9, n) for n in range(1, 8)}
    rows = [
        SignalRow(
            type="rupture",
            status="repaired",
            severity="high",
            client_id=7,
            session_number=3,
            rule="rupture.baseline_drop",
            summary="Overall fell 3 below the client's own baseline.",
            explanation={"numbers": {}},
        ),
        SignalRow(
            type="rupture_repaired",
            status="repaired",
            severity="routine",
            client_id=7,
            session_number=5,
            rule="rupture.repaired",
            summary="Back to the pre-drop level.",
            explanation={"numbers": {"rupture_session": 3}},
        ),
        SignalRow(
            type="rupture",
            status="open",
            severity="routine",
            client_id=7,
            session_number=6,
            rule="rupture.therapist_log",
            summary="Logged.",
            explanation={
                "numbers": {
                    "rupture_type": "confrontation",
                    "markers": "complaints_therapist",
                    "strategies": "",
                }
            },
        ),
    ]
    first, second = rupture_entries(rows, dates, Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30)))
    assert (first.source, first.status, first.repaired_at_session) == ("detected", "repaired", 5)
    assert (second.source, second.status) == ("logged", "open")
    assert second.description.startswith("Confrontation: Complaints/concerns about the therapist")
    outside = rupture_entries(rows, dates, Period(dt.date(2026, 9, 4), dt.date(2026, 9, 30)))
    assert [e.session_number for e in outside] == [6]


def test_outcomes_of_episodes_that_ended_in_the_period_are_summarised(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _rated(db, rt, cast)
    practice_service.end_episode(
        db, rt, episode_id=cast.ash_episode.id, status="completed", ended_on=rt.now().date()
    )
    built = therapist_report(db, rt, therapist=cast.alice, period=_period(rt))
    assert built.data.outcomes is not None
    assert built.data.outcomes.episodes == 1
    assert built.data.outcomes.reliable_improvement.count == 1  # PHQ-9 16 → 10


def test_a_couples_report_covers_both_partners(db: Session, rt: Runtime, cast: Cast) -> None:
    _rated(db, rt, cast)
    built = client_report(db, rt, client=cast.birch, period=_period(rt))
    assert built.client_ids[0] == cast.birch.id
    assert set(built.client_ids) == {cast.birch.id, cast.cedar.id}
    assert built.data.scope == "client" and built.data.outcomes is None
    [section] = built.data.clients
    assert "Cedar Sample" in section.client_label
    assert built.data.therapist_name == "Alice Therapist"
