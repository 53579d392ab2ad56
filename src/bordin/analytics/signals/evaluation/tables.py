"""The tables of docs/signals.md: scores, families, models, variants, signal types, settings."""

from __future__ import annotations

from bordin.analytics.signals.evaluation.cases import CaseSet
from bordin.analytics.signals.evaluation.scoring import (
    FALSE_ALARM_TARGET,
    RUPTURE_RECALL_TARGET,
    Evaluation,
    evaluate_cases,
)
from bordin.domain.alliance import SignalConfig
from bordin.domain.alliance.recovery import DEFAULT_BASIS, DEFAULT_RECOVERY_MODELS

#: Alternative settings whose cost and benefit the doc reports, with why they are interesting.
VARIANTS: tuple[tuple[str, dict[str, object]], ...] = (
    ("defaults", {}),
    ("1 SD rule off (2 SD only)", {"sensitive_sd": 2.0}),
    ("cut-off rule off", {"cutoff_rule": False}),
    ("ceiling drop of 1 point counts", {"ceiling_min_drop_fraction": 0.025}),
    ("minimum drop 3 points (0.075)", {"min_drop_fraction": 0.075}),
    ("item drop of 2 points counts (0.2)", {"item_drop_fraction": 0.2}),
    ("baseline after 2 sessions", {"min_prior_sessions": 2}),
)


def config_field_docs() -> dict[str, str]:
    """Each :class:`SignalConfig` field's description, read from the class docstring."""
    doc = SignalConfig.__doc__ or ""
    out: dict[str, str] = {}
    names: list[str] = []
    text: list[str] = []

    def flush() -> None:
        for name in names:
            out[name] = " ".join(text).strip()

    for line in doc.splitlines():
        if line.startswith("    ``"):
            flush()
            names = [part.strip().strip("`") for part in line.strip().split("/")]
            text = []
        elif line.startswith("        ") and names:
            text.append(line.strip())
        elif line.strip() and not line.startswith("        "):
            flush()
            names, text = [], []
    flush()
    return out


