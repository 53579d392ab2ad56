"""Risk: an endorsed risk item or crisis feedback is always urgent.

A risk item is endorsed when its value is above 0 (PHQ-9 item 9, CORE-10 item 6; clinical-facts
§5.1 and §5.3). Crisis feedback arrives as a :class:`~bordin.domain.alliance.history.RiskFlag`
from triage. Neither is ever softened by other rules: a risk signal is ``urgent`` and ``open``
until a person acts on it (acknowledgement is recorded outside the domain).
"""

from __future__ import annotations

from collections.abc import Sequence

from bordin.domain.alliance.explanations import flag_risk_explanation, item_risk_explanation
from bordin.domain.alliance.history import Rating, RiskFlag
from bordin.domain.alliance.scale import ScaleFacts
from bordin.domain.alliance.signal import Signal


def item_risk_signals(episode_id: str, rating: Rating, facts: ScaleFacts) -> list[Signal]:
    """One ``risk`` signal per endorsed risk item of a rating."""
    signals: list[Signal] = []
    for position, link_id in enumerate(facts.item_ids, start=1):
        if link_id not in facts.risk_items:
            continue
        value = rating.items.get(link_id)
        if value is None or not value > 0:
            continue
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=rating.client_id,
                session_number=rating.session_number,
                type="risk",
                severity="urgent",
                status="open",
                explanation=item_risk_explanation(
                    instrument_id=facts.instrument_id,
                    position=position,
                    link_id=link_id,
                    value=value,
                    session_number=rating.session_number,
                ),
                instrument_id=facts.instrument_id,
                date=rating.date,
            )
        )
    return signals


def flag_signals(episode_id: str, flags: Sequence[RiskFlag]) -> list[Signal]:
    """One ``risk`` signal per risk flag (crisis feedback or a risk item reported elsewhere)."""
    signals: list[Signal] = []
    for flag in flags:
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=flag.client_id,
                session_number=flag.session_number,
                type="risk",
                severity="urgent",
                status="open",
                explanation=flag_risk_explanation(
                    source=flag.source, detail=flag.detail, session_number=flag.session_number
                ),
                instrument_id=None,
                date=flag.date,
            )
        )
    return signals
