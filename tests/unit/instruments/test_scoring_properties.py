"""Properties of scoring that must hold for any answers at all (Hypothesis)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bordin.analytics.bulk_scoring import score_bulk
from bordin.domain.errors import InvalidResponses
from bordin.domain.instruments import Instrument, builtin_registry, score

INSTRUMENTS = builtin_registry().all()

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=2),
)


def _valid_value(item) -> st.SearchStrategy:
    if item.whole_numbers:
        return st.integers(min_value=int(item.min_value), max_value=int(item.max_value))
    steps = round((item.max_value - item.min_value) / item.step)
    return st.integers(min_value=0, max_value=steps).map(
        lambda k, item=item: round(item.min_value + k * item.step, 1)
    )


@st.composite
def valid_answers(draw, instrument: Instrument, missing: bool = True):
    values = []
    for item in instrument.items:
        if missing and draw(st.booleans()) and draw(st.booleans()):
            values.append(None)
        else:
            values.append(draw(_valid_value(item)))
    return values


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(INSTRUMENTS), st.lists(anything, max_size=14))
def test_scoring_never_crashes_on_any_answer_vector(instrument, answers):
    try:
        score(instrument, answers)
    except InvalidResponses as refused:
        assert refused.errors and all(e.field and e.message for e in refused.errors)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(INSTRUMENTS), st.dictionaries(st.text(max_size=5), anything, max_size=5))
def test_scoring_never_crashes_on_any_answer_mapping(instrument, answers):
    try:
        score(instrument, answers)
    except InvalidResponses as refused:
        assert refused.errors


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_totals_and_subscales_stay_in_range(data):
    instrument = data.draw(st.sampled_from(INSTRUMENTS))
    answers = data.draw(valid_answers(instrument))
    try:
        result = score(instrument, answers)
    except InvalidResponses as refused:
        assert all("missing" in e.message or "required" in e.message for e in refused.errors)
        return
    assert instrument.score_min <= result.total <= instrument.score_max
    for dimension, value in result.subscales.items():
        items = [instrument.item(i) for i in instrument.dimensions[dimension]]
        assert sum(i.min_value for i in items) <= value <= sum(i.max_value for i in items)
    assert set(result.risk_items) <= set(instrument.risk_items)
    assert result.band is None or result.band in {b.label for b in instrument.bands}


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_complete_valid_vector_is_always_scored(data):
    instrument = data.draw(st.sampled_from(INSTRUMENTS))
    answers = data.draw(valid_answers(instrument, missing=False))
    assert not score(instrument, answers).prorated


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_an_out_of_range_answer_is_always_rejected(data):
    instrument = data.draw(st.sampled_from(INSTRUMENTS))
    answers = data.draw(valid_answers(instrument, missing=False))
    position = data.draw(st.integers(min_value=0, max_value=len(answers) - 1))
    item = instrument.items[position]
    above = data.draw(st.booleans())
    distance = data.draw(st.floats(min_value=0.1, max_value=1e6, allow_nan=False))
    answers[position] = item.max_value + distance if above else item.min_value - distance
    try:
        score(instrument, answers)
    except InvalidResponses as refused:
        assert item.link_id in [e.field for e in refused.errors]
    else:
        raise AssertionError("an out-of-range answer was accepted")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_the_bulk_scorer_agrees_exactly_with_the_one_at_a_time_scorer(data):
    instrument = data.draw(st.sampled_from(INSTRUMENTS))
    rows = data.draw(st.lists(valid_answers(instrument), min_size=1, max_size=8))
    array = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    bulk = score_bulk(instrument, array)
    for index, row in enumerate(rows):
        try:
            result = score(instrument, row)
        except InvalidResponses:
            assert not bulk.scorable[index] and math.isnan(bulk.totals[index])
            continue
        assert bulk.scorable[index]
        assert bulk.totals[index] == result.total
        assert bulk.prorated[index] == result.prorated
        assert bulk.cutoff_exceeded[index] == result.cutoff_exceeded
        assert bulk.risk_endorsed[index] == bool(result.risk_items)
        for dimension, value in result.subscales.items():
            assert bulk.subscales[dimension][index] == value
