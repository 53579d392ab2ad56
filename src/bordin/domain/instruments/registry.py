"""The instrument registry: where Bordin looks up a measure by its id.

Built-in instruments are *plugins* like any other: each lives in a small module that defines
``instruments()``, returning its definitions, and the registry loads the modules named in
``BUILTIN_PLUGINS`` through the same :meth:`Registry.load_plugin` a practice's own module would
use. A definition is checked for consistency when it is registered (:func:`check_definition`).

``get_instrument``, ``all_instruments`` and ``register_instrument`` work on the process-wide
default registry, which is built on first use. Code that needs its own set (tests, an import
that must not change anything until it is complete) makes one with :func:`builtin_registry` or
:meth:`Registry.copy`.

A figure that the evidence does not settle (graded [S] or [M] in the docs) can be changed with
:func:`configured`, which returns a checked copy of a definition; register it with
``replace=True``.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from bordin.domain.errors import FieldError, InstrumentNotFound, InvalidInput
from bordin.domain.instruments.base import Instrument

#: Modules that provide the built-in instruments, in the order they are listed.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "bordin.domain.instruments.phq9",
    "bordin.domain.instruments.gad7",
    "bordin.domain.instruments.core10",
    "bordin.domain.instruments.wai_sr",
    "bordin.domain.instruments.srs",
    "bordin.domain.instruments.ors",
    "bordin.domain.instruments.bordin_sac",
    "bordin.domain.instruments.bordin_crc",
)

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Registry:
    """A set of instrument definitions, keyed by id, in the order they were registered."""

    def __init__(self, instruments: Iterable[Instrument] = ()) -> None:
        self._by_id: dict[str, Instrument] = {}
        self._original: dict[str, Instrument] = {}
        for instrument in instruments:
            self.register(instrument)

    def register(self, instrument: Instrument, *, replace: bool = False) -> Instrument:
        """Add ``instrument``; with ``replace=True`` an existing definition is replaced."""
        check_definition(instrument)
        if instrument.id in self._by_id and not replace:
            raise InvalidInput(
                f"an instrument with id {instrument.id!r} is already registered", field="id"
            )
        self._by_id[instrument.id] = instrument
        self._original.setdefault(instrument.id, instrument)
        return instrument

    def original(self, instrument_id: str) -> Instrument:
        """The definition as first registered (before any imported wording or configuration)."""
        self.get(instrument_id)
        return self._original[instrument_id]

    def get(self, instrument_id: str) -> Instrument:
        """The instrument with this id; ``InstrumentNotFound`` if there is none."""
        try:
            return self._by_id[instrument_id]
        except KeyError:
            raise InstrumentNotFound(instrument_id) from None

    def all(self) -> tuple[Instrument, ...]:
        return tuple(self._by_id.values())

    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def copy(self) -> Registry:
        """An independent registry with the same definitions."""
        clone = Registry()
        clone._by_id = dict(self._by_id)
        clone._original = dict(self._original)
        return clone

    def load_plugin(self, plugin: ModuleType | str) -> tuple[Instrument, ...]:
        """Register every instrument a plugin module provides through its ``instruments()``."""
        module = importlib.import_module(plugin) if isinstance(plugin, str) else plugin
        provider: Callable[[], Iterable[Instrument]] | None = getattr(module, "instruments", None)
        if provider is None:
            raise InvalidInput(
                f"plugin {module.__name__} has no instruments() function", field="plugin"
            )
        added = tuple(provider())
        for instrument in added:
            self.register(instrument)
        return added


def builtin_registry() -> Registry:
    """A fresh registry holding the built-in instruments (loaded like plugins)."""
    registry = Registry()
    for plugin in BUILTIN_PLUGINS:
        registry.load_plugin(plugin)
    return registry


_default: Registry | None = None


def default_registry() -> Registry:
    """The process-wide registry, built with the built-in instruments on first use."""
    global _default
    if _default is None:
        _default = builtin_registry()
    return _default


def get_instrument(instrument_id: str) -> Instrument:
    """Look an instrument up by id in the default registry (``InstrumentNotFound`` if absent)."""
    return default_registry().get(instrument_id)


def all_instruments() -> tuple[Instrument, ...]:
    """Every instrument in the default registry, built-ins first."""
    return default_registry().all()


def register_instrument(instrument: Instrument, *, replace: bool = False) -> Instrument:
    """Add a definition to the default registry, exactly as the built-ins are added."""
    return default_registry().register(instrument, replace=replace)


def configured(instrument: Instrument, **changes: Any) -> Instrument:
    """A checked copy of ``instrument`` with some figures changed.

    For example ``configured(get_instrument("gad7"), cutoff=10)`` uses the diagnostic cut-off
    instead of NHS Talking Therapies caseness, or ``configured(ors, cutoff=32)`` the children's
    ORS cut-off. Unknown field names are refused.
    """
    names = {f.name for f in dataclasses.fields(Instrument)}
    unknown = sorted(set(changes) - names)
    if unknown:
        raise InvalidInput(
            [FieldError(name, "not a setting of an instrument definition") for name in unknown]
        )
    changed = dataclasses.replace(instrument, **changes)
    check_definition(changed)
    return changed


def check_definition(instrument: Instrument) -> None:
    """Refuse a definition that contradicts itself, naming each problem."""
    errors: list[FieldError] = []

    def problem(field: str, message: str) -> None:
        errors.append(FieldError(field, message))

    if not _ID.match(instrument.id):
        problem("id", f"{instrument.id!r} must be lower case letters, digits and _")
    if not instrument.items:
        problem("items", "an instrument needs at least one item")
    seen: set[str] = set()
    for item in instrument.items:
        where = f"items.{item.link_id}"
        if item.link_id in seen:
            problem(where, "link id used twice")
        seen.add(item.link_id)
        if not item.min_value < item.max_value:
            problem(where, "min_value must be below max_value")
        if item.step <= 0:
            problem(where, "step must be positive")
        for option in item.options:
            if not item.min_value <= option.value <= item.max_value:
                problem(where, f"option value {option.value} is outside the item's range")
    for prompt in instrument.free_text:
        if prompt.link_id in seen:
            problem(f"free_text.{prompt.link_id}", "link id already used by an item")
    scored = instrument.scored_items
    if instrument.items and not scored:
        problem("items", "at least one item must be scored")
    if scored:
        lowest = sum(min(i.keyed(i.min_value), i.keyed(i.max_value)) for i in scored)
        highest = sum(max(i.keyed(i.min_value), i.keyed(i.max_value)) for i in scored)
        if (instrument.score_min, instrument.score_max) != (lowest, highest):
            problem(
                "score_min",
                f"the score range {instrument.score_min}–{instrument.score_max} does not match "
                f"the items ({lowest}–{highest})",
            )
    if instrument.max_missing < 0 or (scored and instrument.max_missing >= len(scored)):
        problem("max_missing", "must be at least 0 and fewer than the scored items")
    for dimension, link_ids in instrument.dimensions.items():
        for link_id in link_ids:
            if link_id not in seen:
                problem(f"dimensions.{dimension}", f"no item {link_id!r}")
    lowers = [band.lower for band in instrument.bands]
    if lowers != sorted(lowers) or len(set(lowers)) != len(lowers):
        problem("bands", "bands must be in ascending order without overlap")
    if instrument.bands and lowers[0] > instrument.score_min:
        problem("bands", "the first band must start at the lowest score")
    cutoff = instrument.cutoff
    if cutoff is not None and not instrument.score_min <= cutoff <= instrument.score_max:
        problem("cutoff", f"{cutoff} is outside the score range")
    change = instrument.reliable_change
    if change is not None and not 0 < change <= instrument.score_max - instrument.score_min:
        problem("reliable_change", f"{change} must be above 0 and within the score range")
    if instrument.reliability is not None and not 0 < instrument.reliability < 1:
        problem("reliability", "must be between 0 and 1")
    if errors:
        raise InvalidInput(errors)
