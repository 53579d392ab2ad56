"""Which second reader, if any, reads clients' free text beside the light model in this process.

Set by ``BORDIN_TRIAGE_READER`` (``light`` or ``transformer``; see
:mod:`bordin.analytics.triage_transformer`). The reader is loaded once per process;
:func:`second_reader` raises :class:`~bordin.analytics.triage_transformer.ReaderUnavailable`,
whose message says what to do, when the transformer is asked for and cannot be used, so that
the web app refuses to start rather than triage with less than the practice chose. Once
started, a client's words are never refused for want of a reader: :func:`reader_for_triage`
falls back to the light model (the rules still a floor) and logs why, without the words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bordin.analytics.triage_transformer import TransformerReader
    from bordin.settings import Settings

log = logging.getLogger(__name__)


def second_reader(settings: Settings) -> TransformerReader | None:
    """The transformer reader when the settings ask for it, else None (the light model alone)."""
    if settings.triage_reader != "transformer":
        return None
    from bordin.analytics.triage_transformer import cached
    from bordin.domain.triage.model import shipped_model

    return cached(settings.triage_transformer_folder.resolve(), shipped_model().version)


def reader_for_triage(settings: Settings) -> TransformerReader | None:
    """:func:`second_reader` for triaging a client's words: a reader that cannot be used
    (checked at start, so this means it went missing since) gives the light model alone."""
    from bordin.analytics.triage_transformer import ReaderUnavailable

    try:
        return second_reader(settings)
    except ReaderUnavailable as error:
        log.error("triage transformer unavailable, reading with the light model: %s", error)
        return None


@dataclass(frozen=True)
class Reading:
    """What the triage page says about how free text is read."""

    transformer: bool
    #: The transformer was turned on but cannot be used (it went missing since Bordin started).
    unavailable: bool = False
    #: With the transformer: its held-out figures recorded when it was built (shares of 1).
    crisis_reach: float | None = None
    false_alarms: float | None = None


def reading(settings: Settings) -> Reading:
    """How this process reads free text, for the clinical lead's triage page."""
    reader = reader_for_triage(settings)
    if reader is None:
        return Reading(transformer=False, unavailable=settings.triage_reader == "transformer")
    figures = reader.held_out.get("with_transformer", {})
    reach, alarms = figures.get("crisis_reach"), figures.get("false_alarms")
    return Reading(
        transformer=True,
        crisis_reach=float(reach) if isinstance(reach, int | float) else None,
        false_alarms=float(alarms) if isinstance(alarms, int | float) else None,
    )
