"""CSV export: header order, plain values, and protection against formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bordin.reports.csv_export import csv_cell, rows_to_csv
from bordin.reports.examples import example_trajectory
from bordin.reports.trajectory import trajectory_columns, trajectory_table


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "dangerous",
    ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"],
)
def test_text_that_a_spreadsheet_would_run_is_defused_with_a_quote(dangerous: str) -> None:
    text = rows_to_csv([{"note": dangerous}], ["note"])
    assert _parse(text)[1][0] == "'" + dangerous


def test_a_header_that_starts_like_a_formula_is_defused_too() -> None:
    assert _parse(rows_to_csv([], ["=cmd"]))[0] == ["'=cmd"]


def test_numbers_stay_numbers_even_when_negative() -> None:
    rows = _parse(
        rows_to_csv([{"change": -3, "r": -0.25, "score": 12.0}], ["change", "r", "score"])
    )
    assert rows[1] == ["-3", "-0.25", "12"]


def test_plain_text_is_left_alone_and_commas_and_quotes_are_quoted() -> None:
    text = rows_to_csv([{"note": 'said "fine", then left'}], ["note"])
    assert _parse(text)[1] == ['said "fine", then left']
    assert '"said ""fine"", then left"' in text


def test_columns_decide_the_order_and_which_fields_leave_the_system() -> None:
    text = rows_to_csv([{"b": 2, "a": 1, "secret": "x"}], ["a", "b", "missing"])
    assert _parse(text) == [["a", "b", "missing"], ["1", "2", ""]]
    assert "secret" not in text


def test_lines_end_with_crlf_as_rfc_4180_says() -> None:
    assert rows_to_csv([{"a": 1}], ["a"]) == "a\r\n1\r\n"


def test_none_nan_booleans_and_dates_are_written_plainly() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(float("nan")) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(dt.date(2025, 1, 6)) == "2025-01-06"


def test_a_trajectory_table_exports_with_its_own_columns() -> None:
    trajectory = example_trajectory()
    rows = _parse(rows_to_csv(trajectory_table(trajectory), trajectory_columns(trajectory)))
    assert rows[0][:3] == ["session", "date", "Goals"]
    assert len(rows) == 11
    assert rows[4][rows[0].index("Tasks")] == "5"
