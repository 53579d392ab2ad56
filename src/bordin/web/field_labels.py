"""Refused input as a person reads it: each problem under the label of the field it is about.

Services name fields by their form keys (``consent_to_store``, ``start_date``); pages name them
by the words on the form. Each page passes the labels it has; a key it has no label for is
still put into words (``consent_to_store`` → "Consent to store", ``therapist_id`` →
"Therapist"), so a raw key never reaches a page. Places in an imported file (``$.item``) are
left as they are: they point into the file, and the page says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bordin.domain.errors import FieldError


def in_words(field: str) -> str:
    """A form key as words, for a field no page gave a label."""
    if field.startswith("$"):
        return field
    words = field.removesuffix("_id").replace("_", " ").replace(".", ", ").strip()
    return words[:1].upper() + words[1:] if words else "This form"


def labelled(
    errors: Iterable[FieldError], labels: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """Each problem as ``{"field", "label", "message"}``: the page's label for the field, else
    the field's key in words."""
    known = labels or {}
    return [
        {"field": e.field, "label": known.get(e.field) or in_words(e.field), "message": e.message}
        for e in errors
    ]
