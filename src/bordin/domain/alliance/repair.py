"""The rupture and repair log: 3RS vocabulary, and linking what therapists log to what clients rate.

Vocabulary. A therapist can record a rupture seen in session by its *type* (withdrawal: moving
away from the therapist or the work; confrontation: moving against them; clinical-facts §6.1),
its *markers*, and the *resolution strategies* they tried, grouped as *immediate* (explain the
rationale, change the task or goal, clarify a misunderstanding) or *exploratory*
(metacommunication: invite the client to talk about the relationship, acknowledge one's own part,
validate). These follow the Rupture Resolution Rating System (3RS; Eubanks, Muran & Safran 2015
manual). **The individual marker and strategy names below are unconfirmed**: they were recalled
from the manual, whose section headings alone were checked (clinical-facts §6.4 and §14 item 14).
Only the two rupture types and the immediate/exploratory families are confirmed. Verify the names
against the manual before relying on them; the keys are stable even if the labels change.

Linking. Each logged rupture is linked to the detected rupture of the same client (any partner
for a couple-level log) in the same or an adjacent session. Whether or not one was detected, the
client's *next* alliance rating after the logged session closes the loop: it is back within
``repair_tolerance_sd`` baseline SDs of the level before the logged session (confirmed repaired),
or it is not (not confirmed), or it has not come yet (awaiting).

A logged rupture with no detected counterpart becomes a ``rupture`` signal of its own (rule
``rupture.therapist_log``) and is followed like a detected one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bordin.domain.alliance import citations
from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.explanations import NEXT_STEP_RUPTURE, NEXT_STEP_UNREPAIRED
from bordin.domain.alliance.history import RuptureType, TherapistRupture
from bordin.domain.alliance.rupture import follow
from bordin.domain.alliance.scale import ScaleFacts
from bordin.domain.alliance.series import Point, baselines, sd_floor
from bordin.domain.alliance.signal import Explanation, Signal
from bordin.domain.errors import FieldError

StrategyFamily = Literal["immediate", "exploratory"]
Loop = Literal["awaiting_rating", "confirmed_repaired", "not_confirmed", "no_baseline"]


@dataclass(frozen=True)
class Marker:
    """A 3RS rupture marker (name unconfirmed, see the module docstring)."""

    key: str
    label: str
    rupture_type: RuptureType


@dataclass(frozen=True)
class Strategy:
    """A 3RS resolution strategy (name unconfirmed) and its family (confirmed families)."""

    key: str
    label: str
    family: StrategyFamily


#: Names unconfirmed [M]: recalled from the 3RS manual; only the headings were checked.
MARKERS: tuple[Marker, ...] = (
    Marker("denial", "Denial", "withdrawal"),
    Marker("minimal_response", "Minimal response", "withdrawal"),
    Marker("abstract_communication", "Abstract communication", "withdrawal"),
    Marker("avoidant_storytelling", "Avoidant storytelling and/or shifting topic", "withdrawal"),
    Marker("deferential_appeasing", "Deferential and appeasing", "withdrawal"),
    Marker("content_affect_split", "Content/affect split", "withdrawal"),
    Marker("self_criticism_hopelessness", "Self-criticism and/or hopelessness", "withdrawal"),
    Marker("complaints_therapist", "Complaints/concerns about the therapist", "confrontation"),
    Marker("rejects_intervention", "Rejects the therapist's intervention", "confrontation"),
    Marker(
        "complaints_activities",
        "Complaints/concerns about the activities of therapy",
        "confrontation",
    ),
    Marker(
        "complaints_parameters",
        "Complaints/concerns about the parameters of therapy",
        "confrontation",
    ),
    Marker("complaints_progress", "Complaints/concerns about progress in therapy", "confrontation"),
    Marker("defends_self", "Defends self against the therapist", "confrontation"),
    Marker("control_pressure", "Efforts to control or pressure the therapist", "confrontation"),
)

#: Names unconfirmed [M]; the immediate/exploratory families are confirmed
#: (therapeutic-alliance.org).
#: ``redirect_refocus`` is placed with the immediate strategies by us.
STRATEGIES: tuple[Strategy, ...] = (
    Strategy("clarify_misunderstanding", "Clarify a misunderstanding", "immediate"),
    Strategy("change_task_or_goal", "Change the task or goal", "immediate"),
    Strategy("explain_rationale", "Illustrate the task or give a rationale", "immediate"),
    Strategy("redirect_refocus", "Redirect or refocus", "immediate"),
    Strategy(
        "invite_discussion",
        "Invite the client to talk about the therapy or the therapist",
        "exploratory",
    ),
    Strategy(
        "acknowledge_contribution",
        "Acknowledge one's own contribution to the rupture",
        "exploratory",
    ),
    Strategy(
        "disclose_experience", "Disclose one's own experience of the interaction", "exploratory"
    ),
    Strategy(
        "link_to_session_patterns",
        "Link the rupture to patterns between client and therapist",
        "exploratory",
    ),
    Strategy(
        "link_to_other_relationships",
        "Link the rupture to patterns in other relationships",
        "exploratory",
    ),
    Strategy(
        "validate_defensive_posture", "Validate the client's defensive posture", "exploratory"
    ),
)

#: The therapist's own view of whether a logged rupture resolved, in words.
RESOLVED_WORDS: Mapping[bool | str | None, str] = {
    True: "resolved",
    False: "not resolved",
    "partly": "partly resolved",
    None: "not yet recorded",
}

MARKERS_BY_KEY: Mapping[str, Marker] = {m.key: m for m in MARKERS}
STRATEGIES_BY_KEY: Mapping[str, Strategy] = {s.key: s for s in STRATEGIES}


def marker_words(keys: Sequence[str]) -> str:
    """The markers of a logged rupture in words (``none recorded`` when there are none)."""
    words = [MARKERS_BY_KEY[k].label.lower() if k in MARKERS_BY_KEY else k for k in keys]
    return ", ".join(words) or "none recorded"


def strategy_words(keys: Sequence[str]) -> str:
    """The strategies tried, in words (``none recorded`` when there are none)."""
    words = [STRATEGIES_BY_KEY[k].label.lower() if k in STRATEGIES_BY_KEY else k for k in keys]
    return ", ".join(words) or "none recorded"


def log_problems(log: TherapistRupture, *, where: str = "rupture") -> list[FieldError]:
    """What is wrong with a logged rupture's markers and strategies (empty when fine)."""
    problems: list[FieldError] = []
    for key in log.markers:
        marker = MARKERS_BY_KEY.get(key)
        if marker is None:
            problems.append(FieldError(f"{where}.markers", f"unknown marker {key!r}"))
        elif marker.rupture_type != log.rupture_type:
            problems.append(
                FieldError(
                    f"{where}.markers",
                    f"“{marker.label}” is a {marker.rupture_type} marker, not"
                    f" {log.rupture_type}: untick it or choose the other type",
                )
            )
    for key in log.strategies:
        if key not in STRATEGIES_BY_KEY:
            problems.append(FieldError(f"{where}.strategies", f"unknown strategy {key!r}"))
    return problems


