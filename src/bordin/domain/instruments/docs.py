"""Render ``docs/instruments/`` from the instrument definitions and the spec tables.

``render_pages(registry, specs, change_spec)`` returns ``{file name: Markdown}``: one page per
instrument (``<id>.md``), an index (``README.md``) and ``change.md``. The docs test compares the
committed pages with these, so the pages always say what the code does; regenerate them with
``BORDIN_REGENERATE_DOCS=1 pytest tests/docs/test_instrument_docs.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from bordin.domain.instruments.base import GRADE_MEANING, Instrument, Item
from bordin.domain.instruments.change import (
    clinical_threshold,
    jacobson_truax_threshold,
    reliable_change_threshold,
)
from bordin.domain.instruments.change_docs import change_page
from bordin.domain.instruments.markdown import GENERATED, SPEC_FOLDER, num, table, yes
from bordin.domain.instruments.registry import Registry
from bordin.domain.instruments.specs import ChangeSpec, InstrumentSpec, SpecRow


def render_pages(
    registry: Registry, specs: Mapping[str, InstrumentSpec], change_spec: ChangeSpec | None
) -> dict[str, str]:
    """Every page of ``docs/instruments/``, keyed by file name."""
    pages = {
        f"{instrument.id}.md": instrument_page(instrument, specs.get(instrument.id))
        for instrument in registry.all()
    }
    pages["README.md"] = index_page(registry.all())
    pages["change.md"] = change_page(registry, change_spec)
    return pages


def write_pages(folder: Path, pages: Mapping[str, str]) -> None:
    """Write ``pages`` into ``folder`` (used to regenerate the committed docs)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")


def _item_list(instrument: Instrument, link_ids: Iterable[str]) -> str:
    return ", ".join(str(instrument.item(link_id).number) for link_id in link_ids)


def cutoff_text(instrument: Instrument) -> str:
    """The cut-off and which side of it ``cutoff_exceeded`` means."""
    if instrument.cutoff is None:
        return "none (`cutoff_exceeded` is always false)"
    value = num(instrument.cutoff)
    if instrument.direction == "higher_is_worse":
        sign = "≥" if instrument.cutoff_inclusive else ">"
        return f"{sign} {value} is clinical (`cutoff_exceeded` is true at {sign} {value})"
    sign = "≤" if instrument.cutoff_inclusive else "<"
    return f"{sign} {value} is clinical/concern (`cutoff_exceeded` is true *below* the cut-off)"


def missing_text(instrument: Instrument) -> str:
    if instrument.prorate and instrument.max_missing:
        return (
            f"up to {instrument.max_missing} scored item(s) may be missing; the total is then "
            "prorated: total of answered items × scored items ÷ items answered"
        )
    return "no score if any scored item is missing"


def reliable_change_text(instrument: Instrument) -> str:
    threshold = reliable_change_threshold(instrument)
    if threshold is None:
        return "none (change is not classified)"
    if instrument.reliable_change is not None:
        text = f"{num(threshold)} points (published threshold)"
    else:
        text = f"{num(threshold)} points (Jacobson–Truax, from SD and reliability)"
    if instrument.sd is not None and instrument.reliability is not None:
        computed = jacobson_truax_threshold(instrument.sd, instrument.reliability)
        text += (
            f"; from SD {num(instrument.sd)} and reliability {num(instrument.reliability)} "
            f"it would be {num(computed)}"
        )
    return text


def clinical_text(instrument: Instrument) -> str:
    clinical = clinical_threshold(instrument)
    if clinical is None:
        return "none"
    value, method = clinical
    if method == "criterion c":
        return f"criterion c = {num(value)} (from the norms below)"
    return f"the cut-off, {num(value)}"


