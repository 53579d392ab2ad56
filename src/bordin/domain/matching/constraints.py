"""Hard constraints: what must hold before a therapist may be proposed at all.

A therapist who fails any one of these is never proposed, however good the fit otherwise. They
are checked in this order, and a client with no admissible therapist is told how many therapists
each one ruled out (:func:`unmatched_reason`).

=============  ===========================================================================
conflict       the practice has not excluded this therapist for this client (someone the
               client knows, a relative, a former partner: a conflict of interest)
capacity       the therapist accepts new clients and has an open slot
language       the therapist speaks (one of) the client's language(s)
mode           a way of meeting both can use; in person counts only where the therapist's
               location is the client's
time           at least one weekly slot in common
funding        the therapist takes the client's funding
gender         the therapist's gender, when the client marked it as required
=============  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Mapping

from bordin.domain.matching import vocabulary as v
from bordin.domain.matching.model import Client, Therapist, gender_words

CONSTRAINTS: tuple[str, ...] = (
    "conflict",
    "capacity",
    "language",
    "mode",
    "time",
    "funding",
    "gender",
)


def meeting_modes(client: Client, therapist: Therapist) -> frozenset[str]:
    """The ways of meeting both can use (in person only in the same place)."""
    common = therapist.modes if client.modes is None else therapist.modes & client.modes
    if (
        v.IN_PERSON in common
        and client.location is not None
        and therapist.location != client.location
    ):
        return common - {v.IN_PERSON}
    return common


def common_times(client: Client, therapist: Therapist) -> frozenset[str]:
    if client.availability is None:
        return therapist.availability
    return therapist.availability & client.availability


def failures(client: Client, therapist: Therapist) -> tuple[str, ...]:
    """The hard constraints this therapist fails for this client, in ``CONSTRAINTS`` order."""
    failed: list[str] = []
    if therapist.key in client.exclude_therapists:
        failed.append("conflict")
    if not therapist.has_room:
        failed.append("capacity")
    if client.languages is not None and not (client.languages & therapist.languages):
        failed.append("language")
    if not meeting_modes(client, therapist):
        failed.append("mode")
    if client.availability is not None and not (client.availability & therapist.availability):
        failed.append("time")
    if client.funding is not None and not (client.funding & therapist.funding):
        failed.append("funding")
    wanted = client.therapist_gender
    if wanted is not None and wanted.required and therapist.gender not in wanted.values:
        failed.append("gender")
    return tuple(failed)


def admissible(client: Client, therapist: Therapist) -> bool:
    return not failures(client, therapist)


def _rule_words(client: Client) -> dict[str, tuple[str, str]]:
    """For each constraint, what one therapist / several therapists failing it are."""
    languages = v.listing([v.words(x).title() for x in sorted(client.languages or ())])
    modes = sorted(client.modes or ())
    kinds = v.listing([_SESSION_WORDS.get(m, v.words(m)) for m in modes], limit=3) or "any"
    where = (
        f" in {v.words(client.location).title()}"
        if client.location and v.IN_PERSON in modes
        else ""
    )
    funding = (
        v.listing(dict.fromkeys(v.funding_words(f) for f in sorted(client.funding or ())))
        or "any funding"
    )
    genders = sorted(client.therapist_gender.values) if client.therapist_gender else []
    gender = v.listing(map(gender_words, genders))
    return {
        "conflict": (
            "is excluded for this client (a conflict of interest)",
            "are excluded for this client (a conflict of interest)",
        ),
        "capacity": (
            "is not taking new clients or has no open slot",
            "are not taking new clients or have no open slot",
        ),
        "language": (f"does not speak {languages}", f"do not speak {languages}"),
        "mode": (
            f"does not offer {kinds} sessions{where}",
            f"do not offer {kinds} sessions{where}",
        ),
        "time": (
            "has no free time in common with the client",
            "have no free time in common with the client",
        ),
        "funding": (f"does not take {funding}", f"do not take {funding}"),
        "gender": (
            f"is not of the gender the client requires ({gender})",
            f"are not of the gender the client requires ({gender})",
        ),
    }


_SESSION_WORDS = {v.IN_PERSON: "in-person", "online": "online", "phone": "phone"}


def unmatched_reason(client: Client, total: int, ruled_out: Mapping[str, int]) -> str:
    """Why no therapist can be proposed: how many therapists each constraint ruled out."""
    if total == 0:
        return "No therapists are recorded, so nobody can be proposed."
    words = _rule_words(client)
    parts = [
        f"{count} {words[name][0 if count == 1 else 1]}"
        for name in CONSTRAINTS
        if (count := ruled_out.get(name, 0)) > 0
    ]
    if total == 1:
        failed = [words[name][0] for name in CONSTRAINTS if ruled_out.get(name, 0)]
        return f"The only therapist cannot be proposed: {'; '.join(failed)}."
    return f"None of the {total} therapists meets every requirement: {'; '.join(parts)}."
