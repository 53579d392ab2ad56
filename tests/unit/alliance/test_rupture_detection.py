"""Possible ruptures: drops against the client's own baseline, ceiling, item and cut-off rules."""

from __future__ import annotations

from bordin.domain.alliance import SignalConfig

from .builders import flat_sac, individual, sac, sac_series, signals, srs_series


def test_it_flags_a_drop_of_two_sds_from_the_clients_own_baseline_as_high() -> None:
    history = individual(flat_sac("client-a", [34, 35, 34, 35, 26]))
    [rupture] = signals(history, "rupture")
    assert rupture.session_number == 5
    assert rupture.severity == "high"
    assert rupture.explanation.rule == "rupture.baseline_drop_2sd"
    numbers = rupture.explanation.numbers
    assert numbers["baseline_mean"] == 34.5
    assert numbers["prior_ratings"] == 4
    assert numbers["z"] is not None and float(numbers["z"]) >= 2


def test_it_flags_a_one_sd_drop_as_routine_when_it_is_big_enough() -> None:
    # Baseline 30, 36, 33, 30, 36: mean 33, SD 3. A rating of 29 is 4 points and 1.33 SD below.
    history = individual(flat_sac("client-a", [30, 36, 33, 30, 36, 29]))
    [rupture] = signals(history, "rupture")
    assert rupture.severity == "routine"
    assert rupture.explanation.rule == "rupture.baseline_drop_1sd"
    assert rupture.explanation.numbers["drop"] == 4.0


def test_it_ignores_a_drop_smaller_than_the_minimum_even_for_a_very_steady_rater() -> None:
    # SD 0 is floored at 2 points; a 3-point drop is 1.5 SD but under the 4-point minimum.
    history = individual(flat_sac("client-a", [35, 35, 35, 35, 32]))
    assert signals(history, "rupture") == []


def test_a_lower_minimum_drop_catches_the_same_three_point_drop() -> None:
    history = individual(flat_sac("client-a", [35, 35, 35, 35, 32]))
    config = SignalConfig(min_drop_fraction=0.075)
    assert [s.session_number for s in signals(history, "rupture", config=config)] == [5]


def test_it_waits_for_three_earlier_ratings_before_using_the_baseline() -> None:
    history = individual(flat_sac("client-a", [35, 35, 24]))
    assert signals(history, "rupture") == []
    earlier = SignalConfig(min_prior_sessions=2)
    assert [s.session_number for s in signals(history, "rupture", config=earlier)] == [3]


def test_the_sd_floor_keeps_a_one_point_dip_from_the_ceiling_quiet() -> None:
    history = individual(sac_series("client-a", [(10, 10, 10, 10)] * 4 + [(10, 9, 10, 10)]))
    assert signals(history, "rupture") == []


def test_a_two_point_drop_from_the_ceiling_is_a_rupture() -> None:
    history = individual(sac_series("client-a", [(10, 10, 10, 10)] * 2 + [(10, 9, 9, 10)]))
    [rupture] = signals(history, "rupture")
    assert rupture.session_number == 3
    assert rupture.explanation.rule == "rupture.ceiling_drop"
    assert "top score of 40" in rupture.explanation.sentence


def test_a_one_point_ceiling_drop_counts_when_configured() -> None:
    history = individual(sac_series("client-a", [(10, 10, 10, 10)] * 2 + [(10, 9, 10, 10)]))
    config = SignalConfig(ceiling_min_drop_fraction=0.025)
    assert [s.explanation.rule for s in signals(history, "rupture", config=config)] == [
        "rupture.ceiling_drop"
    ]


def test_an_item_drop_on_bond_is_a_rupture_even_when_the_total_barely_moves() -> None:
    steady = [(8, 8, 9, 8)] * 4
    history = individual(sac_series("client-a", [*steady, (9, 9, 5, 8)]))
    [rupture] = signals(history, "rupture")
    assert rupture.explanation.rule == "rupture.item_drop"
    assert rupture.explanation.numbers["bond_level"] == 9.0
    assert rupture.explanation.numbers["bond_score"] == 5.0
    assert "bond fell to 5" in rupture.explanation.sentence


def test_an_item_drop_of_two_points_is_not_enough_by_default() -> None:
    history = individual(sac_series("client-a", [(8, 8, 9, 8)] * 4 + [(8, 8, 7, 8)]))
    assert signals(history, "rupture") == []


def test_falling_below_the_srs_cutoff_from_above_is_a_rupture() -> None:
    # 2.9 points below a baseline of 37.9: under the 4-point minimum, but it crosses 36.
    history = individual(srs_series("client-a", [38.0, 38.2, 37.5, 35.0]))
    [rupture] = signals(history, "rupture")
    assert rupture.explanation.rule == "rupture.cutoff_crossing"
    assert rupture.severity == "routine"
    assert (
        "below 36, the level at which clients are usually unhappy" in rupture.explanation.sentence
    )


def test_the_cutoff_rule_can_be_turned_off() -> None:
    history = individual(srs_series("client-a", [38.0, 38.2, 37.5, 35.0]))
    assert signals(history, "rupture", config=SignalConfig(cutoff_rule=False)) == []


def test_a_client_below_the_cutoff_from_the_start_gets_low_alliance_not_a_rupture() -> None:
    history = individual(srs_series("client-a", [31.0, 32.5, 31.8, 32.0]))
    assert signals(history, "rupture") == []
    [low] = signals(history, "low_alliance")
    assert low.session_number == 1
    assert low.status == "active"


def test_low_alliance_resolves_once_the_client_rates_above_the_cutoff() -> None:
    history = individual(srs_series("client-a", [31.0, 33.0, 37.0]))
    [low] = signals(history, "low_alliance")
    assert low.status == "resolved"


def test_each_alliance_measure_is_read_on_its_own() -> None:
    ratings = [
        *flat_sac("client-a", [34, 35, 34, 35, 26]),
        *srs_series("client-a", [38.0, 38.0, 38.0, 38.0, 38.0]),
    ]
    history = individual(ratings)
    assert [(s.instrument_id, s.session_number) for s in signals(history, "rupture")] == [
        ("bordin_sac", 5)
    ]


def test_an_item_drop_is_caught_when_another_item_rises_and_the_total_stays_put() -> None:
    # Tasks falls 4 points while goals rises 4: the total does not move at all.
    history = individual(sac_series("client-a", [(6, 9, 9, 9)] * 4 + [(10, 5, 9, 9)]))
    [rupture] = signals(history, "rupture")
    assert rupture.explanation.numbers["tasks_score"] == 5.0
    assert sac("client-a", 1, 6, 9, 9, 9).total == 33.0
