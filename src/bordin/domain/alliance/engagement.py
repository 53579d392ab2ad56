"""Disengagement: missed or cancelled sessions together with a falling alliance.

About one client in five ends therapy early (Swift & Greenberg 2012) and a weaker alliance
predicts it (Sharf et al. 2010, d = .55). Either sign alone is common and often innocent; the rule
asks for both (design note):

- **missed sessions**: at least ``disengagement_min_missed`` cancelled or missed appointments among
  the last ``disengagement_window`` appointments dated up to ``now``; or no attended session for
  ``disengagement_gap_days`` days while the episode is still open;
- **falling alliance**: the client's latest alliance rating is at least
  ``disengagement_drop_sd`` SDs (floored as for ruptures) below the mean of their earlier ratings
  on that measure (needs two earlier ratings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bordin.domain.alliance import citations
from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.history import Attendance
from bordin.domain.alliance.scale import ScaleFacts
from bordin.domain.alliance.series import Point, baselines, sd_floor
from bordin.domain.alliance.signal import Explanation, Signal


def missed_appointments(
    attendance: Sequence[Attendance], today: dt.date, config: SignalConfig
) -> tuple[list[Attendance], str | None]:
    """The missed or cancelled appointments that count, and which part of the rule matched."""
    past = sorted(
        (a for a in attendance if a.date <= today and a.status != "scheduled"),
        key=lambda a: (a.date, a.session_number),
    )
    recent = past[-config.disengagement_window :]
    missed = [a for a in recent if a.status in ("cancelled", "no_show")]
    if len(missed) >= config.disengagement_min_missed:
        return missed, "missed"
    attended = [a for a in past if a.status == "attended"]
    if attended and (today - attended[-1].date).days >= config.disengagement_gap_days:
        return missed, "gap"
    return missed, None


def disengagement_signal(
    episode_id: str,
    client_id: str,
    facts: ScaleFacts,
    points: Sequence[Point],
    attendance: Sequence[Attendance],
    today: dt.date,
    config: SignalConfig,
    *,
    ended: bool,
) -> Signal | None:
    """A ``disengagement`` signal for one client, or ``None``."""
    if len(points) < 3:
        return None
    missed, why = missed_appointments(attendance, today, config)
    if why is None or (why == "gap" and ended):
        return None
    b = baselines([p.value for p in points], sd_floor(facts, config.sd_floor_fraction))[-1]
    if b.z is None or b.mean is None or b.n < 2 or not b.z >= config.disengagement_drop_sd:
        return None
    latest = points[-1]
    past_attended = [a for a in attendance if a.date <= today and a.status == "attended"]
    if why == "missed":
        anchor = max(a.session_number for a in missed)
        what = (
            f"{len(missed)} of the last {config.disengagement_window} appointments were missed or "
            f"cancelled (sessions {', '.join(str(a.session_number) for a in missed)})"
        )
    else:
        last_seen = past_attended[-1]
        anchor = last_seen.session_number
        what = (
            f"no session attended for {(today - last_seen.date).days} days (since session {anchor})"
        )
    raw_mean = b.mean if facts.higher_is_better else facts.score_min + facts.score_max - b.mean
    return Signal(
        episode_id=episode_id,
        client_id=client_id,
        session_number=anchor,
        type="disengagement",
        severity="high",
        status="active",
        explanation=Explanation(
            rule=f"disengagement.{why}",
            sentence=(
                f"Risk of disengagement: {what}, and {facts.instrument_id} fell to "
                f"{latest.total:g} in session {latest.session_number} from an average of "
                f"{raw_mean:.1f} ({b.z:.1f} SD below)."
            ),
            numbers={
                "missed": len(missed),
                "window": config.disengagement_window,
                "latest_alliance": latest.total,
                "baseline_mean": raw_mean,
                "z": b.z,
                "days_since_attended": (today - past_attended[-1].date).days
                if past_attended
                else None,
            },
            sessions=tuple(sorted({a.session_number for a in missed} | {latest.session_number})),
            next_step=(
                "Reach out before the next appointment: ask how the sessions are working for the "
                "client and whether anything about the fit, timing or approach should change."
            ),
            citation=citations.DISENGAGEMENT,
        ),
        instrument_id=facts.instrument_id,
        date=latest.date,
    )
