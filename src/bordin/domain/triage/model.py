"""The learned part of the triage: a linear model over word and character n-grams, in pure Python.

The model is fitted with scikit-learn by :mod:`bordin.analytics.triage_model` (``make
triage-model``) and exported to ``data/triage_model.json``: for each of two feature blocks
(words and character n-grams) the sorted vocabulary, its inverse document frequencies and one
logistic-regression coefficient per class, then one intercept per class. Inference here repeats
scikit-learn's arithmetic exactly (sublinear term frequency times idf, each block scaled to unit
length, a dot product, the softmax), so a web worker needs neither scikit-learn nor numpy; a test
checks the probabilities against scikit-learn's to within 1e-9.

Features are built from the canonical words of :mod:`~bordin.domain.triage.normalisation`
(spelling and contractions already repaired), one sentence at a time: word n-grams never cross a
sentence, so a text's counts are the sum of its sentences' counts and every sentence can be scored
on its own as well ("a cheerful frame cannot hide one sentence").
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import chain, compress, pairwise, repeat
from operator import gt
from typing import Any, NamedTuple

from bordin.domain.triage.normalisation import Canonical, canonical
from bordin.domain.triage.patterns import PRECEDENCE, Category

ARTIFACT = "data/triage_model.json"
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
#: Marks that end a sentence (a new line ends one too).
SENTENCE_MARKS = frozenset({".", "!", "?", ";"})
_CLASSES = len(PRECEDENCE)


@dataclass(frozen=True)
class Sentence:
    """One sentence: its canonical words (marks dropped) and its span in the original text."""

    words: tuple[str, ...]
    start: int
    end: int


def sentences(canon: Canonical) -> tuple[Sentence, ...]:
    """Split a canonical text into sentences at ``. ! ? ;`` and at line breaks."""
    found: list[Sentence] = []
    current: list[str] = []
    start = end = 0
    previous_end = 0
    for word in canon.words:
        breaks = "\n" in canon.original[previous_end : word.start]
        previous_end = word.end
        if current and breaks:
            found.append(Sentence(tuple(current), start, end))
            current = []
        if word.text in SENTENCE_MARKS:
            if current:
                found.append(Sentence(tuple(current), start, end))
                current = []
            continue
        if word.is_mark:
            continue
        if not current:
            start = word.start
        current.append(word.text)
        end = word.end
    if current:
        found.append(Sentence(tuple(current), start, end))
    return tuple(found)


def word_features(words: Sequence[str]) -> list[str]:
    """Word unigrams and bigrams of one sentence."""
    grams = list(words)
    grams.extend(f"{a} {b}" for a, b in pairwise(words))
    return grams


def char_features(words: Sequence[str]) -> list[str]:
    """Character 2- to 5-grams inside each word padded with a space either side."""
    grams: list[str] = []
    for word in words:
        grams.extend(_word_grams(word))
    return grams


@lru_cache(maxsize=65_536)
def _word_grams(word: str) -> tuple[str, ...]:
    low, high = CHAR_NGRAMS
    padded = f" {word} "
    size = len(padded)
    return tuple(
        padded[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)
    )


def text_words(text: str) -> list[list[str]]:
    """The canonical words of ``text``, sentence by sentence (used to train the model)."""
    return [list(s.words) for s in sentences(canonical(text))]


def analyse_words(text: str) -> list[str]:
    """Every word feature of ``text``: the scikit-learn analyser for the word block."""
    return [g for words in text_words(text) for g in word_features(words)]


def analyse_chars(text: str) -> list[str]:
    """Every character feature of ``text``: the scikit-learn analyser for the character block."""
    return [g for words in text_words(text) for g in char_features(words)]


#: How many words' character parts a block keeps (see :meth:`Block.word_part`); about half a
#: KiB each, so at most about 8 MiB.
WORD_PARTS = 16_384


class WordPart(NamedTuple):
    """One word's share of the character block: its n-grams and their rows summed."""

    grams: tuple[str, ...]
    sums: tuple[float, ...]


@dataclass(frozen=True)
class Block:
    """One feature block: for each term, idf times each class's coefficient, then idf squared.

    One dictionary look-up per term gives all six numbers; ``zip(*...)`` turns a text's terms
    into six columns and ``sum`` adds each column of floats in C, so a text's dot products and
    its squared length cost no Python loop over its terms.
    """

    name: str
    weights: dict[str, tuple[float, ...]] = field(repr=False)
    _parts: dict[str, WordPart] = field(default_factory=dict, init=False, repr=False, compare=False)

    def word_part(self, word: str) -> WordPart:
        """A word's character n-grams (repeats kept) and the sum of their rows, kept per word.

        For the character block (:data:`CHAR_NGRAMS`); the block's only state that changes.

        Character n-grams never cross a word, so a sentence's linear sums are its words' sums
        added up: words repeat far more than sentences do, and each is worked out once.
        """
        part = self._parts.get(word)
        if part is None:
            if len(self._parts) >= WORD_PARTS:
                self._parts.clear()
            grams = _word_grams(word)
            part = WordPart(grams, tuple(_linear_sums(self, grams)))
            self._parts[word] = part
        return part


