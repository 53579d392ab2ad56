"""Ground truth: the pattern kinds the generator plants, and the plain rules that make them visible.

Each planted pattern is stored as a ``PlantedPattern(kind, episode_id, client_id, sessions,
details)``. ``sessions`` holds appointment numbers (``DemoSession.number``). The kinds:

``stable_alliance``
    No rupture was planted for this client. ``details``: ``shape`` ("flat" near the ceiling, or
    "growth": starts lower and climbs without a drop), ``usual_total``. ``sessions``: every
    attended session. Use these to count false alarms.
``repaired_rupture``
    A V-shape. ``sessions``: the rupture session, then the session(s) up to the one where the
    alliance is back. ``details``: ``baseline`` (mean total of the earlier sessions),
    ``rupture_total``, ``drop``, ``item_drops`` (per item, vs the usual answer), ``focus``
    ("tasks", "bond" or "all"), ``repair_sessions`` (1 or 2), ``repair_total``.
``unrepaired_rupture``
    A drop after which the alliance stays at least 3 points below the baseline.
    ``sessions``: the rupture session and every later attended session. ``details`` as above
    plus ``later_totals``.
``dropout_after_rupture``
    A rupture, then 1–2 appointments (no-shows, perhaps one more low session), then the episode
    ends as "dropped_out". ``sessions``: the rupture session and the appointments after it.
``dropout_without_rupture``
    A stable-alliance episode that ends in no-shows and drop-out all the same.
``split_alliance``
    Couples: one partner's alliance total is at least 6 below the other's for several sessions.
    ``client_id`` is the partner with the lower alliance. ``details``: ``higher_partner``,
    ``gaps`` (one per split session), ``widening``, ``dropped_out``.
``balanced_couple``
    Couples with no split planted (partners never 6 or more apart). ``client_id`` is the first
    partner; ``details["partners"]`` lists both.
``recovery``, ``reliable_improvement``, ``non_responder``, ``deterioration``
    Outcome trajectories. ``sessions``: first and last administration. ``details``: ``measure``
    and ``intake``/``final`` totals per measure (``phq9``, ``gad7`` for individuals; ``core10``
    for couples).
``risk_item``
    PHQ-9 item 9 answered above 0 (the only such answers in the practice). ``details``: ``item9``.
``crisis_feedback``, ``conduct_concern_feedback``, ``misalignment_feedback``
    Free text of that category. ``details``: ``text``; misalignment also ``with_alliance_drop``.

Visibility rule used for ruptures (and checked in tests): with at least 3 earlier attended
sessions, a session shows a *visible drop* when its alliance total is 3 or more points below the
mean of the client's earlier totals in the episode, or any item is 2 or more points below that
item's earlier mean. Alliance ratings sit near the ceiling, so the rule is relative to the
client's own baseline rather than to a fixed cut-off.
"""

from __future__ import annotations

from collections.abc import Sequence

STABLE_ALLIANCE = "stable_alliance"
REPAIRED_RUPTURE = "repaired_rupture"
UNREPAIRED_RUPTURE = "unrepaired_rupture"
DROPOUT_AFTER_RUPTURE = "dropout_after_rupture"
DROPOUT_WITHOUT_RUPTURE = "dropout_without_rupture"
SPLIT_ALLIANCE = "split_alliance"
BALANCED_COUPLE = "balanced_couple"
RECOVERY = "recovery"
RELIABLE_IMPROVEMENT = "reliable_improvement"
NON_RESPONDER = "non_responder"
DETERIORATION = "deterioration"
RISK_ITEM = "risk_item"
CRISIS_FEEDBACK = "crisis_feedback"
CONDUCT_CONCERN_FEEDBACK = "conduct_concern_feedback"
MISALIGNMENT_FEEDBACK = "misalignment_feedback"

PATTERN_KINDS: tuple[str, ...] = (
    STABLE_ALLIANCE,
    REPAIRED_RUPTURE,
    UNREPAIRED_RUPTURE,
    DROPOUT_AFTER_RUPTURE,
    DROPOUT_WITHOUT_RUPTURE,
    SPLIT_ALLIANCE,
    BALANCED_COUPLE,
    RECOVERY,
    RELIABLE_IMPROVEMENT,
    NON_RESPONDER,
    DETERIORATION,
    RISK_ITEM,
    CRISIS_FEEDBACK,
    CONDUCT_CONCERN_FEEDBACK,
    MISALIGNMENT_FEEDBACK,
)

OUTCOME_KINDS: tuple[str, ...] = (RECOVERY, RELIABLE_IMPROVEMENT, NON_RESPONDER, DETERIORATION)

MIN_BASELINE_SESSIONS = 3
VISIBLE_TOTAL_DROP = 3
VISIBLE_ITEM_DROP = 2
SPLIT_GAP = 6

# Outcome thresholds (clinical-facts §4.2, §5): caseness and reliable change.
PHQ9_CASENESS = 10
GAD7_CASENESS = 8
CORE10_CUTOFF = 11
PHQ9_RELIABLE_CHANGE = 6
GAD7_RELIABLE_CHANGE = 4
CORE10_RELIABLE_CHANGE = 6


def baseline(series: Sequence[Sequence[int]], index: int) -> float:
    """Mean alliance total of the sessions before ``index``."""
    totals = [sum(v) for v in series[:index]]
    return sum(totals) / len(totals)


def visible_drop(series: Sequence[Sequence[int]], index: int) -> bool:
    """True when session ``index`` (0-based, attended sessions only) shows a visible drop."""
    if index < MIN_BASELINE_SESSIONS:
        return False
    prior = series[:index]
    current = series[index]
    if baseline(series, index) - sum(current) >= VISIBLE_TOTAL_DROP:
        return True
    for item, answer in enumerate(current):
        item_mean = sum(v[item] for v in prior) / len(prior)
        if item_mean - answer >= VISIBLE_ITEM_DROP:
            return True
    return False


def visible_drops(series: Sequence[Sequence[int]]) -> list[int]:
    """Indices of every session with a visible drop."""
    return [i for i in range(len(series)) if visible_drop(series, i)]