def instrument_page(instrument: Instrument, spec: InstrumentSpec | None) -> str:
    """The Markdown page for one instrument."""
    heading = (
        instrument.title
        if instrument.short_title == instrument.title
        else f"{instrument.short_title}: {instrument.title}"
    )
    lines = [f"# {heading}", "", GENERATED, ""]
    if instrument.caution:
        lines += [f"> **{instrument.caution}**", ""]
    if instrument.description:
        lines += [instrument.description, ""]
    scored = instrument.scored_items
    unscored = len(instrument.items) - len(scored)
    items_text = f"{len(scored)} scored" + (f" + {unscored} unscored" if unscored else "")
    direction = (
        "higher is worse" if instrument.direction == "higher_is_worse" else "higher is better"
    )
    facts = [
        ("id", f"`{instrument.id}`"),
        ("version", instrument.version),
        ("kind", instrument.kind),
        ("items", items_text),
        (
            "score",
            f"{instrument.score_label} {num(instrument.score_min)}–"
            f"{num(instrument.score_max)}, {direction}",
        ),
        ("missing items", missing_text(instrument)),
        (
            "severity bands",
            ", ".join(f"{b.label} {num(b.lower)}–{num(b.upper)}" for b in instrument.bands)
            or "none",
        ),
        ("clinical cut-off", cutoff_text(instrument)),
        ("reliable change", reliable_change_text(instrument)),
        ("clinically significant change", clinical_text(instrument)),
        (
            "risk items",
            ", ".join(
                f"item {instrument.item(link_id).number} (`{link_id}`): any answer above "
                f"{num(instrument.item(link_id).min_value)}"
                for link_id in instrument.risk_items
            )
            or "none",
        ),
        (
            "reverse-keyed items",
            ", ".join(str(item.number) for item in instrument.items if item.reverse) or "none",
        ),
    ]
    if instrument.dimensions:
        facts.append(
            (
                "subscales",
                "; ".join(
                    f"{name}: item(s) {_item_list(instrument, ids)}"
                    for name, ids in instrument.dimensions.items()
                ),
            )
        )
    if instrument.code:
        total = f", total {instrument.total_code}" if instrument.total_code else ""
        facts.append(("codes", f"LOINC panel {instrument.code}{total}"))
    if instrument.norms is not None:
        norms = instrument.norms
        facts.append(
            (
                "norms",
                f"clinical M {num(norms.clinical_mean)}, SD {num(norms.clinical_sd)}; "
                f"non-clinical M {num(norms.normal_mean)}, SD {num(norms.normal_sd)} "
                f"({norms.source})",
            )
        )
    licence = instrument.licence
    wording = (
        "shipped (the project's own words)"
        if licence and licence.wording_shipped
        else "not shipped; a practice imports it (`bordin instruments import FILE.json`)"
    )
    facts.append(("wording", wording))
    lines += [*table(("", ""), facts), ""]

    lines += ["## Items", ""]
    lines += [*_items_table(instrument), ""]
    if instrument.free_text:
        lines += ["Free text (optional, never scored):", ""]
        lines += [f"- `{p.link_id}`: “{p.text}”" for p in instrument.free_text]
        lines += [""]

    if instrument.evidence:
        lines += ["## Where the figures come from", ""]
        lines += ["<details><summary>Each figure, how sure it is, and its source</summary>", ""]
        lines += table(
            ("figure", "value", "how sure", "source"),
            (
                (e.parameter, e.value, GRADE_MEANING.get(e.grade, e.grade), e.source)
                for e in instrument.evidence
            ),
        )
        lines += [
            "",
            "Figures from a secondary source only, or not confirmed, are configurable: build a "
            f'changed copy with `configured(get_instrument("{instrument.id}"), cutoff=..., '
            "reliable_change=..., bands=..., max_missing=...)` and register it with "
            "`replace=True`.",
            "",
            "</details>",
            "",
        ]
    if licence is not None:
        lines += ["## Licence", "", f"**{licence.name}.** {licence.summary}"]
        if licence.url:
            lines += ["", f"<{licence.url}>"]
        lines += [""]
    if instrument.citation:
        lines += ["## Citation", "", instrument.citation, ""]
    if instrument.notes:
        lines += ["## Notes", ""] + [f"- {note}" for note in instrument.notes] + [""]
    lines += _spec_section(instrument, spec)
    return "\n".join(lines).rstrip() + "\n"


