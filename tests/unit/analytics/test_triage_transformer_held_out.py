"""The transformer build chooses its thresholds on writers each reader never read (without
PyTorch: a stand-in reader takes the fine-tuned transformer's place)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bordin.analytics import triage_model as tm
from bordin.analytics.triage_evaluation import cross_validate
from bordin.analytics.triage_transformer_build import (
    SHARE,
    PieceReader,
    held_out_figures,
    held_out_readings,
)
from bordin.domain.triage.patterns import PRECEDENCE, Category


def small_slice() -> list[tm.LabelledText]:
    texts = tm.labelled_texts()
    found: list[tm.LabelledText] = []
    for writer in sorted({t.fold for t in texts}):
        own = [t for t in texts if t.fold == writer]
        found += own[:: max(1, len(own) // 15)][:15]
    return found


def sure_of(category: Category) -> PieceReader:
    def read(pieces: Sequence[str]) -> list[dict[Category, float]]:
        return [{c: 1.0 if c == category else 0.0 for c in PRECEDENCE} for _ in pieces]

    return read


def test_each_writer_is_read_by_a_reader_fitted_without_them() -> None:
    items = small_slice()
    fitted_without: list[set[str]] = []

    def fit(train: list[tm.LabelledText]) -> PieceReader:
        fitted_without.append({t.fold for t in items} - {t.fold for t in train})
        return sure_of("crisis")

    scored = held_out_readings(items, fit)

    assert sorted(w for left in fitted_without for w in left) == sorted({t.fold for t in items})
    assert all(len(left) == 1 for left in fitted_without)
    assert len(scored) == len(items)


def test_the_held_out_readings_are_the_light_models_averaged_with_the_readers() -> None:
    items = small_slice()
    light = {s.item.id: s.scores for s in cross_validate(items)}

    scored = held_out_readings(items, lambda train: sure_of("crisis"))

    for each in scored:
        expected = (1 - SHARE) * light[each.item.id].text["crisis"] + SHARE
        assert each.scores.text["crisis"] == pytest.approx(expected)


def test_a_reader_sure_of_crisis_everywhere_reaches_every_crisis_and_alarms_on_the_rest() -> None:
    scored = held_out_readings(small_slice(), lambda train: sure_of("crisis"))

    figures = held_out_figures(scored, crisis=0.5, review=0.3)

    assert figures["crisis_reach"] == 1.0
    assert figures["false_alarms"] == 1.0