@dataclass(frozen=True)
class LoopCheck:
    """The client's next rating after a logged rupture, against the level before it."""

    client_id: str
    loop: Loop
    level: float | None
    tolerance: float | None
    next_session: int | None
    next_score: float | None


@dataclass(frozen=True)
class RuptureLink:
    """A logged rupture, the detected rupture it matches (if any), and whether the loop closed."""

    log: TherapistRupture
    detected: Signal | None
    loop: Loop
    checks: tuple[LoopCheck, ...]


def close_loop(
    client_id: str,
    points: Sequence[Point],
    session_number: int,
    facts: ScaleFacts,
    config: SignalConfig,
) -> LoopCheck:
    """Judge the client's first rating after ``session_number`` against the level before it."""
    before = [p for p in points if p.session_number < session_number]
    after = [p for p in points if p.session_number > session_number]
    if not before:
        nxt = after[0] if after else None
        return LoopCheck(
            client_id,
            "no_baseline",
            None,
            None,
            nxt.session_number if nxt else None,
            nxt.total if nxt else None,
        )
    # The baseline "before a next value": mean and SD of every rating before the logged session.
    b = baselines([p.value for p in before] + [0.0], sd_floor(facts, config.sd_floor_fraction))[-1]
    assert b.mean is not None
    level = b.mean
    tolerance = config.repair_tolerance_sd * b.sd_used
    if not after:
        return LoopCheck(client_id, "awaiting_rating", level, tolerance, None, None)
    nxt = after[0]
    loop: Loop = "confirmed_repaired" if nxt.value >= level - tolerance else "not_confirmed"
    return LoopCheck(client_id, loop, level, tolerance, nxt.session_number, nxt.total)


def _combine(checks: Sequence[LoopCheck]) -> Loop:
    loops = {c.loop for c in checks}
    for loop in ("not_confirmed", "awaiting_rating", "confirmed_repaired"):
        if loop in loops:
            return loop
    return "no_baseline"


def link_logged_ruptures(
    logs: Sequence[TherapistRupture],
    detected: Sequence[Signal],
    series: Mapping[str, tuple[ScaleFacts, Sequence[Point]]],
    config: SignalConfig,
) -> list[RuptureLink]:
    """Link each logged rupture to a detected one and check the client's next rating.

    ``series`` maps each client id to their primary alliance measure and its points.
    """
    ruptures = [
        s for s in detected if s.type == "rupture" and s.explanation.rule != "rupture.therapist_log"
    ]
    links: list[RuptureLink] = []
    for log in logs:
        clients = [log.client_id] if log.client_id is not None else sorted(series)
        candidates = [
            s
            for s in ruptures
            if s.client_id in clients and abs(s.session_number - log.session_number) <= 1
        ]
        candidates.sort(
            key=lambda s: (abs(s.session_number - log.session_number), s.session_number)
        )
        checks = tuple(
            close_loop(c, series[c][1], log.session_number, series[c][0], config)
            for c in clients
            if c in series
        )
        links.append(
            RuptureLink(log, candidates[0] if candidates else None, _combine(checks), checks)
        )
    return links


