"""ORS: Outcome Rating Scale (Miller, Duncan, Brown, Sparks & Claud 2003).

Four visual analogue lines, each measured 0–10 to the millimetre (0.1), total 0–40, higher is
better; given at the start of a session about the past week. Areas: individually,
interpersonally, socially, overall.

Adult clinical cut-off 25: a total *below* 25 is in the clinical range. Children (6–12) use 32
and adolescents 28 (unconfirmed): ``configured(ors, cutoff=32)``. The reliable-change value of
5 points is commonly cited but unconfirmed, so it is configurable.

Licensed (Performance Metrics / ICCE): Bordin ships **scoring only, never wording**.
"""

from __future__ import annotations

from bordin.domain.instruments.base import Evidence, Instrument, Item, Licence

CHILD_CUTOFF = 32
ADOLESCENT_CUTOFF = 28

_AREAS = (
    ("individually", "personal wellbeing"),
    ("interpersonally", "close relationships"),
    ("socially", "work, school and friendships"),
    ("overall", "overall wellbeing"),
)

ITEMS = tuple(
    Item(link_id=link_id, number=number, min_value=0, max_value=10, step=0.1, topic=topic)
    for number, (link_id, topic) in enumerate(_AREAS, start=1)
)

ORS = Instrument(
    id="ors",
    version="1.0",
    title="Outcome Rating Scale",
    short_title="ORS",
    kind="outcome",
    description="Client-rated wellbeing over the past week: individually, interpersonally, "
    "socially, overall.",
    items=ITEMS,
    direction="higher_is_better",
    score_min=0,
    score_max=40,
    prorate=False,
    max_missing=0,
    cutoff=25,
    cutoff_inclusive=False,
    reliable_change=5,
    title_patterns=("outcomeratingscale",),
    licence=Licence(
        name="Copyright Miller & Duncan (ICCE / Performance Metrics)",
        summary="Free for individual practitioners on paper; group practices and software need "
        "a paid licence. Bordin ships scoring only; a licensed practice imports the wording.",
        wording_shipped=False,
        url="https://www.scottdmiller.com/",
    ),
    citation="Miller SD, Duncan BL, Brown J, Sparks JA, Claud DA. The Outcome Rating Scale: a "
    "preliminary study of the reliability, validity, and feasibility of a brief visual analog "
    "measure. J Brief Ther. 2003;2(2):91–100.",
    evidence=(
        Evidence(
            "items and scale", "4 lines, 0–10 each, total 0–40", "V", "Miller et al. 2003; CORC"
        ),
        Evidence("adult cut-off", "< 25", "V", "OpenFIT knowledge base KA-01031"),
        Evidence("child cut-off (6–12)", "< 32", "V", "OpenFIT knowledge base KA-01031"),
        Evidence("adolescent cut-off (13–17)", "< 28", "M", "no primary source found"),
        Evidence("reliable change", "5 points", "M", "no primary source found"),
        Evidence("missing items", "all four lines are required", "design", "Bordin's choice"),
    ),
    notes=("A typical adult outpatient intake ORS is 16–19 (OpenFIT).",),
)


def instruments() -> tuple[Instrument, ...]:
    """Plugin hook: the ORS definition."""
    return (ORS,)
