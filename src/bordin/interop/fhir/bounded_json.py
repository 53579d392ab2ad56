"""JSON from outside, parsed within bounds a FHIR Questionnaire never needs to exceed.

A file nested hundreds of levels deep, or holding a number with thousands of digits (or
``NaN``, ``Infinity``), is not a questionnaire: it would overflow Python's recursion limit or a
float further in. Such a file is refused here with one ``FieldError`` that says what is wrong,
before anything walks it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from bordin.domain.errors import FieldError, InvalidImport

#: Deepest nesting of arrays and objects accepted. A Questionnaire spends about four levels per
#: group of items, so this leaves room for groups nested ten deep and more.
MAX_DEPTH = 64
#: Largest magnitude of a number accepted (scores and weights are small; ids are strings).
MAX_NUMBER = 10**15

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


class _Refused(ValueError):
    pass


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > len(str(MAX_NUMBER)):
        raise _Refused(f"a number too large to use ({text[:12]}…)")
    value = int(text)
    if abs(value) > MAX_NUMBER:
        raise _Refused(f"a number too large to use ({text})")
    return value


def _decimal(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise _Refused(f"a number too large to use ({text[:24]})")
    return value


def _constant(text: str) -> float:
    raise _Refused(f"{text}, which is not a number JSON allows")


def _depth(text: str) -> int:
    deepest = depth = 0
    for bracket in _BRACKETS.finditer(_STRING.sub('""', text)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def load_bounded_json(data: bytes | str, name: str = "", *, field: str = "$") -> Any:
    """Parse ``data`` or raise ``InvalidImport`` saying why not, as a problem with ``field``.

    ``name`` (the file's name) starts each message; leave it out when ``field`` names the file.
    """

    def problem(message: str) -> InvalidImport:
        return InvalidImport([FieldError(field, f"{name} {message}".strip())])

    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise problem("is not UTF-8 text") from None
    if _depth(text) > MAX_DEPTH:
        raise problem(f"nests more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text, parse_int=_integer, parse_float=_decimal, parse_constant=_constant)
    except _Refused as refused:
        raise problem(f"holds {refused}") from None
    except (ValueError, RecursionError) as error:
        where = ""
        if isinstance(error, json.JSONDecodeError):
            where = f" (line {error.lineno}, column {error.colno})"
        raise problem(f"is not valid JSON{where}") from None
