"""NHS Talking Therapies (formerly IAPT) outcome definitions for paired PHQ-9 and GAD-7 scores.

A course of treatment is judged on the **first and last** paired scores (PHQ-9 for depression,
GAD-7 for anxiety), which needs at least two attended treatment appointments.

- **Caseness**: PHQ-9 ≥ 10 *or* GAD-7 ≥ 8 (either measure, or both, at or above its cut-off).
- **Recovery**: at caseness at the start, and not at caseness at the end (on both measures).
  Only clients at caseness at the start can recover; for the others it is ``None``.
- **Reliable improvement**: a reduction of at least 6 on the PHQ-9 or at least 4 on the GAD-7
  (the measurement error), with no reliable increase on the other measure.
- **Reliable deterioration**: an increase of at least 6 on the PHQ-9 or 4 on the GAD-7, with no
  reliable decrease on the other.
- **Reliable recovery**: both recovery and reliable improvement.

The rule for *mixed* cases (one measure reliably better, the other reliably worse) is not
confirmed in the sources read for Bordin. By default (``mixed="neither"``) a mixed case counts
as neither improvement nor deterioration; ``mixed="both"`` counts it as both. Check the current
NHS Talking Therapies Manual. Anxiety-disorder-specific measures (ADSMs) are not covered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bordin.domain.errors import FieldError, InvalidInput

MixedRule = Literal["neither", "both"]


@dataclass(frozen=True)
class TalkingTherapiesRules:
    """The thresholds of the definitions; change them only when the manual changes."""

    phq9_caseness: int = 10
    gad7_caseness: int = 8
    phq9_reliable_change: int = 6
    gad7_reliable_change: int = 4
    mixed: MixedRule = "neither"
    min_attended_sessions: int = 2


DEFAULT_RULES = TalkingTherapiesRules()


@dataclass(frozen=True)
class PairedScores:
    """One PHQ-9 and one GAD-7 total taken at the same appointment."""

    phq9: int
    gad7: int


@dataclass(frozen=True)
class TalkingTherapiesOutcome:
    """The Talking Therapies outcome of one finished course of treatment."""

    caseness_start: bool
    caseness_end: bool
    recovery: bool | None
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool | None
    phq9_change: int
    gad7_change: int

    def as_dict(self) -> dict[str, object]:
        return {
            "caseness_start": self.caseness_start,
            "caseness_end": self.caseness_end,
            "recovery": self.recovery,
            "reliable_improvement": self.reliable_improvement,
            "reliable_deterioration": self.reliable_deterioration,
            "reliable_recovery": self.reliable_recovery,
            "phq9_change": self.phq9_change,
            "gad7_change": self.gad7_change,
        }


def caseness(scores: PairedScores, rules: TalkingTherapiesRules = DEFAULT_RULES) -> bool:
    """True when either score is at or above its caseness threshold."""
    _check(scores, "scores")
    return scores.phq9 >= rules.phq9_caseness or scores.gad7 >= rules.gad7_caseness


def talking_therapies_outcome(
    first: PairedScores,
    last: PairedScores,
    *,
    attended_sessions: int | None = None,
    rules: TalkingTherapiesRules = DEFAULT_RULES,
) -> TalkingTherapiesOutcome:
    """The outcome of a course of treatment from its first and last paired scores.

    ``attended_sessions``, when given, must reach the minimum for a finished course (2).
    """
    _check(first, "first")
    _check(last, "last")
    if attended_sessions is not None and attended_sessions < rules.min_attended_sessions:
        raise InvalidInput(
            f"a finished course needs at least {rules.min_attended_sessions} attended "
            f"treatment appointments, got {attended_sessions}",
            field="attended_sessions",
        )
    phq9_change = last.phq9 - first.phq9
    gad7_change = last.gad7 - first.gad7
    phq9_better = phq9_change <= -rules.phq9_reliable_change
    gad7_better = gad7_change <= -rules.gad7_reliable_change
    phq9_worse = phq9_change >= rules.phq9_reliable_change
    gad7_worse = gad7_change >= rules.gad7_reliable_change

    any_better = phq9_better or gad7_better
    any_worse = phq9_worse or gad7_worse
    if rules.mixed == "neither":
        improved = any_better and not any_worse
        deteriorated = any_worse and not any_better
    else:
        improved, deteriorated = any_better, any_worse

    start = caseness(first, rules)
    end = caseness(last, rules)
    recovery = (not end) if start else None
    reliable_recovery = (recovery and improved) if recovery is not None else None
    return TalkingTherapiesOutcome(
        caseness_start=start,
        caseness_end=end,
        recovery=recovery,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        reliable_recovery=reliable_recovery,
        phq9_change=phq9_change,
        gad7_change=gad7_change,
    )


def _check(scores: PairedScores, name: str) -> None:
    errors = []
    for measure, value, top in (("phq9", scores.phq9, 27), ("gad7", scores.gad7, 21)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            errors.append(
                FieldError(f"{name}.{measure}", f"must be a whole number 0–{top}, got {value!r}")
            )
    if errors:
        raise InvalidInput(errors)
