"""What text and record ids Bordin accepts at its edges (web forms, URLs, the CLI).

People's words are kept, whatever they type or paste; what no page can show and no database
can store is dropped before anything else sees it:

* NUL and the other C0 and C1 control characters, except the newline and the tab
  (PostgreSQL refuses a NUL in text, so a crisis message with one would otherwise be lost);
* halves of surrogate pairs, which are not characters at all;
* carriage returns become newlines, and the text is put in Unicode NFC, so that the same words
  typed on two keyboards compare, triage and search the same.

:func:`clean_text` is for free text (several lines); :func:`clean_line` for names, usernames and
email addresses (one line, runs of spaces closed up). Record ids are positive integers that fit
the smallest id column we run on (PostgreSQL's ``integer``): :func:`parse_record_id`.

Pure Python: no framework, no I/O.
"""

from __future__ import annotations

import re
import unicodedata

from bordin.domain.errors import FieldError

#: The largest record id any database we support can hold (PostgreSQL ``integer``).
MAX_RECORD_ID = 2**31 - 1

#: Bounds at the edge: longer input is refused before it reaches a service.
MAX_NAME = 200
MAX_EMAIL = 254
MAX_USERNAME = 80
MAX_PASSWORD = 1_000
#: Free text (feedback, concerns, notes): far above what a service accepts, so that a service
#: can say kindly how long is too long; this only keeps absurd input away.
MAX_FREE_TEXT = 100_000

_DROPPED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"  # controls except \t \n \r; surrogates
)
_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Free text as Bordin stores it: controls dropped, newlines normalised, NFC.

    >>> clean_text("I want to kill\\x00 myself")
    'I want to kill myself'
    >>> clean_text("line one\\r\\nline two\\r")
    'line one\\nline two\\n'
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _DROPPED.sub("", text))


def clean_line(value: str) -> str:
    """A name, username or address: :func:`clean_text` on one line, trimmed, single-spaced."""
    return _SPACES.sub(" ", clean_text(value)).strip()


def name_problems(field: str, name: str) -> list[FieldError]:
    """What is wrong with a (cleaned) name: missing, or longer than :data:`MAX_NAME`."""
    if not name:
        return [FieldError(field, "is required")]
    if len(name) > MAX_NAME:
        return [FieldError(field, f"is too long (up to {MAX_NAME} characters)")]
    return []


def parse_count(value: str) -> int | None:
    """A whole number typed in a form (a capacity, "every N sessions"), or ``None``.

    Only the digits 0-9, at most nine of them: "²" or ten thousand nines are not a count.
    """
    digits = value.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
        return None
    return int(digits)


def parse_record_id(value: str | int | None) -> int | None:
    """A record id from a form or the command line, or ``None`` if it cannot be one."""
    if isinstance(value, int):
        number = value
    else:
        digits = (value or "").strip()
        if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_RECORD_ID)):
            return None
        number = int(digits)
    return number if 1 <= number <= MAX_RECORD_ID else None


#: Where a sentence ends: ., ! or ? (with any closing quote or bracket), then a space.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")


def shorten_at_sentence(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at the end of a sentence, never inside one.

    Whole sentences are kept while they fit; if even the first sentence is longer than
    ``limit``, the whole first sentence is kept (a sentence cut in half can change its meaning:
    "I do not want to hurt myself" is not "I do not want to").
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    fitting = [end for end in ends if end <= limit]
    if fitting:
        return text[: fitting[-1]]
    return text[: ends[0]] if ends else text


def excerpt(text: str, limit: int) -> str:
    """A short excerpt of ``text`` for a list, never cut inside a word, "…" where it was cut.

    Whole sentences are kept while they fit. If the first sentence alone is longer than
    ``limit``, it is cut at the last space that leaves at most ``limit`` characters (with the
    ellipsis); a single word longer than ``limit`` is kept whole. The full text is always one
    link away, so an excerpt only has to say what the text is about.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    fitting = [end for end in ends if end <= limit - 2]
    if fitting:
        return text[: fitting[-1]] + " …"
    space = text.rfind(" ", 0, limit)
    if space <= 0:
        space = text.find(" ")
        if space < 0:
            return text
    return text[:space].rstrip(" ,;:-–—") + "…"
