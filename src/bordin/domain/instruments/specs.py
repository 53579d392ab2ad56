"""Scoring rules written as tables: the spec tests and the instrument docs share them.

A spec is a list of sections, each a short explanation and rows of *answers → expected result*
(total, band, cut-off side, endorsed risk items, prorated, subscales) or *answers → rejected*.
The rows live in ``tests/spec/instruments/spec_<id>.py``; the spec tests check every row with
:func:`check_row`, and ``docs.py`` renders the same rows into ``docs/instruments/<id>.md``, so
the documentation can only say what the code does.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bordin.domain.errors import InvalidInput, InvalidResponses
from bordin.domain.instruments.base import Instrument
from bordin.domain.instruments.change import classify_change
from bordin.domain.instruments.registry import Registry
from bordin.domain.instruments.scoring import Answer, score
from bordin.domain.instruments.talking_therapies import PairedScores, talking_therapies_outcome


@dataclass(frozen=True)
class SpecRow:
    """Answers in item order (``None`` = missing) and what scoring them must give.

    With ``rejected`` set, scoring must refuse the answers and one error message must contain
    that text; the other expectations are then ignored.
    """

    answers: tuple[Answer, ...] | Mapping[str, Answer]
    total: float | None = None
    band: str | None = None
    cutoff_exceeded: bool = False
    risk_items: tuple[str, ...] = ()
    prorated: bool = False
    subscales: Mapping[str, float] = field(default_factory=dict)
    rejected: str | None = None
    note: str = ""


@dataclass(frozen=True)
class SpecSection:
    title: str
    text: str
    rows: tuple[SpecRow, ...]


@dataclass(frozen=True)
class InstrumentSpec:
    instrument_id: str
    sections: tuple[SpecSection, ...]

    @property
    def rows(self) -> tuple[SpecRow, ...]:
        return tuple(row for section in self.sections for row in section.rows)


@dataclass(frozen=True)
class ChangeRow:
    """Two scores on one instrument and how the change must be classified."""

    instrument_id: str
    before: float
    after: float
    reliable: bool
    direction: str
    classification: str
    note: str = ""


@dataclass(frozen=True)
class TalkingTherapiesRow:
    """First and last paired PHQ-9/GAD-7 scores and the expected Talking Therapies outcome."""

    first: PairedScores
    last: PairedScores
    caseness_start: bool
    caseness_end: bool
    recovery: bool | None
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool | None
    note: str = ""


@dataclass(frozen=True)
class ChangeSpec:
    change_rows: tuple[ChangeRow, ...]
    talking_therapies_rows: tuple[TalkingTherapiesRow, ...]


def check_row(instrument: Instrument, row: SpecRow) -> list[str]:
    """Every way scoring ``row.answers`` differs from the row (empty list: it agrees)."""
    try:
        result = score(instrument, row.answers)
    except InvalidResponses as refused:
        if row.rejected is None:
            return [f"refused unexpectedly: {refused}"]
        if not any(row.rejected in str(error) for error in refused.errors):
            return [f"refused, but no error mentions {row.rejected!r}: {refused}"]
        return []
    if row.rejected is not None:
        return [f"expected a refusal ({row.rejected!r}), got total {result.total}"]
    expected = {
        "total": row.total,
        "band": row.band,
        "cutoff_exceeded": row.cutoff_exceeded,
        "risk_items": tuple(row.risk_items),
        "prorated": row.prorated,
    }
    actual = {
        "total": result.total,
        "band": result.band,
        "cutoff_exceeded": result.cutoff_exceeded,
        "risk_items": result.risk_items,
        "prorated": result.prorated,
    }
    problems = [
        f"{name}: expected {expected[name]!r}, got {actual[name]!r}"
        for name in expected
        if expected[name] != actual[name]
    ]
    if row.subscales and dict(row.subscales) != result.subscales:
        problems.append(f"subscales: expected {dict(row.subscales)}, got {result.subscales}")
    return problems


def check_change_row(registry: Registry, row: ChangeRow) -> list[str]:
    try:
        change = classify_change(registry.get(row.instrument_id), row.before, row.after)
    except InvalidInput as refused:
        return [f"refused: {refused}"]
    expected = (row.reliable, row.direction, row.classification)
    actual = (change.reliable, change.direction, change.classification)
    return [] if expected == actual else [f"expected {expected}, got {actual}"]


def check_talking_therapies_row(row: TalkingTherapiesRow) -> list[str]:
    outcome = talking_therapies_outcome(row.first, row.last)
    names = (
        "caseness_start",
        "caseness_end",
        "recovery",
        "reliable_improvement",
        "reliable_deterioration",
        "reliable_recovery",
    )
    return [
        f"{name}: expected {getattr(row, name)!r}, got {getattr(outcome, name)!r}"
        for name in names
        if getattr(row, name) != getattr(outcome, name)
    ]


def load_specs(folder: Path) -> tuple[dict[str, InstrumentSpec], ChangeSpec | None]:
    """Read ``spec_*.py`` files: each defines ``SPEC`` (an instrument) or ``CHANGE_SPEC``."""
    specs: dict[str, InstrumentSpec] = {}
    change: ChangeSpec | None = None
    for path in sorted(folder.glob("spec_*.py")):
        loader = importlib.util.spec_from_file_location(f"_bordin_spec_{path.stem}", path)
        if loader is None or loader.loader is None:  # pragma: no cover
            continue
        module = importlib.util.module_from_spec(loader)
        loader.loader.exec_module(module)
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, InstrumentSpec):
            specs[spec.instrument_id] = spec
        found = getattr(module, "CHANGE_SPEC", None)
        if isinstance(found, ChangeSpec):
            change = found
    return specs, change
