"""Export an administration as a FHIR R4B QuestionnaireResponse.

When the practice imported the instrument's wording from a FHIR Questionnaire, the response
points at that Questionnaire's canonical URL (and version), uses its ``linkId``s, nests answers
in its groups, answers with its answer codes (e.g. LOINC LA6568-5) and fills its total-score
item. Otherwise it points at Bordin's own canonical for the instrument
(``urn:bordin:questionnaire:<id>`` unless a base URL is given) with Bordin's link ids, a
``total`` item and one ``subscale-<dimension>`` item per alliance dimension.

Who answered is given only by a pseudonymous identifier; free text is left out unless asked
for. Every export is checked with ``fhir.resources.R4B`` before it is returned.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from bordin.domain.instruments.administration import Administration
from bordin.domain.instruments.base import Instrument, Item

RESPONDENT_SYSTEM = "urn:bordin:respondent"
SESSION_SYSTEM = "urn:bordin:session"
ADMINISTRATION_SYSTEM = "urn:bordin:administration"
UCUM = "http://unitsofmeasure.org"
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")

Json = dict[str, Any]


def questionnaire_canonical(instrument: Instrument, *, canonical_base: str | None = None) -> str:
    """The canonical URL (with ``|version``) a response to this instrument points at."""
    source = instrument.questionnaire
    if source is not None and source.url:
        return f"{source.url}|{source.version}" if source.version else source.url
    if canonical_base:
        return f"{canonical_base.rstrip('/')}/{instrument.id}|{instrument.version}"
    return f"urn:bordin:questionnaire:{instrument.id}|{instrument.version}"


def questionnaire_response_json(
    administration: Administration,
    instrument: Instrument,
    *,
    canonical_base: str | None = None,
    include_text: bool = True,
    include_free_text: bool = False,
) -> Json:
    """The QuestionnaireResponse as JSON-ready data (validated)."""
    return export_questionnaire_response(
        administration,
        instrument,
        canonical_base=canonical_base,
        include_text=include_text,
        include_free_text=include_free_text,
    ).model_dump(mode="json", exclude_none=True)


def export_questionnaire_response(
    administration: Administration,
    instrument: Instrument,
    *,
    canonical_base: str | None = None,
    include_text: bool = True,
    include_free_text: bool = False,
) -> QuestionnaireResponse:
    """Build and validate the R4B QuestionnaireResponse for one administration."""
    if administration.instrument_id != instrument.id:
        raise ValueError(
            f"administration is of {administration.instrument_id}, not {instrument.id}"
        )
    tree = _Tree()
    for item in instrument.items:
        value = administration.answers.get(item.link_id)
        if value is None:
            continue
        link_id, parents = _where(item)
        entry: Json = {"linkId": link_id, "answer": [_answer(item, value)]}
        if include_text and item.text:
            entry["text"] = item.text
        tree.add(parents, entry)
    _add_scores(tree, administration, instrument)
    if include_free_text:
        for prompt in instrument.free_text:
            text = administration.free_text.get(prompt.link_id)
            if text:
                entry = {"linkId": prompt.link_id, "answer": [{"valueString": text}]}
                if include_text:
                    entry["text"] = prompt.text
                tree.add((), entry)

    resource: Json = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": ADMINISTRATION_SYSTEM, "value": administration.id},
        "questionnaire": questionnaire_canonical(instrument, canonical_base=canonical_base),
        "status": "completed",
        "subject": _pseudonym(administration.respondent_id),
        "source": _pseudonym(administration.respondent_id),
        "authored": administration.completed_at.isoformat(),
        "item": tree.render(),
    }
    if _FHIR_ID.match(administration.id):
        resource["id"] = administration.id
    if administration.session_id:
        resource["encounter"] = {
            "identifier": {"system": SESSION_SYSTEM, "value": administration.session_id}
        }
    return QuestionnaireResponse.model_validate(resource)


def dumps(resource: QuestionnaireResponse) -> str:
    """Compact JSON text of an exported resource."""
    return json.dumps(resource.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


def _pseudonym(respondent_id: str) -> Json:
    return {"identifier": {"system": RESPONDENT_SYSTEM, "value": respondent_id}}


def _where(item: Item) -> tuple[str, tuple[str, ...]]:
    if item.source is not None:
        return item.source.link_id, item.source.parents
    return item.link_id, ()


def _answer(item: Item, value: int | float) -> Json:
    option = item.option_for(value)
    if option is not None and option.code:
        coding: Json = {"code": option.code}
        if option.system:
            coding["system"] = option.system
        if option.label:
            coding["display"] = option.label
        return {"valueCoding": coding}
    if float(value).is_integer() and item.whole_numbers:
        return {"valueInteger": int(value)}
    return {"valueDecimal": value}


def _add_scores(tree: _Tree, administration: Administration, instrument: Instrument) -> None:
    total = administration.score.total
    source = instrument.questionnaire
    if source is not None and source.url:
        if source.total_link_id:
            tree.add(
                source.total_parents,
                {
                    "linkId": source.total_link_id,
                    "answer": [_score_value(total, source.total_type)],
                },
            )
        return
    tree.add((), {"linkId": "total", "answer": [_score_value(total, "decimal")]})
    for dimension, value in administration.score.subscales.items():
        tree.add(
            (), {"linkId": f"subscale-{dimension}", "answer": [_score_value(value, "decimal")]}
        )


def _score_value(total: float, item_type: str | None) -> Json:
    if item_type == "integer" and float(total).is_integer():
        return {"valueInteger": int(total)}
    if item_type == "quantity":
        return {
            "valueQuantity": {"value": total, "unit": "{score}", "system": UCUM, "code": "{score}"}
        }
    return {"valueDecimal": total}


class _Tree:
    """Response items nested under their groups, in the order they were added."""

    def __init__(self) -> None:
        self.children: list[Json] = []
        self.groups: dict[tuple[str, ...], Json] = {}

    def add(self, parents: tuple[str, ...], entry: Json) -> None:
        siblings = self.children
        for depth in range(len(parents)):
            key = parents[: depth + 1]
            group = self.groups.get(key)
            if group is None:
                group = {"linkId": parents[depth], "item": []}
                self.groups[key] = group
                siblings.append(group)
            siblings = group["item"]
        siblings.append(entry)

    def render(self) -> list[Json]:
        return self.children
