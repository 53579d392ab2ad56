"""Not on track: is this client's outcome where clients who started like them usually are?

Following Finch, Lambert & Schaalje 2001 (clinical-facts §3.2), the expected score at each
session depends on the intake score and falls (or rises) on a log(session) curve::

    expected(t) = intake + (b0 + b1 * intake) * log(t)          t = 1 at intake, capped at t_max

The uncertainty around that curve comes from a mixed model with a random intercept and a random
slope on log(t) per client, plus measurement error::

    sd(t)^2 = var_intercept + 2 * cov * log(t) + var_slope * log(t)^2 + var_residual

At each rating after intake the client's distance from ``expected(t)`` *in the direction of
worse*, in units of ``sd(t)``, gives the level (after the OpenFIT ETR alert colours, §2.4):
**green** below ``amber_sd``, **amber** from ``amber_sd``, **red** from ``red_sd``. Not on track =
amber or red. The band values (expected score, amber and red bounds) travel with each level.

A practice with enough completed episodes fits its own model
(:func:`bordin.analytics.expected_recovery.fit_expected_recovery`). Until then the **default
models** below apply and are labelled as such. They are *not* fitted to any dataset: they are
built from published facts (population norms, typical intake scores and reliable-change values)
and one design assumption, stated in :data:`DEFAULT_BASIS`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.explanations import not_on_track_explanation
from bordin.domain.alliance.scale import ScaleFacts
from bordin.domain.alliance.series import Point
from bordin.domain.alliance.signal import Signal

Level = Literal["green", "amber", "red"]
ModelSource = Literal["default", "fitted"]


@dataclass(frozen=True)
class ExpectedRecoveryModel:
    """Coefficients of an expected recovery curve for one outcome measure (module docstring)."""

    instrument_id: str
    b0: float
    b1: float
    var_intercept: float
    var_slope: float
    cov_intercept_slope: float
    var_residual: float
    source: ModelSource
    label: str
    n_episodes: int = 0
    max_session: int = 20
    basis: str = ""

    def log_session(self, session_index: int) -> float:
        """log(t), with t counted from 1 at intake and capped at ``max_session``."""
        return math.log(min(max(session_index, 1), self.max_session))

    def expected(self, intake: float, session_index: int) -> float:
        """The expected score at session ``session_index`` for a client with this intake."""
        return intake + (self.b0 + self.b1 * intake) * self.log_session(session_index)

    def predictive_sd(self, session_index: int) -> float:
        """The SD of a client's score around the expected curve at that session."""
        lt = self.log_session(session_index)
        var = (
            self.var_intercept
            + 2.0 * self.cov_intercept_slope * lt
            + self.var_slope * lt * lt
            + self.var_residual
        )
        return math.sqrt(var) if var > 0.0 else 0.0


@dataclass(frozen=True)
class Band:
    """Where one rating sits against its expected curve."""

    session_number: int
    session_index: int
    observed: float
    expected: float
    sd: float
    amber_bound: float
    red_bound: float
    deviation_sd: float
    level: Level


@dataclass(frozen=True)
class DefaultBasis:
    """The published facts a default model is built from (see :data:`DEFAULT_BASIS`)."""

    norm_mean: float
    typical_intake: float
    reliable_change: float
    source: str


#: Design assumption behind every default model: by session 12 the expected score has closed
#: half the gap between the intake score and the general-population mean (so more severe clients
#: are expected to change more; Finch et al. 2001 condition on intake for this reason). Session
#: 12 / 50% is in line with Hansen, Lambert & Forman 2002 [V]: 13-18 sessions for 50% of
#: clients to improve. Individual slopes vary with SD = half the mean slope at a typical intake.
#: Measurement error (SEM = RCI / (1.96 * sqrt 2), Jacobson & Truax 1991) enters twice: once at
#: intake (random intercept) and once at the current session (residual).
DEFAULT_GAP_CLOSED = 0.5
DEFAULT_REFERENCE_SESSION = 12
DEFAULT_SLOPE_SD_SHARE = 0.5

#: Each ``source`` is shown to people (reports, docs), so it names its sources in words; how sure
#: each fact is: the PHQ-9 and GAD-7 norms and the ORS mean and reliable change could not be
#: confirmed in a source; the reliable-change values, the CORE-10 norms and the OpenFIT intake
#: range were checked in one; CORE-10's reliable change has a secondary source only.
DEFAULT_BASIS: Mapping[str, DefaultBasis] = {
    "phq9": DefaultBasis(
        3.0,
        15.0,
        6.0,
        "norm mean ~3 (general population, Kocalevent et al. 2013); typical intake 15 "
        "(design choice, moderately severe band boundary); reliable change 6 (NHS Talking "
        "Therapies)",
    ),
    "gad7": DefaultBasis(
        3.0,
        13.0,
        4.0,
        "norm mean ~3 (general population, Löwe et al. 2008); typical intake 13 (design "
        "choice, moderate band); reliable change 4 (NHS Talking Therapies)",
    ),
    "core10": DefaultBasis(
        4.7,
        19.7,
        6.0,
        "norm mean 4.7 (general population n = 535); typical intake 19.7 (primary-care "
        "counselling n = 1,835); reliable change 6",
    ),
    "ors": DefaultBasis(
        28.0,
        17.5,
        5.0,
        "non-clinical mean ~28; typical adult intake 16-19 (OpenFIT); reliable change 5",
    ),
}


