"""docs/matching.md must name every hard constraint and every part of the score, with its weight,
and state the shrinkage formula and the constants the code uses."""

from __future__ import annotations

from pathlib import Path

from bordin.domain.matching import CONSTRAINTS, WEIGHTS
from bordin.domain.matching.ranking import NOTHING_TO_COMPARE
from bordin.domain.matching.track_record import DEFAULT_STRENGTH, MAX_STRENGTH, MIN_STRENGTH

PAGE = Path(__file__).resolve().parents[2] / "docs" / "matching.md"


def test_every_hard_constraint_is_documented() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for name in CONSTRAINTS:
        assert f"| `{name}` |" in page, name


def test_every_part_of_the_score_is_documented_with_its_weight() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for name, weight in WEIGHTS.items():
        assert f"| `{name}` | {weight:.2f} |" in page, name
    assert f"scores {NOTHING_TO_COMPARE}" in page


def test_the_shrinkage_formula_and_its_constants_are_stated() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert "shrunk rate = (x + k·m) / (n + k)" in page
    assert f"`k` is\n{DEFAULT_STRENGTH:g};" in page
    assert f"between {MIN_STRENGTH:g} and {MAX_STRENGTH:g}" in page
    for citation in ("Efron B, Morris C (1975)", "Casella G (1985)", "Kleinman JC (1973)"):
        assert citation in page


def test_every_fit_check_answer_and_the_cultural_rules_are_documented() -> None:
    from bordin.domain.fit_check import ANSWERS
    from bordin.domain.responsiveness import FALL, LOW_ITEM, LOW_TOTAL

    page = PAGE.read_text(encoding="utf-8")
    for words in ANSWERS.values():
        assert f"| {words} |" in page, words
    assert f"any statement at {LOW_ITEM} or below" in page
    assert f"a total of {LOW_TOTAL} or less" in page
    assert f"{FALL} points or more below" in page
    assert "BORDIN_FIT_CHECK_AFTER_SESSION" in page
