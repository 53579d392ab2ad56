"""A low or falling Cultural Responsiveness Check becomes a concern for the therapist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bordin.domain.instruments import builtin_registry, score
from bordin.domain.responsiveness import Check, concern

START = datetime(2026, 12, 1, 9, tzinfo=UTC)


def check(day: int, *answers: int) -> Check:
    names = ("understood", "safe", "checked", "fitted", "welcome")
    return Check(
        START + timedelta(days=day), float(sum(answers)), dict(zip(names, answers, strict=True))
    )


def test_a_good_check_raises_nothing() -> None:
    assert concern([check(0, 3, 4, 3, 3, 4)]) is None
    assert concern([]) is None


def test_one_statement_rated_a_little_is_low_and_named() -> None:
    found = concern([check(0, 4, 1, 4, 4, 4)])
    assert found is not None and found.kind == "low"
    assert found.low_items == ("safe",)
    assert "without defending it" in found.explanation


def test_a_total_of_10_is_low() -> None:
    found = concern([check(0, 2, 2, 2, 2, 2)])
    assert found is not None and found.kind == "low"


def test_a_fall_of_4_from_the_clients_best_is_falling() -> None:
    found = concern([check(0, 4, 4, 4, 4, 4), check(30, 3, 3, 3, 3, 4)])
    assert found is not None and found.kind == "falling"
    assert found.explanation.startswith(
        "The client's latest Cultural Responsiveness Check is 16 out of 20, down from 20 earlier."
    )


def test_a_fall_of_3_is_not_yet_a_concern() -> None:
    assert concern([check(0, 4, 4, 4, 4, 4), check(30, 3, 3, 3, 4, 4)]) is None


def test_the_latest_check_is_the_one_answered_last_whatever_the_order_given() -> None:
    assert concern([check(30, 4, 4, 4, 4, 4), check(0, 2, 2, 2, 2, 2)]) is None


def test_the_check_is_registered_with_its_own_wording_and_scores_0_to_20() -> None:
    crc = builtin_registry().get("bordin_crc")
    assert crc.kind == "cultural" and crc.has_wording
    assert score(crc, [4, 3, 2, 1, 0]).total == 10
