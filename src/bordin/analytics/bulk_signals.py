"""Whole-practice recompute of the signals, vectorised with NumPy (kept for existing imports).

The code lives in the :mod:`bordin.analytics.signals` package; see its docstring.
"""

from bordin.analytics.signals import (
    REQUIRED_COLUMNS,
    SIGNAL_COLUMNS,
    bulk_signals,
    explain_rows,
    frame_from_histories,
)

__all__ = [
    "REQUIRED_COLUMNS",
    "SIGNAL_COLUMNS",
    "bulk_signals",
    "explain_rows",
    "frame_from_histories",
]
