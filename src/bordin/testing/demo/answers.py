"""Item-level answers that add up to a planned total.

Scoring facts used here (clinical-facts §5): PHQ-9 has 9 items scored 0–3, item 9 the risk
item; GAD-7 has 7 items scored 0–3; CORE-10 has 10 items answered 0–4, items 2 and 3 are
reverse-keyed (a raw answer ``a`` scores ``4 - a``) and item 6 is the risk item. Answers are
stored raw, in item order; only the *scores* add up to the planned total.

Each client gets a symptom profile (a weight per item), so the same items tend to carry their
distress from one session to the next.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

PHQ9_ITEMS = 9
PHQ9_RISK_INDEX = 8  # item 9
GAD7_ITEMS = 7
CORE10_ITEMS = 10
CORE10_REVERSED = (1, 2)  # items 2 and 3
CORE10_RISK_INDEX = 5  # item 6
SAC_ITEM_COUNT = 4


def symptom_profile(rng: random.Random, n_items: int) -> tuple[float, ...]:
    """How strongly each item tends to be endorsed by this client (relative weights)."""
    return tuple(rng.uniform(0.4, 1.6) for _ in range(n_items))


def spread(
    rng: random.Random, total: int, maxima: Sequence[int], weights: Sequence[float]
) -> list[int]:
    """Item scores between 0 and each maximum that add up to ``total`` exactly."""
    if not 0 <= total <= sum(maxima):
        raise ValueError(f"total {total} does not fit items with maxima {list(maxima)}")
    scores = [0] * len(maxima)
    for _ in range(total):
        open_items = [i for i, top in enumerate(maxima) if scores[i] < top]
        item = rng.choices(open_items, weights=[weights[i] for i in open_items])[0]
        scores[item] += 1
    return scores


def phq9_answers(
    rng: random.Random, total: int, profile: Sequence[float], item9: int = 0
) -> tuple[int, ...]:
    """PHQ-9 answers adding up to ``total``; item 9 is exactly ``item9``."""
    maxima = [3] * PHQ9_ITEMS
    maxima[PHQ9_RISK_INDEX] = 0
    scores = spread(rng, total - item9, maxima, profile)
    scores[PHQ9_RISK_INDEX] = item9
    return tuple(scores)


def gad7_answers(rng: random.Random, total: int, profile: Sequence[float]) -> tuple[int, ...]:
    return tuple(spread(rng, total, [3] * GAD7_ITEMS, profile))


def core10_answers(rng: random.Random, total: int, profile: Sequence[float]) -> tuple[int, ...]:
    """Raw CORE-10 answers whose *score* is ``total``; the risk item (6) is answered 0."""
    maxima = [4] * CORE10_ITEMS
    maxima[CORE10_RISK_INDEX] = 0
    scores = spread(rng, total, maxima, profile)
    return tuple(4 - s if i in CORE10_REVERSED else s for i, s in enumerate(scores))


def core10_score(answers: Sequence[int | None]) -> int:
    """Sum of item scores with items 2 and 3 reversed (skipped items count as 0)."""
    return sum(
        (4 - a if i in CORE10_REVERSED else a) for i, a in enumerate(answers) if a is not None
    )


def skip_one(
    rng: random.Random, answers: tuple[int, ...], protected: Sequence[int] = ()
) -> tuple[int | None, ...]:
    """The same answers with one item (never a protected one) left unanswered."""
    candidates = [i for i in range(len(answers)) if i not in protected]
    skipped = rng.choice(candidates)
    return tuple(None if i == skipped else a for i, a in enumerate(answers))
