"""``domain.concern_severity``: every concern has a severity, read the way alerts are."""

from __future__ import annotations

import pytest

from bordin.domain.concern_severity import concern_severity, severity_rank


@pytest.mark.parametrize(
    ("category", "severity"),
    [("crisis", "urgent"), ("conduct", "high"), ("concern", "high"), ("other", "routine")],
)
def test_each_kind_of_concern_has_a_severity(category: str, severity: str) -> None:
    assert concern_severity(category) == severity


def test_urgent_sorts_before_high_before_routine_before_anything_unknown() -> None:
    ranks = [severity_rank(s) for s in ("urgent", "high", "routine", "odd")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 4
