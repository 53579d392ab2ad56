"""Every row of every spec table in this folder is checked against the scorer.

The same tables are rendered into docs/instruments/ (tests/docs/test_instrument_docs.py keeps
the pages current), so a rule changed here changes the docs too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bordin.domain.instruments import builtin_registry
from bordin.domain.instruments.specs import (
    check_change_row,
    check_row,
    check_talking_therapies_row,
    load_specs,
)

SPECS, CHANGE_SPEC = load_specs(Path(__file__).parent)
REGISTRY = builtin_registry()

ROWS = [
    pytest.param(instrument_id, row, id=f"{instrument_id}-{section.title}-{index}")
    for instrument_id, spec in SPECS.items()
    for section in spec.sections
    for index, row in enumerate(section.rows, start=1)
]


@pytest.mark.parametrize(("instrument_id", "row"), ROWS)
def test_each_spec_row_scores_as_the_table_says(instrument_id, row):
    assert check_row(REGISTRY.get(instrument_id), row) == []


def test_every_built_in_instrument_has_a_spec_table():
    assert set(SPECS) == set(REGISTRY.ids())


def test_every_spec_table_has_an_accepted_and_a_rejected_row():
    for instrument_id, spec in SPECS.items():
        kinds = {row.rejected is None for row in spec.rows}
        assert kinds == {True, False}, instrument_id


@pytest.mark.parametrize("row", CHANGE_SPEC.change_rows if CHANGE_SPEC else [])
def test_each_change_row_is_classified_as_the_table_says(row):
    assert check_change_row(REGISTRY, row) == []


@pytest.mark.parametrize("row", CHANGE_SPEC.talking_therapies_rows if CHANGE_SPEC else [])
def test_each_talking_therapies_row_has_the_outcome_the_table_says(row):
    assert check_talking_therapies_row(row) == []


def test_a_wrong_expectation_is_caught_by_the_checker():
    phq9 = REGISTRY.get("phq9")
    from bordin.domain.instruments.specs import SpecRow

    assert check_row(phq9, SpecRow((0,) * 9, total=1, band="minimal"))
    assert check_row(phq9, SpecRow((0,) * 9, rejected="anything"))
