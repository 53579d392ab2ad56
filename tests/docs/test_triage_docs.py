"""docs/triage.md is generated from the rules, the model and its evaluation, and must be current."""

from __future__ import annotations

from pathlib import Path

from bordin.analytics.triage_docs import render
from bordin.analytics.triage_evaluation import evaluate
from bordin.domain.triage.classifier import SUBCATEGORY_ORDER
from bordin.domain.triage.evaluation import evaluate_split
from bordin.domain.triage.lexicon import GUARDS, RULES

PAGE = Path(__file__).resolve().parents[2] / "docs" / "triage.md"
REGENERATE = "python -m bordin.analytics.triage_docs docs/triage.md"


def test_the_committed_triage_page_is_current() -> None:
    current = PAGE.read_text(encoding="utf-8") == render()

    assert current, f"docs/triage.md is stale: run `{REGENERATE}`"


def test_the_page_reports_the_rules_held_out_figures_per_class() -> None:
    committed = PAGE.read_text(encoding="utf-8")
    held = evaluate_split("heldout")

    for score in held.classes:
        assert (
            f"| {score.category} | {score.precision:.2f} | {score.recall:.2f} | "
            f"{score.f1:.2f} | {score.support} |"
        ) in committed
    assert f"Macro-F1 {held.macro_f1:.2f}" in committed


def test_the_page_reports_every_held_out_author_and_the_pooled_reach() -> None:
    committed = PAGE.read_text(encoding="utf-8")
    result = evaluate()

    for figures in result.per_author:
        assert f"| {figures.author} | {figures.size} | {figures.macro_f1:.2f} |" in committed
    assert f"crisis reach on held-out authors: **{result.pooled.crisis_reach:.3f}**" in committed


def test_the_page_names_every_rule_guard_and_subcategory() -> None:
    committed = PAGE.read_text(encoding="utf-8")

    for rule in RULES:
        assert f"`{rule.id}`" in committed, rule.id
    for guard in GUARDS:
        assert f"`{guard.id}`" in committed, guard.id
    for subcategories in SUBCATEGORY_ORDER.values():
        for subcategory in subcategories:
            if subcategory != "none":
                assert subcategory in committed, subcategory
