"""Outcome statistics for a caseload or a practice: rates, the alliance–outcome link, and a
case-mix adjusted look at therapists that is deliberately *not* a league table.

Input is one :class:`OutcomeRecord` per ended episode, on the episode's primary outcome measure,
already classified by the Measures rules (reliable change and clinical cut-offs; Jacobson &
Truax 1991, clinical-facts §4). Everything here is read-only arithmetic on those records.

Why therapists are never ranked
-------------------------------
Therapist effects are real but small: about 5% of outcome variance once intake severity is
taken into account (Wampold & Brown 2005; Johns et al. 2019). With the caseloads of an ordinary
practice, most therapists' intervals overlap the practice mean, so a ranking mostly orders noise.
Therapists shown quartile rankings felt threatened, struggled with the statistics and did not
change what they did (PRODUCT.md [o6]); outcome tracking already feels like being "watched and
judged" [u18]. What does help is private, developmental feedback tied to deliberate practice
(PRODUCT.md §4 item 7). So :func:`therapist_comparison` returns therapists in a fixed,
alphabetical order, each with their uncertainty and a plain flag saying whether their interval
overlaps the practice mean; it never sorts or numbers them by effect, and nothing in Bordin
should.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bordin.domain.alliance.explanations import measure_name
from bordin.domain.errors import FieldError, InvalidInput

RECOVERED = "recovered"
RELIABLY_IMPROVED = "reliably_improved"
NO_RELIABLE_CHANGE = "no_reliable_change"
RELIABLY_DETERIORATED = "reliably_deteriorated"
NOT_CASE = "not_case"
INSUFFICIENT_DATA = "insufficient_data"

#: Classifications an episode can carry. *Recovered* means reliable improvement AND crossing the
#: cut-off (Jacobson & Truax 1991; NHS Talking Therapies "reliable recovery"), so it also counts
#: as reliable improvement. *Not case* means the episode started below the clinical cut-off.
CLASSIFICATIONS: tuple[str, ...] = (
    RECOVERED,
    RELIABLY_IMPROVED,
    NO_RELIABLE_CHANGE,
    RELIABLY_DETERIORATED,
    NOT_CASE,
    INSUFFICIENT_DATA,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[np.float64]


@dataclass(frozen=True)
class OutcomeRecord:
    """One ended episode, scored on its primary outcome measure.

    ``final`` is the last score (None when there was no second score). ``early_alliance`` is the
    client's mean alliance over the first sessions (e.g. sessions 1-3), on one scale across all
    records (e.g. percent of scale maximum). ``intake_severity`` is an optional severity index
    for case-mix adjustment; when any record lacks it, the intake score standardised within its
    instrument is used instead. ``higher_is_better`` is False for symptom measures (PHQ-9,
    GAD-7, CORE-10) and True for measures like the ORS.
    """

    episode_id: str
    therapist_id: str
    client_id: str
    instrument_id: str
    intake: float
    final: float | None
    classification: str
    dropped_out: bool
    early_alliance: float | None = None
    intake_severity: float | None = None
    higher_is_better: bool = False

    @property
    def improvement(self) -> float | None:
        """Pre-post change, signed so that positive always means better."""
        if self.final is None:
            return None
        change = self.final - self.intake
        return change if self.higher_is_better else -change


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson 95% confidence interval (Wilson 1927)."""

    label: str
    count: int
    denominator: int
    denominator_label: str
    proportion: float | None
    ci_lower: float | None
    ci_upper: float | None

    def as_text(self) -> str:
        """'7 of 12 (58%; 95% CI 32% to 81%)', or 'none to count' when the denominator is 0."""
        if self.proportion is None or self.ci_lower is None or self.ci_upper is None:
            return f"none to count (0 {self.denominator_label})"
        return (
            f"{self.count} of {self.denominator} ({self.proportion:.0%}; "
            f"95% CI {self.ci_lower:.0%} to {self.ci_upper:.0%})"
        )


@dataclass(frozen=True)
class OutcomeSummary:
    """Counts and rates for a set of ended episodes.

    Recovery, reliable improvement and reliable deterioration are counted among *finished*
    episodes (a final score and a classification) that started at caseness; dropout among all
    episodes. NHS Talking Therapies counts reliable improvement among all finished referrals;
    here non-cases are left out of all three rates so they share one denominator.
    """

    episodes: int
    finished: int
    at_caseness: int
    recovery: Rate
    reliable_improvement: Rate
    reliable_deterioration: Rate
    dropout: Rate
    instruments: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def rates(self) -> tuple[Rate, ...]:
        return (self.recovery, self.reliable_improvement, self.reliable_deterioration, self.dropout)


