"""Read a FHIR Questionnaire (R4, R4B or R5) into Bordin's plain ``ImportedQuestionnaire``.

Real files vary, so the reader is tolerant of what it does not need and strict about what it
does. It understands:

- ``answerOption`` with ``valueCoding`` (with or without a ``system``) or ``valueInteger``;
- scoring weights in the ``ordinalValue`` and ``itemWeight`` extensions (and the older
  ``questionnaire-ordinalValue`` and ``iso21090-CO-value``), on the option or on its coding;
- ``answerValueSet`` pointing to a contained ValueSet (``#id``), to a contained ValueSet by its
  canonical URL, or to a ValueSet given alongside the file; with concepts in ``compose`` or in
  ``expansion.contains``; an answer list that is nowhere to be found is noted, not fatal;
- items nested in groups, ``display`` items, hidden items, and calculated total items
  (``calculatedExpression`` or ``cqf-expression``);
- R5's ``coding`` item type; a ``Bundle`` holding the Questionnaire and its ValueSets.

Anything it cannot use raises ``InvalidImport`` with one ``FieldError`` per problem, whose
field is the JSON path of the problem (``$.item[2].answerOption[1].valueCoding``). Validation
with ``fhir.resources`` is deliberately *not* required: published files routinely break minor
rules (variable names with underscores, narrative without a div) that do not affect scoring.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bordin.domain.errors import FieldError, InvalidImport
from bordin.domain.instruments.importing import (
    ImportedItem,
    ImportedOption,
    ImportedQuestionnaire,
)
from bordin.interop.fhir.bounded_json import load_bounded_json

ITEM_TYPES = frozenset(
    {
        "group",
        "display",
        "question",
        "boolean",
        "decimal",
        "integer",
        "date",
        "dateTime",
        "time",
        "string",
        "text",
        "url",
        "choice",
        "open-choice",
        "coding",
        "attachment",
        "reference",
        "quantity",
    }
)
R5_ONLY_FIELDS = frozenset({"versionAlgorithmString", "versionAlgorithmCoding", "copyrightLabel"})
R5_ITEM_FIELDS = frozenset({"answerConstraint", "disabledDisplay"})
WEIGHT_EXTENSIONS = (
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
    "http://hl7.org/fhir/StructureDefinition/ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/questionnaire-ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
)
HIDDEN = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
CALCULATED = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression",
    "http://hl7.org/fhir/StructureDefinition/cqf-expression",
)

Json = dict[str, Any]


def load_questionnaire_file(
    path: str | Path, *, value_set_paths: Sequence[str | Path] = ()
) -> ImportedQuestionnaire:
    """Read a Questionnaire file, plus ValueSet files its answer lists may point to."""
    value_sets = [_load_json(Path(p).read_bytes(), str(p)) for p in value_set_paths]
    for where, value_set in zip(value_set_paths, value_sets, strict=True):
        if value_set.get("resourceType") != "ValueSet":
            raise InvalidImport([FieldError(f"{where}: $.resourceType", "not a ValueSet")])
    return read_questionnaire(Path(path).read_bytes(), value_sets=value_sets)


def read_questionnaire(
    data: bytes | str | Mapping[str, Any], *, value_sets: Sequence[Mapping[str, Any]] = ()
) -> ImportedQuestionnaire:
    """Turn Questionnaire JSON (text, bytes or parsed) into an ``ImportedQuestionnaire``."""
    resource = dict(data) if isinstance(data, Mapping) else _load_json(data, "file")
    extra = [dict(v) for v in value_sets]
    kind = resource.get("resourceType")
    if kind == "Bundle":
        resource, bundled = _from_bundle(resource)
        extra.extend(bundled)
    elif kind != "Questionnaire":
        if isinstance(kind, str) and kind:
            shown = f"{'an' if kind[0] in 'AEIOU' else 'a'} {kind}"
        else:
            shown = "not a FHIR resource (no resourceType)"
        raise InvalidImport(
            [FieldError("$.resourceType", f"not a Questionnaire: this file is {shown}")]
        )
    return _Reader(resource, extra).read()


def _load_json(data: bytes | str, name: str) -> Json:
    parsed = load_bounded_json(data, name)
    if not isinstance(parsed, dict):
        raise InvalidImport([FieldError("$", "expected a JSON object (a FHIR resource)")])
    return parsed


def _from_bundle(bundle: Json) -> tuple[Json, list[Json]]:
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        raise InvalidImport([FieldError("$.entry", "a Bundle without entries")])
    questionnaires: list[Json] = []
    value_sets: list[Json] = []
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict):
            if resource.get("resourceType") == "Questionnaire":
                questionnaires.append(resource)
            elif resource.get("resourceType") == "ValueSet":
                value_sets.append(resource)
    if len(questionnaires) != 1:
        raise InvalidImport(
            [
                FieldError(
                    "$.entry",
                    f"a Bundle must hold exactly one Questionnaire, found {len(questionnaires)}",
                )
            ]
        )
    return questionnaires[0], value_sets


class _Reader:
    """Walks one Questionnaire, collecting items, warnings and errors."""

    def __init__(self, resource: Json, value_sets: list[Json]) -> None:
        self.resource = resource
        self.value_sets = value_sets
        self.errors: list[FieldError] = []
        self.warnings: list[str] = []
        self.unresolved: dict[str, list[str]] = {}
        self.items: list[ImportedItem] = []
        self.seen: set[str] = set()
        self.r5 = bool(R5_ONLY_FIELDS & set(resource))
        contained = resource.get("contained", [])
        self.contained: list[Json] = (
            [c for c in contained if isinstance(c, dict)] if isinstance(contained, list) else []
        )

    def error(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def read(self) -> ImportedQuestionnaire:
        resource = self.resource
        strings = {
            name: self._string(resource, name, "$")
            for name in ("id", "url", "version", "name", "title", "status", "language", "copyright")
        }
        items = resource.get("item")
        if not isinstance(items, list) or not items:
            self.error("$.item", "a Questionnaire needs a list of items to be imported")
        else:
            self._walk(items, "$.item", ())
        codes = self._codings(resource.get("code"), "$.code")
        identifiers = self._identifiers(resource.get("identifier"))
        if self.errors:
            raise InvalidImport(self.errors)
        for reference, paths in self.unresolved.items():
            self.warnings.append(
                f"answer list {reference} is not in the file (used by {len(paths)} item(s), "
                f"first at {paths[0]}); give the ValueSet alongside the Questionnaire to import "
                "its answer labels"
            )
        if not any(item.type not in {"group", "display"} for item in self.items):
            raise InvalidImport([FieldError("$.item", "the Questionnaire has no questions")])
        return ImportedQuestionnaire(
            source_format="FHIR Questionnaire",
            fhir_version="R5" if self.r5 else "R4/R4B",
            resource_id=strings["id"],
            url=strings["url"],
            version=strings["version"],
            name=strings["name"],
            title=strings["title"],
            status=strings["status"],
            language=strings["language"],
            copyright=strings["copyright"],
            codes=codes,
            identifiers=identifiers,
            items=tuple(self.items),
            warnings=tuple(self.warnings),
        )

    def _string(self, data: Json, name: str, path: str) -> str | None:
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(f"{path}.{name}", f"expected text, got {type(value).__name__}")
            return None
        return value

    def _codings(self, value: object, path: str) -> tuple[tuple[str | None, str], ...]:
        """(system, code) pairs from a list of Codings (Questionnaire.code, item.code)."""
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(path, "expected a list of codings")
            return ()
        pairs = []
        for index, coding in enumerate(value):
            if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
                self.error(f"{path}[{index}]", "a coding needs a code")
                continue
            system = coding.get("system")
            pairs.append((system if isinstance(system, str) else None, coding["code"]))
        return tuple(pairs)

    def _identifiers(self, value: object) -> tuple[tuple[str | None, str], ...]:
        if not isinstance(value, list):
            return ()
        pairs = []
        for identifier in value:
            if isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
                system = identifier.get("system")
                pairs.append((system if isinstance(system, str) else None, identifier["value"]))
        return tuple(pairs)

    def _walk(self, items: list[Any], path: str, parents: tuple[str, ...]) -> None:
        for index, item in enumerate(items):
            here = f"{path}[{index}]"
            if not isinstance(item, dict):
                self.error(here, "an item must be a JSON object")
                continue
            link_id = item.get("linkId")
            if not isinstance(link_id, str) or not link_id.strip():
                self.error(f"{here}.linkId", "every item needs a linkId")
                continue
            if link_id in self.seen:
                self.error(f"{here}.linkId", f"linkId {link_id!r} is used twice")
            self.seen.add(link_id)
            item_type = item.get("type")
            if item_type not in ITEM_TYPES:
                self.error(f"{here}.type", f"unsupported item type {item_type!r}")
                continue
            if item_type == "coding" or R5_ITEM_FIELDS & set(item):
                self.r5 = True
            self.items.append(self._item(item, here, link_id, str(item_type), parents))
            children = item.get("item")
            if children is not None:
                if isinstance(children, list):
                    self._walk(children, f"{here}.item", (*parents, link_id))
                else:
                    self.error(f"{here}.item", "expected a list of items")

    def _item(
        self, item: Json, path: str, link_id: str, item_type: str, parents: tuple[str, ...]
    ) -> ImportedItem:
        extensions = _extensions(item)
        hidden = any(e.get("url") == HIDDEN and e.get("valueBoolean") is True for e in extensions)
        calculated = any(e.get("url") in CALCULATED for e in extensions)
        options: tuple[ImportedOption, ...] = ()
        options_known = True
        value_set = self._string(item, "answerValueSet", path)
        if "answerOption" in item:
            options = self._options(item["answerOption"], f"{path}.answerOption")
        elif value_set:
            resolved = self._value_set(value_set, f"{path}.answerValueSet")
            if resolved is None:
                options_known = False
            else:
                options = resolved
        required = item.get("required") is True
        return ImportedItem(
            link_id=link_id,
            path=path,
            type=item_type,
            parents=parents,
            text=self._string(item, "text", path),
            prefix=self._string(item, "prefix", path),
            codes=self._codings(item.get("code"), f"{path}.code"),
            options=options,
            options_known=options_known,
            answer_value_set=value_set,
            required=required,
            hidden=hidden,
            calculated=calculated,
        )

    def _options(self, value: object, path: str) -> tuple[ImportedOption, ...]:
        if not isinstance(value, list):
            self.error(path, "expected a list of answer options")
            return ()
        options = []
        for index, option in enumerate(value):
            here = f"{path}[{index}]"
            if not isinstance(option, dict):
                self.error(here, "an answer option must be a JSON object")
                continue
            weight = self._weight(option, here)
            coding = option.get("valueCoding")
            if isinstance(coding, dict):
                code = coding.get("code")
                if not isinstance(code, str):
                    self.error(f"{here}.valueCoding.code", "an answer coding needs a code")
                    continue
                if weight is None:
                    weight = self._weight(coding, f"{here}.valueCoding")
                system = coding.get("system")
                display = coding.get("display")
                options.append(
                    ImportedOption(
                        code=code,
                        system=system if isinstance(system, str) else None,
                        display=display if isinstance(display, str) else None,
                        weight=weight,
                    )
                )
            elif isinstance(option.get("valueInteger"), int):
                number = option["valueInteger"]
                options.append(
                    ImportedOption(
                        code=None,
                        system=None,
                        display=str(number),
                        weight=weight if weight is not None else float(number),
                    )
                )
            elif isinstance(option.get("valueString"), str):
                options.append(
                    ImportedOption(
                        code=None, system=None, display=option["valueString"], weight=weight
                    )
                )
            else:
                self.error(
                    here, "an answer option needs a valueCoding, valueInteger or valueString"
                )
        return tuple(options)

    def _weight(self, data: Json, path: str) -> float | None:
        for extension in _extensions(data):
            if extension.get("url") in WEIGHT_EXTENSIONS:
                value = extension.get("valueDecimal", extension.get("valueInteger"))
                if isinstance(value, bool) or not isinstance(value, int | float):
                    self.error(f"{path}.extension", "a scoring weight must be a number")
                    return None
                return float(value)
        return None

    def _value_set(self, reference: str, path: str) -> tuple[ImportedOption, ...] | None:
        if reference.startswith("#"):
            local = reference[1:]
            for resource in self.contained:
                if resource.get("resourceType") == "ValueSet" and resource.get("id") == local:
                    return self._concepts(resource, path)
            self.error(path, f"refers to contained ValueSet {reference}, which is not in the file")
            return None
        canonical = reference.split("|")[0]
        for resource in [*self.contained, *self.value_sets]:
            if resource.get("resourceType") == "ValueSet" and resource.get("url") == canonical:
                return self._concepts(resource, path)
        self.unresolved.setdefault(reference, []).append(path)
        return None

    def _concepts(self, value_set: Json, path: str) -> tuple[ImportedOption, ...] | None:
        options: list[ImportedOption] = []
        compose = value_set.get("compose")
        if isinstance(compose, dict) and isinstance(compose.get("include"), list):
            for include in compose["include"]:
                if not isinstance(include, dict):
                    continue
                system = include.get("system")
                for concept in include.get("concept") or []:
                    if isinstance(concept, dict) and isinstance(concept.get("code"), str):
                        options.append(self._concept(concept, system, path))
        expansion = value_set.get("expansion")
        if not options and isinstance(expansion, dict):
            self._contains(expansion.get("contains"), options, path)
        if not options:
            self.warnings.append(
                f"ValueSet {value_set.get('url') or value_set.get('id')} (used at {path}) lists "
                "no concepts; answer labels were not imported"
            )
            return None
        return tuple(options)

    def _contains(self, contains: object, into: list[ImportedOption], path: str) -> None:
        if not isinstance(contains, list):
            return
        for concept in contains:
            if isinstance(concept, dict):
                if isinstance(concept.get("code"), str):
                    into.append(self._concept(concept, concept.get("system"), path))
                self._contains(concept.get("contains"), into, path)

    def _concept(self, concept: Json, system: object, path: str) -> ImportedOption:
        display = concept.get("display")
        return ImportedOption(
            code=concept["code"],
            system=system if isinstance(system, str) else None,
            display=display if isinstance(display, str) else None,
            weight=self._weight(concept, path),
        )


def _extensions(data: Json) -> list[Json]:
    extensions = data.get("extension")
    if not isinstance(extensions, list):
        return []
    return [e for e in extensions if isinstance(e, dict)]
