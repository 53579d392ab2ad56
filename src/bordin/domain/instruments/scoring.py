"""Scoring one administration of an instrument by its published rules.

``score(instrument, answers)`` takes the answers in item order (``None`` for a missing item) or
as a mapping from link id to value, checks every answer, and returns a :class:`Score`:

1. Each answer must be a number on the item's scale (whole numbers unless the item is a visual
   analogue line measured to 0.1). Anything else is refused.
2. Reverse-keyed items are turned round (``max + min - value``).
3. The total is the sum of the scored items. If items are missing, the instrument's missing-item
   rule applies: either no score (a required item is missing, or more than ``max_missing``), or,
   where the instrument allows it, a prorated total (``sum × scored items ÷ answered items``).
4. Subscales (alliance dimensions) are formed the same way from their own items.
5. Flags: the band the total falls in, whether it is on the clinical side of the cut-off, and
   which risk items were endorsed (answered above their lowest value).

Every problem with the answers is collected and raised together as ``InvalidResponses``, one
``FieldError`` per problem, naming the item. Totals are rounded to 2 decimals (they only have
decimals when prorated or measured to 0.1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bordin.domain.errors import FieldError, InvalidResponses
from bordin.domain.instruments.base import Instrument, Item

Answer = int | float | None

#: Totals and subscales are rounded to this many decimals.
DECIMALS = 2


@dataclass(frozen=True)
class Score:
    """The result of scoring one administration.

    ``total`` is the instrument's headline score (for the CORE-10, the clinical score).
    ``raw_total`` is the plain sum of the answered scored items (after reverse keying).
    ``cutoff_exceeded`` means the total is on the clinical/concern side of the cut-off: at or
    above it for scales where higher is worse (PHQ-9, GAD-7, CORE-10), *below* it for scales
    where higher is better (SRS, ORS). It is ``False`` when the instrument has no cut-off.
    ``risk_items`` lists the endorsed risk items' link ids. ``item_values`` holds the validated
    answers (as given, before reverse keying) keyed by link id in item order.
    """

    instrument_id: str
    instrument_version: str
    total: float
    raw_total: float
    subscales: dict[str, float]
    band: str | None
    cutoff_exceeded: bool
    risk_items: tuple[str, ...]
    prorated: bool
    answered: int
    missing: tuple[str, ...]
    item_values: dict[str, int | float | None]

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready summary (the shape the CLI prints)."""
        return {
            "instrument": self.instrument_id,
            "total": self.total,
            "subscales": dict(self.subscales),
            "band": self.band,
            "cutoff_exceeded": self.cutoff_exceeded,
            "risk_items": list(self.risk_items),
            "prorated": self.prorated,
        }


def score(instrument: Instrument, answers: Sequence[Answer] | Mapping[str, Answer]) -> Score:
    """Score ``answers`` to ``instrument``; raise ``InvalidResponses`` listing every problem."""
    values, errors = _collect(instrument, answers)
    errors.extend(_check_values(instrument, values))
    if errors:
        raise InvalidResponses(errors)
    errors.extend(_check_missing(instrument, values))
    if errors:
        raise InvalidResponses(errors)

    total, raw_total, prorated, answered = _combine(instrument, instrument.scored_items, values)
    subscales: dict[str, float] = {}
    for dimension, link_ids in instrument.dimensions.items():
        items = tuple(instrument.item(link_id) for link_id in link_ids)
        sub_total, _, _, sub_answered = _combine(instrument, items, values)
        if sub_answered:
            subscales[dimension] = sub_total
    missing = tuple(
        item.link_id for item in instrument.scored_items if values[item.link_id] is None
    )
    endorsed = tuple(
        item.link_id
        for item in instrument.items
        if item.risk and (v := values[item.link_id]) is not None and v > item.min_value
    )
    return Score(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        total=total,
        raw_total=raw_total,
        subscales=subscales,
        band=instrument.band_for(total),
        cutoff_exceeded=instrument.on_clinical_side(total),
        risk_items=endorsed,
        prorated=prorated,
        answered=answered,
        missing=missing,
        item_values=values,
    )


def validate_answers(
    instrument: Instrument, answers: Sequence[Answer] | Mapping[str, Answer]
) -> list[FieldError]:
    """Every problem ``score`` would refuse, without raising (empty list: scorable)."""
    try:
        score(instrument, answers)
    except InvalidResponses as refused:
        return list(refused.errors)
    return []


