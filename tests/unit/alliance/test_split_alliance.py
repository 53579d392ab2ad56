"""Couples: split alliance and a widening gap between partners (clinical-facts §8.3)."""

from __future__ import annotations

from bordin.domain.alliance import SignalConfig

from .builders import couple, flat_sac, sac, signals, srs_series, walk


def _pair(a: list[int], b: list[int]) -> list:
    return [*flat_sac("partner-a", a), *flat_sac("partner-b", b)]


def test_partners_far_apart_for_two_sessions_is_a_split() -> None:
    history = couple(_pair([36, 37, 36, 36, 37], [36, 36, 30, 29, 30]))
    [split] = signals(history, "split_alliance")
    assert split.client_id is None
    assert split.session_number == 3
    assert split.status == "active"
    assert split.explanation.numbers["lower_partner"] == "partner-b"
    assert split.explanation.numbers["threshold"] == 4.0


def test_a_single_session_gap_is_not_a_split() -> None:
    history = couple(_pair([36, 37, 36, 36, 37], [36, 36, 30, 36, 37]))
    assert signals(history, "split_alliance") == []


def test_one_session_is_enough_when_configured() -> None:
    history = couple(_pair([36, 37, 36, 36, 37], [36, 36, 30, 36, 37]))
    config = SignalConfig(split_min_sessions=1)
    [split] = signals(history, "split_alliance", config=config)
    assert split.status == "resolved"


def test_partners_close_together_are_not_split() -> None:
    history = couple(_pair([36, 37, 36, 35, 37, 36], [35, 36, 37, 36, 35, 36]))
    assert signals(history, "split_alliance", "split_widening") == []


def test_a_bond_gap_alone_is_a_split() -> None:
    a = [sac("partner-a", k, 8, 8, 9, 8) for k in range(1, 5)]
    b = [sac("partner-b", k, 9, 9, 5, 9) for k in range(1, 5)]
    [split] = signals(couple([*a, *b]), "split_alliance")
    assert split.explanation.numbers["bond_gap"] == 4.0
    assert "on bond alone" in split.explanation.sentence


def test_the_within_couple_sd_raises_the_threshold_for_partners_whose_ratings_jump_about() -> None:
    a = [40.0, 30.0, 40.0, 30.0, 40.0, 30.0, 35.0, 35.0]
    b = [30.0, 40.0, 30.0, 40.0, 30.0, 40.0, 30.0, 30.0]
    history = couple([*srs_series("partner-a", a), *srs_series("partner-b", b)])
    [split] = signals(history, "split_alliance")
    # Sessions 7 and 8 differ by 5 points, more than 4, but less than the partners' own spread.
    assert split.status == "resolved"
    assert "Closed in session 7" in split.explanation.sentence
    assert float(split.explanation.numbers["threshold"]) > 5.0


def test_the_split_resolves_when_the_gap_closes_for_two_sessions() -> None:
    history = couple(_pair([36, 36, 36, 36, 36, 36], [36, 30, 29, 35, 36, 36]))
    [split] = signals(history, "split_alliance")
    assert split.status == "resolved"
    assert "Closed in session 4" in split.explanation.sentence


def test_a_slowly_widening_gap_is_flagged_as_it_grows() -> None:
    a = [36] * 8
    b = [36, 36, 35, 34, 33, 32, 31, 30]
    history = couple(_pair(a, b))
    seen = walk(history, [3, 8], "split_widening")
    assert seen[3] == []
    [widening] = seen[8]
    assert widening.status == "active"
    assert float(widening.explanation.numbers["slope_per_session"]) >= 0.5


def test_a_steady_gap_is_not_widening() -> None:
    history = couple(_pair([36] * 8, [30] * 8))
    assert signals(history, "split_widening") == []
    assert len(signals(history, "split_alliance")) == 1


def test_only_sessions_both_partners_rated_are_compared() -> None:
    a = flat_sac("partner-a", [36, 36, 36, 36])
    b = [r for r in flat_sac("partner-b", [36, 30, 36, 30]) if r.session_number in (2, 4)]
    [split] = signals(couple([*a, *b]), "split_alliance")
    assert split.explanation.sessions == (2, 4)
