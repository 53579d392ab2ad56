"""GAD-7: Generalized Anxiety Disorder scale, seven items (Spitzer, Kroenke, Williams & Löwe 2006).

Seven items scored 0–3 (last two weeks), total 0–21, higher is worse. Bordin's default cut-off
is 8, the NHS Talking Therapies caseness threshold; the diagnostic cut-off for generalised
anxiety disorder is 10 (sensitivity 89%, specificity 82%). Choose with
``configured(gad7, cutoff=10)``. Wording is public domain but is not shipped; import it from a
FHIR Questionnaire (LOINC 69737-5).
"""

from __future__ import annotations

from bordin.domain.instruments.base import LOINC, Band, Evidence, Instrument, Licence
from bordin.domain.instruments.building import LL358_3, coded_options, numbered_items

ITEM_CODES = ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7")

BANDS = (
    Band("minimal", 0, 4),
    Band("mild", 5, 9),
    Band("moderate", 10, 14),
    Band("severe", 15, 21),
)

#: The cut-off for generalised anxiety disorder itself (Spitzer et al. 2006).
DIAGNOSTIC_CUTOFF = 10

#: Short topics in Bordin's own words (not the questionnaire's), for staff pages.
TOPICS = (
    "feeling nervous or on edge",
    "worry that will not stop",
    "worrying about many things",
    "trouble relaxing",
    "restlessness",
    "irritability",
    "fear that something awful may happen",
)

GAD7 = Instrument(
    id="gad7",
    version="1.0",
    title="Generalized Anxiety Disorder-7",
    short_title="GAD-7",
    kind="outcome",
    description="Anxiety: seven items over the last two weeks.",
    items=numbered_items(
        7, low=0, high=3, codes=ITEM_CODES, options=coded_options(LL358_3), topics=TOPICS
    ),
    direction="higher_is_worse",
    score_min=0,
    score_max=21,
    prorate=False,
    max_missing=0,
    bands=BANDS,
    cutoff=8,
    reliable_change=4,
    code="69737-5",
    code_system=LOINC,
    total_code="70274-6",
    title_patterns=("gad7", "generalizedanxietydisorder7", "generalisedanxietydisorder7"),
    licence=Licence(
        name="Public domain (Pfizer)",
        summary="No permission is required to reproduce, translate, display or distribute. "
        "Bordin ships codes and scoring only; wording is imported.",
        wording_shipped=False,
        url="https://www.phqscreeners.com/",
    ),
    citation="Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing "
    "generalized anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092–1097.",
    evidence=(
        Evidence(
            "items and range",
            "7 items 0–3, total 0–21",
            "V",
            "Spitzer, Kroenke, Williams & Löwe 2006",
        ),
        Evidence("bands", "0–4 / 5–9 / 10–14 / 15–21", "V", "cliot R package documentation"),
        Evidence(
            "cut-off",
            "≥ 8 (Talking Therapies caseness)",
            "V",
            "NHS Talking Therapies (IAPT) manual; NHS Digital outcome definitions",
        ),
        Evidence(
            "diagnostic cut-off (alternative)",
            "≥ 10",
            "V",
            "Kroenke et al. 2010, via CamCOPS",
        ),
        Evidence("reliable change", "4 points", "V", "NHS Talking Therapies (IAPT) manual"),
        Evidence(
            "missing items",
            "no score if any item is missing",
            "M",
            "no published rule found; set prorate/max_missing to change it",
        ),
        Evidence(
            "LOINC codes",
            "panel 69737-5, total 70274-6, items 6 and 7 = 69689-8, 69736-7",
            "V",
            "public FHIR Questionnaires for the GAD-7 (LOINC codes)",
        ),
    ),
    notes=(
        "Many publications used 'not at all sure' instead of 'not at all' as the 0 anchor "
        "(Zorowitz et al. 2021); check imported wording.",
    ),
)


def instruments() -> tuple[Instrument, ...]:
    """Plugin hook: the GAD-7 definition."""
    return (GAD7,)
