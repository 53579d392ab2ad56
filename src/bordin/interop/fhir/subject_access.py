"""A client's own data as one FHIR R4B Bundle (type ``collection``), for a subject access request.

The Bundle holds a ``Patient`` (name, contact details, the practice's pseudonym as an
identifier), one ``QuestionnaireResponse`` per completed measure (answers and scores, built by
:mod:`bordin.interop.fhir.questionnaire_response`) and one ``Observation`` per measure's total
score, derived from its response. Unlike a research export, this one is for the client, so the
responses point at the ``Patient`` rather than at a pseudonym. The whole Bundle is checked with
``fhir.resources.R4B`` before it is returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from bordin.domain.instruments.administration import Administration
from bordin.domain.instruments.base import Instrument
from bordin.interop.fhir.questionnaire_response import UCUM, export_questionnaire_response

CLIENT_SYSTEM = "urn:bordin:client"
INSTRUMENT_SYSTEM = "urn:bordin:instrument"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

Json = dict[str, Any]


@dataclass(frozen=True)
class PatientFacts:
    """What the Patient resource says: the client's name and contact details."""

    pseudonym: str
    name: str
    email: str | None
    phone: str | None
    language: str | None


@dataclass(frozen=True)
class Measured:
    """One completed measure: the scored administration, its instrument and its band."""

    administration: Administration
    instrument: Instrument
    band: str | None


def subject_access_bundle(
    patient: PatientFacts,
    measures: Sequence[Measured],
    *,
    generated_at: datetime,
    canonical_base: str | None = None,
) -> Json:
    """The validated Bundle as JSON-ready data."""
    patient_url = _urn("patient", patient.pseudonym)
    entries: list[Json] = [{"fullUrl": patient_url, "resource": _patient(patient)}]
    for measured in measures:
        admin = measured.administration
        response_url = _urn("response", admin.id)
        response = export_questionnaire_response(
            admin, measured.instrument, canonical_base=canonical_base
        ).model_dump(mode="json", exclude_none=True)
        response["subject"] = {"reference": patient_url}
        response["source"] = {"reference": patient_url}
        entries.append({"fullUrl": response_url, "resource": response})
        entries.append(
            {
                "fullUrl": _urn("observation", admin.id),
                "resource": _observation(measured, patient_url, response_url),
            }
        )
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": generated_at.isoformat(),
        "entry": entries,
    }
    validated: Json = Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)
    return validated


def _urn(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:bordin:{kind}:{key}')}"


def _patient(facts: PatientFacts) -> Json:
    resource: Json = {
        "resourceType": "Patient",
        "identifier": [{"system": CLIENT_SYSTEM, "value": facts.pseudonym}],
        "name": [{"text": facts.name}],
    }
    telecom = []
    if facts.email:
        telecom.append({"system": "email", "value": facts.email})
    if facts.phone:
        telecom.append({"system": "phone", "value": facts.phone})
    if telecom:
        resource["telecom"] = telecom
    if facts.language:
        resource["communication"] = [{"language": {"text": facts.language}}]
    return resource


def _observation(measured: Measured, patient_url: str, response_url: str) -> Json:
    admin, instrument = measured.administration, measured.instrument
    resource: Json = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {
            "coding": [
                {"system": INSTRUMENT_SYSTEM, "code": instrument.id, "display": instrument.title}
            ],
            "text": f"{instrument.title}: total score",
        },
        "subject": {"reference": patient_url},
        "effectiveDateTime": admin.completed_at.isoformat(),
        "valueQuantity": {
            "value": admin.score.total,
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        },
        "derivedFrom": [{"reference": response_url}],
    }
    if measured.band:
        resource["interpretation"] = [{"text": measured.band}]
    return resource
