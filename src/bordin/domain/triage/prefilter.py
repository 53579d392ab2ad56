"""Which rules can match a text, found in one scan of it, before any rule is run.

Most rules cannot match a given text, and running a rule's regular expression only to find
nothing is most of the rules' cost. But a pattern says which literal strings every match of it
contains: ``(?:a |an )?burden`` never matches without "burden"; ``cut|cutting`` never without
"cut" or "cutting"; ``(?:i am|i feel) trapped`` never without "trapped" *and* one of "i am" or
"i feel". :func:`required_literals` reads these *needs* from the pattern as the standard
library's own parser parses it, and only from what certainly holds (a literal run, a group that
must occur, every alternative of a choice); a pattern it cannot read simply has no needs.

A :class:`Prefilter` scans a text once for every literal that is the first need of some rule:
one regular expression of all of them, written as a trie so that each position tries one
branch per next character. A rule runs only if every one of its needs has a literal in the
text; a rule that does not run could not have matched, so the hits are exactly those of running
every rule (a test runs both ways on every labelled text).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:  # the same modules, typed; at run time without the deprecated names
    import sre_constants as _constants
    import sre_parse as _parser
else:
    from re import _constants, _parser

#: A pattern's needs: each set holds literals of which at least one is in every match.
Needs = tuple[frozenset[str], ...]

_REPEATS = frozenset({_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT})


def required_literals(pattern: str) -> Needs:
    """The literal strings any match of ``pattern`` must contain, the most telling set first.

    A single character is in nearly every text, so a need of one is left out.

    >>> [sorted(need) for need in required_literals(r"(?:i am|i feel) (?:so )?trapped")]
    [['trapped'], ['i '], ['am', 'feel']]
    >>> required_literals(r"\\w+ \\w+")
    ()
    """
    parsed = _parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return ()
    needs = {need for need in _sequence(parsed.data) if min(map(len, need)) > 1}
    return tuple(sorted(needs, key=_telling, reverse=True))


def _telling(need: frozenset[str]) -> tuple[int, int, tuple[str, ...]]:
    """Longer literals are rarer, and fewer of them are quicker to look for."""
    return (min(map(len, need)), -len(need), tuple(sorted(need)))


def _sequence(items: Iterable[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Every need of a sequence of parsed items (each item's own, and each run of literals)."""
    needs: list[frozenset[str]] = []
    run: list[str] = []
    for op, value in items:
        if op is _constants.LITERAL:
            run.append(chr(value))
            continue
        if run:
            needs.append(frozenset({"".join(run)}))
            run = []
        needs.extend(_item(op, value))
    if run:
        needs.append(frozenset({"".join(run)}))
    return needs


def _item(op: Any, value: Any) -> list[frozenset[str]]:
    """The needs of one parsed item that is not a literal; none for what cannot be read."""
    if op is _constants.SUBPATTERN:
        _group, add_flags, _del_flags, inner = value
        return [] if add_flags & re.IGNORECASE else _sequence(inner)
    if op is _constants.ATOMIC_GROUP:
        return _sequence(value)
    if op in _REPEATS:
        least, _most, inner = value
        return _sequence(inner) if least >= 1 else []
    if op is _constants.BRANCH:
        choices = [_sequence(alternative) for alternative in value[1]]
        if all(choices):
            return [frozenset().union(*(max(c, key=_telling) for c in choices))]
    return []


class _Patterned(Protocol):
    @property
    def pattern(self) -> str: ...


T = TypeVar("T", bound=_Patterned)


@dataclass(frozen=True)
class Prefilter(Generic[T]):
    """Which of ``items`` (rules or guards, in order) can match a text (see the module)."""

    items: tuple[T, ...]
    #: Finds, at each position of a text, the longest first-need literal that starts there.
    scan: re.Pattern[str]
    #: For each literal the scan can find, the items whose first need it meets: it, or a
    #: shorter literal it begins with (the scan reports only the longest at a position).
    items_for: dict[str, tuple[int, ...]]
    #: For each item, the needs after the first; checked only for the items the scan found.
    further: tuple[Needs, ...]
    #: Items with no need at all: always run.
    always: tuple[int, ...]

    @classmethod
    def of(cls, items: Sequence[T]) -> Prefilter[T]:
        needs = [required_literals(item.pattern) for item in items]
        by_literal: defaultdict[str, list[int]] = defaultdict(list)
        for index, need in enumerate(needs):
            for literal in need[0] if need else ():
                by_literal[literal].append(index)
        items_for = {
            found: tuple(
                sorted(
                    {i for end in range(1, len(found) + 1) for i in by_literal.get(found[:end], ())}
                )
            )
            for found in by_literal
        }
        return cls(
            items=tuple(items),
            scan=re.compile(f"(?=({_trie(by_literal)}))"),
            items_for=items_for,
            further=tuple(need[1:] for need in needs),
            always=tuple(i for i, need in enumerate(needs) if not need),
        )

    def candidates(self, text: str) -> list[T]:
        """The items that may match ``text``, in order; the others certainly do not."""
        found = set(self.always)
        for literal in set(self.scan.findall(text)):
            found.update(self.items_for[literal])
        return [
            self.items[i]
            for i in sorted(found)
            if all(any(literal in text for literal in need) for need in self.further[i])
        ]


def _trie(literals: Iterable[str]) -> str:
    """One pattern matching the longest of ``literals`` that starts at a position.

    >>> _trie(["cut", "cutting", "cue"])
    'cu(?:e|t(?:ting)?)'
    """
    root: dict[str, Any] = {}
    for literal in literals:
        node = root
        for char in literal:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(root)


def _branches(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