_LOOP_WORDS: Mapping[str, str] = {
    "awaiting_rating": "the client's next rating will show whether it was repaired",
    "confirmed_repaired": "the client's next rating is back to the earlier level",
    "not_confirmed": "the client's next rating is still below the earlier level",
    "no_baseline": "there are no earlier ratings to compare with",
}


def logged_rupture_signals(
    episode_id: str,
    links: Sequence[RuptureLink],
    series: Mapping[str, tuple[ScaleFacts, Sequence[Point]]],
    config: SignalConfig,
    *,
    ended: bool,
) -> list[Signal]:
    """Signals for logged ruptures that no detected rupture matches."""
    signals: list[Signal] = []
    for link in links:
        if link.detected is not None:
            continue
        log = link.log
        status: Literal["open", "repaired", "unrepaired"] = "open"
        decided: Point | None = None
        facts: ScaleFacts | None = None
        if (
            log.client_id is not None
            and log.client_id in series
            and link.checks
            and link.checks[0].level is not None
        ):
            facts, points = series[log.client_id]
            check = link.checks[0]
            assert check.level is not None and check.tolerance is not None
            start = next(
                (i for i, p in enumerate(points) if p.session_number > log.session_number),
                len(points),
            )
            status, _ret, decision = follow(
                points, start, check.level, check.tolerance, (), facts, config, ended=ended
            )
            decided = points[decision] if decision is not None and decision < len(points) else None
        elif link.loop == "confirmed_repaired" or (
            link.loop == "no_baseline" and log.resolved is True
        ):
            status = "repaired"
        elif ended:
            status = "unrepaired"
        markers = marker_words(log.markers)
        strategies = strategy_words(log.strategies)
        resolved = RESOLVED_WORDS[log.resolved]
        signals.append(
            Signal(
                episode_id=episode_id,
                client_id=log.client_id,
                session_number=log.session_number,
                type="rupture",
                severity="routine",
                status=status,
                explanation=Explanation(
                    rule="rupture.therapist_log",
                    sentence=(
                        f"The therapist logged a {log.rupture_type} rupture in session "
                        f"{log.session_number} (seen: {markers}; tried: {strategies}; "
                        f"the therapist's view: {resolved}); "
                        f"the ratings did not show a drop. {_LOOP_WORDS[link.loop].capitalize()}."
                    ),
                    numbers={
                        "rupture_type": log.rupture_type,
                        "markers": ",".join(log.markers),
                        "strategies": ",".join(log.strategies),
                        "therapist_resolved": log.resolved,
                        "loop": link.loop,
                        "log_id": log.log_id,
                    },
                    sessions=(log.session_number,),
                    next_step=NEXT_STEP_UNREPAIRED if status == "unrepaired" else NEXT_STEP_RUPTURE,
                    citation=citations.RUPTURE_LOGGED,
                ),
                instrument_id=facts.instrument_id if facts else None,
                date=log.date,
            )
        )
        if decided is not None and facts is not None and status in ("repaired", "unrepaired"):
            kind: Literal["rupture_repaired", "rupture_unrepaired"] = (
                "rupture_repaired" if status == "repaired" else "rupture_unrepaired"
            )
            signals.append(
                Signal(
                    episode_id=episode_id,
                    client_id=log.client_id,
                    session_number=decided.session_number,
                    type=kind,
                    severity="routine" if status == "repaired" else "high",
                    status=status,
                    explanation=Explanation(
                        rule=f"rupture.therapist_log_{status}",
                        sentence=(
                            f"The {log.rupture_type} rupture the therapist logged in session "
                            f"{log.session_number} is {status}: {facts.instrument_id} was "
                            f"{decided.total:g} "
                            f"in session {decided.session_number}."
                        ),
                        numbers={"rupture_session": log.session_number, "score": decided.total},
                        sessions=(log.session_number, decided.session_number),
                        next_step=NEXT_STEP_UNREPAIRED
                        if status == "unrepaired"
                        else "Name the repair with the client.",
                        citation=citations.REPAIR,
                    ),
                    instrument_id=facts.instrument_id,
                    date=decided.date,
                )
            )
    return signals


def link_numbers(link: RuptureLink) -> dict[str, float | int | str | bool | None]:
    """What a detected rupture's explanation gains from a matching log."""
    return {
        "logged_rupture_type": link.log.rupture_type,
        "logged_session": link.log.session_number,
        "logged_markers": ",".join(link.log.markers),
        "logged_strategies": ",".join(link.log.strategies),
        "therapist_resolved": link.log.resolved,
        "loop": link.loop,
    }
