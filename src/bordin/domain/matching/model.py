"""What matching reads and what it proposes, as plain data.

A **therapist** offers languages, ways of meeting (*modes*: in person, online, phone), a place
for in-person work, weekly time slots (``mon_evening``), the kinds of funding they take,
specialisms (problem areas) and modalities (ways of working), a gender, whether they accept new
clients and how many open slots they have, and a track record (ended episodes and how many
reliably improved, overall and by problem area).

A **client** on the waiting list states their language, needs (problem areas), the modes they
can use, where they are (only for in-person work), when they are free, how they will pay, and
optionally a therapist gender (required or merely preferred), preferred modalities, other soft
preferences, and therapists the practice has excluded (someone the client knows: a conflict of
interest).

Build both with :func:`therapist` and :func:`client`, which make every word comparable (see
``vocabulary.py``). On the client's side a field that is ``None`` was not stated and constrains
nothing; an empty list was stated and admits nothing. A therapist's missing list is empty: a
therapist is never assumed to offer something the practice has not recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bordin.domain.matching import vocabulary as v

#: Ids are echoed as given: a whole number or a string.
Id = int | str

_GENDER_ALIASES = {
    "female": "woman",
    "f": "woman",
    "male": "man",
    "m": "man",
    "nonbinary": "non_binary",
}
_GENDER_WORDS = {"woman": "a woman", "man": "a man", "non_binary": "non-binary"}


def gender_words(key: str) -> str:
    """``woman`` → ``a woman``; other keys as words."""
    return _GENDER_WORDS.get(key, key.replace("_", " "))


def gender_key(value: str) -> str:
    key = v.token(value)
    return _GENDER_ALIASES.get(key, key)


def id_key(value: Id) -> str:
    """How ids are compared (``7`` and ``"7"`` name the same therapist in an exclusion)."""
    return str(value).strip()


def id_order(value: Id) -> tuple[int, int, str]:
    """Sort key for the tie-break on id: numbers in numeric order, then strings."""
    if isinstance(value, int):
        return (0, value, "")
    return (1, 0, value)


@dataclass(frozen=True)
class TrackRecord:
    """Ended episodes and how many of them reliably improved.

    ``expected`` is how many would be expected to improve reliably given these clients' intake
    severity (the case mix), e.g. the sum of each client's predicted probability from the
    practice's own data. ``None`` means unknown: the practice's mean is assumed.
    """

    episodes: int
    improved: int
    expected: float | None = None

    def __add__(self, other: TrackRecord) -> TrackRecord:
        expected = (
            None
            if self.expected is None and other.expected is None
            else (self.expected if self.expected is not None else 0.0)
            + (other.expected if other.expected is not None else 0.0)
        )
        return TrackRecord(self.episodes + other.episodes, self.improved + other.improved, expected)


NO_RECORD = TrackRecord(0, 0)


@dataclass(frozen=True)
class Therapist:
    id: Id
    languages: frozenset[str] = frozenset()
    specialisms: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    gender: str | None = None
    modes: frozenset[str] = frozenset()
    location: str | None = None
    availability: frozenset[str] = frozenset()
    funding: frozenset[str] = frozenset()
    accepting: bool = True
    #: ``None``: the practice does not count slots for this therapist (accepting is enough).
    open_slots: int | None = None
    outcomes: TrackRecord = NO_RECORD
    outcomes_by_need: Mapping[str, TrackRecord] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @property
    def key(self) -> str:
        return id_key(self.id)

    @property
    def has_room(self) -> bool:
        return self.accepting and (self.open_slots is None or self.open_slots > 0)

    def __hash__(self) -> int:
        return hash(("therapist", self.key))


@dataclass(frozen=True)
class GenderPreference:
    """The therapist gender(s) a client asked for; ``required`` makes it a hard constraint."""

    values: frozenset[str]
    required: bool = False


@dataclass(frozen=True)
class Client:
    id: Id
    languages: frozenset[str] | None = None
    needs: tuple[str, ...] = ()
    modes: frozenset[str] | None = None
    location: str | None = None
    availability: frozenset[str] | None = None
    funding: frozenset[str] | None = None
    therapist_gender: GenderPreference | None = None
    exclude_therapists: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    preferences: frozenset[str] = frozenset()

    def __hash__(self) -> int:
        return hash(("client", id_key(self.id)))


def _keys(
    values: Iterable[str] | None, normalise: Callable[[str], str] = v.token
) -> frozenset[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = (values,)
    return frozenset(key for key in map(normalise, values) if key)


def _text(value: str | None) -> str | None:
    key = v.token(value) if value is not None else ""
    return key or None


def therapist(
    id: Id,
    *,
    languages: Iterable[str] = (),
    specialisms: Iterable[str] = (),
    modalities: Iterable[str] = (),
    gender: str | None = None,
    modes: Iterable[str] = (),
    location: str | None = None,
    availability: Iterable[str] = (),
    funding: Iterable[str] = (),
    accepting: bool = True,
    open_slots: int | None = None,
    outcomes: TrackRecord | None = None,
    outcomes_by_need: Mapping[str, TrackRecord] | None = None,
) -> Therapist:
    """A therapist with every word made comparable."""
    return Therapist(
        id=id,
        languages=_keys(languages, v.language) or frozenset(),
        specialisms=_keys(specialisms) or frozenset(),
        modalities=_keys(modalities) or frozenset(),
        gender=gender_key(gender) if gender and gender_key(gender) else None,
        modes=_keys(modes, v.mode) or frozenset(),
        location=_text(location),
        availability=_keys(availability, v.slot) or frozenset(),
        funding=_keys(funding) or frozenset(),
        accepting=accepting,
        open_slots=open_slots,
        outcomes=outcomes or NO_RECORD,
        outcomes_by_need=MappingProxyType(
            {v.token(need): record for need, record in (outcomes_by_need or {}).items()}
        ),
    )


def client(
    id: Id,
    *,
    languages: Iterable[str] | None = None,
    needs: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    location: str | None = None,
    availability: Iterable[str] | None = None,
    funding: Iterable[str] | None = None,
    therapist_gender: Iterable[str] | None = None,
    gender_required: bool = False,
    exclude_therapists: Iterable[Id] = (),
    modalities: Iterable[str] = (),
    preferences: Iterable[str] = (),
) -> Client:
    """A client with every word made comparable. ``needs`` keep their order (most pressing
    first); ``therapist_gender`` lists acceptable genders, ``gender_required`` makes it hard."""
    needs_in_order: list[str] = []
    for need in [needs] if isinstance(needs, str) else needs:
        key = v.token(need)
        if key and key not in needs_in_order:
            needs_in_order.append(key)
    genders = _keys(therapist_gender, gender_key)
    return Client(
        id=id,
        languages=_keys(languages, v.language),
        needs=tuple(needs_in_order),
        modes=_keys(modes, v.mode),
        location=_text(location),
        availability=_keys(availability, v.slot),
        funding=_keys(funding),
        therapist_gender=GenderPreference(genders, gender_required) if genders else None,
        exclude_therapists=frozenset(id_key(x) for x in exclude_therapists),
        modalities=_keys(modalities) or frozenset(),
        preferences=_keys(preferences) or frozenset(),
    )


@dataclass(frozen=True)
class Proposal:
    """One admissible therapist for a client, with a score in 0–1 and the reasons in words.

    ``parts`` holds each part of the score (0–1) that applied to this client.
    """

    therapist_id: Id
    score: float
    reasons: tuple[str, ...]
    parts: Mapping[str, float]


@dataclass(frozen=True)
class MatchResult:
    """Every admissible therapist for one client, best first, or the reason there is none.

    ``ruled_out`` counts, for each hard constraint, how many therapists failed it (a therapist
    who fails two constraints is counted under both).
    """

    client_id: Id
    proposals: tuple[Proposal, ...]
    unmatched_reason: str | None
    ruled_out: Mapping[str, int]

    def as_dict(self) -> dict[str, object]:
        """The ``bordin match`` line: client_id, matches (best first), unmatched_reason."""
        return {
            "client_id": self.client_id,
            "matches": [
                {"therapist_id": p.therapist_id, "score": p.score, "reasons": list(p.reasons)}
                for p in self.proposals
            ],
            "unmatched_reason": self.unmatched_reason,
        }
