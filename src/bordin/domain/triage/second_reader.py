"""A second reader beside the light model: its probabilities averaged in at every level.

The light model (:mod:`~bordin.domain.triage.model`) reads the whole text, each sentence and
each two neighbouring sentences. A second reader (the opt-in fine-tuned transformer of ADR 0017,
:mod:`bordin.analytics.triage_transformer`) reads the same pieces of text as plain strings and
gives each piece a probability per class. :func:`blended` averages the two readings piece by
piece, the second reader's at its :attr:`SecondReader.share`, and the decision
(:mod:`~bordin.domain.triage.combination`) is then made as always, at the thresholds chosen for
the blend on writers neither reader had read.

This module only says what is read and how the readings are joined; how the second reader
works is its own business (and needs a model runtime this package does not import).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Protocol

from bordin.domain.triage.model import Scores, Sentence, sentences
from bordin.domain.triage.normalisation import Canonical
from bordin.domain.triage.patterns import PRECEDENCE, Category

Probabilities = Mapping[Category, float]


class SecondReader(Protocol):
    """What the decision needs of a second reader."""

    @property
    def version(self) -> str: ...

    @property
    def share(self) -> float:
        """The weight of this reader's probabilities in the average (the light model's is the
        rest)."""
        ...

    @property
    def crisis_threshold(self) -> float: ...

    @property
    def review_threshold(self) -> float: ...

    def probabilities(self, pieces: Sequence[str]) -> Sequence[Probabilities]:
        """One probability per class for each piece of text, in order."""
        ...


def pieces(canon: Canonical) -> list[str]:
    """What a second reader reads of one text, in the order :func:`blended` expects: the whole
    text, then each sentence (texts of two sentences or more), then each two neighbouring
    sentences (texts of three or more), as the client wrote them."""
    parts = sentences(canon)
    found = [canon.original]
    if len(parts) > 1:
        found += [_span(canon, part, part) for part in parts]
    if len(parts) > 2:
        found += [_span(canon, a, b) for a, b in pairwise(parts)]
    return found


def _span(canon: Canonical, first: Sentence, last: Sentence) -> str:
    return canon.original[first.start : last.end]


def blended(scores: Scores, readings: Sequence[Probabilities], share: float) -> Scores:
    """The light model's ``scores`` averaged with a second reader's ``readings`` of
    :func:`pieces`, the second reader's at ``share``.

    A text of one sentence is read once: that sentence's reading is the whole text's.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be between 0 and 1, not {share}")
    count = len(scores.sentences)
    expected = 1 + (count if count > 1 else 0) + (count - 1 if count > 2 else 0)
    if len(readings) != expected:
        raise ValueError(f"{len(readings)} readings for {expected} pieces of text")
    whole = readings[0]
    each = readings[1 : 1 + count] if count > 1 else [whole] * count
    neighbours = readings[1 + count :] if count > 2 else []

    def mix(light: Probabilities, other: Probabilities) -> dict[Category, float]:
        return {c: (1.0 - share) * light[c] + share * other[c] for c in PRECEDENCE}

    return Scores(
        mix(scores.text, whole),
        tuple(
            (part, mix(light, other))
            for (part, light), other in zip(scores.sentences, each, strict=True)
        ),
        tuple(
            mix(light, other) for light, other in zip(scores.neighbours, neighbours, strict=True)
        ),
    )
