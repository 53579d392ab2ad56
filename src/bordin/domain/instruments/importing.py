"""Imported questionnaires: wording comes in from a file; scoring stays Bordin's.

A practice that holds the right to an instrument's wording imports it, usually as a FHIR
Questionnaire (``bordin.interop.fhir.questionnaire`` reads the file into an
:class:`ImportedQuestionnaire`, which knows nothing of FHIR types). Then :func:`apply_import`:

1. **Matches** the questionnaire to a registered instrument: by its code (e.g. LOINC 44249-1 →
   PHQ-9), else by an earlier import from the same canonical URL, else by its title or name.
2. If it matches, **attaches the wording** to that definition: each item is matched by its code
   (LOINC item codes), or, when the file has no item codes at all, by position; each answer
   option by its code, else by its scoring weight. The scoring rules are untouched.
3. If nothing matches but the file carries **scoring weights** for every answer (the
   ``ordinalValue``/``itemWeight`` extensions), it **registers a new custom instrument** scored
   as the sum of those weights.
4. Otherwise it refuses the file with ``InvalidImport``.

Nothing is changed until the whole import has been checked: on any error the registry is left
as it was. The result is an :class:`ImportSummary` saying what matched and what was registered.
Persisting imported wording is the job of a service (storage is not touched here).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bordin.domain.errors import FieldError, InvalidImport, InvalidInput
from bordin.domain.instruments.base import (
    Instrument,
    Item,
    ItemSource,
    Licence,
    Option,
    QuestionnaireSource,
)
from bordin.domain.instruments.registry import Registry

ANSWERABLE = frozenset({"choice", "coding", "open-choice", "integer", "decimal", "quantity"})
NUMERIC = frozenset({"integer", "decimal", "quantity"})


@dataclass(frozen=True)
class ImportedOption:
    """One answer option as the file gives it; ``weight`` is its scoring weight, if any."""

    code: str | None
    system: str | None
    display: str | None
    weight: float | None


@dataclass(frozen=True)
class ImportedItem:
    """One item of an imported questionnaire, flattened out of its groups.

    ``path`` is where the item sits in the file (a JSON path such as ``$.item[0].item[3]``).
    ``codes`` are (system, code) pairs. ``calculated`` marks an item whose value the form
    computes (a total score). ``options_known`` is false when the answer list lives outside
    the file and could not be resolved.
    """

    link_id: str
    path: str
    type: str
    parents: tuple[str, ...] = ()
    text: str | None = None
    prefix: str | None = None
    codes: tuple[tuple[str | None, str], ...] = ()
    options: tuple[ImportedOption, ...] = ()
    options_known: bool = True
    answer_value_set: str | None = None
    required: bool = False
    hidden: bool = False
    calculated: bool = False

    @property
    def answerable(self) -> bool:
        return self.type in ANSWERABLE and not self.calculated and not self.hidden

    @property
    def has_weights(self) -> bool:
        return bool(self.options) and all(o.weight is not None for o in self.options)

    def has_code(self, code: str | None) -> bool:
        return code is not None and any(c == code for _, c in self.codes)

    @property
    def looks_like_total(self) -> bool:
        words = f"{self.link_id} {self.text or ''}".lower()
        return self.type in NUMERIC and (self.calculated or ("total" in words or "score" in words))


@dataclass(frozen=True)
class ImportedQuestionnaire:
    """A questionnaire read from a file, as plain data (no FHIR types)."""

    source_format: str
    fhir_version: str
    resource_id: str | None
    url: str | None
    version: str | None
    name: str | None
    title: str | None
    status: str | None
    language: str | None
    copyright: str | None
    codes: tuple[tuple[str | None, str], ...]
    identifiers: tuple[tuple[str | None, str], ...]
    items: tuple[ImportedItem, ...]
    warnings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.title or self.name or self.resource_id or self.url or "(untitled)"


@dataclass(frozen=True)
class ItemMatch:
    """One of our items and the file's item that now provides its wording."""

    link_id: str
    source_link_id: str
    matched_by: str


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    action: str  # "attached_wording" | "registered_custom"
    instrument_id: str
    questionnaire: str
    url: str | None
    fhir_version: str
    matched_by: str
    items_matched: tuple[ItemMatch, ...]
    items_missing: tuple[str, ...]
    items_ignored: tuple[tuple[str, str], ...]
    total_link_id: str | None
    warnings: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "action": self.action,
            "instrument": self.instrument_id,
            "questionnaire": self.questionnaire,
            "url": self.url,
            "fhir_version": self.fhir_version,
            "matched_by": self.matched_by,
            "items_matched": [
                {"item": m.link_id, "source_link_id": m.source_link_id, "matched_by": m.matched_by}
                for m in self.items_matched
            ],
            "items_missing": list(self.items_missing),
            "items_ignored": [
                {"source_link_id": link_id, "reason": reason}
                for link_id, reason in self.items_ignored
            ],
            "total_link_id": self.total_link_id,
            "warnings": list(self.warnings),
        }


