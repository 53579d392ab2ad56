"""The review threshold prefers safety among near-equal costs; the fit weighs classes equally."""

from __future__ import annotations

import pytest

from bordin.analytics.triage_evaluation import (
    MIN_CRISIS_REACH,
    Scored,
    choose_thresholds,
    floor_texts,
    reach_and_alarms,
    review_cost,
    review_reaching,
    shipped_thresholds,
)
from bordin.analytics.triage_model import (
    FURTHER_WRITERS,
    LabelledText,
    balanced_weights,
    most_frequent,
)
from bordin.domain.triage.classifier import checked_canonical, decide, find_hits
from bordin.domain.triage.model import Scores, sentences, shipped_model
from bordin.domain.triage.patterns import PRECEDENCE


def _scored(label: str, crisis: float, n: int, group: str = "") -> Scored:
    canon = checked_canonical("See you next week.")
    probabilities = {c: (crisis if c == "crisis" else (1.0 - crisis) / 4) for c in PRECEDENCE}
    item = LabelledText(f"t{n}", "See you next week.", label, "x", group=group)
    return Scored(item, canon, decide(find_hits(canon)), Scores(probabilities, ()), shipped_model())


def _texts(near_misses: int) -> list[Scored]:
    """100 crisis texts (two scored low) and 1,000 others, ``near_misses`` of them at 0.105.

    Below 0.11 every crisis text is reached and the near misses are false alarms; from 0.11
    to 0.30 one crisis text is missed and there are no false alarms.
    """
    scores = [0.9] * 98 + [0.30, 0.10]
    found = [_scored("crisis", s, n) for n, s in enumerate(scores)]
    others = [0.105] * near_misses + [0.005] * (1000 - near_misses)
    found += [_scored("other", s, 100 + n) for n, s in enumerate(others)]
    return found


def test_of_two_review_thresholds_that_cost_about_the_same_the_safer_is_chosen() -> None:
    scored = _texts(near_misses=41)
    assert review_cost(*reach_and_alarms(scored, 0.10, crisis=1.0)) > review_cost(
        *reach_and_alarms(scored, 0.11, crisis=1.0)
    )

    crisis, review = choose_thresholds(scored)

    assert reach_and_alarms(scored, review, crisis=crisis)[0] == 1.0


def test_a_review_threshold_that_costs_clearly_more_is_not_chosen_for_safety() -> None:
    # 300 false alarms cost far more than one standard error above the one missed crisis.
    scored = _texts(near_misses=300)

    crisis, review = choose_thresholds(scored)

    assert review > 0.10
    assert reach_and_alarms(scored, review, crisis=crisis) == (0.99, 0.0)


def test_a_text_with_a_warning_sign_counts_as_reached_whatever_its_crisis_score() -> None:
    canon = checked_canonical("Good week. I wrote my will.")
    probabilities = {c: (0.001 if c == "crisis" else 0.25) for c in PRECEDENCE}
    item = LabelledText("w1", "Good week. I wrote my will.", "crisis", "x")
    sign = Scored(item, canon, decide(find_hits(canon)), Scores(probabilities, ()), shipped_model())

    assert reach_and_alarms([sign], 0.80, crisis=0.9) == (1.0, 0.0)
    assert sign.decision(0.6, 0.8).risk_review


def test_a_text_whose_one_sentence_reaches_the_crisis_threshold_counts_as_reached() -> None:
    # Read with its neighbours the sentence is far below the review threshold; alone it is
    # over the crisis threshold, and crisis comes before review.
    text = "Good week. Then something happened. See you Tuesday."
    canon = checked_canonical(text)
    calm = {c: (0.01 if c == "crisis" else 0.2475) for c in PRECEDENCE}
    alarming = {c: (0.7 if c == "crisis" else 0.075) for c in PRECEDENCE}
    parts = sentences(canon)
    scores = Scores(calm, tuple(zip(parts, (calm, alarming, calm), strict=True)), (calm, calm))
    item = LabelledText("s1", text, "crisis", "x")
    one = Scored(item, canon, decide(find_hits(canon)), scores, shipped_model())

    assert scores.crisis == 0.7
    assert scores.review == pytest.approx(0.355)
    assert reach_and_alarms([one], 0.5, crisis=0.6) == (1.0, 0.0)
    assert reach_and_alarms([one], 0.5, crisis=0.8) == (0.0, 0.0)


def test_balanced_weights_give_every_class_the_same_total_and_keep_the_sum() -> None:
    labels = ["crisis", "other", "other", "other", "conduct", "conduct"]
    weights = [1.0, 1.0, 1.0, 0.5, 2.0, 1.0]

    balanced = balanced_weights(labels, weights)

    totals = {
        label: sum(w for lab, w in zip(labels, balanced, strict=True) if lab == label)
        for label in set(labels)
    }
    assert totals == pytest.approx(dict.fromkeys(totals, sum(weights) / 3))
    assert sum(balanced) == pytest.approx(sum(weights))
    # Within a class, the rows keep their relative weights.
    assert balanced[1] / balanced[3] == pytest.approx(2.0)


