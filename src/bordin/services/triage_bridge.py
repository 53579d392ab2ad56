"""The feedback loop's view of the triage of free text (``bordin.domain.triage``).

The triage itself is a pure, explainable domain module. This bridge turns its answer into the
few plain facts the feedback loop routes on: the class, the severity, the phrases that
triggered it, (for misalignment) the repair prompts for the therapist, and whether the text is
flagged for a same-day risk review by the clinical lead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bordin.domain.triage.model import Model
    from bordin.domain.triage.second_reader import SecondReader

CATEGORIES = ("crisis", "conduct", "misalignment", "positive", "other")


@dataclass(frozen=True)
class Verdict:
    """What the triage made of one text."""

    category: str
    severity: str
    evidence: tuple[str, ...] = ()
    repair_prompts: tuple[str, ...] = ()
    client_message: str = ""
    also_detected: tuple[str, ...] = ()
    shows_crisis_help: bool = False
    risk_review: bool = False
    #: e.g. ``cultural`` for cultural misattunement (``domain/triage``); ``None`` if none.
    subcategory: str | None = None

    @property
    def crisis(self) -> bool:
        return self.category == "crisis"

    @property
    def conduct(self) -> bool:
        """A possible conduct concern, alone or alongside a crisis."""
        return self.category == "conduct" or "conduct" in self.also_detected


NOTHING = Verdict(category="other", severity="routine")


def classify(
    text: str | None, *, model: Model | None = None, reader: SecondReader | None = None
) -> Verdict:
    """Triage ``text`` (with a practice model, else the shipped one, and the second reader
    if the practice turned one on); empty is ``other``."""
    if not text or not text.strip():
        return NOTHING
    from bordin.domain.triage import triage  # imported on use: the web app starts without it

    result = triage(text, model=model, reader=reader)
    return Verdict(
        category=str(result.category),
        severity=str(result.severity),
        evidence=_phrases(result.evidence),
        repair_prompts=tuple(str(p) for p in (result.repair_prompts or ())),
        client_message=str(result.client_message or ""),
        also_detected=tuple(str(c) for c in result.also_detected),
        shows_crisis_help=bool(result.shows_crisis_help),
        risk_review=bool(result.risk_review),
        subcategory=str(result.subcategory) if result.subcategory else None,
    )


def _phrases(evidence: Iterable[object]) -> tuple[str, ...]:
    """Evidence as plain phrases, whether the triage gives strings or small records."""
    phrases: list[str] = []
    for item in evidence or ():
        if isinstance(item, str):
            phrases.append(item)
        else:
            phrase = getattr(item, "phrase", None) or getattr(item, "text", None) or str(item)
            phrases.append(str(phrase))
    return tuple(dict.fromkeys(phrases))