def normalise(text: str) -> str:
    """Lower case with everything but letters and digits removed (``PHQ-9`` → ``phq9``)."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def match_instrument(
    imported: ImportedQuestionnaire, registry: Registry
) -> tuple[Instrument, str] | None:
    """The registered instrument this questionnaire is a version of, and how we know."""
    codes = [code for _, code in imported.codes] + [value for _, value in imported.identifiers]
    for instrument in registry.all():
        known = {instrument.code, *instrument.alternative_codes} - {None}
        for code in codes:
            if code in known:
                return instrument, f"code {code}"
    if imported.url:
        for instrument in registry.all():
            if instrument.questionnaire and instrument.questionnaire.url == imported.url:
                return instrument, f"earlier import from {imported.url}"
    names = [imported.title, imported.name, imported.resource_id, imported.url]
    texts = [normalise(name) for name in names if name]
    for instrument in registry.all():
        if instrument.origin == "imported":
            continue
        for pattern in instrument.title_patterns:
            if any(pattern in text for text in texts):
                return instrument, f"title ({pattern!r})"
    return None


def apply_import(imported: ImportedQuestionnaire, registry: Registry) -> ImportSummary:
    """Attach the file's wording to its instrument, or register it as a custom instrument.

    Raises ``InvalidImport`` (and changes nothing) when the file cannot be used.
    """
    found = match_instrument(imported, registry)
    if found is not None and found[0].origin != "imported":
        current, matched_by = found
        base = dataclasses.replace(
            registry.original(current.id),
            **{name: getattr(current, name) for name in _CONFIGURABLE},
        )
        instrument, summary = _attach(imported, base, matched_by)
    else:
        instrument, summary = _custom(imported, registry, found[0] if found else None)
    try:
        registry.register(instrument, replace=True)
    except InvalidInput as refused:
        raise InvalidImport(refused.errors) from None
    return summary


#: Settings a practice may have configured, kept when wording is (re)imported.
_CONFIGURABLE = (
    "bands",
    "cutoff",
    "cutoff_inclusive",
    "reliable_change",
    "prorate",
    "max_missing",
    "sd",
    "reliability",
    "norms",
)


def _attach(
    imported: ImportedQuestionnaire, instrument: Instrument, matched_by: str
) -> tuple[Instrument, ImportSummary]:
    candidates = [item for item in imported.items if item.answerable]
    warnings = list(imported.warnings)
    pairs: dict[str, tuple[ImportedItem, str]] = {}
    coded = [item for item in instrument.items if item.code]
    for ours in coded:
        for theirs in candidates:
            if theirs.has_code(ours.code):
                pairs[ours.link_id] = (theirs, f"code {ours.code}")
                break
    file_has_item_codes = any(item.codes for item in candidates)
    if not pairs and not file_has_item_codes:
        usable = [item for item in candidates if not item.looks_like_total]
        targets = _positional_targets(instrument, len(usable))
        if targets is None:
            raise InvalidImport(
                [
                    FieldError(
                        "$.item",
                        f"the items have no codes, so they must match {instrument.id}'s items "
                        f"by position, but the file has {len(usable)} answerable items and "
                        f"{instrument.id} has {len(instrument.scored_items)} scored items",
                    )
                ]
            )
        for ours, theirs in zip(targets, usable, strict=True):
            pairs[ours.link_id] = (theirs, f"position {ours.number}")
    if not pairs:
        raise InvalidImport(
            [FieldError("$.item", f"no item matches an item of {instrument.id} by its code")]
        )

    used = {theirs.link_id for theirs, _ in pairs.values()}
    total = _total_item(imported, instrument.total_code, used)
    ignored = []
    for item in imported.items:
        if item.link_id in used or item.type in {"group", "display"}:
            continue
        if total is not None and item.link_id == total.link_id:
            continue
        reason = (
            "a total score; Bordin computes the total itself"
            if (item.looks_like_total or item.has_code(instrument.total_code))
            else f"not an item of {instrument.id}"
        )
        ignored.append((item.link_id, reason))

    items = []
    matches = []
    for ours in instrument.items:
        if ours.link_id not in pairs:
            items.append(ours)
            continue
        theirs, how = pairs[ours.link_id]
        options, option_warnings = _merge_options(ours, theirs)
        warnings.extend(option_warnings)
        system, code = theirs.codes[0] if theirs.codes else (None, None)
        items.append(
            dataclasses.replace(
                ours,
                text=theirs.text,
                prefix=theirs.prefix,
                options=options,
                source=ItemSource(theirs.link_id, theirs.parents, code=code, system=system),
            )
        )
        matches.append(ItemMatch(ours.link_id, theirs.link_id, how))
    missing = tuple(item.link_id for item in instrument.items if item.link_id not in pairs)
    for link_id in missing:
        if instrument.item(link_id).scored:
            warnings.append(
                f"{instrument.id} item {instrument.item(link_id).number} ({link_id}) is not in "
                "the file; it keeps no wording, and the file alone cannot collect a full score"
            )
    attached = dataclasses.replace(
        instrument,
        items=tuple(items),
        questionnaire=_source(imported, total),
    )
    summary = ImportSummary(
        action="attached_wording",
        instrument_id=instrument.id,
        questionnaire=imported.label,
        url=imported.url,
        fhir_version=imported.fhir_version,
        matched_by=matched_by,
        items_matched=tuple(matches),
        items_missing=missing,
        items_ignored=tuple(ignored),
        total_link_id=total.link_id if total else None,
        warnings=tuple(warnings),
    )
    return attached, summary


def _positional_targets(instrument: Instrument, count: int) -> Sequence[Item] | None:
    """Our items to pair, in order, with ``count`` uncoded items from a file."""
    if count == len(instrument.items):
        return instrument.items
    if count == len(instrument.scored_items):
        return instrument.scored_items
    return None


def _total_item(
    imported: ImportedQuestionnaire, total_code: str | None, used: set[str]
) -> ImportedItem | None:
    """The file's total-score item, if it has one we can answer in an export."""
    candidates = [
        item for item in imported.items if item.link_id not in used and item.type in NUMERIC
    ]
    for item in candidates:
        if item.has_code(total_code):
            return item
    for item in candidates:
        if item.looks_like_total:
            return item
    return None


