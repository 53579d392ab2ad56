"""CSV export of the table behind any view, safe to open in a spreadsheet.

Spreadsheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
carriage return) as a formula, so a client's free text such as ``=HYPERLINK(...)`` could run
when a therapist opens the export (OWASP, "CSV Injection"). Every *text* cell that starts with
one of those characters is prefixed with a single quote, which spreadsheets show as plain
text. Numbers are written as numbers, so a negative change score stays ``-3``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """One cell as text: None and NaN are empty, dates ISO 8601, booleans true/false, and text
    that a spreadsheet would run as a formula is defused with a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "" if math.isnan(value) else repr(value) if not value.is_integer() else f"{value:.0f}"
        )
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def rows_to_csv(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> str:
    """The rows as CSV text (RFC 4180: comma-separated, CRLF line ends, quoted when needed).

    ``columns`` gives the header and the order; keys a row lacks are written empty and keys not
    in ``columns`` are left out, so a view never leaks a field it did not mean to export.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()
