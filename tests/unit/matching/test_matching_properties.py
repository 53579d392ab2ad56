"""Properties that must hold for any waiting list and any therapists (Hypothesis).

The checker here reads the raw file format on its own, so a hard constraint broken anywhere
between reading the file and ranking would show.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bordin.domain.matching import TrackRecord, fit_prior, propose_all, read_file, shrink

LANGUAGES = ["English", "Polish", "Urdu", "Welsh"]
MODES = ["online", "in_person", "phone"]
PLACES = ["Leeds", "York"]
SLOTS = ["mon_evening", "tue_morning", "wed_afternoon", "sat_morning"]
FUNDING = ["self_pay", "insurer", "charity"]
NEEDS = ["anxiety", "low_mood", "trauma", "grief"]
MODALITIES = ["cbt", "person_centred", "emdr"]
GENDERS = ["woman", "man", "non_binary"]


def cased(words: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(words).flatmap(
        lambda w: st.sampled_from([w, w.upper(), w.title(), f" {w} "])
    )


def some(words: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(cased(words), max_size=len(words))


ids = st.one_of(st.integers(0, 40), st.text("abcxyz", min_size=1, max_size=3))


@st.composite
def therapist_dicts(draw: st.DrawFn, id_: object) -> dict[str, object]:
    raw: dict[str, object] = {"id": id_}
    for name, words in [
        ("languages", LANGUAGES),
        ("specialisms", NEEDS),
        ("modalities", MODALITIES),
        ("modes", MODES),
        ("availability", SLOTS),
        ("funding", FUNDING),
    ]:
        if draw(st.integers(0, 9)):
            raw[name] = draw(some(words))
    if draw(st.booleans()):
        raw["gender"] = draw(cased(GENDERS))
    if draw(st.booleans()):
        raw["location"] = draw(cased(PLACES))
    if draw(st.booleans()):
        raw["accepting"] = draw(st.booleans())
    if draw(st.booleans()):
        raw["open_slots"] = draw(st.integers(0, 3))
    if draw(st.booleans()):
        episodes = draw(st.integers(0, 60))
        raw["outcomes"] = {
            "episodes": episodes,
            "reliable_improvement": draw(st.integers(0, episodes)),
        }
    return raw


@st.composite
def client_dicts(draw: st.DrawFn, id_: object, therapist_ids: list[object]) -> dict[str, object]:
    raw: dict[str, object] = {"id": id_}
    if draw(st.integers(0, 4)):
        raw["language"] = draw(cased(LANGUAGES))
    for name, words in [("needs", NEEDS), ("modes", MODES), ("availability", SLOTS)]:
        if draw(st.integers(0, 4)):
            raw[name] = draw(some(words))
    if draw(st.integers(0, 4)):
        raw["funding"] = draw(cased(FUNDING))
    if draw(st.booleans()):
        raw["location"] = draw(cased(PLACES))
    if draw(st.booleans()):
        raw["therapist_gender"] = {"value": draw(cased(GENDERS)), "required": draw(st.booleans())}
    if therapist_ids and draw(st.booleans()):
        raw["exclude_therapists"] = draw(st.lists(st.sampled_from(therapist_ids), max_size=2))
    return raw


@st.composite
def files(draw: st.DrawFn) -> dict[str, object]:
    therapist_ids = draw(st.lists(ids, max_size=8, unique_by=str))
    client_ids = draw(st.lists(ids, max_size=5, unique_by=str))
    return {
        "therapists": [draw(therapist_dicts(i)) for i in therapist_ids],
        "clients": [draw(client_dicts(i, therapist_ids)) for i in client_ids],
    }


def norm(value: str) -> str:
    return value.strip().lower().replace(" ", "_").replace("-", "_")


def norms(values: object) -> set[str]:
    if values is None:
        return set()
    return {norm(v) for v in ([values] if isinstance(values, str) else values)}  # type: ignore[union-attr]


def hard_constraints_hold(c: dict, t: dict) -> bool:
    if str(t["id"]) in {str(x) for x in c.get("exclude_therapists", [])}:
        return False
    if t.get("accepting") is False or t.get("open_slots", 1) < 1:
        return False
    if "language" in c and norm(c["language"]) not in norms(t.get("languages")):
        return False
    modes = norms(t.get("modes"))
    if "modes" in c:
        modes &= norms(c["modes"])
    if (
        "in_person" in modes
        and "location" in c
        and norm(c["location"]) != norm(t.get("location") or "")
    ):
        modes.discard("in_person")
    if not modes:
        return False
    if "availability" in c and not norms(c["availability"]) & norms(t.get("availability")):
        return False
    if "funding" in c and norm(c["funding"]) not in norms(t.get("funding")):
        return False
    gender = c.get("therapist_gender")
    return not (
        gender and gender["required"] and norm(gender["value"]) != norm(t.get("gender") or "")
    )


@settings(max_examples=200, deadline=None)
@given(files())
def test_no_proposal_ever_breaks_a_hard_constraint_and_none_admissible_is_left_out(
    data: dict,
) -> None:
    therapists, clients = read_file(json.loads(json.dumps(data)))
    results = propose_all(clients, therapists)
    by_id = {str(t["id"]): t for t in data["therapists"]}
    for raw_client, result in zip(data["clients"], results, strict=True):
        assert result.client_id == raw_client["id"]
        proposed = {str(p.therapist_id) for p in result.proposals}
        for key, raw_therapist in by_id.items():
            assert (key in proposed) == hard_constraints_hold(raw_client, raw_therapist)
        assert (result.unmatched_reason is None) == bool(result.proposals)


@settings(max_examples=60, deadline=None)
@given(files())
def test_proposals_are_best_first_with_scores_between_0_and_1_and_the_same_every_time(
    data: dict,
) -> None:
    therapists, clients = read_file(data)
    first = [r.as_dict() for r in propose_all(clients, therapists)]
    again = [r.as_dict() for r in propose_all(list(reversed(clients)), therapists)]
    assert first == list(reversed(again))
    for line in first:
        scores = [m["score"] for m in line["matches"]]  # type: ignore[index]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 1 for s in scores)
        assert all(m["reasons"] for m in line["matches"])  # type: ignore[index]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 80), st.floats(0, 1)), min_size=1, max_size=8),
    st.integers(0, 80),
    st.floats(0, 1),
)
def test_a_shrunk_rate_lies_between_the_therapists_own_rate_and_the_practice_mean(
    others: list[tuple[int, float]], episodes: int, share: float
) -> None:
    records = [TrackRecord(n, round(n * p)) for n, p in others]
    prior = fit_prior(records)
    assert prior is not None
    own = TrackRecord(episodes, round(episodes * share))
    estimate = shrink(own, prior)
    low, high = sorted((prior.mean, own.improved / episodes if episodes else prior.mean))
    assert low - 1e-9 <= estimate.rate <= high + 1e-9
