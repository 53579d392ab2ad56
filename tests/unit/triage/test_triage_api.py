"""The public API of ``bordin.domain.triage`` and its input checks."""

from __future__ import annotations

import dataclasses

import pytest

import bordin.domain.triage as triage_package
from bordin.domain.errors import InvalidInput
from bordin.domain.triage import MAX_LENGTH, Triage, triage


def test_the_public_api_is_exactly_what_all_lists() -> None:
    assert sorted(triage_package.__all__) == [
        "CLINICAL_LEAD",
        "Category",
        "Hit",
        "MAX_LENGTH",
        "PRECEDENCE",
        "RepairPrompt",
        "Role",
        "Severity",
        "THERAPIST",
        "Triage",
        "rules_triage",
        "triage",
    ]
    for name in triage_package.__all__:
        assert hasattr(triage_package, name)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        triage(text)

    assert caught.value.errors[0].field == "text"
    assert "empty" in caught.value.errors[0].message


def test_overlong_text_is_refused_naming_the_limit() -> None:
    with pytest.raises(InvalidInput, match=str(MAX_LENGTH)):
        triage("a" * (MAX_LENGTH + 1))


def test_a_triage_is_frozen() -> None:
    result = triage("Thanks")

    assert isinstance(result, Triage)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.category = "crisis"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "I didn’t feel listened to, and she’s very judgmental.",
        "He said I'm “too sensitive” — and laughed at me.",
        "honestly im not sure i want to be alive anymore",
        "My therapist's behaviour: inappropriate.",
    ],
)
def test_evidence_phrases_are_taken_verbatim_from_the_text(text: str) -> None:
    result = triage(text)

    assert result.evidence
    for phrase in result.evidence:
        assert phrase in text


def test_as_dict_starts_with_the_cli_contract_keys() -> None:
    data = triage("I felt rushed.").as_dict()

    assert list(data)[:4] == ["class", "severity", "route", "evidence"]
    assert data["route"] == ["therapist"]
