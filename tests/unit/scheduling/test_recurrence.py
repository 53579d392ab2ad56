"""Weekly and fortnightly series keep their local wall-clock time across clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bordin.domain.scheduling import expand_series, local_instant

LONDON = ZoneInfo("Europe/London")


def test_a_weekly_series_at_six_pm_stays_at_six_pm_across_the_march_clock_change() -> None:
    # Clocks go forward on Sunday 29 March 2026.
    starts = expand_series(
        first_day=date(2026, 3, 17), at=time(18, 0), zone=LONDON, frequency="weekly", count=4
    )
    assert [s.astimezone(LONDON).strftime("%d %H:%M") for s in starts] == [
        "17 18:00",
        "24 18:00",
        "31 18:00",
        "07 18:00",
    ]
    assert [s.hour for s in starts] == [18, 18, 17, 17]  # in UTC: GMT, GMT, BST, BST


def test_a_weekly_series_at_six_pm_stays_at_six_pm_across_the_october_clock_change() -> None:
    # Clocks go back on Sunday 25 October 2026.
    starts = expand_series(
        first_day=date(2026, 10, 20), at=time(18, 0), zone=LONDON, frequency="weekly", count=2
    )
    assert [s.astimezone(LONDON).hour for s in starts] == [18, 18]
    assert [s.astimezone(UTC).hour for s in starts] == [17, 18]


def test_a_fortnightly_series_skips_a_week() -> None:
    starts = expand_series(
        first_day=date(2026, 1, 5), at=time(9, 30), zone=LONDON, frequency="fortnightly", count=3
    )
    assert [s.date() for s in starts] == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)]


def test_a_time_the_clocks_skip_moves_forward_by_the_gap() -> None:
    instant = local_instant(date(2026, 3, 29), time(1, 30), LONDON)
    assert instant == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert instant.astimezone(LONDON).strftime("%H:%M") == "02:30"


def test_a_time_that_happens_twice_means_the_first() -> None:
    instant = local_instant(date(2026, 10, 25), time(1, 30), LONDON)
    assert instant == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_it_refuses_an_unknown_frequency_and_an_empty_series() -> None:
    with pytest.raises(ValueError, match="frequency"):
        expand_series(
            first_day=date(2026, 1, 5), at=time(9), zone=LONDON, frequency="daily", count=2
        )
    with pytest.raises(ValueError, match="count"):
        expand_series(
            first_day=date(2026, 1, 5), at=time(9), zone=LONDON, frequency="weekly", count=0
        )
