"""Score many administrations of one instrument at once, with NumPy.

For recomputing a whole practice (say, after a practice changes a configurable cut-off), the
answers come as an ``(administrations × items)`` float array in item order, with ``NaN`` for a
missing answer. :func:`score_bulk` applies exactly the rules of
``bordin.domain.instruments.score`` (and is tested to agree with it value for value):

- any answer off the item's scale raises ``InvalidResponses`` naming the rows and items;
- a row that cannot be scored (a required item missing, or too many missing) gets ``NaN`` as its
  total and ``scorable = False`` instead of an error, so one bad row does not stop a recompute;
- otherwise the total is the sum of keyed values, prorated where the instrument allows it,
  rounded to 2 decimals; bands are left to the caller (``Instrument.band_for``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bordin.domain.errors import FieldError, InvalidResponses
from bordin.domain.instruments.base import Instrument, Item
from bordin.domain.instruments.scoring import DECIMALS

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: At most this many problems are listed when a whole array is refused.
MAX_LISTED_ERRORS = 20


@dataclass(frozen=True)
class BulkScores:
    """Scores of many administrations; each array has one entry per row of the input."""

    instrument_id: str
    totals: FloatArray
    scorable: BoolArray
    prorated: BoolArray
    cutoff_exceeded: BoolArray
    risk_endorsed: BoolArray
    subscales: dict[str, FloatArray]


def score_bulk(instrument: Instrument, answers: npt.ArrayLike) -> BulkScores:
    """Score each row of ``answers`` (NaN = missing) by ``instrument``'s rules."""
    values = np.asarray(answers, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(instrument.items):
        raise InvalidResponses(
            f"expected an array of shape (n, {len(instrument.items)}), got {values.shape}",
            field="answers",
        )
    _check_ranges(instrument, values)
    missing = np.isnan(values)

    scorable = np.ones(values.shape[0], dtype=bool)
    for column, item in enumerate(instrument.items):
        if item.required and not (item.scored and instrument.prorate):
            scorable &= ~missing[:, column]
    scored_columns = [c for c, item in enumerate(instrument.items) if item.scored]
    n_missing = missing[:, scored_columns].sum(axis=1)
    limit = instrument.max_missing if instrument.prorate else 0
    scorable &= n_missing <= limit

    totals, prorated = _combine(instrument, values, missing, scored_columns)
    totals = np.where(scorable, totals, np.nan)
    prorated = prorated & scorable

    subscales: dict[str, FloatArray] = {}
    for dimension, link_ids in instrument.dimensions.items():
        columns = [instrument.link_ids.index(link_id) for link_id in link_ids]
        sub, _ = _combine(instrument, values, missing, columns)
        none_answered = missing[:, columns].all(axis=1)
        subscales[dimension] = np.where(scorable & ~none_answered, sub, np.nan)

    cutoff = np.zeros(values.shape[0], dtype=bool)
    if instrument.cutoff is not None:
        limit_value = instrument.cutoff
        with np.errstate(invalid="ignore"):
            if instrument.direction == "higher_is_worse":
                side = (
                    totals >= limit_value if instrument.cutoff_inclusive else totals > limit_value
                )
            else:
                side = (
                    totals <= limit_value if instrument.cutoff_inclusive else totals < limit_value
                )
        cutoff = side & scorable

    risk = np.zeros(values.shape[0], dtype=bool)
    for column, item in enumerate(instrument.items):
        if item.risk:
            with np.errstate(invalid="ignore"):
                risk |= values[:, column] > item.min_value
    risk &= scorable
    return BulkScores(
        instrument_id=instrument.id,
        totals=totals,
        scorable=scorable,
        prorated=prorated,
        cutoff_exceeded=cutoff,
        risk_endorsed=risk,
        subscales=subscales,
    )


def _keyed(item: Item, column: FloatArray) -> FloatArray:
    if item.reverse:
        return (item.max_value + item.min_value) - column
    return column


def _combine(
    instrument: Instrument, values: FloatArray, missing: BoolArray, columns: list[int]
) -> tuple[FloatArray, BoolArray]:
    """Totals over ``columns`` summed in item order, prorated where items are missing."""
    raw = np.zeros(values.shape[0], dtype=np.float64)
    answered = np.zeros(values.shape[0], dtype=np.int64)
    for column in columns:
        item = instrument.items[column]
        if not item.scored:
            continue
        present = ~missing[:, column]
        raw = np.where(present, raw + _keyed(item, values[:, column]), raw)
        answered += present
    n = sum(1 for column in columns if instrument.items[column].scored)
    prorated = (answered < n) & (answered > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        totals = np.where(prorated, raw * n / answered, raw)
    rounded = np.asarray(np.round(totals, DECIMALS) + 0.0, dtype=np.float64)
    return rounded, prorated


def _check_ranges(instrument: Instrument, values: FloatArray) -> None:
    """Refuse answers off an item's scale, as the one-at-a-time scorer does."""
    bad = np.zeros(values.shape, dtype=bool)
    for column, item in enumerate(instrument.items):
        col = values[:, column]
        present = ~np.isnan(col)
        wrong = present & ((col < item.min_value) | (col > item.max_value) | np.isinf(col))
        if item.options:
            allowed = np.array([option.value for option in item.options], dtype=np.float64)
            on_list = np.isclose(col[:, None], allowed[None, :]).any(axis=1)
            wrong |= present & ~on_list
        elif item.whole_numbers:
            wrong |= present & (col != np.round(col))
        else:
            steps = (col - item.min_value) / item.step
            wrong |= present & (np.abs(steps - np.round(steps)) > 1e-6)
        bad[:, column] = wrong
    if bad.any():
        rows, columns = np.nonzero(bad)
        errors = [
            FieldError(
                f"row {row}: {instrument.items[column].link_id}",
                f"{values[row, column]:g} is not a valid answer to item "
                f"{instrument.items[column].number}",
            )
            for row, column in zip(
                rows[:MAX_LISTED_ERRORS], columns[:MAX_LISTED_ERRORS], strict=True
            )
        ]
        if len(rows) > MAX_LISTED_ERRORS:
            errors.append(FieldError("answers", f"and {len(rows) - MAX_LISTED_ERRORS} more"))
        raise InvalidResponses(errors)
