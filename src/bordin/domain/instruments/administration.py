"""An administration: one person answering one instrument once.

It records who answered (a pseudonymous id, never a name), for which session, when, the answers
by link id, and the score. Free-text answers (such as the Session Alliance Check's "anything
that didn't land today?") are kept apart from the scored answers because they are sensitive and
are encrypted at rest by the storage layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bordin.domain.errors import FieldError, InvalidInput
from bordin.domain.instruments.base import Instrument
from bordin.domain.instruments.scoring import Answer, Score, score


@dataclass(frozen=True)
class Administration:
    """One completed administration of an instrument (ids and time are passed in)."""

    id: str
    instrument_id: str
    instrument_version: str
    respondent_id: str
    completed_at: datetime
    answers: Mapping[str, Answer]
    score: Score
    session_id: str | None = None
    free_text: Mapping[str, str] = field(default_factory=dict)


def administer(
    instrument: Instrument,
    answers: Mapping[str, Answer],
    *,
    administration_id: str,
    respondent_id: str,
    completed_at: datetime,
    session_id: str | None = None,
    free_text: Mapping[str, str] | None = None,
) -> Administration:
    """Score ``answers`` and wrap them as an administration; refuses naive datetimes."""
    errors = []
    if completed_at.tzinfo is None:
        errors.append(FieldError("completed_at", "needs a time zone"))
    prompts = {prompt.link_id: prompt for prompt in instrument.free_text}
    texts = dict(free_text or {})
    for link_id, text in texts.items():
        prompt = prompts.get(link_id)
        if prompt is None:
            errors.append(
                FieldError(link_id, f"{instrument.id} has no free-text question {link_id!r}")
            )
        elif len(text) > prompt.max_length:
            errors.append(FieldError(link_id, f"at most {prompt.max_length} characters"))
    if errors:
        raise InvalidInput(errors)
    result = score(instrument, answers)
    return Administration(
        id=administration_id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        respondent_id=respondent_id,
        completed_at=completed_at,
        answers=dict(result.item_values),
        score=result,
        session_id=session_id,
        free_text={k: v for k, v in texts.items() if v.strip()},
    )
