"""The labelled set is sound, the metrics are right, and the held-out targets are met."""

from __future__ import annotations

from collections import Counter

import pytest

from bordin.domain.triage import PRECEDENCE, triage
from bordin.domain.triage.classifier import Triage
from bordin.domain.triage.evaluation import Example, evaluate, evaluate_split, load_examples


def test_the_labelled_set_has_at_least_300_texts_with_unique_ids_and_texts() -> None:
    examples = load_examples()

    assert len(examples) >= 300
    assert len({e.id for e in examples}) == len(examples)
    assert len({e.text.strip().lower() for e in examples}) == len(examples)


def test_every_class_has_at_least_30_percent_held_out() -> None:
    examples = load_examples()
    totals = Counter(e.label for e in examples)
    held = Counter(e.label for e in examples if e.split == "heldout")

    assert set(totals) == set(PRECEDENCE)
    for label, total in totals.items():
        assert held[label] / total >= 0.30, label


def test_the_set_has_couples_voices_typos_and_us_spelling() -> None:
    texts = " ".join(e.text.lower() for e in load_examples())

    for marker in ("my partner and i", "we both", "my husband and i", "my wife"):
        assert marker in texts
    for typo in ("suicidle", "theripist", "dont", "cuttin"):
        assert typo in texts
    for us in ("counselor", "judgmental", "patronizing", "mom"):
        assert us in texts


def test_crisis_conduct_and_misalignment_texts_carry_a_subcategory() -> None:
    for example in load_examples():
        if example.label in ("crisis", "conduct", "misalignment"):
            assert example.subcategory, example.id


def _fake(category: str) -> Triage:
    return triage("ok").__class__(
        category=category,  # type: ignore[arg-type]
        severity="routine",
        route=("therapist",),
        evidence=(),
        subcategory="none",
        repair_prompts=(),
        client_message="",
        shows_crisis_help=False,
        also_detected=(),
        hits=(),
    )


def test_precision_recall_and_f1_are_computed_per_class() -> None:
    examples = [
        Example("a", "x1", "crisis", "dev", ""),
        Example("b", "x2", "crisis", "dev", ""),
        Example("c", "x3", "other", "dev", ""),
        Example("d", "x4", "other", "dev", ""),
    ]
    guesses = {"x1": "crisis", "x2": "other", "x3": "other", "x4": "crisis"}

    result = evaluate(examples, split="dev", classify=lambda text: _fake(guesses[text]))

    crisis, other = result.score("crisis"), result.score("other")
    assert (crisis.precision, crisis.recall, crisis.f1) == (0.5, 0.5, 0.5)
    assert (other.precision, other.recall, other.f1) == (0.5, 0.5, 0.5)
    assert result.score("conduct").f1 == 0.0
    assert result.macro_f1 == pytest.approx((0.5 + 0.5) / 5)
    assert result.accuracy == 0.5
    assert [m.id for m in result.mistakes] == ["b", "d"]


def test_held_out_crisis_recall_is_one_and_macro_f1_at_least_0_85() -> None:
    result = evaluate_split("heldout")

    assert result.size >= 0.3 * len(load_examples())
    assert result.score("crisis").recall == 1.0
    assert result.macro_f1 >= 0.85
