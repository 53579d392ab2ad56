"""The shapes of what routes accept, checked once at the edge before any route runs.

* :data:`RecordId` for every id in a path and :data:`QueryRecordId` for ids in a query: a
  positive integer our databases can hold. Anything else is answered 404, like an id that
  does not exist (``web/errors.py``), never a database error.
* :data:`FreeText`, :data:`NameField`, :data:`EmailField`, :data:`UsernameField`,
  :data:`ChoiceField` and :data:`PasswordField` for form fields: bounded in length; names,
  addresses and choices are also put on one line (``domain.text.clean_line``).

Every form's text was already cleaned on the way in (``web/form_cleaning.py``); services clean
and check again. This is where bad input stops first.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path, Query
from pydantic import AfterValidator

from bordin.domain.errors import FieldError
from bordin.domain.text import (
    MAX_EMAIL,
    MAX_FREE_TEXT,
    MAX_NAME,
    MAX_PASSWORD,
    MAX_RECORD_ID,
    MAX_USERNAME,
    clean_line,
)

RecordId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID, description="A record id.")]
QueryRecordId = Annotated[int | None, Query(ge=1, le=MAX_RECORD_ID, description="A record id.")]

FreeText = Annotated[str, Form(max_length=MAX_FREE_TEXT)]
NameField = Annotated[str, Form(max_length=MAX_NAME), AfterValidator(clean_line)]
EmailField = Annotated[str, Form(max_length=MAX_EMAIL), AfterValidator(clean_line)]
UsernameField = Annotated[str, Form(max_length=MAX_USERNAME), AfterValidator(clean_line)]
#: A choice from a list (a role, a status, an id picked in a select): short, one line.
ChoiceField = Annotated[str, Form(max_length=MAX_NAME), AfterValidator(clean_line)]
PasswordField = Annotated[str, Form(max_length=MAX_PASSWORD)]


def whole_number(field: str, value: str, errors: list[FieldError], message: str) -> int | None:
    """A query's whole number from 1 (None when left empty); anything else adds ``message``
    for ``field`` to ``errors``."""
    if not value.strip():
        return None
    if not value.strip().isdigit() or int(value) < 1:
        errors.append(FieldError(field, message))
        return None
    return int(value)
