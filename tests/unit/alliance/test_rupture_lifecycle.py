"""A rupture's course: open, repaired or unrepaired; V-shapes, dips and declines (Gumz 2012)."""

from __future__ import annotations

from bordin.domain.alliance import SignalConfig

from .builders import day, flat_sac, individual, sac_series, signals, walk

STEADY = [36, 36, 37, 36]


def test_walking_forward_a_rupture_is_open_then_repaired() -> None:
    history = individual(flat_sac("client-a", [*STEADY, 26, 36]))
    seen = walk(history, [4, 5, 6], "rupture", "rupture_repaired")
    assert seen[4] == []
    assert [(s.type, s.status) for s in seen[5]] == [("rupture", "open")]
    assert [(s.type, s.session_number, s.status) for s in seen[6]] == [
        ("rupture", 5, "repaired"),
        ("rupture_repaired", 6, "repaired"),
    ]


def test_a_v_shape_is_told_apart_from_a_prolonged_dip() -> None:
    v_shape = individual(flat_sac("client-a", [*STEADY, 26, 36, 36]))
    dip = individual(flat_sac("client-a", [*STEADY, 26, 27, 36]))
    [v] = signals(v_shape, "rupture")
    [d] = signals(dip, "rupture")
    assert v.explanation.numbers["shape"] == "v_shape"
    assert d.explanation.numbers["shape"] == "prolonged_dip"
    assert d.explanation.numbers["sessions_below"] == 2
    assert [s.session_number for s in signals(dip, "rupture_repaired")] == [7]


def test_a_rupture_not_back_within_the_window_is_unrepaired_after_three_more_ratings() -> None:
    history = individual(flat_sac("client-a", [*STEADY, 26, 27, 28, 27, 28]))
    seen = walk(history, [7, 8], "rupture", "rupture_unrepaired")
    assert [(s.type, s.status) for s in seen[7]] == [("rupture", "open")]
    assert [(s.type, s.session_number, s.status) for s in seen[8]] == [
        ("rupture", 5, "unrepaired"),
        ("rupture_unrepaired", 8, "unrepaired"),
    ]
    [rupture] = signals(history, "rupture")
    assert rupture.explanation.numbers["shape"] == "prolonged_decline"
    [unrepaired] = signals(history, "rupture_unrepaired")
    assert unrepaired.severity == "high"


def test_a_longer_repair_window_keeps_the_rupture_open_longer() -> None:
    history = individual(flat_sac("client-a", [*STEADY, 26, 27, 28, 27, 36]))
    config = SignalConfig(repair_window=5)
    assert [
        s.type for s in signals(history, "rupture_repaired", "rupture_unrepaired", config=config)
    ] == ["rupture_repaired"]


def test_a_late_return_after_the_window_stays_unrepaired_and_says_so() -> None:
    history = individual(flat_sac("client-a", [*STEADY, 26, 27, 28, 27, 36]))
    [unrepaired] = signals(history, "rupture_unrepaired")
    assert unrepaired.explanation.numbers["returned_late_session"] == 9
    assert "came back to that level later, in session 9" in unrepaired.explanation.sentence
    assert signals(history, "rupture_repaired") == []


def test_an_episode_that_ends_with_an_open_rupture_marks_it_unrepaired() -> None:
    history = individual(flat_sac("client-a", [*STEADY, 26, 27]), ended=True, ended_on=day(7))
    assert [s.status for s in signals(history, "rupture", now=day(6))] == ["open"]
    [rupture] = signals(history, "rupture", now=day(7))
    assert rupture.status == "unrepaired"
    [verdict] = signals(history, "rupture_unrepaired", now=day(7))
    assert verdict.session_number == 6


def test_a_client_who_drops_out_right_after_the_drop_leaves_it_unrepaired() -> None:
    history = individual(flat_sac("client-a", [*STEADY, 26]), dropped_out=True)
    [verdict] = signals(history, "rupture_unrepaired")
    assert verdict.session_number == 5


def test_a_slow_slide_is_detected_with_a_gradual_onset() -> None:
    history = individual(flat_sac("client-a", [36, 36, 36, 35, 34, 33, 32, 31, 30, 29]))
    ruptures = signals(history, "rupture")
    assert len(ruptures) == 1
    assert ruptures[0].explanation.numbers["onset"] == "gradual"
    assert ruptures[0].status in ("open", "unrepaired")


def test_further_drops_while_a_rupture_is_open_belong_to_it() -> None:
    history = individual(flat_sac("client-a", [*STEADY, 28, 24, 20]))
    assert len(signals(history, "rupture")) == 1


def test_a_new_rupture_can_open_after_the_first_is_repaired() -> None:
    history = individual(flat_sac("client-a", [*STEADY, 26, 36, 36, 36, 25, 36]))
    assert [s.session_number for s in signals(history, "rupture")] == [5, 9]
    assert [s.session_number for s in signals(history, "rupture_repaired")] == [6, 10]


def test_the_repair_needs_the_dimension_that_dropped_to_come_back_too() -> None:
    from .builders import sac_series

    steady = [(8, 8, 9, 8)] * 4
    # Bond falls 9 -> 5; next session the total is back but bond is still 6.
    history = individual(
        sac_series("client-a", [*steady, (9, 9, 5, 8), (9, 9, 6, 9), (8, 8, 9, 8)])
    )
    [rupture] = signals(history, "rupture")
    [repaired] = signals(history, "rupture_repaired")
    assert rupture.status == "repaired"
    assert repaired.session_number == 7


def test_a_collapse_after_a_rupture_that_never_came_back_is_a_new_rupture() -> None:
    # Steady at 36-37, a drop to 28 that settles around 33 (unrepaired: never back to 36), then a
    # collapse to 10 of 40 with bond at 2: that collapse is a new rupture, not more of the old one.
    rows = [(9, 9, 9, 9), (9, 9, 10, 9), (9, 9, 9, 9), (9, 9, 10, 9), (7, 7, 7, 7)]
    rows += [(8, 8, 9, 8), (8, 8, 9, 8), (8, 8, 8, 8), (8, 9, 8, 8), (3, 3, 2, 2)]
    history = individual(sac_series("client-a", rows))
    ruptures = signals(history, "rupture")
    assert [(s.session_number, s.status) for s in ruptures] == [(5, "unrepaired"), (10, "open")]
    assert ruptures[1].severity == "high"


def test_a_collapse_after_a_repaired_rupture_is_a_new_rupture() -> None:
    rows = [(8, 8, 9, 8), (9, 8, 9, 8), (8, 8, 9, 8), (9, 8, 9, 8), (6, 5, 5, 6)]
    rows += [(8, 8, 9, 8), (8, 8, 9, 8), (8, 9, 8, 8), (3, 3, 2, 2)]
    history = individual(sac_series("client-a", rows))
    found = signals(history, "rupture", "rupture_repaired")
    assert [(s.type, s.session_number, s.status) for s in found] == [
        ("rupture", 5, "repaired"),
        ("rupture_repaired", 6, "repaired"),
        ("rupture", 9, "open"),
    ]


def test_a_decline_that_stays_at_its_new_level_raises_no_second_rupture() -> None:
    history = individual(flat_sac("client-a", [*STEADY, 26, 27, 28, 27, 26, 27, 28, 26]))
    assert [s.session_number for s in signals(history, "rupture")] == [5]
