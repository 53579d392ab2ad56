"""Risk: an endorsed risk item or crisis feedback is always urgent.

A risk item is endorsed when its value is above 0 (PHQ-9 item 9, CORE-10 item 6; clinical-facts
§5.1 and §5.3). Crisis feedback arrives as a :class:`~bordin.domain.alliance.history.RiskFlag`
from triage. Neither is ever softened by other rules: a risk signal is ``urgent`` and ``open``
until a person acts on it (acknowledgement is recorded outside the domain).
"""

from __future__ import annotations

from collections.abc import Sequence

from bordin.domain.alliance import citations
from bordin.domain.alliance.history import Rating, RiskFlag
from bordin.domain.alliance.scale import ScaleFacts
from bordin.domain.alliance.signal import Explanation, Signal

NEXT_STEP_RISK = (
    "Follow up today: contact the client, assess risk and follow the practice's crisis "
    "procedure. The client has been shown crisis contacts."
)


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
                explanation=Explanation(
                    rule="risk.item_endorsed",
                    sentence=(
                        f"Risk item endorsed: {facts.instrument_id} item {position} was answered "
                        f"{value:g} (above 0) in session {rating.session_number}."
                    ),
                    numbers={"item": position, "link_id": link_id, "value": value},
                    sessions=(rating.session_number,),
                    next_step=NEXT_STEP_RISK,
                    citation=citations.RISK,
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
        words = "Crisis feedback" if flag.source == "crisis_feedback" else "Risk item endorsed"
        detail = f" ({flag.detail})" if flag.detail else ""
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=flag.client_id,
                session_number=flag.session_number,
                type="risk",
                severity="urgent",
                status="open",
                explanation=Explanation(
                    rule=f"risk.{flag.source}",
                    sentence=f"{words} in session {flag.session_number}{detail}.",
                    numbers={"source": flag.source, "detail": flag.detail},
                    sessions=(flag.session_number,),
                    next_step=NEXT_STEP_RISK,
                    citation=citations.RISK,
                ),
                instrument_id=None,
                date=flag.date,
            )
        )
    return signals
