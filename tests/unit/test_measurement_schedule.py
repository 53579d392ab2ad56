"""The outcome-measure schedule: intake, every session until stable, every third once stable,
and back to every session after a deterioration, a rupture or a risk answer."""

from __future__ import annotations

import pytest

from bordin.domain.measurement_schedule import (
    MeasurementPolicy,
    OutcomeHistory,
    decide,
    is_stable,
)

RC = 6.0  # e.g. the PHQ-9's reliable-change value
POLICY = MeasurementPolicy()


def history(*totals: float, since: int = 1, **flags: bool) -> OutcomeHistory:
    return OutcomeHistory(tuple(totals), since, RC, **flags)


@pytest.mark.parametrize(
    ("totals", "stable"),
    [
        ((), False),
        ((14, 13), False),  # only two administrations
        ((14, 13, 12), True),  # changes of 1 and 1
        ((20, 14, 13), False),  # a reliable improvement (6) one administration ago
        ((14, 13, 19), False),  # a reliable deterioration (6) just now
        ((14, 10, 14), True),  # changes of 4 and 4: neither reliable
    ],
)
def test_stable_means_no_reliable_change_across_the_last_two_administrations(
    totals: tuple[float, ...], stable: bool
) -> None:
    assert is_stable(totals, RC) is stable


def test_a_measure_without_a_reliable_change_value_is_never_stable() -> None:
    assert is_stable((10, 10, 10, 10), None) is False


def test_it_is_asked_at_intake_and_every_session_until_stable() -> None:
    assert decide(history(), POLICY).reason == "first time in this episode (intake)"
    assert decide(history(14, 13), POLICY).ask is True
    assert decide(history(20, 14, 13), POLICY).reason == "scores not yet stable"


def test_once_stable_it_is_asked_every_third_session() -> None:
    asked = [decide(history(14, 13, 12, since=n), POLICY).ask for n in (1, 2, 3)]
    assert asked == [False, False, True]
    assert decide(history(14, 13, 12, since=1), POLICY).reason == "stable: next asked in 2 sessions"


def test_a_deterioration_brings_it_back_to_every_session() -> None:
    assert decide(history(14, 13, 12, 19, since=1), POLICY).ask is True
    assert decide(history(14, 13, 12, 19, 18, since=1), POLICY).ask is True
    assert decide(history(14, 13, 12, 19, 18, 18, since=1), POLICY).ask is False


@pytest.mark.parametrize("flag", ["risk_since_last", "rupture_since_last"])
def test_a_risk_answer_or_a_rupture_brings_it_back_even_when_stable(flag: str) -> None:
    assert decide(history(14, 13, 12, since=1, **{flag: True}), POLICY).ask is True


def test_a_practice_can_ask_every_session() -> None:
    assert decide(history(14, 13, 12, since=1), MeasurementPolicy(adaptive=False)).ask is True


def test_it_refuses_a_cadence_that_makes_no_sense() -> None:
    with pytest.raises(ValueError, match="stable_every"):
        MeasurementPolicy(stable_every=1)
