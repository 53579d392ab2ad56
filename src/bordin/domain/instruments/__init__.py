"""Measures: instrument definitions, scoring by published rules, and change.

The public API::

    from bordin.domain.instruments import get_instrument, score
    phq9 = get_instrument("phq9")
    result = score(phq9, [1, 0, 2, 1, 0, 0, 1, 2, 0])
    result.total, result.band, result.cutoff_exceeded, result.risk_items

Instruments are data (``base.py``) in small modules (``phq9.py``, ``srs.py`` ...) that register
themselves like plugins (``registry.py``). ``change.py`` holds reliable and clinically
significant change; ``talking_therapies.py`` the NHS Talking Therapies paired definitions;
``importing.py`` how imported wording is attached; ``docs.py`` renders ``docs/instruments/``.
"""

from __future__ import annotations

from bordin.domain.instruments.administration import Administration
from bordin.domain.instruments.base import (
    Band,
    Direction,
    Evidence,
    FreeTextPrompt,
    Instrument,
    Item,
    ItemSource,
    Kind,
    Licence,
    Norms,
    Option,
    QuestionnaireSource,
)
from bordin.domain.instruments.change import (
    Change,
    classify_change,
    clinical_threshold,
    criterion_c,
    jacobson_truax_threshold,
    reliable_change_index,
    reliable_change_threshold,
)
from bordin.domain.instruments.importing import (
    ImportedItem,
    ImportedOption,
    ImportedQuestionnaire,
    ImportSummary,
    apply_import,
    match_instrument,
)
from bordin.domain.instruments.registry import (
    BUILTIN_PLUGINS,
    Registry,
    all_instruments,
    builtin_registry,
    configured,
    default_registry,
    get_instrument,
    register_instrument,
)
from bordin.domain.instruments.scoring import Score, score, validate_answers
from bordin.domain.instruments.talking_therapies import (
    PairedScores,
    TalkingTherapiesOutcome,
    TalkingTherapiesRules,
    caseness,
    talking_therapies_outcome,
)

__all__ = [
    "BUILTIN_PLUGINS",
    "Administration",
    "Band",
    "Change",
    "Direction",
    "Evidence",
    "FreeTextPrompt",
    "ImportSummary",
    "ImportedItem",
    "ImportedOption",
    "ImportedQuestionnaire",
    "Instrument",
    "Item",
    "ItemSource",
    "Kind",
    "Licence",
    "Norms",
    "Option",
    "PairedScores",
    "QuestionnaireSource",
    "Registry",
    "Score",
    "TalkingTherapiesOutcome",
    "TalkingTherapiesRules",
    "all_instruments",
    "apply_import",
    "builtin_registry",
    "caseness",
    "classify_change",
    "clinical_threshold",
    "configured",
    "criterion_c",
    "default_registry",
    "get_instrument",
    "jacobson_truax_threshold",
    "match_instrument",
    "register_instrument",
    "reliable_change_index",
    "reliable_change_threshold",
    "score",
    "talking_therapies_outcome",
    "validate_answers",
]
