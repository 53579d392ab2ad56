"""The one set of error types Bordin raises on purpose.

Every layer raises these; ``web/errors.py`` turns them into pages, htmx partials or JSON, and
``cli/app.py`` into one line and an exit code. Nothing here imports anything but the stdlib.

    BordinError
    ├── NotFound                 the thing does not exist *for this user* (outsiders get 404 too)
    │   └── InstrumentNotFound
    ├── InvalidInput             bad input; carries one FieldError per problem; nothing was changed
    │   ├── InvalidResponses     answers to an instrument that cannot be scored
    │   └── InvalidImport        a file (FHIR, CSV) that cannot be read; says what and where
    ├── LinkUnavailable          a feedback link that was used, expired or never existed
    ├── Conflict                 the request clashes with the current state (e.g. duplicate user)
    └── RateLimited              too many attempts; try again later
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: ``field`` names it the way the user sees it."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class BordinError(Exception):
    """Base class: every error Bordin raises deliberately."""


class NotFound(BordinError):
    """Missing, or not visible to the person asking (we never say which)."""


class InstrumentNotFound(NotFound):
    def __init__(self, instrument_id: str) -> None:
        super().__init__(f"unknown instrument {instrument_id!r}")
        self.instrument_id = instrument_id


class InvalidInput(BordinError):
    """Input that was refused. ``errors`` lists each field and what was wrong with it."""

    def __init__(
        self, errors: list[FieldError] | FieldError | str, *, field: str = "input"
    ) -> None:
        if isinstance(errors, str):
            errors = [FieldError(field, errors)]
        elif isinstance(errors, FieldError):
            errors = [errors]
        self.errors: list[FieldError] = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


class InvalidResponses(InvalidInput):
    """Answers to an instrument that cannot be scored."""


class InvalidImport(InvalidInput):
    """A file that cannot be imported; the field names the place in the file."""


class LinkUnavailable(BordinError):
    """A feedback or sign-in link that is used, expired or unknown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Conflict(BordinError):
    """The request clashes with what is already stored."""


class RateLimited(BordinError):
    """Too many attempts in a short time."""
