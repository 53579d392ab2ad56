"""docs/signals.md, generated from the code, the default settings and both evaluations.

``python -m bordin.analytics.signal_evaluation --write docs/signals.md`` regenerates the doc;
a test fails when the committed doc is stale.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from bordin.analytics.expected_recovery import DEFAULT_MAX_EPISODES, DEFAULT_MIN_EPISODES
from bordin.analytics.signals.evaluation.cases import generate_signal_cases
from bordin.analytics.signals.evaluation.demo import demo_case_set
from bordin.analytics.signals.evaluation.scoring import (
    CASES_PER_FAMILY,
    CASES_SEED,
    DEMO_SEED,
    DEMO_TODAY,
    evaluate_cases,
)
from bordin.analytics.signals.evaluation.tables import (
    config_field_docs,
    family_tables,
    fp_lines,
    model_lines,
    score_table,
    targets,
    types_table,
    variant_lines,
)
from bordin.analytics.signals.evaluation.template import DEMO_INTRO, EVAL_INTRO, LIMITS, TEMPLATE
from bordin.domain.alliance import SignalConfig


def render_doc() -> str:
    """docs/signals.md, computed from the code, the default settings and both evaluations."""
    from bordin.domain.alliance import citations
    from bordin.domain.alliance.repair import MARKERS, STRATEGIES

    config = SignalConfig()
    cases = generate_signal_cases(CASES_SEED, CASES_PER_FAMILY)
    demo = demo_case_set()
    ev_cases = evaluate_cases(cases, "synthetic cases")
    ev_demo = evaluate_cases(demo, "demo practice")
    docs = config_field_docs()
    out: list[str] = []
    add = out.append
    template = TEMPLATE.format(
        types_table=types_table(),
        min_prior=config.min_prior_sessions,
        sensitive=config.sensitive_sd,
        specific=config.specific_sd,
        floor=config.sd_floor_fraction * 40,
        min_drop=config.min_drop_fraction * 40,
        ceiling_run=config.ceiling_run,
        ceiling_drop=config.ceiling_min_drop_fraction * 40,
        item_drop=config.item_drop_fraction * 10,
        cutoff_sd=config.cutoff_requires_sd,
        window=config.repair_window,
        tolerance=config.repair_tolerance_sd,
        amber=config.amber_sd,
        red=config.red_sd,
        min_outcome=config.min_outcome_ratings,
        split_fallback=config.split_fallback_fraction * 40,
        split_sd=config.split_min_within_sd,
        split_item=config.split_item_fraction * 10,
        split_min=config.split_min_sessions,
        widen_min=config.widening_min_sessions,
        widen_min_2=2 * config.widening_min_sessions,
        widen_slope=config.widening_slope_fraction * 40,
        widen_inc=config.widening_min_increase_fraction * 40,
        dis_window=config.disengagement_window,
        dis_missed=config.disengagement_min_missed,
        dis_days=config.disengagement_gap_days,
        dis_sd=config.disengagement_drop_sd,
        fit_min=DEFAULT_MIN_EPISODES,
        fit_max=f"{DEFAULT_MAX_EPISODES:,}",
        c_sd=citations.RUPTURE_SD,
        c_ceiling=citations.RUPTURE_CEILING,
        c_item=citations.RUPTURE_ITEM,
        c_cutoff=citations.RUPTURE_CUTOFF,
        c_repair=citations.REPAIR,
        c_not=citations.NOT_ON_TRACK,
        c_change=citations.CHANGE,
        c_split=citations.SPLIT,
        c_widening=citations.SPLIT_WIDENING,
        c_dis=citations.DISENGAGEMENT,
        c_risk=citations.RISK,
        c_logged=citations.RUPTURE_LOGGED,
    )
    add(template)
    add("\n### Default expected recovery models\n")
    out.extend(model_lines())
    add("\n### Rupture and repair log: 3RS vocabulary\n")
    add(
        "The two rupture types and the immediate/exploratory strategy families are confirmed; "
        "**the individual marker and strategy names are unconfirmed** (recalled from the 3RS "
        "manual; only its section headings were checked). "
        "Verify them against the manual before relying on them. The keys are stable.\n"
    )
    add("| key | marker | rupture type |")
    add("|---|---|---|")
    for m in MARKERS:
        add(f"| `{m.key}` | {m.label} | {m.rupture_type} |")
    add("")
    add("| key | strategy | family |")
    add("|---|---|---|")
    for st in STRATEGIES:
        add(f"| `{st.key}` | {st.label} | {st.family} |")
    add("\n## Every threshold\n")
    add("All in `bordin.domain.alliance.SignalConfig`; defaults shown.\n")
    add("| setting | default | meaning |")
    add("|---|---|---|")
    for f in fields(SignalConfig):
        add(f"| `{f.name}` | {getattr(config, f.name)} | {docs.get(f.name, '')} |")
    add("\n## How well the signals find what was planted\n")
    add(EVAL_INTRO.format(per_family=CASES_PER_FAMILY, seed=CASES_SEED, episodes=ev_cases.episodes))
    add(f"\n### Synthetic cases ({ev_cases.episodes} episodes, seed {CASES_SEED})\n")
    out.extend(targets(ev_cases))
    add("")
    out.extend(score_table(ev_cases))
    add("")
    out.extend(family_tables(ev_cases))
    add("\nWhere the false positives are (by family):\n")
    out.extend(fp_lines(ev_cases))
    add(
        f"\n### Demo practice ({ev_demo.episodes} episodes, seed {DEMO_SEED}, as of {DEMO_TODAY})\n"
    )
    add(DEMO_INTRO)
    add("")
    out.extend(targets(ev_demo))
    add("")
    out.extend(score_table(ev_demo))
    add("")
    out.extend(family_tables(ev_demo))
    add("\nWhere the false positives are (by family):\n")
    out.extend(fp_lines(ev_demo) or ["- none"])
    add("\n### What each rule costs and buys\n")
    add(
        "The same two case sets under alternative settings (one change at a time). "
        '"Stable with alarm" is the share of stable episodes with any rupture signal.\n'
    )
    out.extend(variant_lines(cases, demo))
    add(LIMITS)
    return "\n".join(out).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bordin.analytics.signal_evaluation [--write PATH]``."""
    parser = argparse.ArgumentParser(description="Evaluate the signals and render docs/signals.md.")
    parser.add_argument("--write", type=Path, help="write the document to this path")
    args = parser.parse_args(argv)
    text = render_doc()
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
