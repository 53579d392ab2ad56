"""Turning a client's text into canonical words while remembering where each came from.

The rules in :mod:`bordin.domain.triage.lexicon` are regular expressions over a *canonical*
form of the text: lower case, one space between words, contractions spelt out, UK spelling,
common typos repaired, and sentence punctuation kept as separate marks (``.``, ``,``, ``!``...)
so that a rule cannot run across a sentence. Each canonical word remembers the span of the
original text it came from, so the evidence shown to staff is always the client's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bordin.domain.triage.spelling import expand

# A word: letters or digits, with apostrophes inside ("don't", "husband's"); or one mark.
_TOKEN = re.compile(r"[^\W_]+(?:['’‘`][^\W_]+)*|[.!?;:,]|(?<!\S)[-–—](?!\S)|[–—]")

#: Marks that end a clause: a rule never matches across one.
CLAUSE_MARKS = frozenset({".", "!", "?", ";", ":", ",", "-", "–", "—"})


class Word(NamedTuple):
    """One canonical word (or mark) and the span ``start:end`` of the original text.

    A named tuple rather than a frozen dataclass: one is made for every word of every text,
    and a tuple is quicker to make.
    """

    text: str
    start: int
    end: int
    offset: int  # where this word starts in :attr:`Canonical.text`

    @property
    def is_mark(self) -> bool:
        return self.text in CLAUSE_MARKS


@dataclass(frozen=True)
class Canonical:
    """A text in canonical form: ``text`` is the words joined by single spaces."""

    original: str
    words: tuple[Word, ...]
    text: str

    def word_index_at(self, offset: int) -> int:
        """The index of the word that covers ``offset`` in :attr:`text`."""
        low, high = 0, len(self.words) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.words[middle].offset <= offset:
                low = middle
            else:
                high = middle - 1
        return low

    def word_range(self, start: int, end: int) -> tuple[int, int]:
        """The first and last word indexes that the canonical span ``start:end`` covers."""
        return self.word_index_at(start), self.word_index_at(max(start, end - 1))

    def original_span(self, first: int, last: int) -> tuple[int, int]:
        """The span of the original text behind words ``first``..``last``."""
        return self.words[first].start, self.words[last].end

    def phrase(self, first: int, last: int) -> str:
        """The client's own words behind canonical words ``first``..``last``."""
        start, end = self.original_span(first, last)
        return self.original[start:end]


def canonical(text: str) -> Canonical:
    """Canonicalise ``text`` (see the module docstring).

    >>> canonical("I didn’t feel listend to!").text
    'i did not feel listened to !'
    """
    words: list[Word] = []
    offset = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        for piece in _pieces(match.group()):
            words.append(Word(piece, start, end, offset))
            offset += len(piece) + 1
    joined = " ".join(word.text for word in words)
    return Canonical(original=text, words=tuple(words), text=joined)


@lru_cache(maxsize=16_384)
def _pieces(token: str) -> tuple[str, ...]:
    """The canonical words for one token as typed (kept per token: tokens repeat a lot)."""
    raw = token.lower()
    for apostrophe in "’‘`":
        raw = raw.replace(apostrophe, "'")
    return (raw,) if raw in CLAUSE_MARKS else tuple(expand(raw))
