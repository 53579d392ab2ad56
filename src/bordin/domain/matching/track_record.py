"""A therapist's track record with similar clients, adjusted for case mix and shrunk.

The quantity is the **reliable-improvement rate**: of a therapist's ended episodes, the share in
which the client reliably improved (Jacobson & Truax 1991; clinical-facts §4). Two things make a
raw rate misleading, and both are corrected here.

**Case mix.** A therapist who sees more severe clients improves fewer of them. When the
practice knows how many of a therapist's clients would be *expected* to improve given their
intake severity (``TrackRecord.expected``), the count is indirectly standardised to the
practice's average case mix: ``adjusted = improved − expected + episodes × practice rate``,
kept between 0 and ``episodes``. Without ``expected`` the count is used as it is.

**Few episodes.** Four clients out of five is not a better record than 40 out of 60. Each
therapist's rate is shrunk towards the practice mean by empirical Bayes with a beta-binomial
model (Efron & Morris 1975; Casella 1985): the practice's rates are treated as drawn from a
Beta(α, β) distribution with mean ``m = α / (α + β)`` and strength ``k = α + β``, and a
therapist with ``n`` episodes and ``x`` (adjusted) improvements gets the posterior mean::

    shrunk rate = (x + k·m) / (n + k)

so a therapist with few episodes sits near the practice mean and one with many near their own
rate. ``m`` is the pooled practice rate; ``k`` is estimated by the method of moments (Kleinman
1973): with ``s²`` the variance of therapists' rates and ``w`` the mean binomial variance
``m(1−m)/n``, the between-therapist variance is ``τ² = s² − w`` and ``k = m(1−m)/τ² − 1``.
When that cannot be estimated (fewer than three therapists with episodes, or ``τ² ≤ 0``,
meaning the differences look like noise), ``k`` is :data:`DEFAULT_STRENGTH`; it is always kept
within ``MIN_STRENGTH``–``MAX_STRENGTH``.

References: Efron B, Morris C (1975). Data analysis using Stein's estimator and its
generalizations. JASA 70(350):311–319. Casella G (1985). An introduction to empirical Bayes data
analysis. The American Statistician 39(2):83–87. Kleinman JC (1973). Proportions with
extraneous variance: single and independent samples. JASA 68(341):46–54.

The estimate only ever *ranks admissible therapists for one client*, with a modest weight; it is
never listed across therapists (see ``reports/outcomes.py`` on why Bordin shows no league table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bordin.domain.matching.model import NO_RECORD, Client, Therapist, TrackRecord

#: Prior strength (pseudo-episodes) when the practice's data cannot estimate it (design).
DEFAULT_STRENGTH = 10.0
MIN_STRENGTH = 2.0
MAX_STRENGTH = 200.0
#: Fewest therapists with episodes for the method-of-moments estimate of the strength.
MIN_THERAPISTS_FOR_MOMENTS = 3


@dataclass(frozen=True)
class Prior:
    """The practice's Beta prior: ``mean`` rate and ``strength`` (α + β, in episodes)."""

    mean: float
    strength: float
    therapists: int
    estimated: bool

    @property
    def alpha(self) -> float:
        return self.mean * self.strength

    @property
    def beta(self) -> float:
        return (1 - self.mean) * self.strength


@dataclass(frozen=True)
class Estimate:
    """One therapist's shrunk, case-mix adjusted rate, and how much of it is their own data."""

    rate: float
    episodes: int
    own_weight: float  # n / (n + k): 0 = all practice mean, 1 = all own record
    prior: Prior
    basis: str  # "similar" (clients with the same needs) or "all"


def adjusted_improved(record: TrackRecord, practice_rate: float) -> float:
    """Improvements indirectly standardised to the practice's case mix (see module docs)."""
    if record.expected is None:
        return float(record.improved)
    adjusted = record.improved - record.expected + record.episodes * practice_rate
    return min(max(adjusted, 0.0), float(record.episodes))


def fit_prior(records: Iterable[TrackRecord]) -> Prior | None:
    """The practice's prior from every therapist's record; ``None`` when no episode has ended."""
    with_episodes = [r for r in records if r.episodes > 0]
    episodes = sum(r.episodes for r in with_episodes)
    if episodes == 0:
        return None
    raw_mean = sum(r.improved for r in with_episodes) / episodes
    adjusted = [adjusted_improved(r, raw_mean) for r in with_episodes]
    mean = min(max(sum(adjusted) / episodes, 0.0), 1.0)
    strength, estimated = DEFAULT_STRENGTH, False
    if len(with_episodes) >= MIN_THERAPISTS_FOR_MOMENTS and 0 < mean < 1:
        rates = [x / r.episodes for x, r in zip(adjusted, with_episodes, strict=True)]
        k = len(rates)
        centre = sum(rates) / k
        spread = sum((rate - centre) ** 2 for rate in rates) / (k - 1)
        noise = sum(mean * (1 - mean) / r.episodes for r in with_episodes) / k
        between = spread - noise
        if between > 0:
            strength, estimated = mean * (1 - mean) / between - 1, True
    strength = min(max(strength, MIN_STRENGTH), MAX_STRENGTH)
    return Prior(mean=mean, strength=strength, therapists=len(with_episodes), estimated=estimated)


def shrink(record: TrackRecord, prior: Prior, *, basis: str = "all") -> Estimate:
    """The posterior mean rate ``(x + k·m) / (n + k)`` for one therapist."""
    x = adjusted_improved(record, prior.mean)
    n = record.episodes
    rate = (x + prior.strength * prior.mean) / (n + prior.strength)
    return Estimate(
        rate=rate, episodes=n, own_weight=n / (n + prior.strength), prior=prior, basis=basis
    )


def similar_record(therapist: Therapist, needs: Sequence[str]) -> TrackRecord:
    """The therapist's episodes with clients who had any of these needs (summed by need)."""
    total = NO_RECORD
    for need in needs:
        record = therapist.outcomes_by_need.get(need)
        if record is not None:
            total = total + record
    return total


class TrackRecords:
    """Shrunk estimates for one client's admissible therapists, with the prior fitted once per
    set of needs across every therapist in the practice (not only the admissible ones)."""

    def __init__(self, therapists: Sequence[Therapist]) -> None:
        self._therapists = therapists
        self._overall = fit_prior(t.outcomes for t in therapists)
        self._by_needs: dict[tuple[str, ...], Prior | None] = {}
        self._needs_known = frozenset(need for t in therapists for need in t.outcomes_by_need)

    def basis(self, client: Client) -> tuple[str, ...]:
        """The needs the practice has by-need records for (empty: use all episodes)."""
        return tuple(sorted(set(client.needs) & self._needs_known))

    def prior(self, needs: tuple[str, ...]) -> Prior | None:
        if not needs:
            return self._overall
        if needs not in self._by_needs:
            self._by_needs[needs] = fit_prior(similar_record(t, needs) for t in self._therapists)
        return self._by_needs[needs]

    def estimate(self, client: Client, therapist: Therapist) -> Estimate | None:
        needs = self.basis(client)
        prior = self.prior(needs)
        if prior is None:
            return None
        if needs:
            return shrink(similar_record(therapist, needs), prior, basis="similar")
        return shrink(therapist.outcomes, prior, basis="all")
