"""Render ``docs/instruments/change.md``: reliable and clinically significant change, and the
NHS Talking Therapies definitions, with the examples from ``spec_change.py``."""

from __future__ import annotations

from bordin.domain.instruments.change import (
    Z_95,
    classify_change,
    clinical_threshold,
    criterion_c,
    jacobson_truax_threshold,
    reliable_change_threshold,
)
from bordin.domain.instruments.markdown import GENERATED, SPEC_FOLDER, num, table, yes
from bordin.domain.instruments.registry import Registry
from bordin.domain.instruments.specs import ChangeSpec
from bordin.domain.instruments.talking_therapies import DEFAULT_RULES


def change_page(registry: Registry, change_spec: ChangeSpec | None) -> str:
    """``docs/instruments/change.md``: RCI, clinically significant change, Talking Therapies."""
    rules = DEFAULT_RULES
    lines = [
        "# Change: reliable, clinically significant, and NHS Talking Therapies outcomes",
        "",
        GENERATED,
        "",
        "## Reliable change (Jacobson & Truax 1991)",
        "",
        "A change is reliable when it is larger than measurement error alone would plausibly "
        "produce. From the SD of a clinical or normative sample (s₁) and the measure's "
        "reliability (rₓₓ):",
        "",
        "```",
        "SE     = s1 × √(1 − rxx)",
        "S_diff = √(2 × SE²)",
        f"RC     = (after − before) ÷ S_diff        reliable when |RC| > {Z_95} (p < .05)",
        f"threshold in points = {Z_95} × S_diff",
        "```",
        "",
        "Where a threshold in points is published Bordin uses it; otherwise it computes one "
        "from the SD and reliability. A change is reliable when |after − before| ≥ the "
        "threshold.",
        "",
        "## Clinically significant change",
        "",
        "The score must end on the healthy side of a threshold. Criterion **c**, the weighted "
        "midpoint between a clinical and a non-clinical population, is used where both norms "
        "exist; otherwise the instrument's clinical cut-off:",
        "",
        "```",
        "c = (SD_clin × M_norm + SD_norm × M_clin) ÷ (SD_clin + SD_norm)",
        "```",
        "",
        "## Classification",
        "",
        "- **recovered**: reliable improvement, from the clinical side of the threshold to the "
        "other;",
        "- **reliably improved** (`reliably_improved`): reliable improvement without that "
        "crossing;",
        "- **reliably deteriorated** (`reliably_deteriorated`): reliable change for the worse;",
        "- **no reliable change** (`no_reliable_change`): anything else.",
        "",
        "`direction` is the direction of the raw change (`improved`, `deteriorated` or `none`), "
        "whether or not it is reliable.",
        "",
        "## Thresholds per instrument",
        "",
    ]
    rows = []
    for instrument in registry.all():
        threshold = reliable_change_threshold(instrument)
        clinical = clinical_threshold(instrument)
        source = (
            "published"
            if instrument.reliable_change is not None
            else "computed"
            if threshold is not None
            else "–"
        )
        computed = (
            num(jacobson_truax_threshold(instrument.sd, instrument.reliability))
            if instrument.sd is not None and instrument.reliability is not None
            else "–"
        )
        rows.append(
            (
                f"[`{instrument.id}`]({instrument.id}.md)",
                num(threshold),
                source,
                num(instrument.sd),
                num(instrument.reliability),
                computed,
                "–" if clinical is None else f"{num(clinical[0])} ({clinical[1]})",
            )
        )
    lines += table(
        (
            "instrument",
            "reliable change (points)",
            "source",
            "SD",
            "reliability",
            "from SD and reliability",
            "clinical threshold",
        ),
        rows,
    )
    core10 = registry.get("core10") if "core10" in registry else None
    if core10 is not None and core10.norms is not None:
        n = core10.norms
        lines += [
            "",
            f"For the CORE-10, criterion c = ({num(n.clinical_sd)} × {num(n.normal_mean)} + "
            f"{num(n.normal_sd)} × {num(n.clinical_mean)}) ÷ ({num(n.clinical_sd)} + "
            f"{num(n.normal_sd)}) = {num(criterion_c(n))}. Its reliability .90 is internal "
            "consistency (α), which the Jacobson–Truax formula uses when no test–retest figure "
            "is known.",
        ]
    lines += [
        "",
        "Instruments without a threshold (WAI-SR, SRS, the Session Alliance Check) are not "
        "classified; `bordin change` refuses them with a clear message. Alliance measures are "
        "watched for drops against each client's own baseline instead.",
        "",
    ]
    if change_spec is not None:
        lines += [
            "### Examples",
            "",
            f"Each row is a test (`{SPEC_FOLDER}/spec_change.py`).",
            "",
        ]
        examples = []
        for row in change_spec.change_rows:
            change = classify_change(registry.get(row.instrument_id), row.before, row.after)
            examples.append(
                (
                    f"`{row.instrument_id}`",
                    num(row.before),
                    num(row.after),
                    num(change.delta),
                    yes(row.reliable),
                    row.direction,
                    row.classification,
                    row.note,
                )
            )
        lines += table(
            (
                "instrument",
                "before",
                "after",
                "delta",
                "reliable",
                "direction",
                "classification",
                "note",
            ),
            examples,
        )
        lines += [""]
    lines += [
        "## NHS Talking Therapies (formerly IAPT): paired PHQ-9 and GAD-7",
        "",
        "A course of treatment is judged on its first and last paired scores, which needs at "
        f"least {rules.min_attended_sessions} attended treatment appointments.",
        "",
        f"- **Caseness**: PHQ-9 ≥ {rules.phq9_caseness} or GAD-7 ≥ {rules.gad7_caseness}.",
        "- **Recovery**: at caseness at the start and not at caseness at the end. Only clients "
        "at caseness at the start can recover (otherwise: not applicable).",
        f"- **Reliable improvement**: PHQ-9 down by ≥ {rules.phq9_reliable_change} or GAD-7 "
        f"down by ≥ {rules.gad7_reliable_change}, and no reliable increase on the other.",
        f"- **Reliable deterioration**: PHQ-9 up by ≥ {rules.phq9_reliable_change} or GAD-7 up "
        f"by ≥ {rules.gad7_reliable_change}, and no reliable decrease on the other.",
        "- **Reliable recovery**: both recovery and reliable improvement.",
        "",
        "The rule for mixed cases (one measure reliably better, the other reliably worse) was "
        "not confirmed in the sources read for Bordin: by default a mixed case counts as "
        'neither improvement nor deterioration; `TalkingTherapiesRules(mixed="both")` counts '
        "it as both. Anxiety-disorder-specific measures (ADSMs) are not covered. Check the "
        "current NHS Talking Therapies Manual before reporting.",
        "",
    ]
    if change_spec is not None:
        lines += [
            "### Examples",
            "",
            f"Each row is a test (`{SPEC_FOLDER}/spec_change.py`). “n/a”: not at caseness at "
            "the start.",
            "",
        ]

        def flag(value: bool | None) -> str:
            return "n/a" if value is None else yes(value)

        lines += table(
            (
                "first PHQ-9, GAD-7",
                "last PHQ-9, GAD-7",
                "caseness start",
                "caseness end",
                "recovery",
                "reliable improvement",
                "reliable deterioration",
                "reliable recovery",
                "note",
            ),
            (
                (
                    f"{row.first.phq9}, {row.first.gad7}",
                    f"{row.last.phq9}, {row.last.gad7}",
                    yes(row.caseness_start),
                    yes(row.caseness_end),
                    flag(row.recovery),
                    yes(row.reliable_improvement),
                    yes(row.reliable_deterioration),
                    flag(row.reliable_recovery),
                    row.note,
                )
                for row in change_spec.talking_therapies_rows
            ),
        )
        lines += [""]
    lines += [
        "## Sources",
        "",
        "- Jacobson NS, Truax P. Clinical significance: a statistical approach to defining "
        "meaningful change in psychotherapy research. J Consult Clin Psychol. 1991;59(1):12–19.",
        "- Formulas as implemented in AWKruijt/JT-RCI (`R/JTRCI.R`); the 1.96 criterion and "
        "criteria a, b and c as defined by Jacobson & Truax (1991).",
        "- NHS Digital. Psychological Therapies: reports on the use of IAPT services, England, "
        "June 2020 — Outcomes (caseness, recovery, reliable improvement, reliable recovery); "
        "PHE Fingertips glossary.",
        "- IAPT manual thresholds (PHQ-9 ≥ 10 and ≥ 6 points; GAD-7 ≥ 8 and ≥ 4 points), as "
        "quoted by cbtwatch.com.",
        "- Gyani A, Shafran R, Layard R, Clark DM. Enhancing recovery rates: lessons from year "
        "one of IAPT. Behav Res Ther. 2013;51:597–606.",
        "- CORE-10 norms: Connell J, Barkham M. CORE-10 User Manual, 2007 (via novopsych).",
        "",
    ]
    return "\n".join(lines).rstrip() + "\n"
