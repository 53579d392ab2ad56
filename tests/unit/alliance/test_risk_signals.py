"""Risk: endorsed risk items and crisis feedback always surface as urgent."""

from __future__ import annotations

from bordin.domain.alliance import RiskFlag

from .builders import day, flat_sac, individual, outcome, signals


def test_phq9_item_9_above_zero_is_an_urgent_risk_signal() -> None:
    history = individual(outcome("client-a", "phq9", [8, 9], items={2: {"q9": 1.0}}))
    [risk] = signals(history, "risk")
    assert (risk.severity, risk.status, risk.session_number) == ("urgent", "open", 2)
    assert risk.explanation.numbers["item"] == 9
    assert "item 9" in risk.explanation.sentence


def test_phq9_item_9_at_zero_raises_nothing() -> None:
    history = individual(outcome("client-a", "phq9", [8, 9], items={2: {"q9": 0.0}}))
    assert signals(history, "risk") == []


def test_core10_item_6_above_zero_is_urgent() -> None:
    history = individual(outcome("client-a", "core10", [14], items={1: {"q6": 2.0}}))
    [risk] = signals(history, "risk")
    assert risk.instrument_id == "core10"


def test_crisis_feedback_is_urgent_even_when_every_rating_is_fine() -> None:
    flag = RiskFlag("client-a", 3, day(3), "crisis_feedback", "triage: crisis")
    history = individual(flat_sac("client-a", [38, 38, 38]), flags=[flag])
    found = signals(history)
    assert [(s.type, s.severity) for s in found] == [("risk", "urgent")]
    assert found[0].explanation.sentence == "Crisis feedback in session 3 (triage: crisis)."


def test_a_risk_item_reported_twice_gives_one_signal() -> None:
    flag = RiskFlag("client-a", 2, day(2), "risk_item", "phq9: q9")
    history = individual(outcome("client-a", "phq9", [8, 9], items={2: {"q9": 1.0}}), flags=[flag])
    assert [s.explanation.rule for s in signals(history, "risk")] == ["risk.item_endorsed"]


def test_risk_comes_first_among_signals_of_the_same_session() -> None:
    ratings = [
        *flat_sac("client-a", [34, 35, 34, 35, 26]),
        *outcome("client-a", "phq9", [8] * 5, items={5: {"q9": 2.0}}),
    ]
    found = signals(individual(ratings))
    at_five = [s.type for s in found if s.session_number == 5]
    assert at_five[0] == "risk"