def _collect(
    instrument: Instrument, answers: Sequence[Answer] | Mapping[str, Answer]
) -> tuple[dict[str, Answer], list[FieldError]]:
    """Turn either answer shape into a dict by link id (in item order), noting shape errors."""
    errors: list[FieldError] = []
    values: dict[str, Answer] = {item.link_id: None for item in instrument.items}
    if isinstance(answers, Mapping):
        for key, value in answers.items():
            if key not in values:
                known = ", ".join(instrument.link_ids)
                errors.append(
                    FieldError(str(key), f"{instrument.id} has no item {key!r} (items: {known})")
                )
            else:
                values[key] = value
        return values, errors
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        errors.append(FieldError("answers", "give the answers as a list in item order"))
        return values, errors
    allowed = _allowed_lengths(instrument)
    if len(answers) not in allowed:
        counts = " or ".join(str(n) for n in sorted(allowed))
        errors.append(
            FieldError(
                "answers",
                f"{instrument.id} takes {counts} values in item order, got {len(answers)}",
            )
        )
        return values, errors
    for item, value in zip(instrument.items, answers, strict=False):
        values[item.link_id] = value
    return values, errors


def _allowed_lengths(instrument: Instrument) -> set[int]:
    """A list may leave off trailing items that are neither scored nor required."""
    lengths = {len(instrument.items)}
    n = len(instrument.items)
    while n > 0 and not instrument.items[n - 1].scored and not instrument.items[n - 1].required:
        n -= 1
        lengths.add(n)
    return lengths


def _check_values(instrument: Instrument, values: Mapping[str, Answer]) -> list[FieldError]:
    errors = []
    for item in instrument.items:
        problem = _value_problem(item, values[item.link_id])
        if problem:
            errors.append(FieldError(item.link_id, problem))
    return errors


def _value_problem(item: Item, value: object) -> str | None:
    if value is None:
        return None
    where = f"item {item.number}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{where}: {value!r} is not a number"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{where}: {value!r} is not a number"
    if value < item.min_value or value > item.max_value:
        scale = f"{_fmt(item.min_value)} to {_fmt(item.max_value)}"
        return f"{where}: {_fmt(value)} is out of range (answers run from {scale})"
    if item.whole_numbers and not float(value).is_integer():
        return f"{where}: {_fmt(value)} must be a whole number"
    if not item.whole_numbers and not item.options:
        steps = (value - item.min_value) / item.step
        if abs(steps - round(steps)) > 1e-6:
            return (
                f"{where}: {_fmt(value)} is finer than the scale's resolution ({_fmt(item.step)})"
            )
    if item.options and item.option_for(value) is None:
        allowed = ", ".join(_fmt(o.value) for o in item.options)
        return f"{where}: {_fmt(value)} is not one of the answers ({allowed})"
    return None


def _check_missing(instrument: Instrument, values: Mapping[str, Answer]) -> list[FieldError]:
    errors = []
    for item in instrument.items:
        if _must_answer(instrument, item) and values[item.link_id] is None:
            errors.append(FieldError(item.link_id, f"item {item.number} is required"))
    if errors:
        return errors
    scored = instrument.scored_items
    missing = [item for item in scored if values[item.link_id] is None]
    limit = instrument.max_missing if instrument.prorate else 0
    if len(missing) > limit:
        numbers = ", ".join(str(item.number) for item in missing)
        rule = (
            f"at most {limit} may be missing for a score"
            if limit
            else "no scored item may be missing"
        )
        errors.append(
            FieldError(
                "answers",
                f"{len(missing)} of {len(scored)} scored items are missing (items {numbers}); "
                f"{rule}",
            )
        )
    return errors


def _must_answer(instrument: Instrument, item: Item) -> bool:
    """Required, unless it is a scored item of an instrument that prorates (the limit rules)."""
    return item.required and not (item.scored and instrument.prorate)


def _combine(
    instrument: Instrument, items: Sequence[Item], values: Mapping[str, Answer]
) -> tuple[float, float, bool, int]:
    """(total, raw total, prorated?, answered) for ``items``, summed in item order."""
    raw = 0.0
    answered = 0
    for item in items:
        value = values[item.link_id]
        if value is not None and item.scored:
            raw = raw + float(item.keyed(value))
            answered += 1
    n = sum(1 for item in items if item.scored)
    prorated = answered < n
    total = raw * n / answered if (prorated and answered) else raw
    return _round(total), _round(raw), prorated and answered > 0, answered


def _round(value: float) -> float:
    """Round half to even at ``DECIMALS`` places, the same operations NumPy's ``round`` does."""
    scale = 10.0**DECIMALS
    return round(value * scale) / scale + 0.0  # + 0.0 turns -0.0 into 0.0


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