def test_the_vocabulary_keeps_the_most_used_terms_and_breaks_ties_by_the_term() -> None:
    terms = ["apple", "bread", "cheese", "dates", "eggs"]
    totals = [5, 3, 3, 9, 3]
    # dates (9) and apple (5), then of the three used 3 times, bread comes first.
    assert most_frequent(terms, totals, 3) == [0, 1, 3]
    assert most_frequent(terms, totals, 10) == [0, 1, 2, 3, 4]


def _crisis_texts(others_at_025: int) -> list[Scored]:
    """1,000 crisis texts at 0.9, one at 0.3, and ``others_at_025`` other texts at 0.25."""
    found = [_scored("crisis", 0.9, n) for n in range(1000)] + [_scored("crisis", 0.3, 1000)]
    found += [_scored("other", 0.25, 2000 + n) for n in range(others_at_025)]
    return found


def test_of_two_crisis_thresholds_with_about_the_same_f1_the_lower_is_chosen() -> None:
    # From 0.30 the F1 is best (1.0); at 0.20 three false alarms cost it 0.0015.
    crisis, _ = choose_thresholds(_crisis_texts(others_at_025=3))
    assert crisis == 0.20


def test_a_crisis_threshold_with_a_clearly_worse_f1_is_not_chosen() -> None:
    crisis, _ = choose_thresholds(_crisis_texts(others_at_025=30))
    assert crisis == 0.30


def test_a_review_threshold_that_reaches_enough_crisis_texts_is_kept() -> None:
    scored = _texts(near_misses=300)

    assert review_reaching(scored, crisis=1.0, review=0.2, reach=0.99) == 0.2


def test_the_review_threshold_is_lowered_until_it_reaches_as_many_crisis_texts() -> None:
    # From 0.11 up one crisis text in a hundred is missed; at 0.10 and below none is.
    scored = _texts(near_misses=300)

    lowered = review_reaching(scored, crisis=1.0, review=0.2, reach=1.0)

    assert lowered == 0.1
    assert reach_and_alarms(scored, lowered, crisis=1.0)[0] == 1.0


def test_the_shipped_review_threshold_never_buys_fewer_alarms_with_missed_crises() -> None:
    # Two crisis texts in a hundred score 0.10, beside 300 other texts at 0.105: by cost alone
    # the 300 false alarms outweigh the two missed crises (reach 0.98), a reach below the one
    # the shipped model may not fall under.
    scored = [_scored("crisis", s, n) for n, s in enumerate([0.9] * 98 + [0.10, 0.10])]
    others = [0.105] * 300 + [0.005] * 700
    scored += [_scored("other", s, 100 + n) for n, s in enumerate(others)]
    by_cost = choose_thresholds(scored)
    assert MIN_CRISIS_REACH > 0.98
    assert reach_and_alarms(scored, by_cost[1], crisis=by_cost[0])[0] == 0.98

    crisis, review = shipped_thresholds(scored)

    assert review == 0.1
    assert reach_and_alarms(scored, review, crisis=crisis) == (1.0, 0.3)


def test_the_shipped_thresholds_are_the_cheapest_when_they_reach_enough() -> None:
    scored = _texts(near_misses=41)

    assert shipped_thresholds(scored) == choose_thresholds(scored)


def test_the_reach_floor_also_holds_on_the_writers_held_out_one_at_a_time() -> None:
    # The writers held out alone: 100 crisis texts, two of them scored 0.10, beside 300 other
    # texts at 0.105. The further writers, held out as one: 1,000 crisis texts all reached. Pooled,
    # the reach at the cheapest threshold is 1,098 of 1,100, above the floor; for the writers
    # held out alone it is 98 of 100, below it.
    scored = [_scored("crisis", s, n) for n, s in enumerate([0.9] * 98 + [0.10, 0.10])]
    others = [0.105] * 300 + [0.005] * 700
    scored += [_scored("other", s, 100 + n) for n, s in enumerate(others)]
    scored += [_scored("crisis", 0.9, 2000 + n, group=FURTHER_WRITERS) for n in range(1000)]
    by_cost = choose_thresholds(scored)
    assert reach_and_alarms(scored, by_cost[1], crisis=by_cost[0])[0] > MIN_CRISIS_REACH
    alone = floor_texts(scored)
    assert reach_and_alarms(alone, by_cost[1], crisis=by_cost[0])[0] == 0.98

    crisis, review = shipped_thresholds(scored)

    assert review == 0.1
    assert reach_and_alarms(alone, review, crisis=crisis) == (1.0, 0.3)