@dataclass(frozen=True)
class Model:
    """A fitted linear triage model and the thresholds chosen for it."""

    version: str
    classes: tuple[Category, ...]
    intercept: tuple[float, ...]
    words: Block
    chars: Block
    crisis_threshold: float
    review_threshold: float
    sha256: str

    def probabilities(
        self, word_counts: Counter[str], char_counts: Counter[str]
    ) -> dict[Category, float]:
        """The probability of each class for one bag of features (a text or a sentence)."""
        logits = list(self.intercept)
        for block, counts in ((self.words, word_counts), (self.chars, char_counts)):
            _add_block(block, counts, logits)
        return self._softmax(logits)

    def sentence_probabilities(
        self, sentence_words: Sequence[Sequence[str]]
    ) -> tuple[
        dict[Category, float], tuple[dict[Category, float], ...], tuple[dict[Category, float], ...]
    ]:
        """The probabilities of the whole text, of each sentence and of each two neighbouring
        sentences read together (only for texts of three sentences or more: in a shorter text,
        two neighbours are the whole text), from their words.

        The same numbers as :meth:`probabilities` on each bag, but each feature is looked up
        once: a sentence's sums are taken over its features as they come (repeats included,
        as if tf were the count; the character block's a word at a time, see
        :meth:`Block.word_part`), then the few repeated terms are corrected to
        ``1 + log(count)``; the sums of two neighbours and of the whole text are the
        sentences' sums added up, corrected for the terms they repeat. A text of one sentence
        is scored once.
        """
        words = [word_features(each) for each in sentence_words]
        parts = [[self.chars.word_part(word) for word in each] for each in sentence_words]
        chars = [list(chain.from_iterable(part.grams for part in each)) for each in parts]
        word_sums = [_linear_sums(self.words, grams) for grams in words]
        char_sums = [_added([part.sums for part in each]) for each in parts]

        def read(start: int, stop: int) -> dict[Category, float]:
            """Sentences ``start`` to ``stop`` (not included) read together as one bag."""
            return self._from_sums(
                _sublinear(
                    self.words, Counter(chain(*words[start:stop])), _added(word_sums[start:stop])
                ),
                _sublinear(
                    self.chars, Counter(chain(*chars[start:stop])), _added(char_sums[start:stop])
                ),
            )

        count = len(sentence_words)
        whole = read(0, count)
        if count == 1:
            return whole, (whole,), ()
        each = tuple(read(i, i + 1) for i in range(count))
        neighbours = tuple(read(i, i + 2) for i in range(count - 1)) if count > 2 else ()
        return whole, each, neighbours

    def _from_sums(self, *blocks: list[float]) -> dict[Category, float]:
        logits = list(self.intercept)
        for sums in blocks:
            length = sums[_CLASSES]
            if length > 0.0:
                norm = math.sqrt(length)
                for k in range(_CLASSES):
                    logits[k] += sums[k] / norm
        return self._softmax(logits)

    def _softmax(self, logits: list[float]) -> dict[Category, float]:
        top = max(logits)
        exps = [math.exp(value - top) for value in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}


_ZERO = (0.0,) * (_CLASSES + 1)


def _linear_sums(block: Block, grams: Sequence[str]) -> list[float]:
    """Each class's weight and idf squared summed over ``grams``, a repeated gram each time."""
    if not grams:
        return list(_ZERO)
    rows = map(block.weights.get, grams, repeat(_ZERO))
    return [sum(column) for column in zip(*rows, strict=True)]


def _added(parts: Sequence[Sequence[float]]) -> list[float]:
    if not parts:
        return list(_ZERO)
    return [sum(column) for column in zip(*parts, strict=True)]


def _shifts(count: int) -> tuple[float, float]:
    """How much the linear sums over-count a term seen ``count`` times.

    Its weights were added ``count`` times instead of tf = 1 + log(count) times, and its idf
    squared ``count`` times instead of tf squared times.
    """
    tf = 1.0 + math.log(count)
    return count - tf, count - tf * tf


#: :func:`_shifts` of the small counts, worked out once.
_SHIFTS = tuple(_shifts(count) if count else (0.0, 0.0) for count in range(64))


def _sublinear(block: Block, counts: Counter[str], linear: list[float]) -> list[float]:
    """Linear sums corrected for repeated terms: tf = 1 + log(count), not count.

    Written out for the five classes (the artifact is checked to have them): this loop runs
    for every repeated term of every sentence, and indexing a list in a loop costs more.
    """
    s0, s1, s2, s3, s4, square = linear
    weights = block.weights
    for term in compress(counts.keys(), map(gt, counts.values(), repeat(1))):
        row = weights.get(term)
        if row is not None:
            count = counts[term]
            shift, shift_squared = _SHIFTS[count] if count < len(_SHIFTS) else _shifts(count)
            s0 -= shift * row[0]
            s1 -= shift * row[1]
            s2 -= shift * row[2]
            s3 -= shift * row[3]
            s4 -= shift * row[4]
            square -= shift_squared * row[5]
    return [s0, s1, s2, s3, s4, square]


