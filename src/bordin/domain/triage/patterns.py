"""How a triage rule is written.

A :class:`Rule` is a regular expression over the canonical text (see
:mod:`~bordin.domain.triage.normalisation`: lower case, UK spelling, contractions spelt out,
punctuation as separate marks). It belongs to one category and one subcategory, and it says
what a *negated* match means ("I never felt judged" is not a complaint; it is reassurance).

A :class:`Guard` marks a phrase that *looks* like a rule's words but is not what the rule is
about ("my brother's suicide" is bereavement, not the client's own suicidal thoughts; "since
I last self-harmed" is recovery). Matches inside a guard do not count.

The building blocks below keep the patterns short and readable::

    GAP(3)   up to three words in between ("thinking about [really] hurting him")
    ME       "me" or "myself"
    END      the end of a clause (a punctuation mark or the end of the text), looked ahead to
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Category = Literal["crisis", "conduct", "misalignment", "positive", "other"]

#: Precedence, safest first: a text that matches several categories takes the first.
PRECEDENCE: tuple[Category, ...] = ("crisis", "conduct", "misalignment", "positive", "other")

WORD = r"[\w'£$€]+"


#: Words a gap may not skip over: a negation inside a phrase changes what it means.
_GAP_STOP = r"(?!(?:not|no|never|nothing|without|but|and|because|so) )"


def GAP(n: int) -> str:
    """Up to ``n`` words followed by a space: never a punctuation mark, a negating word or
    a clause word ("but", "and"), so "would never hurt her" does not match "would ... hurt her".
    """
    return rf"(?:{_GAP_STOP}{WORD} ){{0,{n}}}"


def any_of(*words: str) -> str:
    """A non-capturing group of alternatives."""
    return "(?:" + "|".join(words) + ")"


ME = any_of("me", "myself")
END = r"(?= ?(?:[.!?,;:]|$))"

#: Words that say who did something, for rules about the therapist's own actions. Only
#: subjects count: in "he told me to keep it quiet" the actor is "he", not "me". "We" is not
#: the client alone ("she asked if we could meet for a drink"), so it does not excuse a match.
FIRST_PERSON = frozenset({"i"})
OTHER_PERSON = frozenset(
    {"he", "she", "they", "you", "therapist", "counsellor", "psychologist", "psychotherapist"}
)
#: People in the client's life: "my husband fell asleep" is not the therapist asleep at work.
THIRD_PARTY = frozenset(
    {
        "son",
        "daughter",
        "baby",
        "kids",
        "child",
        "children",
        "husband",
        "wife",
        "partner",
        "boyfriend",
        "girlfriend",
        "mum",
        "dad",
        "mother",
        "father",
        "brother",
        "sister",
        "friend",
        "friends",
        "boss",
        "colleague",
        "manager",
        "flatmate",
        "ex",
        "parents",
        "family",
        "neighbour",
    }
)


@dataclass(frozen=True)
class Rule:
    """One family member: a pattern, what it means, and what it means when negated.

    ``when_negated`` is the (category, subcategory) a negated match counts as, or ``None``
    when a negated match simply does not count. ``negatable=False`` makes a rule ignore
    negation (used where the negation is part of the phrase). ``not_by_client=True`` drops a
    match whose nearest preceding person is the client ("I fell asleep" is not the therapist
    asleep at work). ``example`` is a sentence the rule must fire on; it is tested and shown
    in the docs.
    """

    id: str
    category: Category
    subcategory: str
    pattern: str
    example: str
    when_negated: tuple[Category, str] | None = None
    negatable: bool = True
    not_by_client: bool = False
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = re.compile(rf"(?<![\w'])(?:{self.pattern})(?![\w'])")
        object.__setattr__(self, "compiled", compiled)


@dataclass(frozen=True)
class Guard:
    """A phrase inside which matches of the named categories do not count.

    ``counts_as`` optionally says what the guarded phrase itself is evidence of (recovery
    from self-harm is a positive sign).
    """

    id: str
    categories: tuple[Category, ...]
    pattern: str
    reason: str
    example: str
    counts_as: tuple[Category, str] | None = None
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = re.compile(rf"(?<![\w'])(?:{self.pattern})(?![\w'])")
        object.__setattr__(self, "compiled", compiled)


def rules(
    category: Category,
    subcategory: str,
    *entries: tuple[str, str, str],
    when_negated: tuple[Category, str] | None = None,
    negatable: bool = True,
    not_by_client: bool = False,
) -> tuple[Rule, ...]:
    """Many rules of one subcategory: each entry is ``(id, pattern, example)``."""
    return tuple(
        Rule(
            id=rule_id,
            category=category,
            subcategory=subcategory,
            pattern=pattern,
            example=example,
            when_negated=when_negated,
            negatable=negatable,
            not_by_client=not_by_client,
        )
        for rule_id, pattern, example in entries
    )