@dataclass(frozen=True)
class MetaAnalyticBenchmark:
    """A published pooled correlation to set the practice's own figure against."""

    r: float
    ci_lower: float
    ci_upper: float
    studies: int
    patients: str
    citation: str


#: Flückiger, Del Re, Wampold & Horvath 2018 (clinical-facts §7): r = .278 [.256, .299].
FLUCKIGER_2018 = MetaAnalyticBenchmark(
    r=0.278,
    ci_lower=0.256,
    ci_upper=0.299,
    studies=295,
    patients="more than 30,000",
    citation=(
        "Flückiger, Del Re, Wampold & Horvath (2018). The alliance in adult psychotherapy: "
        "a meta-analytic synthesis. Psychotherapy 55(4), 316-340"
    ),
)


@dataclass(frozen=True)
class MixedModelResult:
    """change ~ early alliance + intake (+ instrument), random intercept per therapist.

    ``alliance_coefficient`` is the expected difference in improvement (in ``unit``) for a
    client whose early alliance is one standard deviation higher, with intake held constant and
    therapists' average differences taken out.
    """

    n: int
    therapists: int
    alliance_coefficient: float
    ci_lower: float
    ci_upper: float
    p_value: float
    intake_coefficient: float
    therapist_variance: float
    converged: bool
    unit: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Association:
    """Early alliance against outcome change in the practice's own data.

    ``r`` is Pearson's correlation with a 95% CI from Fisher's z (z = atanh r, SE = 1/sqrt(n-3))
    and a two-sided p. ``reason`` says why r is missing; ``mixed_model_reason`` why the mixed
    model was not fitted. ``benchmark`` is always the meta-analytic r ≈ .28 for comparison.
    """

    n: int
    r: float | None
    ci_lower: float | None
    ci_upper: float | None
    p_value: float | None
    reason: str | None
    mixed_model: MixedModelResult | None
    mixed_model_reason: str | None
    benchmark: MetaAnalyticBenchmark
    outcome_unit: str
    summary: str


@dataclass(frozen=True)
class TherapistEstimate:
    """One therapist's case-mix adjusted difference from the practice mean, with its interval.

    ``adjusted_difference`` is the mean, over the therapist's finished episodes, of how much
    more (+) or less (-) each client improved than expected from intake severity and instrument.
    The practice mean is 0 by construction. ``overlaps_practice_mean`` is True when the 95% CI
    includes 0: the data cannot tell this therapist's clients apart from the practice as a whole.
    ``adjusted_difference`` is None (with a ``note``) when there are too few episodes.
    """

    therapist_id: str
    display_name: str
    n: int
    adjusted_difference: float | None
    ci_lower: float | None
    ci_upper: float | None
    overlaps_practice_mean: bool | None
    unit: str
    note: str | None = None


# --- validation -------------------------------------------------------------------------------


def _validate(records: Sequence[OutcomeRecord]) -> None:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, r in enumerate(records):
        where = f"records[{i}]"
        if r.classification not in CLASSIFICATIONS:
            errors.append(
                FieldError(
                    f"{where}.classification",
                    f"{r.classification!r} is not one of {', '.join(CLASSIFICATIONS)}",
                )
            )
        for name in ("intake", "final", "early_alliance", "intake_severity"):
            value = getattr(r, name)
            if value is not None and not math.isfinite(value):
                errors.append(FieldError(f"{where}.{name}", "must be a finite number"))
        if r.episode_id in seen:
            errors.append(
                FieldError(
                    f"{where}.episode_id",
                    f"episode {r.episode_id!r} appears twice; give one record per episode",
                )
            )
        seen.add(r.episode_id)
    if errors:
        raise InvalidInput(errors)


# --- rates ------------------------------------------------------------------------------------


def wilson_rate(label: str, count: int, denominator: int, denominator_label: str) -> Rate:
    """``count`` of ``denominator`` with a Wilson 95% interval (statsmodels proportion_confint)."""
    from statsmodels.stats.proportion import proportion_confint

    if denominator <= 0:
        return Rate(label, count, 0, denominator_label, None, None, None)
    lower, upper = proportion_confint(count, denominator, alpha=0.05, method="wilson")
    return Rate(
        label,
        count,
        denominator,
        denominator_label,
        count / denominator,
        float(lower),
        float(upper),
    )