def _items_table(instrument: Instrument) -> list[str]:
    with_text = instrument.licence is not None and instrument.licence.wording_shipped
    header = ["#", "link id", "code", "answers", "scored", "reverse", "risk", "dimension"]
    if with_text:
        header.append("wording")
    rows = []
    for item in instrument.items:
        row = [
            str(item.number),
            f"`{item.link_id}`",
            item.code or "–",
            _answers_text(item),
            yes(item.scored),
            yes(item.reverse),
            yes(item.risk),
            item.dimension or "–",
        ]
        if with_text:
            anchors = (
                f" ({num(item.min_value)} = {item.anchors[0]}, "
                f"{num(item.max_value)} = {item.anchors[1]})"
                if item.anchors
                else ""
            )
            row.append(f"{item.text or ''}{anchors}")
        rows.append(row)
    return table(header, rows)


def _answers_text(item: Item) -> str:
    span = f"{num(item.min_value)}–{num(item.max_value)}"
    if not item.whole_numbers:
        return f"{span} in steps of {num(item.step)}"
    codes = [o.code for o in item.options if o.code]
    return f"{span} ({', '.join(codes)})" if codes else span


def _spec_section(instrument: Instrument, spec: InstrumentSpec | None) -> list[str]:
    if spec is None:
        return []
    lines = [
        "## Scoring rules, by example",
        "",
        f"Each row below is a test (`{SPEC_FOLDER}/spec_{instrument.id}.py`): the answers, "
        "given in item order (– marks a missing answer), and what Bordin must return for "
        "them. “Refused” rows must be rejected with an error containing the text shown.",
        "",
    ]
    for section in spec.sections:
        lines += [f"### {section.title}", "", section.text, ""]
        with_subscales = bool(instrument.dimensions) and any(r.subscales for r in section.rows)
        header = ["answers", "total", "band", "cut-off side", "risk items", "prorated"]
        if with_subscales:
            header.append("subscales")
        header.append("note")
        rows = []
        for row in section.rows:
            answers = _row_answers(row)
            if row.rejected is not None:
                cells = [answers, f"refused: “{row.rejected}”", "", "", "", ""]
                if with_subscales:
                    cells.append("")
            else:
                cells = [
                    answers,
                    num(row.total),
                    row.band or "–",
                    yes(row.cutoff_exceeded),
                    ", ".join(f"`{r}`" for r in row.risk_items) or "–",
                    yes(row.prorated),
                ]
                if with_subscales:
                    cells.append(
                        ", ".join(f"{k} {num(v)}" for k, v in row.subscales.items()) or "–"
                    )
            cells.append(row.note)
            rows.append(cells)
        lines += [*table(header, rows), ""]
    return lines


def _row_answers(row: SpecRow) -> str:
    if isinstance(row.answers, Mapping):
        return ", ".join(f"{k}={_value(v)}" for k, v in row.answers.items())
    return ", ".join(_value(v) for v in row.answers)


