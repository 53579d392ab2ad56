"""Reliable and clinically significant change between two scores (Jacobson & Truax 1991).

**Reliable change.** A change counts as reliable when it is larger than measurement error would
plausibly produce. From an instrument's standard deviation ``s1`` and reliability ``r``:

    SE     = s1 × √(1 − r)
    S_diff = √(2 × SE²)
    RC     = (after − before) ÷ S_diff          reliable when |RC| > 1.96 (p < .05)

which is the same as a change of at least ``1.96 × S_diff`` points. Where a threshold in points
is published (PHQ-9 6, GAD-7 4, CORE-10 6, ORS 5) Bordin uses it; otherwise it computes it from
the SD and reliability. Either way: reliable when ``|after − before| ≥ threshold``.

**Clinically significant change.** The score must end on the healthy side of a threshold.
Criterion **c**, the weighted midpoint between a clinical and a non-clinical population,

    c = (SD_clin × M_norm + SD_norm × M_clin) ÷ (SD_clin + SD_norm)

is used where both norms exist (CORE-10); otherwise the instrument's clinical cut-off.

**Classification** (in this order):

- *recovered*: reliable improvement, and from the clinical side of the threshold to the other;
- *reliably improved*: reliable improvement without that crossing;
- *reliably deteriorated*: reliable change for the worse;
- *no reliable change*: anything else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from bordin.domain.errors import FieldError, InvalidInput
from bordin.domain.instruments.base import Instrument, Norms

Classification = Literal[
    "recovered", "reliably_improved", "no_reliable_change", "reliably_deteriorated"
]
ChangeDirection = Literal["improved", "deteriorated", "none"]

#: z for a two-tailed p < .05.
Z_95 = 1.96


def standard_error(sd: float, reliability: float) -> float:
    """Standard error of measurement: ``sd × √(1 − reliability)``."""
    return sd * math.sqrt(1 - reliability)


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """``S_diff = √(2 × SE²)``: the spread of differences due to measurement error alone."""
    return math.sqrt(2 * standard_error(sd, reliability) ** 2)


def reliable_change_index(before: float, after: float, sd: float, reliability: float) -> float:
    """The Jacobson–Truax RC: ``(after − before) ÷ S_diff``."""
    return (after - before) / standard_error_of_difference(sd, reliability)


def jacobson_truax_threshold(sd: float, reliability: float, z: float = Z_95) -> float:
    """The smallest change in points that is reliable at ``z`` (1.96 → p < .05)."""
    return z * standard_error_of_difference(sd, reliability)


def criterion_c(norms: Norms) -> float:
    """Weighted midpoint between the clinical and non-clinical populations."""
    return (norms.clinical_sd * norms.normal_mean + norms.normal_sd * norms.clinical_mean) / (
        norms.clinical_sd + norms.normal_sd
    )


def criterion_a(norms: Norms, *, higher_is_worse: bool, z: float = 2.0) -> float:
    """Two SDs beyond the clinical mean, in the healthy direction (used without norms)."""
    shift = z * norms.clinical_sd
    return norms.clinical_mean - shift if higher_is_worse else norms.clinical_mean + shift


def criterion_b(norms: Norms, *, higher_is_worse: bool, z: float = 2.0) -> float:
    """Within two SDs of the non-clinical mean."""
    shift = z * norms.normal_sd
    return norms.normal_mean + shift if higher_is_worse else norms.normal_mean - shift


def reliable_change_threshold(instrument: Instrument) -> float | None:
    """Points of change that count as reliable: published, else computed, else ``None``."""
    if instrument.reliable_change is not None:
        return instrument.reliable_change
    if instrument.sd is not None and instrument.reliability is not None:
        return jacobson_truax_threshold(instrument.sd, instrument.reliability)
    return None


def clinical_threshold(instrument: Instrument) -> tuple[float, str] | None:
    """(threshold, method) for clinically significant change: criterion c, else the cut-off."""
    if instrument.norms is not None:
        return criterion_c(instrument.norms), "criterion c"
    if instrument.cutoff is not None:
        return float(instrument.cutoff), "cut-off"
    return None


@dataclass(frozen=True)
class Change:
    """How one score moved to another, and what that change means.

    ``direction`` is the direction of the raw change (``none`` when the scores are equal),
    whether or not it is reliable; ``reliable`` says whether it is larger than measurement
    error; ``classification`` combines both with the clinical threshold.
    """

    instrument_id: str
    before: float
    after: float
    delta: float
    threshold: float
    reliable: bool
    direction: ChangeDirection
    classification: Classification
    rci: float | None
    clinical_threshold: float | None
    clinical_method: str | None
    clinical_before: bool | None
    clinical_after: bool | None

    def as_dict(self) -> dict[str, object]:
        return {
            "instrument": self.instrument_id,
            "before": self.before,
            "after": self.after,
            "delta": self.delta,
            "reliable": self.reliable,
            "direction": self.direction,
            "classification": self.classification,
            "threshold": self.threshold,
            "rci": self.rci,
            "clinical_threshold": self.clinical_threshold,
            "clinical_method": self.clinical_method,
        }


def classify_change(instrument: Instrument, before: float, after: float) -> Change:
    """Compare two scores on ``instrument`` (see the module docstring for the rules)."""
    errors = [
        FieldError(
            name,
            f"{value} is outside {instrument.id}'s score range "
            f"({instrument.score_min:g}–{instrument.score_max:g})",
        )
        for name, value in (("before", before), ("after", after))
        if not (math.isfinite(value) and instrument.score_min <= value <= instrument.score_max)
    ]
    if errors:
        raise InvalidInput(errors)
    threshold = reliable_change_threshold(instrument)
    if threshold is None:
        raise InvalidInput(
            f"{instrument.id} has no reliable-change threshold (published, or from an SD and "
            "reliability); configure one before classifying change",
            field="instrument",
        )
    delta = round(after - before, 2) + 0.0
    better = -delta if instrument.direction == "higher_is_worse" else delta
    direction: ChangeDirection = (
        "improved" if better > 0 else "deteriorated" if better < 0 else "none"
    )
    reliable = abs(delta) >= threshold
    rci = None
    if instrument.sd is not None and instrument.reliability is not None:
        rci = round(reliable_change_index(before, after, instrument.sd, instrument.reliability), 3)

    clinical = clinical_threshold(instrument)
    clinical_before = clinical_after = None
    if clinical is not None:
        clinical_before = instrument.on_clinical_side(before, clinical[0])
        clinical_after = instrument.on_clinical_side(after, clinical[0])

    classification: Classification
    if reliable and direction == "improved":
        crossed = clinical_before is True and clinical_after is False
        classification = "recovered" if crossed else "reliably_improved"
    elif reliable and direction == "deteriorated":
        classification = "reliably_deteriorated"
    else:
        classification = "no_reliable_change"
    return Change(
        instrument_id=instrument.id,
        before=before,
        after=after,
        delta=delta,
        threshold=round(threshold, 2),
        reliable=reliable,
        direction=direction,
        classification=classification,
        rci=rci,
        clinical_threshold=None if clinical is None else round(clinical[0], 2),
        clinical_method=None if clinical is None else clinical[1],
        clinical_before=clinical_before,
        clinical_after=clinical_after,
    )
