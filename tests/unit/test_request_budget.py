"""The API's per-token request budget: a sliding minute, counted per key."""

from __future__ import annotations

import pytest

from bordin.domain.request_budget import RequestBudget


def test_requests_within_the_budget_pass_and_the_next_is_told_how_long_to_wait() -> None:
    budget = RequestBudget(per_minute=3)
    assert [budget.spend("t1", now) for now in (0.0, 10.0, 20.0)] == [None, None, None]
    assert budget.spend("t1", 30.0) == pytest.approx(30.0)  # the first falls out at 60 s
    assert budget.spend("t2", 30.0) is None  # another token has its own budget


def test_a_refused_request_is_not_counted_and_the_window_slides() -> None:
    budget = RequestBudget(per_minute=2)
    budget.spend("t", 0.0)
    budget.spend("t", 1.0)
    for now in (2.0, 3.0, 59.0):
        assert budget.spend("t", now) is not None
    assert budget.spend("t", 60.0) is None  # the request at 0 s has left the window
    assert budget.spend("t", 60.5) is not None  # the one at 1 s has not


def test_a_budget_below_one_request_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RequestBudget(per_minute=0)
