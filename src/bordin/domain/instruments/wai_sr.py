"""WAI-SR: Working Alliance Inventory, Short Revised (Hatcher & Gillaspy 2006).

Twelve items on a 5-point scale (1–5), total 12–60, higher is better; no reverse-keyed items.
Three subscales of four items, one per part of Bordin's working alliance:

- tasks: items 1, 2, 10, 12
- bond: items 3, 5, 7, 9
- goals: items 4, 6, 8, 11

Licensed (Society for Psychotherapy Research): Bordin ships **scoring only, never wording**. No
validated cut-off exists, so none is set; trends and session-to-session drops matter more than
the absolute score. Vendor bands exist (``VENDOR_BANDS``) but are not psychometric cut-offs.
"""

from __future__ import annotations

from bordin.domain.instruments.base import Band, Evidence, Instrument, Licence
from bordin.domain.instruments.building import numbered_items

DIMENSION_OF_ITEM = {
    1: "tasks",
    2: "tasks",
    10: "tasks",
    12: "tasks",
    3: "bond",
    5: "bond",
    7: "bond",
    9: "bond",
    4: "goals",
    6: "goals",
    8: "goals",
    11: "goals",
}

#: Rivet's vendor-defined bands (not a psychometric cut-off); opt in with ``configured``.
VENDOR_BANDS = (Band("weak", 12, 35), Band("moderate", 36, 47), Band("strong", 48, 60))

_DIMENSION_TOPICS = {
    "tasks": "agreement on the way of working",
    "bond": "the bond",
    "goals": "agreement on goals",
}

_ITEMS = numbered_items(
    12,
    low=1,
    high=5,
    dimensions=DIMENSION_OF_ITEM,
    topics=[_DIMENSION_TOPICS[DIMENSION_OF_ITEM[n]] for n in range(1, 13)],
)


def _links(dimension: str) -> tuple[str, ...]:
    return tuple(item.link_id for item in _ITEMS if item.dimension == dimension)


WAI_SR = Instrument(
    id="wai_sr",
    version="1.0",
    title="Working Alliance Inventory – Short Revised",
    short_title="WAI-SR",
    kind="alliance",
    description="Client-rated working alliance: agreement on goals and tasks, and the bond.",
    items=_ITEMS,
    dimensions={"goals": _links("goals"), "tasks": _links("tasks"), "bond": _links("bond")},
    direction="higher_is_better",
    score_min=12,
    score_max=60,
    prorate=False,
    max_missing=0,
    cutoff=None,
    reliable_change=None,
    title_patterns=("waisr", "workingallianceinventoryshortrevised"),
    licence=Licence(
        name="Copyright Society for Psychotherapy Research",
        summary="Treat as copyrighted: written permission from SPR is needed before showing "
        "item wording in software. Bordin ships item numbers and scoring only; a practice "
        "holding permission imports the wording.",
        wording_shipped=False,
        url="https://wai.profhorvath.com/downloads",
    ),
    citation="Hatcher RL, Gillaspy JA. Development and validation of a revised short version "
    "of the Working Alliance Inventory. Psychother Res. 2006;16(1):12–25.",
    evidence=(
        Evidence(
            "items and scale",
            "12 items, 1–5",
            "V",
            "Hatcher & Gillaspy 2006, via Rivet and Blueprint documentation",
        ),
        Evidence(
            "subscales",
            "tasks 1, 2, 10, 12; bond 3, 5, 7, 9; goals 4, 6, 8, 11",
            "V",
            "Rivet and Blueprint documentation agree",
        ),
        Evidence("reverse keying", "none", "V", "Rivet and Blueprint documentation"),
        Evidence("cut-off", "none validated", "V", "Rivet and Blueprint documentation"),
        Evidence(
            "missing items",
            "no score if any item is missing",
            "design",
            "no published rule found; set prorate/max_missing to change it",
        ),
    ),
    notes=(
        "Alliance ratings sit near the ceiling; Bordin watches drops against the client's own "
        "baseline rather than an absolute threshold.",
    ),
)


def instruments() -> tuple[Instrument, ...]:
    """Plugin hook: the WAI-SR definition."""
    return (WAI_SR,)
