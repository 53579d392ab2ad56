"""The vocabulary of a measure: what an instrument *is*, as plain data.

An **instrument** (a questionnaire such as the PHQ-9 or the Session Rating Scale) is described by
an :class:`Instrument`: its items in order, the values each item may take, which items are
reverse-keyed or flag risk, how a total is formed, what to do when items are missing, its
severity bands, clinical cut-off and reliable-change threshold, and where each of those figures
comes from (:class:`Evidence`). Nothing here scores anything; see ``scoring.py``.

No item wording of a licensed instrument appears in any definition. ``Item.text`` and
``Option.label`` stay ``None`` until a practice imports the wording (for example from a FHIR
Questionnaire it holds a licence for); the only built-in wording is that of Bordin's own Session
Alliance Check.

Words used below:

- *link id*: the stable name of an item inside an instrument (``"q9"``, ``"goals"``). Answers are
  keyed by it.
- *scored item*: an item that counts towards the total (the PHQ-9 difficulty question does not).
- *keyed value*: the value after reverse keying (``max + min - value`` for a reverse-keyed item).
- *cut-off side*: the clinical (or "concern") side of the cut-off. For a scale where higher is
  worse it is ``score >= cutoff``; where higher is better it is ``score < cutoff``.
  ``cutoff_inclusive`` says whether the cut-off value itself is on that side.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

#: ``cultural``: a client-rated check of the therapist's cultural responsiveness (neither an
#: outcome nor the alliance; signals treat it on its own, see ``domain/responsiveness.py``).
Kind = Literal["outcome", "alliance", "cultural"]
Direction = Literal["higher_is_better", "higher_is_worse"]
Grade = Literal["V", "S", "M", "design"]

#: What each evidence grade means; the grades follow ``clinical-facts.md``.
GRADE_MEANING: Mapping[str, str] = MappingProxyType(
    {
        "V": "confirmed in a source read for this project",
        "S": "secondary source only; check before relying on it",
        "M": "not confirmed in any source found; configurable, verify before relying on it",
        "design": "Bordin's own choice (no published value exists)",
    }
)

LOINC = "http://loinc.org"


@dataclass(frozen=True)
class Option:
    """One permitted answer of an item: its numeric ``value`` and, where known, its code.

    ``label`` is the answer's wording; it is ``None`` for built-in licensed instruments until a
    practice imports it.
    """

    value: int | float
    code: str | None = None
    system: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class ItemSource:
    """Where an item sits in an imported FHIR Questionnaire (used when exporting answers).

    ``parents`` are the link ids of the enclosing groups, outermost first.
    """

    link_id: str
    parents: tuple[str, ...] = ()
    code: str | None = None
    system: str | None = None


@dataclass(frozen=True)
class Item:
    """One rated item.

    ``step`` is the resolution of an answer: 1 for whole numbers, 0.1 for a visual analogue line
    measured to the millimetre (SRS, ORS). ``required`` items must be answered for a score,
    except that when the instrument prorates, its scored items may be missing up to its
    ``max_missing`` whatever this flag says.

    ``topic`` is a short label in Bordin's own words ("sleep", "thoughts of self-harm") that
    staff pages show when the practice has not imported the item's wording. It is never the
    questionnaire's wording, which the practice imports where the licence allows.
    """

    link_id: str
    number: int
    min_value: int | float
    max_value: int | float
    code: str | None = None
    code_system: str | None = None
    options: tuple[Option, ...] = ()
    step: int | float = 1
    text: str | None = None
    prefix: str | None = None
    anchors: tuple[str, str] | None = None
    scored: bool = True
    reverse: bool = False
    risk: bool = False
    required: bool = True
    dimension: str | None = None
    source: ItemSource | None = None
    topic: str | None = None

    @property
    def whole_numbers(self) -> bool:
        """True when answers must be whole numbers."""
        return float(self.step).is_integer()

    def keyed(self, value: float) -> float:
        """The value that counts towards the score (reverse-keyed where the item is)."""
        if self.reverse:
            return self.max_value + self.min_value - value
        return value

    def option_for(self, value: float) -> Option | None:
        """The option with this value, if the item lists its options."""
        for option in self.options:
            if math.isclose(option.value, value):
                return option
        return None


@dataclass(frozen=True)
class FreeTextPrompt:
    """An optional free-text question that is stored with an administration but never scored."""

    link_id: str
    text: str
    required: bool = False
    max_length: int = 2000


@dataclass(frozen=True)
class Band:
    """A severity band: scores from ``lower`` (inclusive) up to the next band's lower bound.

    ``upper`` is the highest whole-number score in the band, shown in the docs; a prorated score
    that falls between two bands (say 9.5 on the PHQ-9) belongs to the lower band.
    """

    label: str
    lower: float
    upper: float


@dataclass(frozen=True)
class Norms:
    """Means and SDs of a clinical and a non-clinical (general population) sample."""

    clinical_mean: float
    clinical_sd: float
    normal_mean: float
    normal_sd: float
    source: str


@dataclass(frozen=True)
class Evidence:
    """Where one figure of a definition comes from, and how sure we are of it."""

    parameter: str
    value: str
    grade: Grade
    source: str


@dataclass(frozen=True)
class Licence:
    """What the instrument's owner allows, and whether Bordin ships its wording."""

    name: str
    summary: str
    wording_shipped: bool
    url: str | None = None


