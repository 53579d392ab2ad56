"""Which instruments measure the alliance and which the outcome (from the registry)."""

from __future__ import annotations

from functools import lru_cache

from bordin.domain.errors import InstrumentNotFound
from bordin.domain.instruments import get_instrument

SEVERITY_ORDER = {"urgent": 0, "high": 1, "routine": 2, "none": 3}


@lru_cache(maxsize=64)
def instrument_kind(instrument_id: str) -> str:
    try:
        return str(get_instrument(instrument_id).kind)
    except InstrumentNotFound:
        return "unknown"


def is_alliance(instrument_id: str) -> bool:
    return instrument_kind(instrument_id) == "alliance"
