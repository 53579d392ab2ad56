"""The words matching compares, made comparable, and said back in plain English.

Practices and files spell things differently: ``Polish`` and ``polish``, ``mon_evening`` and
``Monday evening``, ``in-person`` and ``in_person``. Everything matching compares goes through
one of the functions here first, so that a difference of case, spacing or punctuation never
decides whether a client and a therapist can work together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

IN_PERSON = "in_person"

_NOT_WORD = re.compile(r"[^0-9a-z]+")

_DAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_LONG_DAYS = {
    "monday": "mon",
    "tuesday": "tue",
    "tues": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "thur": "thu",
    "thurs": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
}
_MODE_ALIASES = {
    "inperson": IN_PERSON,
    "face_to_face": IN_PERSON,
    "f2f": IN_PERSON,
    "in_room": IN_PERSON,
    "video": "online",
    "remote": "online",
    "telephone": "phone",
}
_MODE_WORDS = {IN_PERSON: "in person", "online": "online", "phone": "by phone"}
_FUNDING_WORDS = {
    "private": "private payment",
    "self_pay": "private payment",
    "insurer": "health insurance",
    "insurance": "health insurance",
    "charity": "charity-funded places",
}


def token(value: str) -> str:
    """Lower case, with every run of spaces and punctuation made one ``_``: a comparable key."""
    return _NOT_WORD.sub("_", value.strip().casefold()).strip("_")


def language(value: str) -> str:
    """A language, compared without regard to case or spacing (``"Polish "`` is ``polish``)."""
    return token(value)


def mode(value: str) -> str:
    """A way of meeting: ``in_person``, ``online``, ``phone`` (common spellings understood)."""
    key = token(value)
    return _MODE_ALIASES.get(key, key)


def slot(value: str) -> str:
    """A slot name such as ``mon_evening``; ``Monday Evening`` and ``mon-evening`` are the same."""
    key = token(value)
    day, _, rest = key.partition("_")
    day = _LONG_DAYS.get(day, day)
    return f"{day}_{rest}" if rest else day


def tokens(values: Iterable[str]) -> frozenset[str]:
    """A set of comparable keys (``token`` each)."""
    return frozenset(token(v) for v in values if token(v))


def slot_words(key: str) -> str:
    """``mon_evening`` → ``Monday evening``; a name it does not know is shown with spaces."""
    day, _, rest = key.partition("_")
    if day in _DAYS:
        return f"{_DAYS[day]} {rest.replace('_', ' ')}".strip()
    return key.replace("_", " ")


def mode_words(key: str) -> str:
    return _MODE_WORDS.get(key, key.replace("_", " "))


def funding_words(key: str) -> str:
    """``insurer`` → ``health insurance``; other keys as words."""
    return _FUNDING_WORDS.get(key, key.replace("_", " "))


def words(key: str) -> str:
    """A key shown as words (``low_mood`` → ``low mood``)."""
    return key.replace("_", " ")


def listing(keys: Iterable[str], *, limit: int = 4) -> str:
    """``a``, ``a and b``, ``a, b and c``; more than ``limit`` become ``a, b, c, d and 2 more``."""
    items = list(keys)
    if len(items) > limit:
        return f"{', '.join(items[:limit])} and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
