"""Item answers add up to the planned totals and change smoothly from week to week."""

from __future__ import annotations

import random

import pytest

from bordin.demo.answers import ItemTrack, core10_raw, phq9_track, skip_one, spread


def test_spread_hits_the_total_exactly_within_each_items_range() -> None:
    rng = random.Random(1)
    for total in range(0, 28):
        scores = spread(rng, total, [3] * 9, [1.0] * 9)
        assert sum(scores) == total
        assert all(0 <= s <= 3 for s in scores)


def test_spread_refuses_a_total_that_cannot_fit() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        spread(random.Random(1), 28, [3] * 9, [1.0] * 9)


def test_a_track_changes_only_as_many_points_as_the_total_needs_plus_one_move() -> None:
    rng = random.Random(3)
    track = ItemTrack(rng, [3] * 7, [1.0, 2.0, 0.5, 1.0, 1.5, 1.0, 0.8])
    previous = track.scores(15)
    for total in (14, 12, 12, 9, 10, 6, 3, 3):
        current = track.scores(total)
        assert sum(current) == total
        distance = sum(abs(a - b) for a, b in zip(previous, current, strict=True))
        assert distance <= abs(total - sum(previous)) + 2
        previous = current


def test_phq9_item9_is_zero_unless_fixed_and_the_total_still_adds_up() -> None:
    track = phq9_track(random.Random(5))
    assert track.scores(12)[8] == 0
    endorsed = track.scores(14, {8: 2})
    assert endorsed[8] == 2 and sum(endorsed) == 14
    assert track.scores(13)[8] == 0


def test_core10_raw_answers_reverse_items_two_and_three() -> None:
    assert core10_raw([0, 0, 0, 1, 2, 0, 3, 4, 1, 0]) == (0, 4, 4, 1, 2, 0, 3, 4, 1, 0)


def test_skip_one_never_skips_a_protected_item() -> None:
    rng = random.Random(9)
    for _ in range(50):
        skipped = skip_one(rng, (1, 2, 3, 0, 1, 2, 0, 1, 1), protected=(8,))
        assert skipped.count(None) == 1 and skipped[8] == 1
