"""CORE-10: Clinical Outcomes in Routine Evaluation, ten items (Barkham et al. 2013).

Ten items scored 0–4 (last week), higher is worse. Items 2 and 3 are positively worded and
reverse-scored; item 6 is the risk item. The **clinical score** is ``10 × total ÷ items
answered``, i.e. the plain total 0–40 when every item is answered and a prorated total when one
is missing. Bordin's ``total`` for the CORE-10 *is* the clinical score. Clinical cut-off 11.

Unsettled figures (configurable): the missing-item limit (default: at most 1 of 10 missing), the
severity bands (two versions circulate; default below, the other in ``ALTERNATIVE_BANDS``) and
the reliable-change value (6 points, secondary source).
"""

from __future__ import annotations

from bordin.domain.instruments.base import Band, Evidence, Instrument, Licence, Norms
from bordin.domain.instruments.building import numbered_items

#: Bands as given by socasresourcehub (secondary source).
BANDS = (
    Band("healthy/low", 0, 10),
    Band("mild", 11, 14),
    Band("moderate", 15, 19),
    Band("moderate-severe", 20, 24),
    Band("severe", 25, 40),
)

#: The other circulating version (helpineedsomebody.org, secondary source).
ALTERNATIVE_BANDS = (
    Band("healthy", 0, 5),
    Band("low", 6, 10),
    Band("mild", 11, 15),
    Band("moderate", 16, 20),
    Band("moderately severe", 21, 25),
    Band("severe", 26, 40),
)

NORMS = Norms(
    clinical_mean=19.7,
    clinical_sd=7.7,
    normal_mean=4.7,
    normal_sd=4.8,
    source="CORE-10 manual via novopsych (clinical: primary-care counselling n = 1,835; "
    "general population n = 535)",
)

#: Short topics in Bordin's own words (not the questionnaire's), for staff pages.
TOPICS = (
    "tension and anxiety",
    "support when needed",
    "coping when things go wrong",
    "talking to people",
    "panic",
    "thoughts of ending their life",
    "sleep",
    "hopelessness",
    "unhappiness",
    "distressing memories or images",
)

CORE10 = Instrument(
    id="core10",
    version="1.0",
    title="CORE-10",
    short_title="CORE-10",
    kind="outcome",
    description="Psychological distress: ten items over the last week (6 problems/symptoms, "
    "3 functioning, 1 risk). The total is the clinical score, 0–40.",
    items=numbered_items(
        10, low=0, high=4, reverse=(2, 3), risk=(6,), required=False, topics=TOPICS
    ),
    direction="higher_is_worse",
    score_min=0,
    score_max=40,
    prorate=True,
    max_missing=1,
    bands=BANDS,
    cutoff=11,
    reliable_change=6,
    sd=7.7,
    reliability=0.90,
    norms=NORMS,
    title_patterns=("core10",),
    score_label="clinical score",
    licence=Licence(
        name="CC BY-ND 4.0 (CORE System Trust)",
        summary="Since 1 January 2015 any organisation may reproduce CORE instruments in "
        "software under CC BY-ND 4.0 without a fee; no changes to the wording are allowed. "
        "Bordin ships scoring only; wording is imported.",
        wording_shipped=False,
        url="https://www.coresystemtrust.org.uk/",
    ),
    citation="Barkham M, Bewick B, Mullin T, et al. The CORE-10: a short measure of "
    "psychological distress for routine use in the psychological therapies. Couns Psychother "
    "Res. 2013;13(1):3–13. Manual: Connell J, Barkham M. CORE-10 User Manual, 2007.",
    evidence=(
        Evidence(
            "items and range",
            "10 items 0–4, clinical score 0–40",
            "V",
            "Barkham et al. 2013; Connell & Barkham 2007 (manual)",
        ),
        Evidence("reverse-keyed items", "items 2 and 3", "V", "CamCOPS CORE-10 task documentation"),
        Evidence("risk item", "item 6", "V", "CamCOPS CORE-10 task documentation"),
        Evidence(
            "clinical score",
            "10 × total ÷ items answered",
            "V",
            "CamCOPS CORE-10 scoring code",
        ),
        Evidence("cut-off", "≥ 11", "V", "NovoPsych CORE-10 page"),
        Evidence(
            "missing items",
            "at most 1 of 10 missing",
            "M",
            "manual advises no score when too many are missing; exact rule not confirmed "
            "(Connell & Barkham 2007)",
        ),
        Evidence(
            "bands",
            "≤ 10 / 11–14 / 15–19 / 20–24 / ≥ 25",
            "S",
            "socasresourcehub; a second version circulates (ALTERNATIVE_BANDS)",
        ),
        Evidence("reliable change", "6 points", "S", "Bloom CORE-10 calculator (trybloom.co.uk)"),
        Evidence(
            "SD and reliability",
            "SD 7.7 (clinical), α = .90",
            "V",
            "Barkham et al. 2013; Connell & Barkham 2007 (manual)",
        ),
        Evidence(
            "norms",
            "clinical M 19.7 SD 7.7; general population M 4.7 SD 4.8",
            "V",
            "NovoPsych CORE-10 page, citing the manual",
        ),
    ),
    notes=(
        "A score above 13 indicates likely depression (sensitivity .92, specificity .72).",
        "Computed from SD 7.7 and α = .90, the Jacobson–Truax threshold would be 6.75 points; "
        "Bordin uses the published 6 unless configured otherwise.",
    ),
)


def instruments() -> tuple[Instrument, ...]:
    """Plugin hook: the CORE-10 definition."""
    return (CORE10,)
