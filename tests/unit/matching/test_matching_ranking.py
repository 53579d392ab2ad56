"""Ranking admissible therapists: fit first, track record shrunk, reasons in words, ties by id."""

from __future__ import annotations

import pytest

from bordin.domain.matching import (
    TrackRecord,
    client,
    fit_prior,
    propose,
    propose_all,
    shrink,
    therapist,
)
from bordin.domain.matching.track_record import DEFAULT_STRENGTH, adjusted_improved


def open_therapist(id_: int | str, **changes: object):
    fields: dict[str, object] = {
        "languages": ["English"],
        "modes": ["online"],
        "availability": ["mon_evening"],
        "funding": ["self_pay"],
    }
    fields.update(changes)
    return therapist(id_, **fields)


ANN = client("ann", languages=["English"], needs=["trauma", "sleep"], modes=["online"])


def test_the_therapist_who_works_with_the_clients_needs_comes_first() -> None:
    result = propose(ANN, [open_therapist(1), open_therapist(2, specialisms=["trauma"])])
    assert [p.therapist_id for p in result.proposals] == [2, 1]
    assert result.proposals[0].reasons[0] == "Works with trauma (not listed: sleep)"
    assert result.proposals[1].reasons[0] == "Does not list trauma and sleep as a specialism"


def test_the_first_need_counts_double() -> None:
    result = propose(
        ANN, [open_therapist(1, specialisms=["sleep"]), open_therapist(2, specialisms=["trauma"])]
    )
    assert [p.therapist_id for p in result.proposals] == [2, 1]


def test_equal_scores_are_ordered_by_id_numbers_first_then_text() -> None:
    therapists = [open_therapist(i) for i in ("b", 10, "a", 2)]
    result = propose(client("c"), therapists)
    assert [p.therapist_id for p in result.proposals] == [2, 10, "a", "b"]
    assert len({p.score for p in result.proposals}) == 1


def test_a_preferred_modality_and_gender_raise_the_score_with_a_reason() -> None:
    wants = client("c", modalities=["cbt"], therapist_gender=["woman"])
    result = propose(
        wants, [open_therapist(1), open_therapist(2, modalities=["CBT"], gender="female")]
    )
    best = result.proposals[0]
    assert best.therapist_id == 2
    assert "Works in CBT, as the client would like" in best.reasons
    assert "Is a woman, as the client preferred" in best.reasons


def test_few_good_episodes_do_not_beat_many_fairly_good_ones_by_much() -> None:
    lucky = open_therapist("lucky", outcomes=TrackRecord(2, 2))
    steady = open_therapist("steady", outcomes=TrackRecord(60, 36))
    others = [open_therapist(f"o{i}", outcomes=TrackRecord(40, 16 + i)) for i in range(4)]
    result = propose(client("c"), [lucky, steady, *others])
    parts = {p.therapist_id: p.parts["track_record"] for p in result.proposals}
    assert abs(parts["lucky"] - parts["steady"]) < 0.2
    lucky_reason = next(p for p in result.proposals if p.therapist_id == "lucky").reasons[-1]
    assert "few episodes, so it counts for little" in lucky_reason


def test_shrinkage_is_the_beta_binomial_posterior_mean() -> None:
    prior = fit_prior([TrackRecord(10, 5)])
    assert prior is not None
    assert prior.mean == 0.5 and prior.strength == DEFAULT_STRENGTH and not prior.estimated
    estimate = shrink(TrackRecord(4, 4), prior)
    assert estimate.rate == pytest.approx((4 + 10 * 0.5) / (4 + 10))
    assert estimate.own_weight == pytest.approx(4 / 14)


def test_the_prior_strength_is_estimated_by_moments_when_therapists_really_differ() -> None:
    records = [TrackRecord(100, 40), TrackRecord(100, 50), TrackRecord(100, 60)]
    prior = fit_prior(records)
    assert prior is not None and prior.estimated
    # variance of rates 0.01, binomial noise 0.25/100 → between 0.0075 → k = 0.25 / 0.0075 - 1
    assert prior.strength == pytest.approx(0.25 / 0.0075 - 1)


def test_when_differences_look_like_noise_the_default_strength_is_used() -> None:
    prior = fit_prior([TrackRecord(10, 5), TrackRecord(10, 6), TrackRecord(10, 4)])
    assert prior is not None and not prior.estimated
    assert prior.strength == DEFAULT_STRENGTH


def test_a_therapist_seeing_more_severe_clients_is_adjusted_for_case_mix() -> None:
    # expected 3 of 10 given severity, improved 5: two better than expected, at practice rate .5
    assert adjusted_improved(TrackRecord(10, 5, expected=3.0), 0.5) == 7.0
    assert adjusted_improved(TrackRecord(10, 9, expected=0.0), 0.5) == 10.0


def test_the_track_record_uses_clients_with_similar_needs_when_the_practice_has_them() -> None:
    good_with_trauma = open_therapist(
        1, outcomes_by_need={"trauma": TrackRecord(30, 24)}, outcomes=TrackRecord(50, 25)
    )
    other = open_therapist(2, outcomes_by_need={"trauma": TrackRecord(30, 9)})
    result = propose(ANN, [other, good_with_trauma])
    assert result.proposals[0].therapist_id == 1
    assert (
        "with clients with similar needs: above the practice average"
        in (result.proposals[0].reasons[-1])
    )


def test_without_any_ended_episode_the_track_record_plays_no_part() -> None:
    result = propose(ANN, [open_therapist(1)])
    assert "track_record" not in result.proposals[0].parts


def test_each_client_is_matched_on_their_own_so_capacity_is_not_shared_out() -> None:
    one_slot = open_therapist(1, open_slots=1)
    results = propose_all([client("a"), client("b")], [one_slot])
    assert [r.proposals[0].therapist_id for r in results] == [1, 1]


def test_a_limit_keeps_the_best_proposals() -> None:
    therapists = [open_therapist(i) for i in range(5)]
    result = propose(client("c"), therapists, limit=2)
    assert [p.therapist_id for p in result.proposals] == [0, 1]


def test_scores_lie_between_0_and_1() -> None:
    result = propose(ANN, [open_therapist(1, specialisms=["trauma", "sleep"])])
    assert 0 <= result.proposals[0].score <= 1
