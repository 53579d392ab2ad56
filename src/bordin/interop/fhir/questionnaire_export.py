"""Export an instrument as a FHIR R4B Questionnaire, and a score as an R4B Observation.

A Questionnaire carries item wording only where the caller passes it: the wording the practice
imported (it holds the licence) or the instrument's own (only Bordin's Session Alliance Check
and a practice's custom instruments have any). Bordin never ships licensed wording, so a built-in
licensed measure is exported with link ids, answer ranges and codes but no item text.

An Observation holds an administration's total (LOINC code where one is known, else Bordin's
own code) with one component per subscale, points at its QuestionnaireResponse, and names the
client by pseudonym only. Both are checked with ``fhir.resources.R4B`` before they are returned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire

from bordin.domain.instruments.base import LOINC, Instrument, Item
from bordin.interop.fhir.questionnaire_response import (
    ADMINISTRATION_SYSTEM,
    RESPONDENT_SYSTEM,
    UCUM,
    questionnaire_canonical,
)

BORDIN_CODES = "urn:bordin:score"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

Json = dict[str, Any]


def fhir_id(text: str) -> str:
    """``text`` as a FHIR id (letters, digits, ``-`` and ``.``, at most 64)."""
    return re.sub(r"[^A-Za-z0-9\-.]", "-", text)[:64] or "x"


def _answer_options(item: Item) -> list[Json]:
    options: list[Json] = []
    for option in item.options:
        if option.code:
            coding: Json = {"code": option.code}
            if option.system:
                coding["system"] = option.system
            if option.label:
                coding["display"] = option.label
            options.append({"valueCoding": coding})
        elif float(option.value).is_integer():
            options.append({"valueInteger": int(option.value)})
    return options


def _item(item: Item, text: str | None) -> Json:
    entry: Json = {"linkId": item.link_id, "required": item.required}
    if text:
        entry["text"] = text
    entry["prefix"] = str(item.number)
    if item.code:
        entry["code"] = [{"system": item.code_system or LOINC, "code": item.code}]
    options = _answer_options(item)
    if options and len(options) == len(item.options):
        entry["type"] = "choice"
        entry["answerOption"] = options
    else:
        entry["type"] = "integer" if item.whole_numbers else "decimal"
    return entry


def export_questionnaire(
    instrument: Instrument,
    *,
    wording: Mapping[str, str],
    canonical_base: str | None = None,
) -> Questionnaire:
    """The instrument as an R4B Questionnaire; ``wording`` maps link ids to text the practice
    may show (imported or the instrument's own)."""
    canonical = questionnaire_canonical(instrument, canonical_base=canonical_base)
    url, _, version = canonical.partition("|")
    resource: Json = {
        "resourceType": "Questionnaire",
        "id": fhir_id(instrument.id),
        "url": url,
        "version": version or instrument.version,
        "title": instrument.title,
        "status": "active",
        "item": [_item(item, wording.get(item.link_id)) for item in instrument.items],
    }
    if instrument.description:
        resource["description"] = instrument.description
    if instrument.code:
        resource["code"] = [{"system": instrument.code_system or LOINC, "code": instrument.code}]
    if instrument.licence is not None:
        resource["copyright"] = instrument.licence.summary
    return Questionnaire.model_validate(resource)


def export_score_observation(
    instrument: Instrument,
    *,
    administration_id: int,
    respondent_id: str,
    answered_at: datetime,
    total: float,
    subscales: Mapping[str, float | None],
    band: str | None,
    canonical_base: str | None = None,
) -> Observation:
    """One administration's total (and subscales) as an R4B Observation."""
    codings: list[Json] = []
    if instrument.total_code:
        codings.append(
            {"system": LOINC, "code": instrument.total_code, "display": instrument.title}
        )
    codings.append(
        {"system": BORDIN_CODES, "code": f"{instrument.id}.total", "display": instrument.title}
    )
    resource: Json = {
        "resourceType": "Observation",
        "id": fhir_id(str(administration_id)),
        "identifier": [{"system": ADMINISTRATION_SYSTEM, "value": f"{administration_id}-total"}],
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {"coding": codings, "text": f"{instrument.short_title} {instrument.score_label}"},
        "subject": {"identifier": {"system": RESPONDENT_SYSTEM, "value": respondent_id}},
        "effectiveDateTime": answered_at.isoformat(),
        "valueQuantity": _quantity(total),
        "derivedFrom": [
            {
                "identifier": {"system": ADMINISTRATION_SYSTEM, "value": str(administration_id)},
                "type": "QuestionnaireResponse",
                "display": questionnaire_canonical(instrument, canonical_base=canonical_base),
            }
        ],
    }
    if band:
        resource["interpretation"] = [{"text": band}]
    components = [
        {
            "code": {
                "coding": [{"system": BORDIN_CODES, "code": f"{instrument.id}.{dimension}"}],
                "text": dimension,
            },
            "valueQuantity": _quantity(value),
        }
        for dimension, value in subscales.items()
        if value is not None
    ]
    if components:
        resource["component"] = components
    return Observation.model_validate(resource)


def _quantity(value: float) -> Json:
    return {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}
