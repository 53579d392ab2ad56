"""The crisis lines a client page shows for a practice (its own, or the locale's defaults)."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.crisis import CrisisLine, lines_for
from bordin.services.runtime import Runtime
from bordin.storage.tables import PracticeRow


class CrisisSettings(Protocol):
    """What :func:`lines_for_practice` reads of a practice (``PracticeRow`` has all of it)."""

    @property
    def crisis_lines(self) -> list[Any] | None: ...
    @property
    def locale(self) -> str: ...


def lines_for_practice(practice: CrisisSettings | None, rt: Runtime) -> tuple[CrisisLine, ...]:
    """The practice's configured lines, else the defaults for its locale (else the install's)."""
    fallback = rt.settings.crisis_locale
    if practice is None:
        return lines_for(None, fallback, fallback)
    return lines_for(practice.crisis_lines, practice.locale, fallback)


def lines_for_install(db: Session, rt: Runtime) -> tuple[CrisisLine, ...]:
    """For pages shown before we know the practice (sign-in): the first practice's lines."""
    practice = db.scalar(select(PracticeRow).order_by(PracticeRow.id).limit(1))
    return lines_for_practice(practice, rt)
