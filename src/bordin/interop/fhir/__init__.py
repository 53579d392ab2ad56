"""FHIR at the edge: the only place FHIR types appear.

- ``questionnaire``: read a FHIR Questionnaire (R4, R4B, R5; or a Bundle with its ValueSets) into
  the plain ``ImportedQuestionnaire`` of ``bordin.domain.instruments``.
- ``questionnaire_response``: export an ``Administration`` as an R4B QuestionnaireResponse.
"""
