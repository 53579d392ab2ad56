"""One problem, one item: how a list of signals is shown; good news apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bordin.reports.read.signal_display import grouped, one_item_each, signal_heading


@dataclass
class Row:
    type: str
    status: str
    session_number: int
    client_id: int | None = 1
    episode_id: int = 1
    explanation: dict[str, Any] = field(default_factory=dict)


def _row(kind: str, status: str, session: int, instrument: str, **numbers: Any) -> Row:
    return Row(kind, status, session, explanation={"instrument": instrument, "numbers": numbers})


def test_an_unrepaired_rupture_is_one_item_with_its_history() -> None:
    rupture = _row("rupture", "unrepaired", 5, "bordin_sac")
    verdict = _row("rupture_unrepaired", "unrepaired", 8, "bordin_sac", rupture_session=5)
    other = _row("rupture_unrepaired", "unrepaired", 14, "bordin_sac", rupture_session=11)
    assert one_item_each([rupture, verdict, other]) == [rupture, other]


def test_reliably_better_is_left_out_where_recovery_says_it_already() -> None:
    better = _row("reliable_improvement", "active", 4, "phq9")
    recovered = _row("recovery", "active", 6, "phq9")
    other_measure = _row("reliable_improvement", "active", 4, "gad7")
    assert one_item_each([better, recovered, other_measure]) == [recovered, other_measure]


def test_good_news_is_shown_apart_from_problems() -> None:
    problem = _row("not_on_track", "active", 3, "gad7")
    good = _row("recovery", "active", 6, "phq9")
    repaired = _row("rupture", "repaired", 2, "bordin_sac")
    groups = grouped([problem, good, repaired])
    assert list(groups.problems) == [problem]
    assert list(groups.good_news) == [good, repaired]


def test_headings_never_repeat_the_status_in_brackets() -> None:
    assert signal_heading("rupture_unrepaired", "unrepaired") == "Rupture not repaired"
    assert signal_heading("rupture", "open") == "Possible rupture"
    assert "(" not in signal_heading("not_on_track", "active")
