"""Sparklines for list pages, scaled to each instrument's range."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from bordin.domain.errors import InstrumentNotFound
from bordin.domain.instruments import get_instrument
from bordin.reports.charts import render_sparkline_svg


def sparkline(values: list[float], instrument_id: str | None, what: str) -> Markup:
    return _sparkline(tuple(values), instrument_id, what)


@lru_cache(maxsize=2048)
def _sparkline(values: tuple[float, ...], instrument_id: str | None, what: str) -> Markup:
    """Drawn once per process for the same scores: a caseload shows the same lines on every
    view until a new rating comes in."""
    if not values or instrument_id is None:
        return Markup('<span class="muted">no ratings yet</span>')
    name = "the measure"
    try:
        instrument = get_instrument(instrument_id)
        low, high = float(instrument.score_min), float(instrument.score_max)
        name = instrument.short_title
    except InstrumentNotFound:
        low, high = min(values), max(values) + 1
    numbers = ", ".join(f"{v:g}" for v in values)
    label = f"{what} ({name}), recent scores: {numbers}"
    return Markup(render_sparkline_svg(values, minimum=low, maximum=high, label=label))
