"""Reading the matching file format (``bordin match --from-json``) into therapists and clients.

The format, one JSON object::

    {"therapists": [{"id": 1, "languages": ["English"], "specialisms": ["anxiety"],
                     "modalities": ["CBT"], "gender": "female", "modes": ["online"],
                     "location": "Leeds", "availability": ["mon_evening"],
                     "funding": ["self_pay"], "accepting": true, "open_slots": 2,
                     "outcomes": {"episodes": 20, "reliable_improvement": 11}}],
     "clients": [{"id": "c1", "language": "English", "needs": ["anxiety"],
                  "modes": ["online", "in_person"], "location": "Leeds",
                  "availability": ["mon_evening"], "funding": "self_pay",
                  "therapist_gender": {"value": "female", "required": false},
                  "exclude_therapists": [3]}]}

Only ``id`` is required on either side. A word field may be one string or a list of strings.
What a missing field means is in ``model.py``: a client's missing field constrains nothing;
a therapist's missing list is empty; ``accepting`` defaults to true; ``open_slots`` is checked
only when given. ``outcomes.reliable_improvement`` is a count (a whole number) or a rate (a
fraction such as 0.55); ``outcomes.expected`` (optional) is the number expected to improve
given the case mix; ``outcomes.by_need`` (optional) maps a need to ``{episodes,
reliable_improvement, expected}``. Clients may also give ``modalities`` (preferred) and
``preferences`` (other soft wishes). Anything else is ignored.

A file that breaks these rules is refused as a whole with the first problem, naming the field
(``clients[2].availability: must be a list of strings``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bordin.domain.errors import InvalidInput
from bordin.domain.matching.model import (
    Client,
    Id,
    Therapist,
    TrackRecord,
    client,
    id_key,
    therapist,
)


def _fail(where: str, message: str) -> InvalidInput:
    return InvalidInput(message, field=where)


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, "must be an object")
    return value


def _id(raw: Mapping[str, Any], where: str) -> Id:
    value = raw.get("id")
    if value is None:
        raise _fail(f"{where}.id", "is required")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _fail(f"{where}.id", "must be a whole number or a string")
    if isinstance(value, str) and not value.strip():
        raise _fail(f"{where}.id", "must not be empty")
    return value


def _words(raw: Mapping[str, Any], name: str, where: str) -> list[str] | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _fail(f"{where}.{name}", "must be a string or a list of strings")
    return list(value)


def _text(raw: Mapping[str, Any], name: str, where: str) -> str | None:
    value = raw.get(name)
    if value is None or isinstance(value, str):
        return value
    raise _fail(f"{where}.{name}", "must be a string")


def _bool(raw: Mapping[str, Any], name: str, where: str, default: bool) -> bool:
    value = raw.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _fail(f"{where}.{name}", "must be true or false")
    return value


def _count(value: object, where: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, "must be a whole number, 0 or more")
    return value


def _record(value: object, where: str) -> TrackRecord:
    raw = _object(value, where)
    episodes = _count(raw.get("episodes", 0), f"{where}.episodes")
    improved_raw = raw.get("reliable_improvement", 0)
    if isinstance(improved_raw, bool) or not isinstance(improved_raw, int | float):
        raise _fail(f"{where}.reliable_improvement", "must be a count or a rate between 0 and 1")
    if isinstance(improved_raw, float) and (not improved_raw.is_integer() or improved_raw == 1):
        if not 0 <= improved_raw <= 1:
            raise _fail(f"{where}.reliable_improvement", "a rate must be between 0 and 1")
        improved = round(improved_raw * episodes)
    else:
        improved = _count(improved_raw, f"{where}.reliable_improvement")
    if improved > episodes:
        raise _fail(f"{where}.reliable_improvement", f"is more than the {episodes} episodes")
    expected_raw = raw.get("expected")
    expected: float | None = None
    if expected_raw is not None:
        if isinstance(expected_raw, bool) or not isinstance(expected_raw, int | float):
            raise _fail(f"{where}.expected", "must be a number")
        if not 0 <= expected_raw <= episodes:
            raise _fail(f"{where}.expected", f"must be between 0 and the {episodes} episodes")
        expected = float(expected_raw)
    return TrackRecord(episodes=episodes, improved=improved, expected=expected)


def read_therapist(value: object, where: str) -> Therapist:
    raw = _object(value, where)
    open_slots = raw.get("open_slots")
    outcomes = raw.get("outcomes")
    by_need: dict[str, TrackRecord] = {}
    if outcomes is not None:
        needs = _object(outcomes, f"{where}.outcomes").get("by_need")
        if needs is not None:
            for need, record in _object(needs, f"{where}.outcomes.by_need").items():
                by_need[need] = _record(record, f"{where}.outcomes.by_need.{need}")
    return therapist(
        _id(raw, where),
        languages=_words(raw, "languages", where) or (),
        specialisms=_words(raw, "specialisms", where) or (),
        modalities=_words(raw, "modalities", where) or (),
        gender=_text(raw, "gender", where),
        modes=_words(raw, "modes", where) or (),
        location=_text(raw, "location", where),
        availability=_words(raw, "availability", where) or (),
        funding=_words(raw, "funding", where) or (),
        accepting=_bool(raw, "accepting", where, True),
        open_slots=None if open_slots is None else _count(open_slots, f"{where}.open_slots"),
        outcomes=None if outcomes is None else _record(outcomes, f"{where}.outcomes"),
        outcomes_by_need=by_need,
    )


def read_client(value: object, where: str) -> Client:
    raw = _object(value, where)
    languages = _words(raw, "language", where)
    if languages is None:
        languages = _words(raw, "languages", where)
    gender = raw.get("therapist_gender")
    values: list[str] | None = None
    required = False
    if isinstance(gender, str):
        values = [gender]
    elif gender is not None:
        preference = _object(gender, f"{where}.therapist_gender")
        values = _words(preference, "value", f"{where}.therapist_gender")
        required = _bool(preference, "required", f"{where}.therapist_gender", False)
        if values is None and required:
            raise _fail(f"{where}.therapist_gender.value", "is required when required is true")
    excluded = raw.get("exclude_therapists")
    if excluded is None:
        excluded = []
    if not isinstance(excluded, list) or not all(
        isinstance(x, int | str) and not isinstance(x, bool) for x in excluded
    ):
        raise _fail(f"{where}.exclude_therapists", "must be a list of therapist ids")
    return client(
        _id(raw, where),
        languages=languages,
        needs=_words(raw, "needs", where) or (),
        modes=_words(raw, "modes", where),
        location=_text(raw, "location", where),
        availability=_words(raw, "availability", where),
        funding=_words(raw, "funding", where),
        therapist_gender=values,
        gender_required=required,
        exclude_therapists=excluded,
        modalities=_words(raw, "modalities", where) or (),
        preferences=_words(raw, "preferences", where) or (),
    )


def _unique(ids: list[Id], where: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if id_key(value) in seen:
            raise _fail(f"{where}[{index}].id", f"{value!r} is used twice")
        seen.add(id_key(value))


def read_file(data: object) -> tuple[list[Therapist], list[Client]]:
    """Therapists and clients from a parsed matching file; ``InvalidInput`` names the field."""
    raw = _object(data, "file")
    parts: dict[str, list[Any]] = {}
    for name in ("therapists", "clients"):
        value = raw.get(name)
        if value is None:
            raise _fail(name, "is required (a list)")
        if not isinstance(value, list):
            raise _fail(name, "must be a list")
        parts[name] = value
    therapists = [read_therapist(t, f"therapists[{i}]") for i, t in enumerate(parts["therapists"])]
    clients = [read_client(c, f"clients[{i}]") for i, c in enumerate(parts["clients"])]
    _unique([t.id for t in therapists], "therapists")
    _unique([c.id for c in clients], "clients")
    return therapists, clients
