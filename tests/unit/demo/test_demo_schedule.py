"""Appointments fall in working hours, on open days, without clashes; the caseload looks ahead."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

from bordin.demo import DemoPractice
from bordin.demo.schedule import closed_days, easter_sunday, is_closed


def test_every_session_falls_inside_its_therapists_availability(any_practice: DemoPractice) -> None:
    for episode in any_practice.episodes:
        profile = any_practice.staff_member(episode.therapist_username).profile
        assert profile is not None
        for session in episode.sessions:
            assert session.starts_at.tzinfo is not None
            assert str(session.starts_at.tzinfo) == "Europe/London"
            assert any(
                b.contains(session.starts_at, session.duration_minutes)
                for b in profile.availability
            )


def test_no_therapist_is_double_booked(any_practice: DemoPractice) -> None:
    booked: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for episode in any_practice.episodes:
        for session in episode.sessions:
            end = session.starts_at + dt.timedelta(minutes=session.duration_minutes)
            booked[episode.therapist_username].append((session.starts_at, end))
    for intervals in booked.values():
        intervals.sort()
        for (_, end), (start, _) in itertools.pairwise(intervals):
            assert end <= start


def test_sessions_are_weekly_ish_and_never_on_a_closed_day(any_practice: DemoPractice) -> None:
    for episode in any_practice.episodes:
        days = [s.starts_at.date() for s in episode.sessions]
        assert days == sorted(days) and len(set(days)) == len(days)
        for earlier, later in itertools.pairwise(days):
            assert (later - earlier).days % 7 == 0
            assert 7 <= (later - earlier).days <= 35
        assert not any(is_closed(day) for day in days)


def test_past_and_future_appointments_sit_on_the_right_side_of_today(
    any_practice: DemoPractice,
) -> None:
    today = any_practice.today
    for episode in any_practice.episodes:
        for session in episode.sessions:
            if session.status == "scheduled":
                assert session.starts_at.date() > today
            else:
                assert session.starts_at.date() < today
        if episode.status == "active":
            assert episode.end_date is None
            assert episode.sessions[-1].status == "scheduled"
        else:
            assert episode.end_date == episode.sessions[-1].starts_at.date()
            assert all(s.status != "scheduled" for s in episode.sessions)


def test_every_active_episode_has_its_next_session_within_seven_days(
    practice: DemoPractice,
) -> None:
    today = practice.today
    active = [e for e in practice.episodes if e.status == "active"]
    assert len(active) >= 20
    for episode in active:
        upcoming = [s for s in episode.sessions if s.status == "scheduled"]
        assert upcoming and today < upcoming[0].starts_at.date() <= today + dt.timedelta(days=7)
        assert episode.sessions[-len(upcoming) - 1].status == "attended"


def test_over_the_christmas_closure_active_episodes_resume_after_it(
    any_practice: DemoPractice,
) -> None:
    for episode in any_practice.episodes:
        if episode.status == "active":
            first = next(s for s in episode.sessions if s.status == "scheduled").starts_at.date()
            window = [any_practice.today + dt.timedelta(days=d) for d in range(1, 8)]
            open_days = [d for d in window if d.weekday() == first.weekday() and not is_closed(d)]
            assert first <= any_practice.today + dt.timedelta(days=7) or not open_days


def test_couple_sessions_are_longer_than_individual_ones(practice: DemoPractice) -> None:
    lengths = {(e.kind, s.duration_minutes) for e in practice.episodes for s in e.sessions}
    assert lengths == {("individual", 50), ("couple", 75)}


def test_episodes_start_within_the_documented_history(practice: DemoPractice) -> None:
    earliest = min(e.start_date for e in practice.episodes)
    assert practice.today - earliest <= dt.timedelta(weeks=practice.params.history_weeks + 8)


def test_easter_and_bank_holidays_are_computed() -> None:
    assert easter_sunday(2025) == dt.date(2025, 4, 20)
    assert easter_sunday(2026) == dt.date(2026, 4, 5)
    assert easter_sunday(2027) == dt.date(2027, 3, 28)
    closed = closed_days(2026)
    for day in ("2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25"):
        assert dt.date.fromisoformat(day) in closed
    assert dt.date(2026, 3, 2) not in closed
