"""PHQ-9: Patient Health Questionnaire, nine depression items (Kroenke, Spitzer & Williams 2001).

Nine items scored 0–3 (last two weeks), total 0–27, higher is worse. Item 9 (thoughts of death
or self-harm) is the risk item: any answer above 0 is flagged for same-day follow-up, and is
never the only risk screen. A tenth question about how difficult the problems made life is asked
but not scored. Wording is public domain but is not shipped here; import it from a FHIR
Questionnaire (LOINC 44249-1).
"""

from __future__ import annotations

from bordin.domain.instruments.base import (
    LOINC,
    Band,
    Evidence,
    Instrument,
    Item,
    Licence,
)
from bordin.domain.instruments.building import LL358_3, LL359_1, coded_options, numbered_items

ITEM_CODES = (
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
)

#: Short topics in Bordin's own words (not the questionnaire's), for staff pages.
TOPICS = (
    "interest and pleasure",
    "low mood",
    "sleep",
    "tiredness and energy",
    "appetite",
    "how they see themselves",
    "concentration",
    "slowed down or restless",
    "thoughts of self-harm",
)

DIFFICULTY = Item(
    link_id="difficulty",
    number=10,
    min_value=0,
    max_value=3,
    code="69722-7",
    code_system=LOINC,
    options=coded_options(LL359_1),
    scored=False,
    required=False,
    topic="how hard daily life has been",
)

BANDS = (
    Band("minimal", 0, 4),
    Band("mild", 5, 9),
    Band("moderate", 10, 14),
    Band("moderately severe", 15, 19),
    Band("severe", 20, 27),
)

PHQ9 = Instrument(
    id="phq9",
    version="1.0",
    title="Patient Health Questionnaire-9",
    short_title="PHQ-9",
    kind="outcome",
    description="Depression: nine symptom items over the last two weeks, plus an unscored "
    "question on how difficult the problems made daily life.",
    items=(
        *numbered_items(
            9,
            low=0,
            high=3,
            codes=ITEM_CODES,
            options=coded_options(LL358_3),
            risk=(9,),
            topics=TOPICS,
        ),
        DIFFICULTY,
    ),
    direction="higher_is_worse",
    score_min=0,
    score_max=27,
    prorate=False,
    max_missing=0,
    bands=BANDS,
    cutoff=10,
    reliable_change=6,
    code="44249-1",
    code_system=LOINC,
    total_code="44261-6",
    title_patterns=("phq9", "patienthealthquestionnaire9"),
    licence=Licence(
        name="Public domain (Pfizer)",
        summary="Copyright Pfizer Inc.; no permission required to reproduce, translate, display "
        "or distribute. LOINC codes are © Regenstrief Institute, free under the LOINC licence. "
        "Bordin ships codes and scoring only; wording is imported.",
        wording_shipped=False,
        url="https://www.phqscreeners.com/",
    ),
    citation="Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
    "severity measure. J Gen Intern Med. 2001;16(9):606–613.",
    evidence=(
        Evidence(
            "items and range", "9 items 0–3, total 0–27", "V", "Kroenke, Spitzer & Williams 2001"
        ),
        Evidence(
            "bands", "0–4 / 5–9 / 10–14 / 15–19 / 20–27", "V", "Kroenke, Spitzer & Williams 2001"
        ),
        Evidence(
            "cut-off", "≥ 10", "V", "NHS Talking Therapies (IAPT) manual, as quoted by cbtwatch.com"
        ),
        Evidence("reliable change", "6 points", "V", "NHS Talking Therapies (IAPT) manual"),
        Evidence("risk item", "item 9 > 0", "S", "clinical-toolkit clinical references"),
        Evidence(
            "missing items",
            "no score if any scored item is missing",
            "M",
            "no published rule found; set prorate/max_missing to change it",
        ),
        Evidence("LOINC codes", "panel 44249-1, total 44261-6", "V", "HL7 US Core PHQ-9 example"),
    ),
    notes=(
        "Item 9 > 0 is a risk trigger for same-day follow-up, never the only risk screen: "
        "most people who die by suicide answered 'not at all' at their last PHQ-9 "
        "(Louzon et al. 2016).",
        "The difficulty question (item 10, LOINC 69722-7) is recorded but not scored.",
    ),
)


def instruments() -> tuple[Instrument, ...]:
    """Plugin hook: the PHQ-9 definition."""
    return (PHQ9,)
