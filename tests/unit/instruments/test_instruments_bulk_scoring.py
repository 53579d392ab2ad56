"""The NumPy bulk scorer (bordin.analytics.bulk_scoring)."""

from __future__ import annotations

import numpy as np
import pytest

from bordin.analytics.bulk_scoring import score_bulk
from bordin.domain.errors import InvalidResponses
from bordin.domain.instruments import configured, get_instrument, score

NAN = np.nan


def test_it_scores_rows_and_marks_unscorable_ones_instead_of_failing():
    core10 = get_instrument("core10")
    answers = np.array(
        [
            [2, 2, 2, 2, 2, 2, 2, 2, 2, NAN],
            [2, 2, 2, 2, 2, 2, 2, 2, NAN, NAN],
            [0, 4, 4, 0, 0, 0, 0, 0, 0, 0],
        ]
    )
    bulk = score_bulk(core10, answers)
    assert bulk.totals[0] == 20 and bulk.prorated[0] and bulk.risk_endorsed[0]
    assert np.isnan(bulk.totals[1]) and not bulk.scorable[1]
    assert bulk.totals[2] == 0 and not bulk.cutoff_exceeded[2]


def test_it_agrees_with_the_pure_scorer_on_the_srs_tenths():
    srs = get_instrument("srs")
    rows = [[9.1, 8.5, 9.0, 7.3], [9.0, 9.0, 9.0, 8.9], [10, 10, 10, 10]]
    bulk = score_bulk(srs, np.array(rows))
    for index, row in enumerate(rows):
        result = score(srs, row)
        assert bulk.totals[index] == result.total
        assert bulk.cutoff_exceeded[index] == result.cutoff_exceeded
        assert bulk.subscales["bond"][index] == result.subscales["bond"]


def test_it_follows_a_configured_cut_off():
    gad7 = configured(get_instrument("gad7"), cutoff=10)
    bulk = score_bulk(gad7, np.array([[2, 1, 1, 1, 1, 1, 1], [2, 2, 2, 1, 1, 1, 1]]))
    assert bulk.cutoff_exceeded.tolist() == [False, True]


def test_answers_off_the_scale_are_refused_naming_row_and_item():
    with pytest.raises(InvalidResponses) as raised:
        score_bulk(get_instrument("phq9"), np.array([[0] * 10, [0, 0, 4, 0, 0, 0, 0, 0, 0, 0]]))
    assert raised.value.errors[0].field == "row 1: q3"


def test_fractions_on_whole_number_items_are_refused():
    with pytest.raises(InvalidResponses):
        score_bulk(get_instrument("gad7"), np.array([[0.5, 0, 0, 0, 0, 0, 0]]))


def test_an_array_of_the_wrong_shape_is_refused():
    with pytest.raises(InvalidResponses, match="shape"):
        score_bulk(get_instrument("gad7"), np.zeros((3, 6)))


def test_the_list_of_errors_is_capped():
    answers = np.full((50, 7), 9.0)
    with pytest.raises(InvalidResponses) as raised:
        score_bulk(get_instrument("gad7"), answers)
    assert len(raised.value.errors) == 21
    assert "more" in raised.value.errors[-1].message
