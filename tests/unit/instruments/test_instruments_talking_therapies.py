"""NHS Talking Therapies definitions beyond the spec table."""

from __future__ import annotations

import pytest

from bordin.domain.errors import InvalidInput
from bordin.domain.instruments import (
    PairedScores,
    TalkingTherapiesRules,
    caseness,
    talking_therapies_outcome,
)


def test_caseness_is_either_measure_at_or_above_its_cut_off():
    assert caseness(PairedScores(10, 0))
    assert caseness(PairedScores(0, 8))
    assert not caseness(PairedScores(9, 7))


def test_mixed_cases_count_as_both_when_configured():
    first, last = PairedScores(15, 6), PairedScores(8, 11)
    outcome = talking_therapies_outcome(first, last, rules=TalkingTherapiesRules(mixed="both"))
    assert outcome.reliable_improvement and outcome.reliable_deterioration


def test_a_course_needs_two_attended_appointments():
    with pytest.raises(InvalidInput, match="at least 2"):
        talking_therapies_outcome(PairedScores(15, 12), PairedScores(6, 5), attended_sessions=1)
    assert talking_therapies_outcome(
        PairedScores(15, 12), PairedScores(6, 5), attended_sessions=2
    ).reliable_recovery


@pytest.mark.parametrize("scores", [PairedScores(28, 0), PairedScores(0, 22), PairedScores(-1, 0)])
def test_scores_off_the_scales_are_refused(scores):
    with pytest.raises(InvalidInput):
        caseness(scores)


def test_the_outcome_summary_carries_every_definition():
    data = talking_therapies_outcome(PairedScores(15, 12), PairedScores(6, 5)).as_dict()
    assert data["recovery"] is True and data["phq9_change"] == -9 and data["gad7_change"] == -7