def _merge_options(ours: Item, theirs: ImportedItem) -> tuple[tuple[Option, ...], list[str]]:
    """Our options with the file's labels and codes; scoring values stay ours."""
    warnings: list[str] = []
    if not theirs.options:
        return ours.options, warnings
    merged = []
    for option in ours.options:
        match = None
        if option.code:
            match = next((o for o in theirs.options if o.code == option.code), None)
            if match and match.weight is not None and match.weight != option.value:
                warnings.append(
                    f"item {theirs.link_id}: answer {option.code} has weight {match.weight:g} "
                    f"in the file but {option.value:g} in the published scoring; Bordin keeps "
                    f"{option.value:g}"
                )
        if match is None:
            match = next((o for o in theirs.options if o.weight == option.value), None)
        if match is None and not any(o.weight is not None for o in theirs.options):
            position = int(option.value - ours.min_value)
            no_codes = not any(o.code for o in ours.options)
            if no_codes and len(theirs.options) == len(ours.options):
                match = theirs.options[position]
        if match is None:
            merged.append(option)
        else:
            merged.append(
                Option(
                    value=option.value,
                    code=match.code or option.code,
                    system=match.system if match.code else option.system,
                    label=match.display,
                )
            )
    if not ours.options:
        warnings.append(
            f"item {theirs.link_id}: {ours.link_id} is rated on a line, so the file's answer "
            "options were not used"
        )
    return tuple(merged), warnings


def _source(imported: ImportedQuestionnaire, total: ImportedItem | None) -> QuestionnaireSource:
    total_code = None
    if total is not None and total.codes:
        total_code = total.codes[0][1]
    return QuestionnaireSource(
        url=imported.url,
        version=imported.version,
        title=imported.title or imported.name,
        language=imported.language,
        copyright=imported.copyright,
        total_link_id=total.link_id if total else None,
        total_parents=total.parents if total else (),
        total_code=total_code,
        total_type=total.type if total else None,
    )


