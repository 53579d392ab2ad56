"""How a list of signals is shown to a clinician: one problem, one item; good news apart.

The rules raise a ``rupture`` signal and, once it is decided, a ``rupture_repaired`` or
``rupture_unrepaired`` verdict; and an outcome that is reliably better *and* out of the clinical
range raises both ``reliable_improvement`` and ``recovery``. Pages show each of these once:

* a rupture is one item with its history (its own status says repaired or not); the verdict is
  shown only when its rupture is not in the list;
* "reliably better" is left out where "reliably better and out of the clinical range" is shown
  for the same client and measure;
* improvements and repairs are good news, listed apart from the problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from bordin.domain.alliance.signal import GOOD_NEWS_TYPES


class ShownSignal(Protocol):
    """What this module reads of a stored signal (``SignalRow`` has all of it)."""

    @property
    def type(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def client_id(self) -> int | None: ...
    @property
    def session_number(self) -> int | None: ...
    @property
    def explanation(self) -> Any: ...


S = TypeVar("S", bound=ShownSignal)

_HEADINGS: Mapping[tuple[str, str], str] = {
    ("rupture", "open"): "Possible rupture",
    ("rupture", "repaired"): "Rupture, repaired",
    ("rupture", "unrepaired"): "Rupture, not repaired",
    ("rupture_repaired", "repaired"): "Rupture repaired",
    ("rupture_unrepaired", "unrepaired"): "Rupture not repaired",
    ("low_alliance", "active"): "Low alliance from the start",
    ("low_alliance", "resolved"): "Low alliance from the start, since risen",
    ("not_on_track", "active"): "Not on track",
    ("not_on_track", "resolved"): "Was not on track, now back on track",
    ("reliable_deterioration", "active"): "Reliably worse",
    ("reliable_improvement", "active"): "Reliably better",
    ("recovery", "active"): "Reliably better and out of the clinical range",
    ("split_alliance", "active"): "Partners rate the alliance differently",
    ("split_alliance", "resolved"): "Partners rated the alliance differently, since closer",
    ("split_widening", "active"): "The partners' gap is widening",
    ("split_widening", "resolved"): "The partners' gap was widening",
    ("disengagement", "active"): "Missing sessions as the alliance falls",
    ("risk", "open"): "Risk",
}


def signal_heading(kind: str, status: str) -> str:
    """A short heading in words for a signal of this type and status."""
    heading = _HEADINGS.get((kind, status))
    if heading is not None:
        return heading
    return kind.replace("_", " ").capitalize()


def _numbers(signal: ShownSignal) -> Mapping[str, Any]:
    explanation = signal.explanation
    if isinstance(explanation, Mapping):
        numbers = explanation.get("numbers") or {}
        return numbers if isinstance(numbers, Mapping) else {}
    return getattr(explanation, "numbers", {}) or {}


def _instrument(signal: ShownSignal) -> Any:
    explanation = signal.explanation
    if isinstance(explanation, Mapping):
        return explanation.get("instrument")
    return getattr(signal, "instrument_id", None)


def _who(signal: ShownSignal) -> tuple[Any, Any, Any]:
    """Episode, client and measure of a signal."""
    return (getattr(signal, "episode_id", None), signal.client_id, _instrument(signal))


def is_good_news(signal: ShownSignal) -> bool:
    """Improvements and repairs: shown apart from the problems."""
    return signal.type in GOOD_NEWS_TYPES or (
        signal.type == "rupture" and signal.status == "repaired"
    )


def one_item_each(signals: Iterable[S]) -> list[S]:
    """The signals with repeats left out (see the module docstring), in their order."""
    items = list(signals)
    ruptures = {(*_who(s), s.session_number) for s in items if s.type == "rupture"}
    recovered = {_who(s) for s in items if s.type == "recovery"}
    out: list[S] = []
    for s in items:
        verdict = s.type in ("rupture_repaired", "rupture_unrepaired")
        if verdict and (*_who(s), _numbers(s).get("rupture_session")) in ruptures:
            continue
        if s.type == "reliable_improvement" and _who(s) in recovered:
            continue
        out.append(s)
    return out


@dataclass(frozen=True)
class SignalGroups(Generic[S]):
    """Problems first (as given), then the good news."""

    problems: Sequence[S]
    good_news: Sequence[S]


def grouped(signals: Iterable[S]) -> SignalGroups[S]:
    """One item each, split into problems and good news."""
    items = one_item_each(signals)
    return SignalGroups(
        problems=[s for s in items if not is_good_news(s)],
        good_news=[s for s in items if is_good_news(s)],
    )