@dataclass(frozen=True)
class QuestionnaireSource:
    """The FHIR Questionnaire a practice imported for this instrument, if any."""

    url: str | None
    version: str | None
    title: str | None
    language: str | None = None
    copyright: str | None = None
    total_link_id: str | None = None
    total_parents: tuple[str, ...] = ()
    total_code: str | None = None
    total_type: str | None = None


@dataclass(frozen=True)
class Instrument:
    """A complete definition of one measure, as data.

    ``total`` is the sum of the keyed values of the scored items. When items are missing and
    ``prorate`` is true (and no more than ``max_missing`` are missing), the total is prorated:
    ``sum of answered items × number of scored items ÷ number answered``. For the CORE-10 this is
    exactly the published clinical score, ``10 × total ÷ items answered``.

    ``dimensions`` maps alliance dimensions (``goals``, ``tasks``, ``bond`` and, where the
    instrument has one, ``overall``) to the link ids of their items; it is empty for outcome
    measures. ``subscales`` in a score are formed from ``dimensions`` in the same way as the total.

    ``reliable_change`` is the number of points of change that counts as reliable. Where only the
    SD and reliability are known, it is computed with the Jacobson & Truax (1991) formula (see
    ``change.py``); ``sd`` and ``reliability`` are kept either way so the docs can show both.
    """

    id: str
    version: str
    title: str
    short_title: str
    kind: Kind
    items: tuple[Item, ...]
    direction: Direction
    score_min: float
    score_max: float
    description: str = ""
    caution: str = ""
    dimensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prorate: bool = False
    max_missing: int = 0
    bands: tuple[Band, ...] = ()
    cutoff: float | None = None
    cutoff_inclusive: bool = True
    reliable_change: float | None = None
    sd: float | None = None
    reliability: float | None = None
    norms: Norms | None = None
    code: str | None = None
    code_system: str | None = None
    total_code: str | None = None
    alternative_codes: tuple[str, ...] = ()
    #: Lower-case letters and digits only; an imported file whose title, name, id or URL
    #: (lower-cased, with everything else removed) contains one of them is this instrument.
    title_patterns: tuple[str, ...] = ()
    free_text: tuple[FreeTextPrompt, ...] = ()
    licence: Licence | None = None
    citation: str = ""
    evidence: tuple[Evidence, ...] = ()
    notes: tuple[str, ...] = ()
    score_label: str = "total"
    questionnaire: QuestionnaireSource | None = None
    origin: Literal["built-in", "imported", "plugin"] = "built-in"

    def __hash__(self) -> int:
        # ``dimensions`` is a mapping, so the generated hash would fail; id and version identify
        # a definition well enough for caches and sets.
        return hash((self.id, self.version))

    @property
    def risk_items(self) -> tuple[str, ...]:
        """Link ids of the items whose endorsement (any answer above the lowest) flags risk."""
        return tuple(item.link_id for item in self.items if item.risk)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    @property
    def link_ids(self) -> tuple[str, ...]:
        return tuple(item.link_id for item in self.items)

    def item(self, link_id: str) -> Item:
        """The item with this link id (``KeyError`` if there is none)."""
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)

    def band_for(self, total: float) -> str | None:
        """The label of the band this total falls in, or ``None`` if there are no bands."""
        label: str | None = None
        for band in sorted(self.bands, key=lambda b: b.lower):
            if total >= band.lower:
                label = band.label
        return label

    def on_clinical_side(self, score: float, threshold: float | None = None) -> bool:
        """True when ``score`` is on the clinical/concern side of ``threshold`` (default: cut-off).

        Higher-is-worse scales: ``score >= threshold`` (``>`` if the cut-off is not inclusive).
        Higher-is-better scales: ``score < threshold`` (``<=`` if the cut-off is inclusive).
        """
        limit = self.cutoff if threshold is None else threshold
        if limit is None:
            return False
        if self.direction == "higher_is_worse":
            return score >= limit if self.cutoff_inclusive else score > limit
        return score <= limit if self.cutoff_inclusive else score < limit

    @property
    def has_wording(self) -> bool:
        return any(item.text for item in self.items)
