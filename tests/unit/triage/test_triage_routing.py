"""Routing: who sees what. Conduct text never reaches the therapist concerned."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bordin.domain.triage import CLINICAL_LEAD, THERAPIST, triage
from bordin.domain.triage.classifier import Triage, checked_canonical, decide, find_hits
from bordin.domain.triage.combination import combine
from bordin.domain.triage.evaluation import load_examples
from bordin.domain.triage.lexicon import RULES
from bordin.domain.triage.model import Scores, shipped_model
from bordin.domain.triage.patterns import Category
from bordin.domain.triage.repair import PROMPTS
from bordin.domain.triage.routing import (
    CRISIS_TO_LEAD_MESSAGE,
    CRISIS_WITH_CONDUCT_MESSAGE,
    PROFESSIONAL_BODY_ROUTE,
)

CONDUCT_EXAMPLES = [r.example for r in RULES if r.category == "conduct"]
OTHER_SENTENCES = [r.example for r in RULES if r.category != "conduct"] + [
    "See you next week.",
    "Thanks.",
    "I'm not suicidal, just tired.",
]


@pytest.mark.parametrize(
    ("text", "category", "severity", "route"),
    [
        ("I want to die.", "crisis", "urgent", (THERAPIST, CLINICAL_LEAD)),
        ("He asked me out.", "conduct", "high", (CLINICAL_LEAD,)),
        ("I felt rushed.", "misalignment", "routine", (THERAPIST,)),
        ("Thank you.", "positive", "routine", (THERAPIST,)),
        ("See you next week.", "other", "routine", (THERAPIST,)),
    ],
)
def test_each_class_has_its_severity_and_route(
    text: str, category: str, severity: str, route: tuple[str, ...]
) -> None:
    result = triage(text)

    assert (result.category, result.severity, result.route) == (category, severity, route)


@pytest.mark.parametrize("text", CONDUCT_EXAMPLES)
def test_conduct_text_goes_to_the_clinical_lead_only(text: str) -> None:
    result = triage(text)

    assert result.category == "conduct"
    assert result.route == (CLINICAL_LEAD,)


@settings(max_examples=150, deadline=None)
@given(
    conduct=st.sampled_from(CONDUCT_EXAMPLES),
    before=st.lists(st.sampled_from(OTHER_SENTENCES), max_size=2),
    after=st.lists(st.sampled_from(OTHER_SENTENCES), max_size=2),
)
def test_routing_never_sends_conduct_text_to_the_therapist(
    conduct: str, before: list[str], after: list[str]
) -> None:
    text = " ".join([*before, conduct, *after])

    result = triage(text)

    assert THERAPIST not in result.route
    assert result.category in ("crisis", "conduct")


def test_no_labelled_text_with_a_conduct_match_is_routed_to_the_therapist() -> None:
    for example in load_examples():
        result = triage(example.text)
        if any(h.category == "conduct" and h.status == "counts" for h in result.hits):
            assert THERAPIST not in result.route, example.id


def test_crisis_with_a_conduct_concern_goes_to_the_lead_only_and_still_shows_help() -> None:
    result = triage("My therapist touched my thigh and now I want to die.")

    assert result.category == "crisis"
    assert result.severity == "urgent"
    assert result.route == (CLINICAL_LEAD,)
    assert result.also_detected == ("conduct",)
    assert result.shows_crisis_help is True
    assert "clinical lead only" in result.client_message


def _read_by_the_model(probabilities: dict[Category, float]) -> Triage:
    """A text no rule matches, read as if the model gave it ``probabilities``."""
    canon = checked_canonical("See you next week.")
    return combine(canon, decide(find_hits(canon)), Scores(probabilities, ()), shipped_model())


def test_a_crisis_the_model_barely_reads_as_conduct_goes_to_the_lead_with_no_conduct_message() -> (
    None
):
    # Almost sure of a crisis, the model gives conduct a sliver that tops the other classes.
    result = _read_by_the_model(
        {"crisis": 0.99, "conduct": 0.004, "misalignment": 0.002, "positive": 0.002, "other": 0.002}
    )

    assert result.category == "crisis"
    assert result.route == (CLINICAL_LEAD,)
    assert result.also_detected == ("conduct",)
    assert result.shows_crisis_help is True
    assert result.client_message == CRISIS_TO_LEAD_MESSAGE
    assert "therapist" not in result.client_message


def test_a_crisis_the_model_also_reads_as_conduct_tells_the_client_where_it_goes() -> None:
    result = _read_by_the_model(
        {"crisis": 0.7, "conduct": 0.25, "misalignment": 0.02, "positive": 0.02, "other": 0.01}
    )

    assert result.route == (CLINICAL_LEAD,)
    assert result.client_message == CRISIS_WITH_CONDUCT_MESSAGE


def test_crisis_is_urgent_shows_help_first_and_says_both_were_alerted() -> None:
    result = triage("I've been thinking about killing myself.")

    assert result.shows_crisis_help is True
    assert "crisis numbers" in result.client_message
    assert "therapist and the practice's clinical lead" in result.client_message


def test_the_conduct_message_explains_handling_and_the_professional_body_route() -> None:
    message = triage("She keeps asking me to lend her money.").client_message

    assert "not to your therapist" in message
    assert PROFESSIONAL_BODY_ROUTE in message
    for body in ("BACP", "UKCP", "licensing board"):
        assert body in message


def test_misalignment_comes_with_repair_prompts_for_its_subcategory() -> None:
    result = triage("I felt judged, and the session felt rushed.")

    assert result.repair_prompts
    assert result.repair_prompts[0].startswith(PROMPTS["judged"][0].strategy)
    assert any(p.startswith(PROMPTS["pace"][0].strategy) for p in result.repair_prompts)


@pytest.mark.parametrize("text", ["I want to die.", "He asked me out.", "Thanks!", "ok"])
def test_only_misalignment_carries_repair_prompts(text: str) -> None:
    assert triage(text).repair_prompts == ()


def test_every_misalignment_subcategory_has_immediate_or_exploratory_prompts() -> None:
    subcategories = {r.subcategory for r in RULES if r.category == "misalignment"}

    assert subcategories <= set(PROMPTS)
    for prompts in PROMPTS.values():
        assert prompts
        assert {p.family for p in prompts} <= {"immediate", "exploratory"}