def _default_model(instrument_id: str, basis: DefaultBasis) -> ExpectedRecoveryModel:
    log_ref = math.log(DEFAULT_REFERENCE_SESSION)
    b1 = -DEFAULT_GAP_CLOSED / log_ref
    b0 = DEFAULT_GAP_CLOSED * basis.norm_mean / log_ref
    sem = basis.reliable_change / (1.96 * math.sqrt(2.0))
    slope_sd = DEFAULT_SLOPE_SD_SHARE * abs(b0 + b1 * basis.typical_intake)
    return ExpectedRecoveryModel(
        instrument_id=instrument_id,
        b0=b0,
        b1=b1,
        var_intercept=sem * sem,
        var_slope=slope_sd * slope_sd,
        cov_intercept_slope=0.0,
        var_residual=sem * sem,
        source="default",
        label="default model (not fitted to this practice)",
        n_episodes=0,
        basis=basis.source,
    )


DEFAULT_RECOVERY_MODELS: Mapping[str, ExpectedRecoveryModel] = {
    key: _default_model(key, basis) for key, basis in DEFAULT_BASIS.items()
}


def band(
    model: ExpectedRecoveryModel,
    facts: ScaleFacts,
    intake: float,
    point: Point,
    session_index: int,
    config: SignalConfig,
) -> Band:
    """Classify one rating against the expected curve (green, amber or red)."""
    expected = model.expected(intake, session_index)
    sd = model.predictive_sd(session_index)
    sign = -1.0 if facts.higher_is_better else 1.0
    deviation = sign * (point.total - expected)
    if sd > 0.0:
        z = deviation / sd
    else:
        z = math.inf if deviation > 0.0 else (-math.inf if deviation < 0.0 else 0.0)
    level: Level = "red" if z >= config.red_sd else ("amber" if z >= config.amber_sd else "green")
    return Band(
        session_number=point.session_number,
        session_index=session_index,
        observed=point.total,
        expected=expected,
        sd=sd,
        amber_bound=expected + sign * config.amber_sd * sd,
        red_bound=expected + sign * config.red_sd * sd,
        deviation_sd=z,
        level=level,
    )


def trajectory(
    points: Sequence[Point], facts: ScaleFacts, model: ExpectedRecoveryModel, config: SignalConfig
) -> list[Band]:
    """The level at every rating after intake (none when there are too few ratings)."""
    if len(points) < max(config.min_outcome_ratings, 2):
        return []
    intake = points[0]
    return [
        band(model, facts, intake.total, p, p.session_number - intake.session_number + 1, config)
        for p in points[1:]
    ]


def not_on_track_signals(
    episode_id: str,
    client_id: str,
    facts: ScaleFacts,
    points: Sequence[Point],
    model: ExpectedRecoveryModel,
    config: SignalConfig,
) -> list[Signal]:
    """One ``not_on_track`` signal per run of consecutive amber or red ratings."""
    bands = trajectory(points, facts, model, config)
    dates = {p.session_number: p.date for p in points}
    signals: list[Signal] = []
    i = 0
    while i < len(bands):
        if bands[i].level == "green":
            i += 1
            continue
        j = i
        while j + 1 < len(bands) and bands[j + 1].level != "green":
            j += 1
        run = bands[i : j + 1]
        last = run[-1]
        red = any(b.level == "red" for b in run)
        active = j == len(bands) - 1
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=client_id,
                session_number=run[0].session_number,
                type="not_on_track",
                severity="high" if red else "routine",
                status="active" if active else "resolved",
                explanation=not_on_track_explanation(
                    instrument_id=facts.instrument_id,
                    higher_is_better=facts.higher_is_better,
                    intake=points[0].total,
                    level=last.level,
                    session_number=last.session_number,
                    observed=last.observed,
                    expected=last.expected,
                    amber_bound=last.amber_bound,
                    red_bound=last.red_bound,
                    predictive_sd=last.sd,
                    deviation_sd=last.deviation_sd,
                    any_red=red,
                    model_label=model.label,
                    model_source=model.source,
                    back_session=None if active else bands[j + 1].session_number,
                    sessions=tuple(b.session_number for b in run),
                ),
                instrument_id=facts.instrument_id,
                date=dates.get(run[0].session_number),
            )
        )
        i = j + 1
    return signals