def summarise_outcomes(records: Sequence[OutcomeRecord]) -> OutcomeSummary:
    """Recovery, reliable improvement, reliable deterioration and dropout, with Wilson CIs."""
    _validate(records)
    classes = Counter(r.classification for r in records)
    finished = sum(
        1 for r in records if r.final is not None and r.classification != INSUFFICIENT_DATA
    )
    at_caseness = sum(
        1
        for r in records
        if r.final is not None and r.classification not in (INSUFFICIENT_DATA, NOT_CASE)
    )
    base = "finished episodes that started at caseness"
    improved = classes[RECOVERED] + classes[RELIABLY_IMPROVED]
    notes: list[str] = []
    if 0 < at_caseness < 10:
        notes.append(
            f"Only {at_caseness} finished episodes started at caseness: each client moves "
            "these rates a lot, so read the intervals rather than the percentages."
        )
    missing = classes[INSUFFICIENT_DATA] + sum(
        1 for r in records if r.final is None and r.classification != INSUFFICIENT_DATA
    )
    if missing:
        notes.append(
            f"{missing} episode{'s' if missing != 1 else ''} had no usable final score and "
            f"{'are' if missing != 1 else 'is'} counted only in the dropout rate."
        )
    return OutcomeSummary(
        episodes=len(records),
        finished=finished,
        at_caseness=at_caseness,
        recovery=wilson_rate("Recovery", classes[RECOVERED], at_caseness, base),
        reliable_improvement=wilson_rate("Reliable improvement", improved, at_caseness, base),
        reliable_deterioration=wilson_rate(
            "Reliable deterioration", classes[RELIABLY_DETERIORATED], at_caseness, base
        ),
        dropout=wilson_rate(
            "Dropout", sum(r.dropped_out for r in records), len(records), "ended episodes"
        ),
        instruments=tuple(sorted({r.instrument_id for r in records})),
        notes=tuple(notes),
    )


# --- change scores on one footing -------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    records: tuple[OutcomeRecord, ...]
    improvement: Array
    intake: Array
    instruments: tuple[str, ...]
    unit: str
    notes: tuple[str, ...]


def _prepare(records: Sequence[OutcomeRecord]) -> _Prepared:
    """Improvement and intake on a footing that is comparable across instruments.

    With one instrument, improvement stays in its own points. With several, each record's
    improvement is divided by the standard deviation of intake scores on its instrument (a
    pre-treatment standardiser, as in pre-post effect sizes), and instruments whose intake SD
    cannot be computed are left out with a note. Intake enters the models as
    ``intake_severity`` when every record has one, else as the intake standardised within its
    instrument.
    """
    import numpy as np

    usable = [r for r in records if r.improvement is not None]
    by_instrument: dict[str, list[OutcomeRecord]] = {}
    for r in usable:
        by_instrument.setdefault(r.instrument_id, []).append(r)
    notes: list[str] = []
    scale: dict[str, tuple[float, float]] = {}
    for instrument, group in sorted(by_instrument.items()):
        intakes = np.array([r.intake for r in group], dtype=float)
        sd = float(intakes.std(ddof=1)) if len(intakes) > 1 else 0.0
        if sd > 0:
            scale[instrument] = (float(intakes.mean()), sd)
        else:
            notes.append(
                f"{measure_name(instrument)}: every client started with the same score "
                f"({len(group)} {'client' if len(group) == 1 else 'clients'}), so this measure "
                "is left out of the adjusted analyses."
            )
    kept = tuple(r for r in usable if r.instrument_id in scale)
    single = len(scale) == 1
    unit = (
        f"{measure_name(next(iter(scale)))} points"
        if single
        else "intake SDs"
        if scale
        else "points"
    )
    improvement = np.array(
        [(r.improvement or 0.0) / (1.0 if single else scale[r.instrument_id][1]) for r in kept],
        dtype=float,
    )
    if kept and all(r.intake_severity is not None for r in kept):
        intake = np.array([r.intake_severity for r in kept], dtype=float)
    else:
        intake = np.array(
            [(r.intake - scale[r.instrument_id][0]) / scale[r.instrument_id][1] for r in kept],
            dtype=float,
        )
    return _Prepared(kept, improvement, intake, tuple(sorted(scale)), unit, tuple(notes))


def _design(prepared: _Prepared, *extra: Array) -> Array:
    """Intercept, the extra columns, intake, and one dummy per instrument beyond the first."""
    import numpy as np

    columns: list[Array] = [np.ones(len(prepared.records)), *extra, prepared.intake]
    for instrument in prepared.instruments[1:]:
        columns.append(
            np.array([r.instrument_id == instrument for r in prepared.records], dtype=float)
        )
    return np.column_stack(columns)


# --- alliance and outcome ---------------------------------------------------------------------