def _rate(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def score_table(ev: Evaluation) -> list[str]:
    lines = [
        "| signal type | planted | true positives | false positives | missed | repeats "
        "| precision | recall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in ev.scores:
        planted = s.tp + s.fn
        lines.append(
            f"| `{s.type}` | {planted} | {s.tp} | {s.fp} | {s.fn} | {s.repeats} | "
            f"{_rate(s.precision)} | {_rate(s.recall)} |"
        )
    return lines


def family_tables(ev: Evaluation) -> list[str]:
    lines = ["| family | planted ruptures | found | recall |", "|---|---|---|---|"]
    for family, (hit, total) in ev.rupture_recall_by_family.items():
        lines.append(f"| {family} | {total} | {hit} | {_rate(hit / total if total else None)} |")
    lines += [
        "",
        "| stable family (clients) | with a false rupture alarm | share |",
        "|---|---|---|",
    ]
    for family, (hit, total) in ev.false_alarms_by_family.items():
        lines.append(f"| {family} | {hit} of {total} | {_rate(hit / total if total else None)} |")
    return lines


def fp_lines(ev: Evaluation) -> list[str]:
    lines: list[str] = []
    for kind, families in ev.false_positives_by_family.items():
        parts = ", ".join(f"{family} {count}" for family, count in families.items())
        lines.append(f"- `{kind}`: {parts}")
    return lines


def targets(ev: Evaluation) -> list[str]:
    recall = ev.score("rupture").recall or 0.0
    fa = ev.false_alarm_rate
    ok_r = "met" if recall >= RUPTURE_RECALL_TARGET else "NOT met"
    ok_f = "met" if fa <= FALSE_ALARM_TARGET else "NOT met"
    return [
        f"- Rupture recall {recall:.3f} (target ≥ {RUPTURE_RECALL_TARGET}): **{ok_r}**.",
        f"- Stable episodes with a false rupture alarm: {ev.stable_with_rupture} of "
        f"{ev.stable_episodes} = {fa:.3f} (target ≤ {FALSE_ALARM_TARGET}): **{ok_f}**.",
    ]


def model_lines() -> list[str]:
    lines = [
        "| measure | b0 | b1 | var intercept | var slope | var residual | built from |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, model in DEFAULT_RECOVERY_MODELS.items():
        lines.append(
            f"| {key} | {model.b0:.3f} | {model.b1:.4f} | {model.var_intercept:.2f} | "
            f"{model.var_slope:.2f} | {model.var_residual:.2f} | {DEFAULT_BASIS[key].source} |"
        )
    lines += [
        "",
        "Bands at a typical intake (expected score; amber and red bounds, in the direction "
        "of worse):",
        "",
        "| measure | intake | session 2 | session 4 | session 8 | session 12 |",
        "|---|---|---|---|---|---|",
    ]
    config = SignalConfig()
    for key, model in DEFAULT_RECOVERY_MODELS.items():
        basis = DEFAULT_BASIS[key]
        intake = basis.typical_intake
        sign = 1.0 if key != "ors" else -1.0
        cells = []
        for t in (2, 4, 8, 12):
            e = model.expected(intake, t)
            sd = model.predictive_sd(t)
            amber = e + sign * config.amber_sd * sd
            red = e + sign * config.red_sd * sd
            cells.append(f"{e:.1f}; {amber:.1f}; {red:.1f}")
        lines.append(f"| {key} | {intake:g} | " + " | ".join(cells) + " |")
    return lines


def variant_lines(cases: CaseSet, demo: CaseSet) -> list[str]:
    lines = [
        "| setting | cases: rupture recall | cases: precision | cases: stable with alarm | "
        "demo: rupture recall | demo: precision | demo: stable with alarm |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, changes in VARIANTS:
        config = SignalConfig(**changes)  # type: ignore[arg-type]
        a = evaluate_cases(cases, "cases", config)
        b = evaluate_cases(demo, "demo", config)
        ra, rb = a.score("rupture"), b.score("rupture")
        lines.append(
            f"| {name} | {_rate(ra.recall)} | {_rate(ra.precision)} | {a.false_alarm_rate:.3f} | "
            f"{_rate(rb.recall)} | {_rate(rb.precision)} | {b.false_alarm_rate:.3f} |"
        )
    return lines


#: (type, severity, status values, meaning) for the signal-types table.
TYPE_ROWS: tuple[tuple[str, str, str, str], ...] = (
    (
        "rupture",
        "high at 2 SD, else routine",
        "open / repaired / unrepaired",
        "a possible alliance rupture (detected from ratings, or logged by the therapist)",
    ),
    ("rupture_repaired", "routine", "repaired", "back to the pre-drop level within the window"),
    (
        "rupture_unrepaired",
        "high",
        "unrepaired",
        "not back within the window, or the episode ended first",
    ),
    (
        "low_alliance",
        "routine",
        "active / resolved",
        "below the alliance cut-off from the first rating (no drop to speak of)",
    ),
    (
        "not_on_track",
        "high if red, else routine",
        "active / resolved",
        "outcome worse than expected for the intake severity (amber or red)",
    ),
    (
        "reliable_deterioration",
        "high",
        "active",
        "worse than intake by at least the reliable-change value",
    ),
    (
        "reliable_improvement",
        "routine",
        "active",
        "better than intake by at least the reliable-change value",
    ),
    ("recovery", "routine", "active", "reliable improvement and out of the clinical range"),
    (
        "split_alliance",
        "high if the gap is twice the threshold, else routine",
        "active / resolved",
        "partners rate the alliance differently",
    ),
    ("split_widening", "routine", "active / resolved", "the partners' gap is growing"),
    ("disengagement", "high", "active", "missed or cancelled sessions with a falling alliance"),
    ("risk", "urgent", "open", "an endorsed risk item or crisis feedback"),
)


def types_table() -> str:
    lines = ["| type | severity | status | meaning |", "|---|---|---|---|"]
    lines += [f"| `{t}` | {sev} | {st} | {meaning} |" for t, sev, st, meaning in TYPE_ROWS]
    return "\n".join(lines)