def _value(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return num(value) if float(value).is_integer() else repr(value)
    return repr(value)


def index_page(instruments: Sequence[Instrument]) -> str:
    """``docs/instruments/README.md``: the list of instruments and how scoring works."""
    lines = [
        "# Instruments",
        "",
        GENERATED,
        "",
        "Bordin scores each instrument by its published rules. Every definition is data (items, "
        "ranges, reverse keying, missing-item rule, bands, cut-off, reliable change, risk items, "
        "licence, citation) in a small module under `src/bordin/domain/instruments/`, and every "
        "scoring rule is shown on the instrument's page as a table that is also a test.",
        "",
    ]
    rows = []
    for instrument in instruments:
        change = reliable_change_threshold(instrument)
        licence = instrument.licence
        rows.append(
            (
                f"[`{instrument.id}`]({instrument.id}.md)",
                instrument.title,
                instrument.kind,
                str(len(instrument.scored_items)),
                f"{num(instrument.score_min)}–{num(instrument.score_max)}",
                "worse" if instrument.direction == "higher_is_worse" else "better",
                num(instrument.cutoff),
                num(change),
                "shipped" if licence and licence.wording_shipped else "imported",
            )
        )
    lines += table(
        (
            "id",
            "instrument",
            "kind",
            "scored items",
            "range",
            "higher is",
            "cut-off",
            "reliable change",
            "wording",
        ),
        rows,
    )
    lines += [
        "",
        "Reliable and clinically significant change, and the NHS Talking Therapies definitions, "
        "are on [change.md](change.md).",
        "",
        "## Reading a score",
        "",
        "- `total` is the instrument's headline score (for the CORE-10, the clinical score "
        "10 × total ÷ items answered). Totals are rounded to 2 decimals.",
        "- `cutoff_exceeded` means the score is on the **clinical or concern side** of the "
        "cut-off: at or above it where higher is worse (PHQ-9, GAD-7, CORE-10), **below** it "
        "where higher is better (SRS, ORS). It is false when an instrument has no cut-off.",
        "- `risk_items` lists risk items answered above their lowest value (PHQ-9 item 9, "
        "CORE-10 item 6). A missing risk item is not an endorsement; ask about it.",
        "- `prorated` is true when the total was computed with missing items, where the "
        "instrument allows that.",
        "- Invalid answers are refused with one error per problem: out of range, not a number, "
        "an unknown item, a required item missing, or too many missing.",
        "",
        "## From the command line",
        "",
        "```sh",
        "bordin score phq9 --answers 1,0,2,1,0,0,1,2,1",
        "bordin score core10 --answers 1,4,4,1,1,1,1,1,,1   # item 9 missing",
        "bordin change phq9 --before 18 --after 8",
        "bordin instruments list",
        "bordin instruments show srs",
        "bordin instruments import questionnaire.json --value-set answers.json",
        "```",
        "",
        "`bordin score` prints one JSON object: `valid`, `instrument`, `total`, `subscales`, "
        "`band`, `cutoff_exceeded`, `risk_items`, `prorated`; invalid input prints "
        '`{"valid": false, "errors": [...]}` and exits with status 2.',
        "",
        "## Wording is imported, not copied",
        "",
        "No definition contains wording taken from elsewhere; only Bordin's own Session "
        "Alliance Check ships with words. A practice imports the wording it holds the rights "
        "to from a FHIR Questionnaire (R4, R4B or R5). The file is matched to a built-in "
        "definition by its code (PHQ-9 LOINC 44249-1, GAD-7 69737-5), by an earlier import from "
        "the same URL, or by its title; items are matched by their LOINC codes, or by position "
        "when the file has no item codes. A file that matches nothing but gives a scoring "
        "weight (`ordinalValue` or `itemWeight`) for every answer becomes a custom instrument. "
        "A file that cannot be used is refused with the JSON path of each problem, and nothing "
        "changes.",
        "",
        "Administrations export as FHIR R4B QuestionnaireResponses that point at the imported "
        "Questionnaire's canonical URL and use its link ids and answer codes.",
        "",
        "## Configurable figures",
        "",
        "Where a figure rests only on a secondary source or could not be confirmed (graded S or "
        "M on each page), it is configurable with `configured(...)`: for example the GAD-7 "
        "cut-off (8 for caseness, 10 for diagnosis), the ORS cut-off for children (32), the "
        "CORE-10 bands and missing-item limit, and the reliable-change values of the CORE-10 "
        "and the ORS.",
        "",
    ]
    return "\n".join(lines).rstrip() + "\n"