def fisher_ci(r: float, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for a correlation by Fisher's z transform (needs n >= 4)."""
    from scipy import stats

    if n < 4:
        raise ValueError("a Fisher z interval needs at least 4 pairs")
    r = min(max(r, -0.999999), 0.999999)
    z = math.atanh(r)
    half = float(stats.norm.ppf(0.5 + level / 2)) / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


def _zscore(values: Array) -> Array:
    import numpy as np

    sd = float(values.std(ddof=1))
    centred = np.asarray(values - values.mean(), dtype=float)
    return centred / sd if sd > 0 else centred


#: What a practice reads when the mixed model's fit was unstable (a library warning was raised).
UNSTABLE_FIT = (
    "Too few clients and therapists to estimate this reliably: the model could not pin down how "
    "much therapists' clients differ, so read the figure as a rough guide only."
)


def _fit_mixed_model(
    prepared: _Prepared, alliance: Array, groups: Sequence[str]
) -> MixedModelResult:
    import numpy as np
    from statsmodels.regression.mixed_linear_model import MixedLM
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    exog = _design(prepared, _zscore(alliance))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        model = MixedLM(prepared.improvement, exog, groups=np.asarray(groups))
        fit = None
        failure: Exception | None = None
        # L-BFGS is fast but stops with a singular matrix when the therapist variance sits at
        # zero (common in small practices); the derivative-free optimisers cope with that.
        for method in ("lbfgs", "powell", "nm"):
            try:
                fit = model.fit(reml=True, method=method)
            except (np.linalg.LinAlgError, ValueError) as exc:
                failure = exc
                continue
            if bool(fit.converged) and np.all(np.isfinite(np.asarray(fit.bse_fe))):
                break
        if fit is None:
            raise np.linalg.LinAlgError(str(failure))
    therapist_variance = float(np.asarray(fit.cov_re)[0, 0])
    caught: list[str] = []
    # The library's own warnings ("the MLE may be on the boundary of the parameter space", "the
    # Hessian matrix ... is not positive definite") are not for clinicians: any of them means
    # the fit is unstable, said once in plain words.
    if not bool(fit.converged) or any(issubclass(w.category, ConvergenceWarning) for w in seen):
        caught.append(UNSTABLE_FIT)
    if therapist_variance < 1e-8:
        caught.append(
            "The between-therapist variance was estimated at zero: in these data therapists' "
            "clients do not differ beyond chance, and the model reduces to ordinary regression."
        )
    params = np.asarray(fit.fe_params, dtype=float)
    bse = np.asarray(fit.bse_fe, dtype=float)
    p_values = np.asarray(fit.pvalues, dtype=float)
    half = 1.959963984540054 * bse[1]
    return MixedModelResult(
        n=len(prepared.records),
        therapists=len(set(groups)),
        alliance_coefficient=float(params[1]),
        ci_lower=float(params[1] - half),
        ci_upper=float(params[1] + half),
        p_value=float(p_values[1]),
        intake_coefficient=float(params[2]),
        therapist_variance=therapist_variance,
        converged=bool(fit.converged),
        unit=prepared.unit,
        warnings=tuple(caught),
    )


def alliance_outcome_association(
    records: Sequence[OutcomeRecord],
    *,
    min_n_for_mixed_model: int = 30,
    min_therapists: int = 3,
) -> Association:
    """How strongly early alliance goes with improvement here, beside the published r ≈ .28.

    Uses finished episodes with an early-alliance value. Pearson's r with a Fisher-z 95% CI, and,
    when there are at least ``min_n_for_mixed_model`` episodes and ``min_therapists``
    therapists, a linear mixed model (statsmodels MixedLM; improvement ~ early alliance + intake
    [+ instrument], random intercept per therapist), because clients of one therapist are not
    independent (Del Re et al. 2012).
    """
    import numpy as np
    from scipy import stats

    _validate(records)
    with_alliance = [r for r in records if r.early_alliance is not None]
    prepared = _prepare(with_alliance)
    n = len(prepared.records)
    benchmark = FLUCKIGER_2018
    alliance = np.array([r.early_alliance for r in prepared.records], dtype=float)
    r_value = lower = upper = p_value = None
    reason: str | None = None
    if n < 4:
        reason = f"Only {n} finished episodes with an early-alliance rating; at least 4 are needed."
    elif float(alliance.std()) == 0 or float(prepared.improvement.std()) == 0:
        reason = "Every episode has the same early alliance or the same change, so r is undefined."
    else:
        result = stats.pearsonr(alliance, prepared.improvement)
        r_value, p_value = float(result.statistic), float(result.pvalue)
        lower, upper = fisher_ci(r_value, n)

    mixed: MixedModelResult | None = None
    mixed_reason: str | None = None
    therapists = sorted({r.therapist_id for r in prepared.records})
    if n < min_n_for_mixed_model:
        mixed_reason = (
            f"A mixed model needs at least {min_n_for_mixed_model} finished episodes with an "
            f"early-alliance rating; there are {n}."
        )
    elif len(therapists) < min_therapists:
        mixed_reason = (
            f"A random intercept per therapist needs at least {min_therapists} therapists; "
            f"these episodes come from {len(therapists)}."
        )
    elif reason is not None:
        mixed_reason = reason
    else:
        try:
            mixed = _fit_mixed_model(prepared, alliance, [r.therapist_id for r in prepared.records])
        except (np.linalg.LinAlgError, ValueError) as exc:
            mixed_reason = f"The mixed model could not be fitted ({exc})."

    return Association(
        n=n,
        r=r_value,
        ci_lower=lower,
        ci_upper=upper,
        p_value=p_value,
        reason=reason,
        mixed_model=mixed,
        mixed_model_reason=mixed_reason,
        benchmark=benchmark,
        outcome_unit=prepared.unit,
        summary=_association_summary(n, r_value, lower, upper, benchmark, reason),
    )


def _association_summary(
    n: int,
    r: float | None,
    lower: float | None,
    upper: float | None,
    benchmark: MetaAnalyticBenchmark,
    reason: str | None,
) -> str:
    published = (
        f"The published figure across {benchmark.studies} studies and {benchmark.patients} "
        f"patients is r = {benchmark.r:.2f}."
    )
    if r is None or lower is None or upper is None:
        return f"{reason} {published}"
    if lower <= benchmark.r <= upper:
        verdict = "consistent with"
    elif upper < benchmark.r:
        verdict = "weaker than"
    else:
        verdict = "stronger than"
    return (
        f"In this practice's {n} finished episodes, early alliance and improvement correlate "
        f"r = {r:.2f} (95% CI {lower:.2f} to {upper:.2f}), {verdict} the published figure. "
        f"{published}"
    )


# --- therapists, adjusted and unranked --------------------------------------------------------


def therapist_comparison(
    records: Sequence[OutcomeRecord],
    *,
    display_names: Mapping[str, str] | None = None,
    min_episodes: int = 5,
) -> list[TherapistEstimate]:
    """Each therapist's case-mix adjusted difference from the practice mean, in a fixed order.

    Improvement is regressed (ordinary least squares) on intake severity and instrument; each
    therapist's estimate is the mean residual of their finished episodes, with a 95% interval
    from the pooled residual SD and the t distribution. The result is ordered by display name
    (then id), never by the estimate: see the module docstring for why there is no league table.
    """
    import numpy as np
    from scipy import stats

    _validate(records)
    names: dict[str, str] = dict(display_names or {})
    prepared = _prepare(records)

    def alphabetical(therapist_id: str) -> tuple[str, str]:
        return (names.get(therapist_id, therapist_id).casefold(), therapist_id)

    everyone = sorted({r.therapist_id for r in records}, key=alphabetical)
    counts = Counter(r.therapist_id for r in prepared.records)
    unit = prepared.unit
    design = _design(prepared)
    n, p = design.shape if prepared.records else (0, 0)
    if n <= p + 1:
        note = f"Too few finished episodes in the practice ({n}) to adjust for case mix."
        return [
            TherapistEstimate(t, names.get(t, t), counts[t], None, None, None, None, unit, note)
            for t in everyone
        ]
    coefficients, *_ = np.linalg.lstsq(design, prepared.improvement, rcond=None)
    residuals = prepared.improvement - design @ coefficients
    rank = int(np.linalg.matrix_rank(design))
    df = n - rank
    pooled_sd = math.sqrt(float(residuals @ residuals) / df)
    t_crit = float(stats.t.ppf(0.975, df))
    therapist_of = np.array([r.therapist_id for r in prepared.records])
    estimates: list[TherapistEstimate] = []
    for t in everyone:
        k = counts[t]
        name = names.get(t, t)
        if k < min_episodes:
            note = (
                f"{k} finished {'episode' if k == 1 else 'episodes'}; at least {min_episodes} "
                "are needed before an estimate says more than chance."
            )
            estimates.append(TherapistEstimate(t, name, k, None, None, None, None, unit, note))
            continue
        mean = float(residuals[therapist_of == t].mean())
        half = t_crit * pooled_sd / math.sqrt(k)
        lo, hi = mean - half, mean + half
        estimates.append(
            TherapistEstimate(t, name, k, mean, lo, hi, bool(lo <= 0.0 <= hi), unit, None)
        )
    return estimates
