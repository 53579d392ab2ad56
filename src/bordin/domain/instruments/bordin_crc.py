"""Bordin's Cultural Responsiveness Check: five client ratings, in our own words.

How well the client felt their therapist understood and respected their culture and identity
(background, faith, community, family, language, sexuality, gender, and whatever else the client
counts as part of who they are). Five statements rated 0–4 from "Not at all" to "Completely";
the total is 0–20, higher is better. The wording was written for this project and may be used
freely; none of it comes from the Cultural Humility Scale (Hook et al. 2013) or any other
published measure, whose finding it draws on: clients' sense of their therapist's cultural
humility goes with a stronger alliance and more improvement (clinical-facts §9).

It is asked privately at the fit check (after the third session by default) and at intervals
the practice chooses. Like the Session Alliance Check it **has not been validated**: there are
no norms, cut-off or reliable-change value. Bordin flags a low rating (any statement at 1 or
below, or a total of 10 or less) and a fall from the client's own earlier ratings
(``domain/responsiveness.py``), and the therapist sees the chart next to any feedback the
triage read as cultural misattunement.
"""

from __future__ import annotations

from bordin.domain.instruments.base import (
    Evidence,
    FreeTextPrompt,
    Instrument,
    Item,
    Option,
)
from bordin.domain.instruments.bordin_sac import OWN_WORDING, own_check_evidence

LABELS = ("Not at all", "A little", "Somewhat", "Mostly", "Completely")

_WORDING = (
    ("understood", "My therapist understood how my background shapes what I am going through."),
    ("safe", "I could talk about my culture, faith or identity here without having to defend it."),
    ("checked", "When my therapist did not know what something meant for me, they found out."),
    ("fitted", "What we worked on fitted my values and the way my family and community work."),
    ("welcome", "I felt the whole of who I am was welcome in our sessions."),
)

_TOPICS = {
    "understood": "background understood",
    "safe": "safe to talk about culture and identity",
    "checked": "meanings checked",
    "fitted": "fit with their values",
    "welcome": "whole self welcome",
}

ITEMS = tuple(
    Item(
        link_id=link_id,
        number=number,
        min_value=0,
        max_value=4,
        options=tuple(Option(value=v, label=label) for v, label in enumerate(LABELS)),
        text=text,
        anchors=(LABELS[0], LABELS[-1]),
        topic=_TOPICS[link_id],
    )
    for number, (link_id, text) in enumerate(_WORDING, start=1)
)

MISSED = FreeTextPrompt(
    link_id="missed",
    text="Is there anything about your culture or identity your therapist has missed?",
)

BORDIN_CRC = Instrument(
    id="bordin_crc",
    version="1.0",
    title="Bordin's Cultural Responsiveness Check",
    short_title="Cultural Responsiveness Check",
    kind="cultural",
    description="Five brief, unvalidated client ratings of how well the therapist understood "
    "and respected the client's culture and identity, with an optional question about anything "
    "missed.",
    caution="This is a brief check that has not yet been validated. Use it to open a "
    "conversation, not to compare therapists.",
    items=ITEMS,
    direction="higher_is_better",
    score_min=0,
    score_max=20,
    prorate=False,
    max_missing=0,
    cutoff=None,
    reliable_change=None,
    free_text=(MISSED,),
    title_patterns=("bordinculturalresponsivenesscheck",),
    licence=OWN_WORDING,
    citation="Hook JN, Davis DE, Owen J, Worthington EL Jr, Utsey SO. Cultural humility: "
    "measuring openness to culturally diverse clients. J Couns Psychol. 2013;60(3):353–366. "
    "(The finding it draws on; the check itself is Bordin's own, unpublished and unvalidated, "
    "and uses none of that scale's items.)",
    evidence=own_check_evidence(
        "5 items 0–4, total 0–20",
        "all five items are required",
        Evidence(
            "low rating flag",
            "any item ≤ 1 or total ≤ 10; a fall of 4+ points from the client's best",
            "design",
            "Bordin's own check",
        ),
    ),
    notes=(
        "Not validated. Use it as a conversation starter and a within-client signal, not as a "
        "score to compare clients or therapists.",
        "Asked privately at the fit check and at intervals the practice chooses.",
    ),
)


def instruments() -> tuple[Instrument, ...]:
    """Plugin hook: the Cultural Responsiveness Check definition."""
    return (BORDIN_CRC,)
