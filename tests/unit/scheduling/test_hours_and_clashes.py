"""Working hours, leave and extra hours; clashes for therapist, room, hours and leave; free
times; and the cancellation policy."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bordin.domain.scheduling import (
    Booking,
    CancellationPolicy,
    Exception_,
    Interval,
    WorkingHours,
    cancellation_terms,
    find_clashes,
    free_starts,
    open_intervals,
)

LONDON = ZoneInfo("Europe/London")
MONDAYS = [WorkingHours(0, time(9), time(17))]


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def hour(start: datetime, minutes: int = 50) -> Interval:
    return Interval(start, start + timedelta(minutes=minutes))


def test_working_hours_are_local_time_in_winter_and_in_summer() -> None:
    winter = open_intervals(
        MONDAYS, [], first_day=date(2026, 3, 23), last_day=date(2026, 3, 23), zone=LONDON
    )
    summer = open_intervals(
        MONDAYS, [], first_day=date(2026, 3, 30), last_day=date(2026, 3, 30), zone=LONDON
    )
    assert winter == [Interval(at(2026, 3, 23, 9), at(2026, 3, 23, 17))]
    assert summer == [Interval(at(2026, 3, 30, 8), at(2026, 3, 30, 16))]


def test_leave_removes_time_and_extra_hours_add_it() -> None:
    away = Exception_("away", Interval(at(2026, 1, 5, 12), at(2026, 1, 5, 14)))
    extra = Exception_("available", Interval(at(2026, 1, 6, 17), at(2026, 1, 6, 20)))
    found = open_intervals(
        MONDAYS, [away, extra], first_day=date(2026, 1, 5), last_day=date(2026, 1, 6), zone=LONDON
    )
    assert found == [
        Interval(at(2026, 1, 5, 9), at(2026, 1, 5, 12)),
        Interval(at(2026, 1, 5, 14), at(2026, 1, 5, 17)),
        Interval(at(2026, 1, 6, 17), at(2026, 1, 6, 20)),
    ]


def test_it_refuses_working_hours_that_end_before_they_start() -> None:
    with pytest.raises(ValueError, match="end after"):
        WorkingHours(0, time(17), time(9))


OPEN = [Interval(at(2026, 1, 5, 9), at(2026, 1, 5, 17))]


def test_a_session_inside_working_hours_with_nothing_else_has_no_clash() -> None:
    proposal = Booking(None, 1, hour(at(2026, 1, 5, 10)), room="Room 1")
    assert find_clashes(proposal, [], open_intervals=OPEN, zone=LONDON) == []


def test_it_finds_the_therapist_double_booked() -> None:
    existing = [Booking(7, 1, hour(at(2026, 1, 5, 10, 30)))]
    proposal = Booking(None, 1, hour(at(2026, 1, 5, 10)))
    [clash] = find_clashes(proposal, existing, open_intervals=OPEN, zone=LONDON)
    assert clash.kind == "therapist" and clash.other_ref == 7
    assert "already has a session at Mon 05 Jan 10:30–11:20" in clash.message


def test_a_session_moved_onto_its_own_time_does_not_clash_with_itself() -> None:
    existing = [Booking(7, 1, hour(at(2026, 1, 5, 10)))]
    proposal = Booking(7, 1, hour(at(2026, 1, 5, 10, 30)))
    assert find_clashes(proposal, existing, open_intervals=OPEN, zone=LONDON, ignore_ref=7) == []


def test_it_finds_the_room_double_booked_by_another_therapist() -> None:
    existing = [Booking(8, 2, hour(at(2026, 1, 5, 10)), room="room 1 ")]
    proposal = Booking(None, 1, hour(at(2026, 1, 5, 10)), room="Room 1")
    [clash] = find_clashes(proposal, existing, open_intervals=OPEN, zone=LONDON)
    assert (clash.kind, clash.field) == ("room", "room")


def test_sessions_back_to_back_do_not_clash() -> None:
    existing = [Booking(8, 1, hour(at(2026, 1, 5, 10), 60))]
    proposal = Booking(None, 1, hour(at(2026, 1, 5, 11)))
    assert find_clashes(proposal, existing, open_intervals=OPEN, zone=LONDON) == []


def test_it_says_outside_working_hours_or_on_leave() -> None:
    late = Booking(None, 1, hour(at(2026, 1, 5, 16, 30)))
    [clash] = find_clashes(late, [], open_intervals=OPEN, zone=LONDON)
    assert clash.kind == "hours" and "outside the therapist's working hours" in clash.message
    leave = [Interval(at(2026, 1, 5, 0), at(2026, 1, 6, 0))]
    [clash] = find_clashes(
        Booking(None, 1, hour(at(2026, 1, 5, 10))), [], open_intervals=[], leave=leave, zone=LONDON
    )
    assert clash.kind == "leave" and "on leave" in clash.message


def test_free_starts_step_through_open_time_and_skip_busy_and_past_times() -> None:
    starts = free_starts(
        OPEN,
        [hour(at(2026, 1, 5, 11))],
        length=timedelta(minutes=50),
        step=timedelta(hours=1),
        not_before=at(2026, 1, 5, 9, 30),
    )
    assert [s.hour for s in starts] == [10, 12, 13, 14, 15, 16]


def test_a_cancellation_with_less_notice_than_the_policy_is_late() -> None:
    policy = CancellationPolicy(notice_hours=24)
    starts = at(2026, 1, 5, 10)
    on_time = cancellation_terms(policy, starts_at=starts, now=at(2026, 1, 4, 9))
    late = cancellation_terms(policy, starts_at=starts, now=at(2026, 1, 4, 11))
    gone = cancellation_terms(policy, starts_at=starts, now=at(2026, 1, 5, 10))
    assert (on_time.allowed, on_time.late) == (True, False)
    assert (late.allowed, late.late) == (True, True)
    assert gone.allowed is False
