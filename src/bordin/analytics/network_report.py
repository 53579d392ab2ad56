"""The network report: :class:`~bordin.analytics.network.NetworkResult` in Markdown and JSON.

The Markdown says each figure in plain words first, then the table; method notes sit in
``<details>``. Therapists and practices appear by pseudonym in alphabetical order, never
ranked (see ``reports/outcomes.py`` for why).
"""

from __future__ import annotations

import statistics
from dataclasses import asdict
from typing import Any

from bordin.analytics.network import NetworkResult
from bordin.reports.outcomes import Rate


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _rate_row(rate: Rate) -> str:
    interval = "–" if rate.ci_lower is None else f"{_pct(rate.ci_lower)} to {_pct(rate.ci_upper)}"
    return (
        f"| {rate.label} | {rate.count:,} | {rate.denominator:,} {rate.denominator_label} | "
        f"{_pct(rate.proportion)} | {interval} |"
    )


def markdown(result: NetworkResult) -> str:
    s = result.summary
    a = result.association
    lines = [
        "# Outcomes across the network",
        "",
        f"{s.episodes:,} clients' ended episodes from {result.practices} practices "
        f"({result.files} files), seen by {result.therapists:,} therapists "
        f"(and a pool of therapists with fewer than 5 research clients). "
        f"Measures: {', '.join(s.instruments)}. Computed with {result.scheduler} in "
        f"{result.seconds.get('total', 0):.1f} seconds.",
        "",
        "## Outcomes",
        "",
        f"Of {s.at_caseness:,} finished episodes that started at caseness, "
        f"{_pct(s.recovery.proportion)} of clients recovered "
        f"(95% CI {_pct(s.recovery.ci_lower)} to {_pct(s.recovery.ci_upper)}) and "
        f"{_pct(s.reliable_deterioration.proportion)} reliably deteriorated "
        f"(95% CI {_pct(s.reliable_deterioration.ci_lower)} to "
        f"{_pct(s.reliable_deterioration.ci_upper)}). "
        f"{_pct(s.dropout.proportion)} of all episodes ended in dropout.",
        "",
        "| Outcome | Count | Out of | Rate | 95% CI (Wilson) |",
        "|---|---|---|---|---|",
        *(_rate_row(rate) for rate in s.rates),
        "",
    ]
    recoveries = [p.recovery.proportion for p in result.by_practice if p.recovery.proportion]
    if recoveries:
        lines += [
            "### By practice",
            "",
            f"Recovery rates of the {len(result.by_practice)} practices run from "
            f"{_pct(min(recoveries))} to {_pct(max(recoveries))} "
            f"(median {_pct(statistics.median(recoveries))}). Practices are listed by "
            "pseudonym, not by rate: small practices have wide intervals.",
            "",
            "<details><summary>Every practice</summary>",
            "",
            "| Practice | Episodes | Recovery (95% CI) | Deterioration (95% CI) | Dropout |",
            "|---|---|---|---|---|",
        ]
        for p in result.by_practice:
            lines.append(
                f"| `{p.practice}` | {p.episodes:,} | {_pct(p.recovery.proportion)} "
                f"({_pct(p.recovery.ci_lower)} to {_pct(p.recovery.ci_upper)}) | "
                f"{_pct(p.reliable_deterioration.proportion)} "
                f"({_pct(p.reliable_deterioration.ci_lower)} to "
                f"{_pct(p.reliable_deterioration.ci_upper)}) | {_pct(p.dropout.proportion)} |"
            )
        lines += ["", "</details>", ""]

    lines += ["## Early alliance and outcome", ""]
    if a.r is None:
        lines.append(f"{a.reason}")
    else:
        verdict = (
            "consistent with"
            if a.ci_lower is not None
            and a.ci_upper is not None
            and a.ci_lower <= a.benchmark.r <= a.ci_upper
            else "weaker than"
            if a.ci_upper is not None and a.ci_upper < a.benchmark.r
            else "stronger than"
        )
        lines.append(
            f"Across {a.n:,} finished episodes with an early-alliance rating, early alliance "
            f"and improvement correlate r = {a.r:.3f} (95% CI {a.ci_lower:.3f} to "
            f"{a.ci_upper:.3f}), {verdict} the published r = {a.benchmark.r:.2f} "
            f"({a.benchmark.studies} studies)."
        )
    lines.append("")
    m = a.mixed_model
    if m is not None:
        lines.append(
            f"Allowing for therapists (a mixed model on a fixed sample of {a.mixed_model_sample:,} "
            f"episodes from {m.therapists:,} therapists), a client whose early alliance is one "
            f"standard deviation higher improves by {m.alliance_coefficient:+.2f} {m.unit} "
            f"(95% CI {m.ci_lower:+.2f} to {m.ci_upper:+.2f}), intake held constant."
        )
    else:
        lines.append(f"No mixed model: {a.mixed_model_reason}")
    lines.append("")

    estimated = [e for e in result.therapists_estimated if e.adjusted_difference is not None]
    overlapping = sum(1 for e in estimated if e.overlaps_practice_mean)
    lines += ["## Therapists, adjusted for case mix", ""]
    if estimated:
        spread = statistics.pstdev(e.adjusted_difference or 0.0 for e in estimated)
        lines.append(
            f"{len(estimated):,} therapists had at least 5 finished episodes. For "
            f"{overlapping:,} of them ({overlapping / len(estimated):.0%}) the 95% interval "
            "includes the network mean: their clients cannot be told apart from everyone "
            f"else's. The estimates spread with a standard deviation of {spread:.2f} "
            f"{result.therapist_unit}. This is not a league table: therapists are not ranked, "
            f"and the full list (alphabetical by pseudonym) is in the JSON output. "
            f"{result.pooled_episodes:,} episodes of pooled therapists count in the "
            "adjustment but get no estimate."
        )
    else:
        lines.append("Too few finished episodes per therapist for any estimate.")
    lines += ["", "## Expected recovery curves", ""]
    for c in result.curves:
        if c.model is None:
            lines.append(
                f"- **{c.instrument}**: not fitted ({c.episodes_sampled} episodes in the "
                "sample; at least 50 are needed)."
            )
            continue
        lines.append(
            f"- **{c.instrument}**: change from intake = ({c.model.b0:+.3f} "
            f"{c.model.b1:+.4f} × intake) × log(session); fitted on a fixed sample of "
            f"{c.episodes_sampled:,} of {c.episodes_available:,} finished episodes "
            f"({c.model.basis})."
        )
    lines += [
        "",
        "<details><summary>How these figures were computed</summary>",
        "",
        "Rates, the correlation and the therapist regression come from sums over every "
        "episode (Dask reduces each file, the small fits run on the totals), with the same "
        "definitions as the practice overview. The mixed model and the recovery curves are "
        "fitted on fixed samples of episodes, chosen by pseudonym, so a rerun gives the same "
        "figures. Therapists are counted within their practice. Stage times (seconds): "
        + ", ".join(f"{k} {v}" for k, v in result.seconds.items())
        + ".",
        "",
        "</details>",
        "",
    ]
    return "\n".join(lines)


def as_json(result: NetworkResult) -> dict[str, Any]:
    """Every figure as plain JSON (dataclasses as dicts)."""
    data = asdict(result)
    data["summary"]["rates"] = [asdict(r) for r in result.summary.rates]
    return data