def custom_instrument_id(imported: ImportedQuestionnaire) -> str:
    """A registry id for a custom instrument: ``custom_`` and the file's name, id or title."""
    base = imported.name or imported.resource_id or imported.title or imported.url or "import"
    slug = re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_")[:40] or "import"
    return f"custom_{slug}"


def _custom(
    imported: ImportedQuestionnaire, registry: Registry, earlier: Instrument | None
) -> tuple[Instrument, ImportSummary]:
    answerable = [item for item in imported.items if item.answerable]
    scored = [item for item in answerable if item.options]
    if not scored or not all(item.has_weights for item in scored):
        unweighted = [item for item in scored if not item.has_weights]
        where = unweighted[0].path if unweighted else "$.item"
        raise InvalidImport(
            [
                FieldError(
                    where,
                    "this questionnaire matches no built-in instrument (by code or title) and "
                    "does not give a scoring weight (ordinalValue or itemWeight) for every "
                    "answer, so Bordin cannot score it",
                )
            ]
        )
    instrument_id = earlier.id if earlier else custom_instrument_id(imported)
    if earlier is None and instrument_id in registry:
        raise InvalidImport(
            [
                FieldError(
                    "$.name",
                    f"an instrument with id {instrument_id!r} already exists and came from "
                    "another file; rename the questionnaire",
                )
            ]
        )
    items = []
    for number, theirs in enumerate(scored, start=1):
        weights = [o.weight for o in theirs.options if o.weight is not None]
        if len(set(weights)) != len(weights):
            raise InvalidImport(
                [FieldError(f"{theirs.path}.answerOption", "two answers have the same weight")]
            )
        whole = all(float(w).is_integer() for w in weights)
        options = tuple(
            Option(
                value=int(o.weight) if whole else o.weight,
                code=o.code,
                system=o.system,
                label=o.display,
            )
            for o in theirs.options
            if o.weight is not None
        )
        system, code = theirs.codes[0] if theirs.codes else (None, None)
        low, high = min(weights), max(weights)
        items.append(
            Item(
                link_id=f"q{number}",
                number=number,
                min_value=int(low) if whole else low,
                max_value=int(high) if whole else high,
                code=code,
                code_system=system,
                options=options,
                step=1 if whole else 0.01,
                text=theirs.text,
                prefix=theirs.prefix,
                source=ItemSource(theirs.link_id, theirs.parents, code=code, system=system),
            )
        )
    used = {item.link_id for item in scored}
    ignored = tuple(
        (item.link_id, "no scoring weights")
        for item in imported.items
        if item.link_id not in used and item.type not in {"group", "display"}
    )
    total = _total_item(imported, None, used)
    code = imported.codes[0][1] if imported.codes else None
    instrument = Instrument(
        id=instrument_id,
        version=imported.version or "1",
        title=imported.title or imported.name or instrument_id,
        short_title=imported.name or imported.title or instrument_id,
        kind="outcome",
        description="Imported from a FHIR Questionnaire; scored as the sum of its answer weights.",
        items=tuple(items),
        direction="higher_is_worse",
        score_min=sum(item.min_value for item in items),
        score_max=sum(item.max_value for item in items),
        code=code,
        code_system=imported.codes[0][0] if imported.codes else None,
        licence=Licence(
            name="as stated by the imported file",
            summary=imported.copyright or "The file states no copyright.",
            wording_shipped=False,
        ),
        citation=imported.url or "",
        notes=(
            "Custom instrument: no bands, cut-off or reliable-change value are known; "
            "higher scores are assumed to be worse until configured.",
        ),
        questionnaire=_source(imported, total),
        origin="imported",
    )
    warnings = [
        *imported.warnings,
        "no bands, cut-off or reliable change are known; higher is assumed to be worse",
    ]
    summary = ImportSummary(
        action="registered_custom",
        instrument_id=instrument_id,
        questionnaire=imported.label,
        url=imported.url,
        fhir_version=imported.fhir_version,
        matched_by="scoring weights in the file",
        items_matched=tuple(
            ItemMatch(item.link_id, item.source.link_id if item.source else "", "weights")
            for item in items
        ),
        items_missing=(),
        items_ignored=ignored,
        total_link_id=total.link_id if total else None,
        warnings=tuple(warnings),
    )
    return instrument, summary
