"""Only the rules whose literals are in a text are run; the hits are exactly those of every rule."""

from __future__ import annotations

import random

import pytest

from bordin.analytics.triage_model import labelled_texts
from bordin.domain.triage.classifier import (
    _PREFILTER,
    _guard_hits,
    _judge,
    checked_canonical,
    find_hits,
)
from bordin.domain.triage.lexicon import GUARDS, RULES
from bordin.domain.triage.normalisation import Canonical
from bordin.domain.triage.patterns import Category, Guard
from bordin.domain.triage.prefilter import Prefilter, required_literals


def _every_rule_run(canon: Canonical) -> tuple[object, ...]:
    """The hits as found by running every guard and every rule, with no prefilter."""
    guarded: list[tuple[int, int, tuple[Category, ...], str]] = []
    hits: list = []
    for guard in GUARDS:
        _guard_hits(canon, guard, guarded, hits)
    for rule in RULES:
        for match in rule.compiled.finditer(canon.text):
            if match.end() > match.start():
                hits.append(_judge(canon, rule, match.start(), match.end(), guarded))
    hits.sort(key=lambda hit: (hit.start, hit.end, hit.rule))
    return tuple(hits)


def test_the_prefilter_keeps_every_guard_then_every_rule_in_order() -> None:
    assert _PREFILTER.items == (*GUARDS, *RULES)


def test_prefiltered_hits_equal_every_rule_run_on_every_labelled_text() -> None:
    for item in labelled_texts():
        canon = checked_canonical(item.text)

        assert find_hits(canon) == _every_rule_run(canon), item.id


def test_every_rule_and_guard_is_a_candidate_for_its_own_example() -> None:
    for item in (*GUARDS, *RULES):
        canon = checked_canonical(item.example)

        assert item in _PREFILTER.candidates(canon.text), item.id


def test_every_match_holds_a_literal_of_each_need_of_its_pattern() -> None:
    texts = [checked_canonical(i.text).text for i in labelled_texts()]
    texts += [checked_canonical(item.example).text for item in (*GUARDS, *RULES)]
    checked = 0
    for item in (*GUARDS, *RULES):
        needs = required_literals(item.pattern)
        for text in texts:
            for match in item.compiled.finditer(text):
                checked += 1
                for need in needs:
                    assert any(literal in match.group(0) for literal in need), item.id

    assert checked > 1000


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        ("burden", [["burden"]]),
        ("cut|harm", [["cut", "harm"]]),
        ("cut|cutting", [["cut"]]),  # the parser takes the common "cut" out of the choice
        ("(?:a |an )?burden", [["burden"]]),
        ("i (?:am|feel) (?:so )?trapped", [["trapped"], ["i "], ["am", "feel"]]),
        ("(?:very )+calm", [["very "], ["calm"]]),
        ("(?:very )*calm", [["calm"]]),
        ("hurt(?! (?:my|your) feelings)", [["hurt"]]),
        ("(hurt|harm)ing", [["ing"], ["arm", "urt"]]),  # and the common "h"
        (r"\w+ \w+", []),
        ("kill|\\w+", []),
        ("a|be", []),
        ("(?i)burden", []),
        ("(?i:burden) me", [[" me"]]),
    ],
)
def test_required_literals_are_what_every_match_must_contain(
    pattern: str, needs: list[list[str]]
) -> None:
    assert [sorted(need) for need in required_literals(pattern)] == needs


class _Item:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern


def test_the_scan_finds_literals_inside_each_other_and_overlapping() -> None:
    words = ["cut", "cutting", "cue", "ting", "tin", "in", "nice", "ice", "a b", "b c"]
    prefilter = Prefilter.of([_Item(word) for word in words])
    chooser = random.Random(7)
    for _ in range(2000):
        text = "".join(chooser.choice("cutingeab ") for _ in range(chooser.randint(0, 12)))
        found = [item.pattern for item in prefilter.candidates(text)]

        assert found == [word for word in words if word in text], text


def test_a_guard_is_a_guard_and_a_rule_a_rule_after_the_prefilter() -> None:
    canon = checked_canonical("It was hard talking about my dad's suicide but I'm glad we did.")
    kinds = {type(item) for item in _PREFILTER.candidates(canon.text)}

    assert Guard in kinds