def _add_block(block: Block, counts: Counter[str], logits: list[float]) -> None:
    """Add one block's share to ``logits``: sublinear tf times idf, unit length, dot product."""
    weights = block.weights
    known = counts.keys() & weights.keys()
    if not known:
        return
    sums = [sum(column) for column in zip(*map(weights.__getitem__, known), strict=True)]
    # Terms seen more than once (found in C, without a Python loop over every term) weigh
    # tf = 1 + log(count), not 1.
    for term in compress(counts.keys(), map(gt, counts.values(), repeat(1))):
        row = weights.get(term)
        if row is not None:
            tf = 1.0 + math.log(counts[term])
            extra = tf - 1.0
            for k in range(_CLASSES):
                sums[k] += extra * row[k]
            sums[_CLASSES] += (tf * tf - 1.0) * row[_CLASSES]
    norm = math.sqrt(sums[_CLASSES])
    if norm > 0.0:
        for k in range(_CLASSES):
            logits[k] += sums[k] / norm


@dataclass(frozen=True)
class Scores:
    """The model's reading of one text: the whole text, each sentence, and each two
    neighbouring sentences read together (texts of three sentences or more)."""

    text: dict[Category, float]
    sentences: tuple[tuple[Sentence, dict[Category, float]], ...]
    neighbours: tuple[dict[Category, float], ...] = ()

    @property
    def crisis(self) -> float:
        """The highest crisis probability, of the whole text or any one sentence: what the
        crisis threshold is compared with, so that a cheerful frame cannot hide one sentence."""
        return max([self.text["crisis"], *(p["crisis"] for _, p in self.sentences)])

    @property
    def review(self) -> float:
        """What the lower, risk-review threshold is compared with: the mean of the crisis
        score (the whole text or any one sentence) and the highest crisis probability of the
        whole text or of any two neighbouring sentences read together.

        Far below the crisis threshold, one short sentence read alone is a noisy witness
        ("he didn't hit her" after a story about a child's calmer week); read with its
        neighbour it keeps the context that says what it means, and is still not diluted by a
        long cheerful frame. Half of the score still comes from the sentence alone, so one
        worrying sentence beside a calm one still counts. Measured on writers the model never
        read, this reaches more crisis texts and sends fewer other texts for review than the
        crisis score did (docs/triage.md).
        """
        together = max([self.text["crisis"], *(p["crisis"] for p in self.neighbours)])
        return (self.crisis + together) / 2

    def driving_sentence(self, category: Category) -> Sentence | None:
        """The sentence most likely to be ``category`` (None for a one-sentence text)."""
        if len(self.sentences) < 2:
            return None
        return max(self.sentences, key=lambda item: item[1][category])[0]


def score(model: Model, canon: Canonical) -> Scores:
    """Score a canonical text, each of its sentences when it has more than one, and each two
    neighbouring sentences when it has more than two."""
    parts = sentences(canon)
    whole, each, neighbours = model.sentence_probabilities([s.words for s in parts])
    return Scores(whole, tuple(zip(parts, each, strict=True)), neighbours)


def model_from_json(text: str) -> Model:
    """Read a model artifact (see the module docstring)."""
    import hashlib

    data: dict[str, Any] = json.loads(text)
    classes = tuple(data["classes"])
    if classes != PRECEDENCE:
        raise ValueError(f"model classes {classes} are not {PRECEDENCE}")
    return Model(
        version=str(data["version"]),
        classes=PRECEDENCE,
        intercept=tuple(float(v) for v in data["intercept"]),
        words=_block("words", data["blocks"]["words"]),
        chars=_block("chars", data["blocks"]["chars"]),
        crisis_threshold=float(data["thresholds"]["crisis"]),
        review_threshold=float(data["thresholds"]["review"]),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def _block(name: str, data: dict[str, Any]) -> Block:
    terms: Iterable[str] = data["terms"]
    weights: dict[str, tuple[float, ...]] = {}
    for term, idf, coef in zip(terms, data["idf"], data["coef"], strict=True):
        if len(coef) != _CLASSES:
            raise ValueError(f"term {term!r} has {len(coef)} coefficients, not {_CLASSES}")
        weights[term] = (*(idf * value for value in coef), idf * idf)
    return Block(name, weights)


def artifact_text() -> str:
    """The shipped model artifact, as text."""
    source = resources.files("bordin.domain.triage").joinpath(ARTIFACT)
    return source.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    """The model shipped with Bordin, read once per process."""
    return model_from_json(artifact_text())
