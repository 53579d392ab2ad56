"""Disengagement: missed or cancelled sessions together with a falling alliance."""

from __future__ import annotations

import datetime as dt

from bordin.domain.alliance import Attendance

from .builders import day, flat_sac, individual, signals


def _visits(attended: int, missed: dict[int, str]) -> list[Attendance]:
    out = [Attendance(k, day(k), "attended") for k in range(1, attended + 1)]
    out += [Attendance(k, day(k), status) for k, status in missed.items()]  # type: ignore[arg-type]
    return out


def test_two_missed_sessions_with_a_falling_alliance_is_disengagement() -> None:
    history = individual(
        flat_sac("client-a", [36, 36, 37, 36, 33]),
        attendance=_visits(5, {6: "cancelled", 7: "no_show"}),
    )
    [signal] = signals(history, "disengagement", now=day(7))
    assert signal.session_number == 7
    assert signal.severity == "high"
    assert signal.explanation.numbers["missed"] == 2
    assert "missed or cancelled (sessions 6, 7)" in signal.explanation.sentence


def test_missed_sessions_with_a_steady_alliance_are_not_disengagement() -> None:
    history = individual(
        flat_sac("client-a", [36, 36, 37, 36, 36]),
        attendance=_visits(5, {6: "cancelled", 7: "no_show"}),
    )
    assert signals(history, "disengagement", now=day(7)) == []


def test_a_falling_alliance_without_missed_sessions_is_not_disengagement() -> None:
    history = individual(flat_sac("client-a", [36, 36, 37, 36, 33]), attendance=_visits(5, {}))
    assert signals(history, "disengagement", now=day(5)) == []


def test_a_long_silence_counts_as_missing_once_the_clock_passes_four_weeks() -> None:
    history = individual(flat_sac("client-a", [36, 36, 37, 36, 33]), attendance=_visits(5, {}))
    assert signals(history, "disengagement", now=day(5) + dt.timedelta(days=27)) == []
    [signal] = signals(history, "disengagement", now=day(5) + dt.timedelta(days=28))
    assert signal.explanation.rule == "disengagement.gap"


def test_a_closed_episode_is_not_flagged_for_silence() -> None:
    history = individual(
        flat_sac("client-a", [36, 36, 37, 36, 33]),
        attendance=_visits(5, {}),
        ended=True,
        ended_on=day(5),
    )
    assert signals(history, "disengagement", now=day(12)) == []
