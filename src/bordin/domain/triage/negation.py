"""Does a negation govern a match, and does it really negate or only hedge?

Clients write "I'm not suicidal", "never felt judged", "didn't feel listened to". A match is
*negated* when a negating word ("not", "no", "never", "without", "hardly"...) comes at most
:data:`WINDOW` words before it in the same clause. Clauses end at punctuation and at words
such as "but", "and", "because".

A negation is only a *hedge* when the next word softens it: "not sure", "don't think",
"not saying", "not that", "not really", "not exactly". "I'm not sure I want to be alive" and
"not that I'm suicidal or anything" are hedges. The classifier treats a hedged crisis or
conduct match as if it were not negated at all: when in doubt it errs towards safety.

"No longer" and a trailing "any more" mark something that has *stopped* ("I'm not suicidal
any more"): that is :data:`RESOLVED`.
"""

from __future__ import annotations

from typing import Literal

from bordin.domain.triage.normalisation import Canonical
from bordin.domain.triage.patterns import FIRST_PERSON, OTHER_PERSON, THIRD_PARTY

Polarity = Literal["as_written", "negated", "hedged", "resolved"]

AS_WRITTEN: Polarity = "as_written"
NEGATED: Polarity = "negated"
HEDGED: Polarity = "hedged"
RESOLVED: Polarity = "resolved"

#: How many words before a match a negating word can be.
WINDOW = 6

NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "nothing",
        "without",
        "nor",
        "neither",
        "none",
        "nobody",
        "hardly",
        "barely",
        "scarcely",
        "zero",
    }
)

#: Words that end the reach of a negation, like punctuation does.
CLAUSE_WORDS = frozenset(
    {
        "but",
        "though",
        "although",
        "however",
        "yet",
        "except",
        "whereas",
        "and",
        "so",
        "because",
        "when",
        "which",
        "then",
        "while",
        "until",
        "since",
        "after",
        "before",
        "also",
        "if",
        "whether",
    }
)

#: Two-word negations: "asked instead of assuming", "listened rather than lectured".
NEGATING_PAIRS = frozenset({("instead", "of"), ("rather", "than")})

#: A negating word followed by one of these is a hedge, not a denial.
HEDGE_WORDS = frozenset(
    {
        "sure",
        "certain",
        "know",
        "think",
        "saying",
        "that",
        "promise",
        "exactly",
        "entirely",
        "completely",
        "totally",
        "quite",
        "really",
        "always",
        "mean",
        "accusing",
        "claiming",
        "convinced",
        "positive",
        "confident",
        "trust",
    }
)

#: Words right before a match that make it a question or a doubt rather than a statement.
DOUBT_WORDS = frozenset({"whether", "if"})


def polarity(canon: Canonical, first: int, last: int) -> Polarity:
    """How the words ``first``..``last`` of ``canon`` are meant (see the module docstring)."""
    words = canon.words
    after = [w.text for w in words[last + 1 : last + 4]]
    resolved_after = after[:2] == ["any", "more"] or (after[:1] == ["anymore"])
    if words[first].text in CLAUSE_WORDS:
        return AS_WRITTEN  # the phrase opens its own clause ("... if I was gone")
    seen = 0
    index = first - 1
    while index >= 0 and seen < WINDOW:
        word = words[index].text
        if words[index].is_mark or word in CLAUSE_WORDS:
            break
        if index > 0 and (words[index - 1].text, word) in NEGATING_PAIRS:
            return NEGATED
        if word in NEGATORS:
            following = words[index + 1].text if index + 1 < len(words) else ""
            if word == "no" and following == "longer":
                return RESOLVED
            # A hedge wins over a trailing "any more": "I'm not sure what we're aiming for any
            # more" is doubt, not something that has stopped.
            if following in HEDGE_WORDS:
                return HEDGED
            # "do not really know" puts one word between the negator and the hedge.
            if (
                following in {"really", "even"}
                and index + 2 < len(words)
                and words[index + 2].text in HEDGE_WORDS
            ):
                return HEDGED
            if resolved_after:
                return RESOLVED
            return NEGATED
        seen += 1
        index -= 1
    return AS_WRITTEN


def is_doubt(canon: Canonical, first: int) -> bool:
    """Whether the match starting at word ``first`` follows "whether"/"if" closely."""
    return any(canon.words[i].text in DOUBT_WORDS for i in range(max(0, first - 3), first))


def nearest_person(canon: Canonical, first: int, reach: int = 4) -> str | None:
    """The nearest person word (pronoun or role) in the few words before ``first``."""
    index = first - 1
    while index >= 0 and first - index <= reach:
        word = canon.words[index]
        if word.is_mark:
            return None
        if word.text in FIRST_PERSON or word.text in OTHER_PERSON or word.text in THIRD_PARTY:
            return word.text
        index -= 1
    return None


#: Words before a warning sign that make it a supposition rather than a statement.
SUPPOSING = frozenset(
    {"whether", "if", "imagine", "imagining", "suppose", "supposing", "hypothetically"}
)

#: Phrases in the same sentence that put a warning sign in the client's past.
PAST_MARKERS: tuple[tuple[str, ...], ...] = (
    ("used", "to"),
    ("years", "ago"),
    ("long", "time", "ago"),
    ("back", "then"),
    ("back", "in"),
    ("in", "the", "past"),
    ("at", "the", "time"),
    ("at", "my", "worst"),
    ("when", "i", "was", "younger"),
    ("when", "i", "was", "a"),
    ("when", "i", "was", "little"),
    ("when", "i", "was", "at"),
    ("as", "a", "teenager"),
    ("as", "a", "kid"),
    ("before", "therapy"),
    ("before", "i", "started"),
)
_SENTENCE_END = frozenset({".", "!", "?", ";"})


def is_supposed(canon: Canonical, first: int) -> bool:
    """Whether a supposition word ("if", "whether", "imagine") comes in the :data:`WINDOW` words
    before word ``first``, in the same clause: "if I ever made a will" is not a will made."""
    for index in range(first - 1, max(-1, first - 1 - WINDOW), -1):
        word = canon.words[index]
        if word.text in SUPPOSING:
            return True
        if word.is_mark or word.text in CLAUSE_WORDS:
            return False
    return False


def is_past(canon: Canonical, first: int, last: int) -> bool:
    """Whether the sentence holding words ``first``..``last`` places them in the past ("I used
    to feel a burden", "years ago I gave my things away"), not a recent or present act."""
    words = canon.words
    start = first
    while start > 0 and words[start - 1].text not in _SENTENCE_END:
        start -= 1
    end = last
    while end + 1 < len(words) and words[end + 1].text not in _SENTENCE_END:
        end += 1
    sentence = [w.text for w in words[start : end + 1]]
    return any(
        tuple(sentence[i : i + len(marker)]) == marker
        for marker in PAST_MARKERS
        for i in range(len(sentence) - len(marker) + 1)
    )
