"""Bordin's Session Alliance Check: four quick ratings after each session, in our own words.

Four items on 0–10, one for each part of the working alliance as Bordin (1979) described it,
plus an overall rating, and an optional free-text question. The wording below was written for
this project and may be used freely.

This is a **brief check that has not yet been validated**: it has no published norms, cut-off or
reliable-change value, so Bordin sets none and watches each client's ratings against their own
baseline. A practice that holds the licence can use the WAI-SR or the SRS instead.
"""

from __future__ import annotations

from bordin.domain.instruments.base import (
    Evidence,
    FreeTextPrompt,
    Instrument,
    Item,
    Licence,
    Option,
)

ANCHORS = ("Not at all", "Completely")

_WORDING = (
    ("goals", "Today we spent our time on the things I came here for."),
    ("tasks", "The way we went about things today suited me."),
    ("bond", "My therapist listened to me and treated me with respect."),
    ("overall", "All things considered, this session worked for me."),
)

_TOPICS = {
    "goals": "goals",
    "tasks": "the way of working",
    "bond": "feeling listened to and respected",
    "overall": "the session overall",
}

ITEMS = tuple(
    Item(
        link_id=link_id,
        number=number,
        min_value=0,
        max_value=10,
        options=tuple(Option(value=v) for v in range(11)),
        text=text,
        anchors=ANCHORS,
        dimension=link_id,
        topic=_TOPICS[link_id],
    )
    for number, (link_id, text) in enumerate(_WORDING, start=1)
)

#: The licence of every measure whose wording Bordin wrote itself.
OWN_WORDING = Licence(
    name="Bordin project (same licence as the software)",
    summary="Wording written for Bordin; free to use, translate and adapt.",
    wording_shipped=True,
)


def own_check_evidence(scale: str, missing: str, *extra: Evidence) -> tuple[Evidence, ...]:
    """Where the figures of one of Bordin's own unvalidated checks come from (all design)."""
    source = "Bordin's own check"
    return (
        Evidence("items and scale", scale, "design", source),
        Evidence("cut-off", "none (unvalidated)", "design", source),
        Evidence("reliable change", "none (unvalidated)", "design", source),
        *extra,
        Evidence("missing items", missing, "design", source),
    )


DIDNT_LAND = FreeTextPrompt(link_id="didnt_land", text="Anything that didn't land today?")

BORDIN_SAC = Instrument(
    id="bordin_sac",
    version="1.0",
    title="Bordin's Session Alliance Check",
    short_title="Session Alliance Check",
    kind="alliance",
    description="A brief, unvalidated end-of-session check on goals, tasks, bond and overall "
    "fit, with an optional 'anything that didn't land today?'.",
    caution="This is a brief check that has not yet been validated. A practice that holds the "
    "licence can use the WAI-SR or the SRS instead.",
    items=ITEMS,
    dimensions={
        "goals": ("goals",),
        "tasks": ("tasks",),
        "bond": ("bond",),
        "overall": ("overall",),
    },
    direction="higher_is_better",
    score_min=0,
    score_max=40,
    prorate=False,
    max_missing=0,
    cutoff=None,
    reliable_change=None,
    free_text=(DIDNT_LAND,),
    title_patterns=("bordinsessionalliancecheck", "bordinssessionalliancecheck"),
    licence=OWN_WORDING,
    citation="Bordin ES. The generalizability of the psychoanalytic concept of the working "
    "alliance. Psychother Theory Res Pract. 1979;16(3):252–260. (The concept; the check itself "
    "is unpublished and unvalidated.)",
    evidence=own_check_evidence("4 items 0–10, total 0–40", "all four items are required"),
    notes=(
        "Not validated. Use it as a conversation starter and a within-client signal, not as a "
        "score to compare clients or therapists.",
        "A practice holding the licence can use the WAI-SR or the SRS instead.",
    ),
)


def instruments() -> tuple[Instrument, ...]:
    """Plugin hook: the Session Alliance Check definition."""
    return (BORDIN_SAC,)
