"""docs/triage.md is generated from the rules and the measured accuracy, and must be current."""

from __future__ import annotations

from pathlib import Path

from bordin.domain.triage.classifier import SUBCATEGORY_ORDER
from bordin.domain.triage.documentation import render
from bordin.domain.triage.evaluation import evaluate_split
from bordin.domain.triage.lexicon import GUARDS, RULES

PAGE = Path(__file__).resolve().parents[2] / "docs" / "triage.md"
REGENERATE = "python -m bordin.domain.triage.documentation docs/triage.md"


def test_the_committed_triage_page_is_current() -> None:
    committed = PAGE.read_text(encoding="utf-8")

    assert committed == render(), f"docs/triage.md is stale: run `{REGENERATE}`"


def test_the_page_reports_the_held_out_figures_per_class() -> None:
    committed = PAGE.read_text(encoding="utf-8")
    held = evaluate_split("heldout")

    for score in held.classes:
        assert (
            f"| {score.category} | {score.precision:.2f} | {score.recall:.2f} | "
            f"{score.f1:.2f} | {score.support} |"
        ) in committed
    assert f"Macro-F1 {held.macro_f1:.2f}" in committed


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
