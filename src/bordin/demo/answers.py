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


class ItemTrack:
    """One client's answers to one instrument over an episode.

    The first administration spreads its total over the items by the client's profile; each
    later one starts from the previous scores and adds or removes only the points needed to
    reach the new total (plus, now and then, one point moved between items), so that the same
    symptoms carry from week to week as they do in real data.
    """

    def __init__(self, rng: random.Random, maxima: Sequence[int], profile: Sequence[float]) -> None:
        self._rng = rng
        self._maxima = list(maxima)
        self._profile = list(profile)
        self._scores: list[int] | None = None

    def scores(self, total: int, fixed: dict[int, int] | None = None) -> list[int]:
        """Item scores adding up to ``total``; items in ``fixed`` take exactly the given score
        (this administration only) and the remaining items share the rest."""
        fixed = fixed or {}
        maxima = [0 if i in fixed else top for i, top in enumerate(self._maxima)]
        rest = total - sum(fixed.values())
        if not 0 <= rest <= sum(maxima):
            raise ValueError(f"total {total} does not fit items with maxima {maxima}")
        if self._scores is None:
            scores = spread(self._rng, rest, maxima, self._profile)
        else:
            scores = [min(s, top) for s, top in zip(self._scores, maxima, strict=True)]
            self._shift(scores, maxima, rest - sum(scores))
            if self._rng.random() < 0.3:
                self._move_one(scores, maxima)
        self._scores = list(scores)
        for item, value in fixed.items():
            scores[item] = value
        return scores

    def _shift(self, scores: list[int], maxima: list[int], change: int) -> None:
        while change > 0:
            room = [i for i, top in enumerate(maxima) if scores[i] < top]
            item = self._rng.choices(room, weights=[self._profile[i] for i in room])[0]
            scores[item] += 1
            change -= 1
        while change < 0:
            held = [i for i in range(len(scores)) if scores[i] > 0]
            item = self._rng.choices(held, weights=[1 / self._profile[i] for i in held])[0]
            scores[item] -= 1
            change += 1

    def _move_one(self, scores: list[int], maxima: list[int]) -> None:
        held = [i for i in range(len(scores)) if scores[i] > 0]
        room = [i for i, top in enumerate(maxima) if scores[i] < top]
        if held and room:
            source, target = self._rng.choice(held), self._rng.choice(room)
            if source != target:
                scores[source] -= 1
                scores[target] += 1


def phq9_track(rng: random.Random) -> ItemTrack:
    """PHQ-9: items 1–8 share the total; item 9 is 0 unless a risk endorsement is planted."""
    maxima = [3] * PHQ9_ITEMS
    maxima[PHQ9_RISK_INDEX] = 0
    return ItemTrack(rng, maxima, symptom_profile(rng, PHQ9_ITEMS))


def gad7_track(rng: random.Random) -> ItemTrack:
    return ItemTrack(rng, [3] * GAD7_ITEMS, symptom_profile(rng, GAD7_ITEMS))


def core10_track(rng: random.Random) -> ItemTrack:
    """CORE-10 item *scores*; the risk item (6) is answered 0. Use ``core10_raw`` to store."""
    maxima = [4] * CORE10_ITEMS
    maxima[CORE10_RISK_INDEX] = 0
    return ItemTrack(rng, maxima, symptom_profile(rng, CORE10_ITEMS))


def core10_raw(scores: Sequence[int]) -> tuple[int, ...]:
    """Raw answers from item scores: items 2 and 3 are reverse-keyed (answer = 4 - score)."""
    return tuple(4 - s if i in CORE10_REVERSED else s for i, s in enumerate(scores))


def skip_one(
    rng: random.Random, answers: tuple[int, ...], protected: Sequence[int] = ()
) -> tuple[int | None, ...]:
    """The same answers with one item (never a protected one) left unanswered."""
    candidates = [i for i in range(len(answers)) if i not in protected]
    skipped = rng.choice(candidates)
    return tuple(None if i == skipped else a for i, a in enumerate(answers))
