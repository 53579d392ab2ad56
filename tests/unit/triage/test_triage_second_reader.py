"""A second reader's probabilities are averaged into the light model's, piece by piece."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from bordin.domain.triage import triage
from bordin.domain.triage.model import score, shipped_model
from bordin.domain.triage.normalisation import canonical
from bordin.domain.triage.patterns import PRECEDENCE, Category
from bordin.domain.triage.second_reader import blended, pieces

THREE = "We talked about work. Then about my sister. It was a useful hour."


def lean(category: Category, strength: float = 1.0) -> dict[Category, float]:
    """A reading sure of ``category`` to ``strength``, the rest shared out."""
    rest = (1.0 - strength) / (len(PRECEDENCE) - 1)
    return {c: strength if c == category else rest for c in PRECEDENCE}


@dataclass(frozen=True)
class Fixed:
    """A second reader that gives the same reading to every piece, and counts what it read."""

    reading: dict[Category, float]
    share: float = 0.5
    crisis_threshold: float = 0.45
    review_threshold: float = 0.3
    version: str = "fixed"

    def probabilities(self, texts: Sequence[str]) -> list[dict[Category, float]]:
        return [self.reading for _ in texts]


def test_the_pieces_are_the_whole_text_each_sentence_and_each_two_neighbours() -> None:
    found = pieces(canonical(THREE))

    assert found == [
        THREE,
        "We talked about work",
        "Then about my sister",
        "It was a useful hour",
        "We talked about work. Then about my sister",
        "Then about my sister. It was a useful hour",
    ]


def test_a_text_of_one_sentence_is_read_once() -> None:
    assert pieces(canonical("It was a useful hour.")) == ["It was a useful hour."]


def test_each_level_is_the_average_at_the_readers_share() -> None:
    canon = canonical(THREE)
    light = score(shipped_model(), canon)
    readings = [lean("crisis")] * len(pieces(canon))

    mixed = blended(light, readings, 0.25)

    assert mixed.text["crisis"] == pytest.approx(0.75 * light.text["crisis"] + 0.25)
    for (_, before), (_, after) in zip(light.sentences, mixed.sentences, strict=True):
        assert after["other"] == pytest.approx(0.75 * before["other"])
    assert len(mixed.neighbours) == 2
    assert mixed.neighbours[1]["crisis"] == pytest.approx(
        0.75 * light.neighbours[1]["crisis"] + 0.25
    )


def test_a_share_of_nothing_leaves_the_light_reading_as_it_was() -> None:
    canon = canonical(THREE)
    light = score(shipped_model(), canon)

    assert blended(light, [lean("crisis")] * 6, 0.0) == light


def test_readings_that_do_not_match_the_pieces_are_refused() -> None:
    light = score(shipped_model(), canonical(THREE))

    with pytest.raises(ValueError, match="5 readings for 6 pieces"):
        blended(light, [lean("other")] * 5, 0.5)
    with pytest.raises(ValueError, match="share"):
        blended(light, [lean("other")] * 6, 1.5)


def test_a_sure_second_reader_makes_a_crisis_of_what_the_light_model_let_pass() -> None:
    text = "It was a useful hour and we planned the next steps."
    alone = triage(text)

    both = triage(text, reader=Fixed(lean("crisis", 0.99)))

    assert alone.category != "crisis"
    assert both.category == "crisis"
    assert both.decided_by == "model"
    assert both.shows_crisis_help


def test_the_second_readers_thresholds_are_the_ones_used() -> None:
    text = "It was a useful hour and we planned the next steps."
    unsure = lean("crisis", 0.5)

    low = triage(text, reader=Fixed(unsure, crisis_threshold=0.2, review_threshold=0.1))
    high = triage(text, reader=Fixed(unsure, crisis_threshold=0.95, review_threshold=0.9))

    assert low.category == "crisis"
    assert high.category != "crisis"
    assert not high.risk_review


def test_the_rules_stay_a_floor_whatever_the_second_reader_says() -> None:
    sure_all_is_well = Fixed(lean("positive", 1.0), share=1.0)

    result = triage("I keep thinking I don't want to be alive anymore.", reader=sure_all_is_well)

    assert result.category == "crisis"
