"""SRS: Session Rating Scale, version 3 (Duncan, Miller, Sparks et al. 2003).

Four visual analogue lines, each measured 0–10 to the millimetre (0.1), total 0–40, higher is
better; given at the end of each session. The four content areas map onto Bordin's alliance:
relationship → bond, goals and topics → goals, approach or method → tasks, and overall.

Cut-off 36: a total *below* 36 signals dissatisfaction with the session (OpenFIT). One secondary
source says "36 or below"; choose that with ``configured(srs, cutoff_inclusive=True)``.

Licensed (Performance Metrics / ICCE): Bordin ships **scoring only, never wording**.
"""

from __future__ import annotations

from bordin.domain.instruments.base import Band, Evidence, Instrument, Item, Licence

#: Practitioner bands from a blog (not validated); opt in with ``configured``.
PRACTITIONER_BANDS = (Band("poor", 0, 34), Band("fair", 35, 38), Band("good", 39, 40))

_AREAS = (
    ("relationship", "bond", "the relationship"),
    ("goals_topics", "goals", "goals and topics"),
    ("approach_method", "tasks", "approach or method"),
    ("overall", "overall", "the session overall"),
)

ITEMS = tuple(
    Item(
        link_id=link_id,
        number=number,
        min_value=0,
        max_value=10,
        step=0.1,
        dimension=dimension,
        topic=topic,
    )
    for number, (link_id, dimension, topic) in enumerate(_AREAS, start=1)
)

SRS = Instrument(
    id="srs",
    version="1.0",
    title="Session Rating Scale",
    short_title="SRS",
    kind="alliance",
    description="Client-rated alliance at the end of a session: relationship, goals and "
    "topics, approach or method, overall.",
    items=ITEMS,
    dimensions={
        "goals": ("goals_topics",),
        "tasks": ("approach_method",),
        "bond": ("relationship",),
        "overall": ("overall",),
    },
    direction="higher_is_better",
    score_min=0,
    score_max=40,
    prorate=False,
    max_missing=0,
    cutoff=36,
    cutoff_inclusive=False,
    reliable_change=None,
    title_patterns=("sessionratingscale",),
    licence=Licence(
        name="Copyright Miller, Duncan & Johnson (ICCE / Performance Metrics)",
        summary="Free for individual practitioners on paper; group practices and software need "
        "a paid licence. Bordin ships scoring only; a licensed practice imports the wording.",
        wording_shipped=False,
        url="https://www.scottdmiller.com/",
    ),
    citation="Duncan BL, Miller SD, Sparks JA, Claud DA, Reynolds LR, Brown J, Johnson LD. "
    "The Session Rating Scale: preliminary psychometric properties of a 'working' alliance "
    "measure. J Brief Ther. 2003;3(1):3–12.",
    evidence=(
        Evidence(
            "items and scale",
            "4 lines, 0–10 each, total 0–40",
            "V",
            "Duncan et al. 2003; CamCOPS documentation",
        ),
        Evidence("cut-off", "< 36", "V", "OpenFIT"),
        Evidence(
            "cut-off boundary",
            "< 36 (OpenFIT) vs ≤ 36 (psychologyroots)",
            "S",
            "OpenFIT; psychologyroots; set cutoff_inclusive=True for ≤ 36",
        ),
        Evidence("reliable change", "not applicable", "V", "OpenFIT (none published)"),
        Evidence("missing items", "all four lines are required", "design", "Bordin's choice"),
    ),
    notes=(
        "OpenFIT also flags an SRS at least 1 point below the previous session; Bordin's "
        "rupture signals use drops against the client's own baseline.",
    ),
)


def instruments() -> tuple[Instrument, ...]:
    """Plugin hook: the SRS definition."""
    return (SRS,)
