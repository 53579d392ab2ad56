"""Measuring the classifier against the labelled feedback set.

The set (``data/feedback_labelled.csv``) holds texts written for Bordin, each labelled with
its class and, for crisis, conduct and misalignment, its subcategory. A seeded, stratified draw
put 35% of each class in the ``heldout`` split *before any rule was written*; rules were tuned
on the ``dev`` split only. Report figures from ``heldout``.

Per class: precision (of the texts given this class, how many truly are), recall (of the texts
truly in this class, how many were found) and F1 (their harmonic mean). Macro-F1 is the plain
mean of the five F1 values, so small classes count as much as large ones.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

from bordin.domain.triage.classifier import Triage
from bordin.domain.triage.classifier import rules_triage as triage
from bordin.domain.triage.patterns import PRECEDENCE, Category

SPLITS = ("dev", "heldout")


@dataclass(frozen=True)
class Example:
    """One labelled text."""

    id: str
    text: str
    label: Category
    split: str
    subcategory: str


@dataclass(frozen=True)
class ClassScore:
    """Precision, recall and F1 for one class; ``support`` is how many texts truly have it."""

    category: Category
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True)
class Mistake:
    """A text the classifier got wrong."""

    id: str
    text: str
    label: Category
    predicted: Category
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    """The scores on one split."""

    split: str
    size: int
    accuracy: float
    macro_f1: float
    classes: tuple[ClassScore, ...]
    confusion: dict[Category, dict[Category, int]]
    mistakes: tuple[Mistake, ...]

    def score(self, category: Category) -> ClassScore:
        return next(c for c in self.classes if c.category == category)


def load_examples(split: str | None = None) -> tuple[Example, ...]:
    """The labelled texts shipped with Bordin, optionally only one split."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}")
    source = resources.files("bordin.domain.triage").joinpath("data/feedback_labelled.csv")
    text = source.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    examples = tuple(_example(row) for row in rows)
    return tuple(e for e in examples if split is None or e.split == split)


def _example(row: dict[str, str]) -> Example:
    label = _LABELS.get(row["label"])
    if label is None:
        raise ValueError(f"example {row['id']}: unknown label {row['label']!r}")
    if row["split"] not in SPLITS:
        raise ValueError(f"example {row['id']}: unknown split {row['split']!r}")
    return Example(row["id"], row["text"], label, row["split"], row.get("subcategory") or "")


_LABELS: dict[str, Category] = {category: category for category in PRECEDENCE}


def evaluate(
    examples: Iterable[Example],
    *,
    split: str = "heldout",
    classify: Callable[[str], Triage] = triage,
) -> Evaluation:
    """Score ``classify`` on the ``examples`` (all of them; ``split`` only labels the result)."""
    items = list(examples)
    confusion: dict[Category, dict[Category, int]] = {
        truth: {guess: 0 for guess in PRECEDENCE} for truth in PRECEDENCE
    }
    mistakes: list[Mistake] = []
    for example in items:
        result = classify(example.text)
        confusion[example.label][result.category] += 1
        if result.category != example.label:
            mistakes.append(
                Mistake(example.id, example.text, example.label, result.category, result.evidence)
            )
    scores = []
    for category in PRECEDENCE:
        true_positive = confusion[category][category]
        predicted = sum(confusion[truth][category] for truth in PRECEDENCE)
        support = sum(confusion[category].values())
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(ClassScore(category, precision, recall, f1, support, predicted))
    correct = sum(confusion[c][c] for c in PRECEDENCE)
    return Evaluation(
        split=split,
        size=len(items),
        accuracy=correct / len(items) if items else 0.0,
        macro_f1=sum(s.f1 for s in scores) / len(scores),
        classes=tuple(scores),
        confusion=confusion,
        mistakes=tuple(mistakes),
    )


def evaluate_split(split: str = "heldout") -> Evaluation:
    """Score the shipped classifier on one split of the shipped set."""
    return evaluate(load_examples(split), split=split)


def markdown_table(evaluation: Evaluation) -> str:
    """Per-class precision, recall and F1 as a Markdown table, then the macro-F1 line."""
    lines = [
        "| class | precision | recall | F1 | texts |",
        "|---|---:|---:|---:|---:|",
    ]
    for score in evaluation.classes:
        lines.append(
            f"| {score.category} | {score.precision:.2f} | {score.recall:.2f} | "
            f"{score.f1:.2f} | {score.support} |"
        )
    lines.append("")
    lines.append(
        f"Macro-F1 {evaluation.macro_f1:.2f}; accuracy {evaluation.accuracy:.2f} "
        f"({evaluation.size} texts, split `{evaluation.split}`)."
    )
    return "\n".join(lines)


def confusion_table(evaluation: Evaluation) -> str:
    """The confusion matrix as a Markdown table: rows are the true class."""
    header = "| true \\ predicted | " + " | ".join(PRECEDENCE) + " |"
    lines = [header, "|---|" + "---:|" * len(PRECEDENCE)]
    for truth in PRECEDENCE:
        row = " | ".join(str(evaluation.confusion[truth][guess]) for guess in PRECEDENCE)
        lines.append(f"| {truth} | {row} |")
    return "\n".join(lines)
