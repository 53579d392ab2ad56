"""Ranking admissible therapists for one client, and saying why in plain words.

The score (0–1) is a weighted mean of the parts that apply to this client (a part the client
stated nothing about is left out, and the weights of the rest are rescaled; with no part at
all every admissible therapist scores 0.5):

================  ======  =====================================================================
part              weight  value
================  ======  =====================================================================
specialism        0.40    share of the client's needs among the therapist's specialisms, the
                          first (most pressing) need counting double
modality          0.15    1 if the therapist works in a modality the client prefers, else 0
preferences       0.15    share of the client's soft preferences met (a preferred, not
                          required, gender; other wishes matched against specialisms and
                          modalities)
time              0.05    slots in common, up to three (more choice of session time), when the
                          client gave their free times
track_record      0.25    the therapist's case-mix adjusted reliable-improvement rate with
                          similar clients, shrunk towards the practice mean (track_record.py)
================  ======  =====================================================================

The weights are Bordin's design, not published values: fit of problem area comes first because
therapists' effectiveness differs by problem area (Constantino et al. 2021); accommodating
preferences reduces dropout (Swift et al. 2018, OR 1.79); the track record counts for a quarter
at most, and less when shrinkage leaves it near the practice mean. Ties are broken by therapist
id, so the same input always gives the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from bordin.domain.matching import vocabulary as v
from bordin.domain.matching.constraints import (
    CONSTRAINTS,
    common_times,
    failures,
    meeting_modes,
    unmatched_reason,
)
from bordin.domain.matching.model import (
    Client,
    MatchResult,
    Proposal,
    Therapist,
    gender_words,
    id_order,
)
from bordin.domain.matching.track_record import Estimate, TrackRecords

WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "specialism": 0.40,
        "modality": 0.15,
        "preferences": 0.15,
        "time": 0.05,
        "track_record": 0.25,
    }
)
#: A shrunk rate this close to the practice mean is described as "about the practice mean".
NEAR_MEAN = 0.05
SCORE_DECIMALS = 3
#: The score when no part applies (the client stated nothing to compare therapists on).
NOTHING_TO_COMPARE = 0.5


def _upper_short(key: str) -> str:
    return key.upper() if len(key) <= 4 else v.words(key)


def _specialism(client: Client, therapist: Therapist) -> tuple[float | None, str | None]:
    if not client.needs:
        return None, None
    weights = [2.0 if i == 0 else 1.0 for i in range(len(client.needs))]
    covered = [need for need in client.needs if need in therapist.specialisms]
    value = sum(w for w, n in zip(weights, client.needs, strict=True) if n in covered)
    share = value / sum(weights)
    if not covered:
        return 0.0, f"Does not list {v.listing(map(v.words, client.needs))} as a specialism"
    missing = [n for n in client.needs if n not in covered]
    text = f"Works with {v.listing(map(v.words, covered))}"
    if missing:
        text += f" (not listed: {v.listing(map(v.words, missing))})"
    return share, text


def _modality(client: Client, therapist: Therapist) -> tuple[float | None, str | None]:
    if not client.modalities:
        return None, None
    shared = sorted(client.modalities & therapist.modalities)
    if shared:
        return 1.0, f"Works in {v.listing(map(_upper_short, shared))}, as the client would like"
    wanted = v.listing(map(_upper_short, sorted(client.modalities)), limit=3)
    return 0.0, f"Does not work in {wanted}, which the client would prefer"


def _preferences(client: Client, therapist: Therapist) -> tuple[float | None, list[str]]:
    met, asked, reasons = 0, 0, []
    wanted = client.therapist_gender
    if wanted is not None and not wanted.required:
        asked += 1
        if therapist.gender in wanted.values:
            met += 1
            reasons.append(f"Is {gender_words(therapist.gender or '')}, as the client preferred")
        else:
            reasons.append("Is not of the gender the client preferred (not required)")
    if client.preferences:
        offered = therapist.specialisms | therapist.modalities
        for wish in sorted(client.preferences):
            asked += 1
            if wish in offered:
                met += 1
                reasons.append(f"Offers {v.words(wish)}, which the client asked for")
    if asked == 0:
        return None, []
    return met / asked, reasons


def _practicalities(client: Client, therapist: Therapist) -> str:
    parts = []
    if client.languages is not None:
        spoken = sorted(client.languages & therapist.languages)
        parts.append(f"speaks {v.listing([v.words(x).title() for x in spoken])}")
    modes = sorted(meeting_modes(client, therapist))
    parts.append(f"can meet {v.listing([v.mode_words(m) for m in modes])}")
    times = sorted(common_times(client, therapist))
    if client.availability is not None and times:
        parts.append(f"is free on {v.listing([v.slot_words(t) for t in times], limit=3)}")
    if client.funding is not None:
        taken = sorted(client.funding & therapist.funding)
        parts.append(f"takes {v.listing(dict.fromkeys(map(v.funding_words, taken)))}")
    return "Meets every requirement: " + ", ".join(parts)


def _track_words(estimate: Estimate) -> str:
    basis = (
        "clients with similar needs" if estimate.basis == "similar" else "the practice's clients"
    )
    difference = estimate.rate - estimate.prior.mean
    if estimate.episodes == 0:
        return f"No ended episodes with {basis} yet, so counted as the practice average"
    if abs(difference) < NEAR_MEAN:
        level = "close to the practice average"
    elif difference > 0:
        level = "above the practice average"
    else:
        level = "below the practice average"
    episodes = (
        "1 ended episode" if estimate.episodes == 1 else f"{estimate.episodes} ended episodes"
    )
    weight = "; few episodes, so it counts for little" if estimate.own_weight < 0.5 else ""
    return f"Reliable improvement with {basis}: {level}, allowing for case mix ({episodes}{weight})"


def rank(client: Client, therapist: Therapist, records: TrackRecords) -> Proposal:
    """Score one admissible therapist for one client, with the reasons."""
    parts: dict[str, float] = {}
    reasons: list[str] = []
    specialism, text = _specialism(client, therapist)
    if specialism is not None and text:
        parts["specialism"] = specialism
        reasons.append(text)
    modality, text = _modality(client, therapist)
    if modality is not None and text:
        parts["modality"] = modality
        reasons.append(text)
    preferences, texts = _preferences(client, therapist)
    if preferences is not None:
        parts["preferences"] = preferences
        reasons.extend(texts)
    if client.availability is not None:
        parts["time"] = min(len(common_times(client, therapist)), 3) / 3
    reasons.append(_practicalities(client, therapist))
    estimate = records.estimate(client, therapist)
    if estimate is not None:
        parts["track_record"] = estimate.rate
        reasons.append(_track_words(estimate))
    total_weight = sum(WEIGHTS[name] for name in parts)
    score = (
        sum(WEIGHTS[name] * value for name, value in parts.items()) / total_weight
        if total_weight
        else NOTHING_TO_COMPARE
    )
    return Proposal(
        therapist_id=therapist.id,
        score=round(score, SCORE_DECIMALS),
        reasons=tuple(reasons),
        parts=MappingProxyType(parts),
    )


def propose(
    client: Client,
    therapists: Sequence[Therapist],
    *,
    records: TrackRecords | None = None,
    limit: int | None = None,
) -> MatchResult:
    """Every admissible therapist for ``client``, best first (ties by id), or why none is.

    Capacity is not allocated between clients: each client is matched on their own against
    the therapists' current open slots, and a person confirms each match.
    """
    records = records if records is not None else TrackRecords(therapists)
    ruled_out = dict.fromkeys(CONSTRAINTS, 0)
    proposals: list[Proposal] = []
    for therapist in therapists:
        failed = failures(client, therapist)
        for name in failed:
            ruled_out[name] += 1
        if not failed:
            proposals.append(rank(client, therapist, records))
    proposals.sort(key=lambda p: (-p.score, id_order(p.therapist_id)))
    if limit is not None:
        proposals = proposals[:limit]
    counts = MappingProxyType({k: n for k, n in ruled_out.items() if n})
    reason = None if proposals else unmatched_reason(client, len(therapists), counts)
    return MatchResult(
        client_id=client.id, proposals=tuple(proposals), unmatched_reason=reason, ruled_out=counts
    )


def propose_all(
    clients: Iterable[Client], therapists: Sequence[Therapist], *, limit: int | None = None
) -> list[MatchResult]:
    """:func:`propose` for each client, independently, in the order given."""
    records = TrackRecords(therapists)
    return [propose(c, therapists, records=records, limit=limit) for c in clients]
