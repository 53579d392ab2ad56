"""Rules are tried a group at a time; the hits are exactly those of trying every rule."""

from __future__ import annotations

from bordin.analytics.triage_model import labelled_texts
from bordin.domain.triage.classifier import _BUCKETS, checked_canonical, find_hits
from bordin.domain.triage.lexicon import RULES


def test_every_rule_is_in_exactly_one_group_in_order() -> None:
    grouped = [rule for _, bucket in _BUCKETS for rule in bucket]

    assert grouped == list(RULES)


def test_grouped_rules_find_the_same_matches_as_every_rule_on_every_labelled_text() -> None:
    for item in labelled_texts():
        canon = checked_canonical(item.text)
        found = sorted(
            (h.rule, h.start, h.end) for h in find_hits(canon) if not h.rule.startswith("guard.")
        )
        expected = sorted(
            (
                f"{rule.category}.{rule.id}",
                *canon.original_span(*canon.word_range(match.start(), match.end())),
            )
            for rule in RULES
            for match in rule.compiled.finditer(canon.text)
            if match.end() > match.start()
        )

        assert found == expected, item.id
