"""The few facts about a measure that the signal rules need.

The instrument registry (:mod:`bordin.domain.instruments`) holds the full definitions. The rules
only need the range, the direction, the cut-off, the reliable-change value, which items make up
goals, tasks and bond, and which items are risk items; :class:`ScaleFacts` holds exactly that,
so the rules can be tested with hand-made scales and the registry stays the one source of truth.

Cut-off convention: a score is *in the concern range* when it is at or above the cut-off on a
measure where higher is worse (PHQ-9 >= 10, CORE-10 >= 11) and below it on a measure where higher
is better (ORS < 25, SRS < 36); clinical-facts §2.2 and §4.2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ALLIANCE_DIMENSIONS: tuple[str, ...] = ("goals", "tasks", "bond")

ScaleKind = Literal["outcome", "alliance"]


@dataclass(frozen=True)
class ScaleFacts:
    """Range, direction, cut-off, reliable change, dimensions and risk items of one measure.

    ``item_ids`` are the item link ids in the instrument's order (item_1 is the first).
    ``dimensions`` maps ``goals``/``tasks``/``bond``/``overall`` to the link ids that make it up;
    a dimension's score is the sum of its keyed items, and ``dimension_ranges`` gives its range.
    """

    instrument_id: str
    kind: ScaleKind
    score_min: float
    score_max: float
    higher_is_better: bool
    cutoff: float | None = None
    cutoff_inclusive: bool = True
    reliable_change: float | None = None
    item_ids: tuple[str, ...] = ()
    dimensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    dimension_ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    risk_items: tuple[str, ...] = ()
    item_bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    reverse_items: tuple[str, ...] = ()

    @property
    def span(self) -> float:
        """Width of the score range (40 for a 0-40 scale)."""
        return self.score_max - self.score_min

    @property
    def best(self) -> float:
        """The best possible score: the ceiling of an alliance measure."""
        return self.score_max if self.higher_is_better else self.score_min

    def in_concern_range(self, score: float) -> bool:
        """Whether ``score`` is on the clinical/concern side of the cut-off (False if none).

        Same rule as ``Instrument.on_clinical_side``: higher-is-worse scales ``>=`` (``>`` when
        the cut-off is not inclusive), higher-is-better scales ``<=`` (``<`` when not inclusive).
        """
        if self.cutoff is None:
            return False
        if self.higher_is_better:
            return score <= self.cutoff if self.cutoff_inclusive else score < self.cutoff
        return score >= self.cutoff if self.cutoff_inclusive else score > self.cutoff

    def keyed(self, link_id: str, value: float) -> float:
        """An item value after reverse keying (unchanged for items that are not reversed)."""
        if link_id in self.reverse_items:
            lo, hi = self.item_bounds[link_id]
            return lo + hi - value
        return value

    def goodness(self, score: float) -> float:
        """The score turned so that higher is better (unchanged when it already is)."""
        return score if self.higher_is_better else self.score_min + self.score_max - score


def facts_from_instrument(instrument: Any) -> ScaleFacts:
    """Read :class:`ScaleFacts` off an instrument definition from the registry."""
    items = tuple(instrument.items)
    item_ids = tuple(str(item.link_id) for item in items)
    bounds = {str(item.link_id): (float(item.min_value), float(item.max_value)) for item in items}
    raw_dimensions: Mapping[str, Any] = getattr(instrument, "dimensions", None) or {}
    dimensions: dict[str, tuple[str, ...]] = {}
    ranges: dict[str, tuple[float, float]] = {}
    for name, members in raw_dimensions.items():
        ids = tuple(str(m) for m in members)
        if not ids or any(i not in bounds for i in ids):
            continue
        dimensions[str(name)] = ids
        ranges[str(name)] = (sum(bounds[i][0] for i in ids), sum(bounds[i][1] for i in ids))
    risk: list[str] = []
    for entry in getattr(instrument, "risk_items", ()) or ():
        risk.append(str(getattr(entry, "link_id", entry)))
    if not risk:
        risk = [str(item.link_id) for item in items if getattr(item, "risk", False)]
    cutoff = instrument.cutoff
    reliable_change = instrument.reliable_change
    return ScaleFacts(
        instrument_id=str(instrument.id),
        kind="alliance" if instrument.kind == "alliance" else "outcome",
        score_min=float(instrument.score_min),
        score_max=float(instrument.score_max),
        higher_is_better=instrument.direction == "higher_is_better",
        cutoff=None if cutoff is None else float(cutoff),
        cutoff_inclusive=bool(getattr(instrument, "cutoff_inclusive", True)),
        reliable_change=None if reliable_change is None else float(reliable_change),
        item_ids=item_ids,
        dimensions=dimensions,
        dimension_ranges=ranges,
        risk_items=tuple(risk),
        item_bounds=bounds,
        reverse_items=tuple(str(i.link_id) for i in items if getattr(i, "reverse", False)),
    )


ScaleLookup = Callable[[str], ScaleFacts]

_CACHE: dict[str, tuple[object, ScaleFacts]] = {}


def registry_scale(instrument_id: str) -> ScaleFacts:
    """:class:`ScaleFacts` for a registered instrument (raises ``InstrumentNotFound``).

    Cached per definition: a definition replaced in the registry (a configured cut-off, an
    imported questionnaire) is read afresh.
    """
    from bordin.domain.instruments import get_instrument

    instrument = get_instrument(instrument_id)
    cached = _CACHE.get(instrument_id)
    if cached is None or cached[0] is not instrument:
        cached = (instrument, facts_from_instrument(instrument))
        _CACHE[instrument_id] = cached
    return cached[1]
