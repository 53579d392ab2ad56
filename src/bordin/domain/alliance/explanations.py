"""How each signal explains itself: one builder per kind of signal, from plain numbers.

A signal's :class:`~bordin.domain.alliance.signal.Explanation` carries the rule, a sentence a
therapist reads, the numbers the rule compared, the sessions involved, a suggested next step and
the source. The builders below take the numbers as plain values (no series, no courses), so the
per-episode rules (:mod:`.rupture`, :mod:`.recovery`, :mod:`.change`, :mod:`.split`,
:mod:`.risk`) and the vectorised whole-practice recompute (:mod:`bordin.analytics.signals`) word
every signal the same way from the same numbers. The text lives here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bordin.domain.alliance import citations
from bordin.domain.alliance.signal import Explanation, Number

NEXT_STEP_RUPTURE = (
    "Check in at the start of the next session: invite the client to say what did not feel "
    "right, stay non-defensive and acknowledge your part (see the repair strategies)."
)
NEXT_STEP_UNREPAIRED = (
    "Raise the relationship directly: ask about goals and the way you work together, consider "
    "changing the task or goal, and take it to supervision."
)
NEXT_STEP_REPAIRED = "Name the repair with the client; it is associated with better outcomes."
NEXT_STEP_LOW_ALLIANCE = (
    "Ask what would make the sessions more useful: goals, the way of working, or the "
    "relationship. Low early alliance is associated with dropout."
)
NEXT_STEP_NOT_ON_TRACK = (
    "Review the case: ask about the alliance, motivation, support and life "
    "events (the areas of the OQ clinical support tools), and consider "
    "changing the plan or discussing it in supervision."
)
NEXT_STEP_SPLIT = (
    "Attend to the partner who feels less allied: check their goals and how "
    "safe the sessions feel for them, without taking sides."
)
NEXT_STEP_WIDENING = (
    "Talk with both partners about how each experiences the sessions; a "
    "growing gap predicts ending early."
)
NEXT_STEP_RISK = (
    "Follow up today: contact the client, assess risk and follow the practice's crisis "
    "procedure. The client has been shown crisis contacts."
)

RULE_CITATIONS: Mapping[str, str] = {
    "baseline_drop_2sd": citations.RUPTURE_SD,
    "baseline_drop_1sd": citations.RUPTURE_SD,
    "ceiling_drop": citations.RUPTURE_CEILING,
    "item_drop": citations.RUPTURE_ITEM,
    "cutoff_crossing": citations.RUPTURE_CUTOFF,
}

SHAPE_WORDS: Mapping[str, str] = {
    "v_shape": "a V-shape (one session down, then back)",
    "prolonged_dip": "a prolonged dip (more than one session down, then back)",
    "prolonged_decline": "a prolonged decline (more than one session down, not back)",
    "single_drop": "a single drop so far",
}

_STATUS_WORDS: Mapping[str, str] = {
    "open": "The next ratings will show whether it is repaired.",
    "repaired": "It was repaired.",
    "unrepaired": "It was not repaired in the sessions that followed.",
}


@dataclass(frozen=True)
class ChangeWording:
    """What a reliable-change signal says and suggests."""

    words: str
    next_step: str


CHANGE_WORDING: Mapping[str, ChangeWording] = {
    "reliable_deterioration": ChangeWording(
        "is reliably worse than at the start",
        "Review the case with the client and in supervision; ask about the alliance, life "
        "events and risk.",
    ),
    "reliable_improvement": ChangeWording(
        "is reliably better than at the start",
        "Share the progress with the client and review the goals.",
    ),
    "recovery": ChangeWording(
        "is reliably better than at the start and out of the clinical range",
        "Discuss with the client whether the goals are met and how to end well.",
    ),
}


def measure_name(instrument_id: str) -> str:
    """The name a clinician knows a measure by (``PHQ-9``, ``Session Alliance Check``).

    Read from the instrument registry; a measure the registry does not know is "the measure",
    never its internal id.
    """
    from bordin.domain.errors import InstrumentNotFound
    from bordin.domain.instruments import get_instrument

    try:
        return get_instrument(instrument_id).short_title
    except InstrumentNotFound:
        return "the measure"


#: Goals, tasks and bond as a clinician reads them.
DIMENSION_WORDS: Mapping[str, str] = {
    "goals": "agreement on goals",
    "tasks": "agreement on the way of working",
    "bond": "the bond",
    "overall": "the overall rating",
}


def item_topic(instrument_id: str, link_id: str) -> str:
    """An item's short topic in the project's own words (never the questionnaire's wording)."""
    from bordin.domain.errors import InstrumentNotFound
    from bordin.domain.instruments import get_instrument

    try:
        instrument = get_instrument(instrument_id)
    except InstrumentNotFound:
        return "the risk question"
    for item in instrument.items:
        if item.link_id == link_id and item.topic:
            return item.topic
    return "the risk question"


def fmt_points(x: float) -> str:
    """A score with at most one decimal and no trailing zero (``36``, ``36.5``)."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _fmt_g(x: float) -> str:
    return f"{x:g}"


def _fmt_1(x: float) -> str:
    return f"{x:.1f}"


# --------------------------------------------------------------------------------------------
# Ruptures


def rupture_rule_text(
    *,
    instrument_id: str,
    total: float,
    rules: Sequence[str],
    baseline_n: int,
    baseline_mean: float | None,
    z: float | None,
    score_max: float,
    cutoff: float | None,
    dimensions: Sequence[tuple[str, float, float]],
) -> str:
    """What fired, in words. ``dimensions`` holds (name, earlier mean, new value) per dimension."""
    name = measure_name(instrument_id)
    parts: list[str] = []
    for rule in rules:
        if rule.startswith("baseline_drop") and baseline_mean is not None and z is not None:
            how = "far outside" if rule == "baseline_drop_2sd" else "outside"
            parts.append(
                f"the {name} fell to {fmt_points(total)} of {fmt_points(score_max)}, from this "
                f"client's usual {fmt_points(baseline_mean)} (their average over {baseline_n} "
                f"earlier sessions), {how} their usual ups and downs"
            )
        elif rule == "ceiling_drop":
            parts.append(
                f"the {name} fell from the top score of {fmt_points(score_max)} to "
                f"{fmt_points(total)}"
            )
        elif rule == "cutoff_crossing":
            parts.append(
                f"the {name} is below {fmt_points(cutoff or 0)}, the level at which clients "
                "are usually unhappy with the session"
            )
    for dim_name, level, value in dimensions:
        parts.append(
            f"{DIMENSION_WORDS.get(dim_name, dim_name)} fell to {fmt_points(value)}, from "
            f"their usual {fmt_points(level)}"
        )
    return "; ".join(parts) if parts else f"the {name} dropped"


def rupture_citation(rules: Sequence[str]) -> str:
    """The sources of the rules that fired, then the source of the repair rule."""
    seen: list[str] = []
    for rule in rules:
        text = RULE_CITATIONS[rule.split(":")[0]]
        if text not in seen:
            seen.append(text)
    return " ".join([*seen, citations.REPAIR])


def rupture_explanation(
    *,
    instrument_id: str,
    session_number: int,
    total: float,
    rules: Sequence[str],
    baseline_n: int,
    baseline_mean: float | None,
    baseline_sd: float | None,
    sd_used: float,
    drop: float | None,
    z: float | None,
    score_max: float,
    cutoff: float | None,
    dimensions: Sequence[tuple[str, float, float]],
    level: float,
    tolerance: float,
    status: str,
    shape: str,
    onset: str,
    sessions_below: int,
    sessions: tuple[int, ...],
) -> Explanation:
    """A possible rupture: the rules that fired at its onset, and its course so far."""
    numbers: dict[str, Number] = {
        "score": total,
        "baseline_mean": baseline_mean,
        "baseline_sd": baseline_sd,
        "sd_used": sd_used,
        "drop": drop,
        "z": z,
        "prior_ratings": baseline_n,
        "rules_fired": ",".join(rules),
        "pre_drop_level": level,
        "repair_tolerance": tolerance,
        "shape": shape,
        "onset": onset,
        "sessions_below": sessions_below,
    }
    for dim_name, dim_level, value in dimensions:
        numbers[f"{dim_name}_level"] = dim_level
        numbers[f"{dim_name}_score"] = value
    rule_text = rupture_rule_text(
        instrument_id=instrument_id,
        total=total,
        rules=rules,
        baseline_n=baseline_n,
        baseline_mean=baseline_mean,
        z=z,
        score_max=score_max,
        cutoff=cutoff,
        dimensions=dimensions,
    )
    sentence = (
        f"Possible rupture in session {session_number}: {rule_text}. "
        f"{_STATUS_WORDS[status]} Pattern: {SHAPE_WORDS[shape]}, "
        f"{'sudden' if onset == 'abrupt' else 'after a slow slide'}."
    )
    return Explanation(
        rule="rupture." + rules[0].split(":")[0],
        sentence=sentence,
        numbers=numbers,
        sessions=sessions,
        next_step=NEXT_STEP_UNREPAIRED if status == "unrepaired" else NEXT_STEP_RUPTURE,
        citation=rupture_citation(rules),
    )


def repaired_explanation(
    *,
    instrument_id: str,
    rupture_session: int,
    session_number: int,
    score: float,
    level: float,
    tolerance: float,
    sessions_below: int,
    shape: str,
    sessions: tuple[int, ...],
) -> Explanation:
    """The alliance came back to its pre-drop level within the repair window."""
    return Explanation(
        rule="rupture.repaired",
        sentence=(
            f"The rupture of session {rupture_session} was repaired: the "
            f"{measure_name(instrument_id)} is back to {fmt_points(score)} in session "
            f"{session_number}, close to this client's usual {fmt_points(level)} "
            f"({SHAPE_WORDS[shape]})."
        ),
        numbers={
            "rupture_session": rupture_session,
            "score": score,
            "pre_drop_level": level,
            "repair_tolerance": tolerance,
            "sessions_below": sessions_below,
            "shape": shape,
        },
        sessions=sessions,
        next_step=NEXT_STEP_REPAIRED,
        citation=citations.REPAIR,
    )


def unrepaired_explanation(
    *,
    instrument_id: str,
    rupture_session: int,
    session_number: int,
    score: float,
    level: float,
    tolerance: float,
    sessions_below: int,
    shape: str,
    returned_session: int | None,
    sessions: tuple[int, ...],
) -> Explanation:
    """The alliance did not come back within the window (or the episode ended first)."""
    name = measure_name(instrument_id)
    if returned_session is not None:
        sentence = (
            f"The rupture of session {rupture_session} was not repaired in the sessions that "
            f"followed: by session {session_number} the {name} was still below this client's "
            f"usual {fmt_points(level)}. It came back to that level later, in session "
            f"{returned_session}."
        )
    else:
        sentence = (
            f"The rupture of session {rupture_session} has not been repaired: by session "
            f"{session_number} the {name} had not come back to this client's usual "
            f"{fmt_points(level)} ({SHAPE_WORDS[shape]})."
        )
    return Explanation(
        rule="rupture.unrepaired",
        sentence=sentence,
        numbers={
            "rupture_session": rupture_session,
            "score": score,
            "pre_drop_level": level,
            "repair_tolerance": tolerance,
            "sessions_below": sessions_below,
            "shape": shape,
            "returned_late_session": returned_session,
        },
        sessions=sessions,
        next_step=NEXT_STEP_UNREPAIRED,
        citation=citations.REPAIR,
    )


def low_alliance_explanation(
    *,
    instrument_id: str,
    cutoff: float,
    first_session: int,
    first_score: float,
    sessions_below: int,
    rose_session: int | None,
    sessions: tuple[int, ...],
) -> Explanation:
    """Below the cut-off from the first rating; ``rose_session`` is when it rose above it."""
    return Explanation(
        rule="low_alliance.below_cutoff",
        sentence=(
            f"The {measure_name(instrument_id)} has been below {fmt_points(cutoff)}, the level at "
            "which clients are usually unhappy with the session, since the "
            f"first rating (session {first_session}, {fmt_points(first_score)})"
            + ("." if rose_session is None else f"; it rose above it in session {rose_session}.")
        ),
        numbers={"cutoff": cutoff, "first_score": first_score, "sessions_below": sessions_below},
        sessions=sessions,
        next_step=NEXT_STEP_LOW_ALLIANCE,
        citation=citations.LOW_ALLIANCE,
    )


# --------------------------------------------------------------------------------------------
# Outcomes


def not_on_track_explanation(
    *,
    instrument_id: str,
    higher_is_better: bool,
    intake: float,
    level: str,
    session_number: int,
    observed: float,
    expected: float,
    amber_bound: float,
    red_bound: float,
    predictive_sd: float,
    deviation_sd: float,
    any_red: bool,
    model_label: str,
    model_source: str,
    back_session: int | None,
    sessions: tuple[int, ...],
) -> Explanation:
    """A run of amber or red ratings; the numbers are those of its latest rating."""
    worse = "above" if not higher_is_better else "below"
    first = sessions[0] if sessions else session_number
    behind = "well behind" if level == "red" else "behind"
    earlier = " (further behind earlier)" if level != "red" and any_red else ""
    since = f"since session {first}" if first != session_number else f"in session {first}"
    return Explanation(
        rule="not_on_track.expected_recovery",
        sentence=(
            f"Not on track {since}: in session {session_number} the "
            f"{measure_name(instrument_id)} was {_fmt_1(observed)}, where clients who started "
            f"at {_fmt_1(intake)} are usually around {_fmt_1(expected)} by then; {behind} the "
            f"expected recovery{earlier}."
            + ("" if back_session is None else f" Back on track in session {back_session}.")
        ),
        numbers={
            "intake": intake,
            "observed": observed,
            "expected": expected,
            "amber_bound": amber_bound,
            "red_bound": red_bound,
            "predictive_sd": predictive_sd,
            "deviation_sd": deviation_sd,
            "level": level,
            "worst_level": "red" if any_red else "amber",
            "model": model_label,
            "model_source": model_source,
        },
        sessions=sessions,
        next_step=NEXT_STEP_NOT_ON_TRACK,
        citation=(
            f"Behind from {_fmt_1(amber_bound)}, well behind from {_fmt_1(red_bound)} "
            f"({worse} is worse); {model_words(model_source, model_label)}. "
            + citations.NOT_ON_TRACK
        ),
    )


def model_words(source: str, label: str) -> str:
    """Which expected-recovery model was used, in words."""
    if source == "default":
        return (
            "the expected recovery is a general one built from published figures, because this "
            "practice does not yet have enough finished episodes to work out its own"
        )
    return f"the expected recovery was worked out from this practice's own clients ({label})"


def change_explanation(
    kind: str,
    *,
    instrument_id: str,
    intake: float,
    intake_session: int,
    latest: float,
    latest_session: int,
    reliable_change: float,
    cutoff: float | None,
    first_session: int,
    sessions: tuple[int, ...],
) -> Explanation:
    """Reliable deterioration, reliable improvement or recovery, intake to the latest rating."""
    wording = CHANGE_WORDING[kind]
    delta = latest - intake
    cutoff_words = ""
    if kind == "recovery" and cutoff is not None:
        cutoff_words = f", and past the clinical cut-off of {_fmt_g(cutoff)}"
    since = (
        "" if first_session == latest_session else f" It has been so since session {first_session}."
    )
    return Explanation(
        rule=f"change.{kind}",
        sentence=(
            f"The {measure_name(instrument_id)} {wording.words}: {_fmt_g(intake)} at the start "
            f"(session {intake_session}), {_fmt_g(latest)} in session {latest_session}, a change "
            f"of {abs(delta):g} points where {_fmt_g(reliable_change)} counts as reliable"
            f"{cutoff_words}.{since}"
        ),
        numbers={
            "intake": intake,
            "latest": latest,
            "change": delta,
            "reliable_change": reliable_change,
            "cutoff": cutoff,
            "intake_session": intake_session,
            "latest_session": latest_session,
        },
        sessions=sessions,
        next_step=wording.next_step,
        citation=citations.CHANGE,
    )


# --------------------------------------------------------------------------------------------
# Couples


def split_explanation(
    *,
    instrument_id: str,
    session_number: int,
    partner_a: str,
    partner_b: str,
    a_score: float,
    b_score: float,
    gap: float,
    threshold: float,
    bond_gap: float | None,
    bond_threshold: float | None,
    largest_gap: float,
    first_session: int,
    run_length: int,
    closed_session: int | None,
    sessions: tuple[int, ...],
) -> Explanation:
    """A stretch of split sessions; the numbers are those of its latest session."""
    lower = partner_a if a_score < b_score else partner_b
    bond_words = ""
    if bond_gap is not None and bond_threshold is not None and bond_gap >= bond_threshold:
        bond_words = (
            f"; on bond alone the gap is {fmt_points(bond_gap)} "
            f"(threshold {fmt_points(bond_threshold)})"
        )
    return Explanation(
        rule="split.gap",
        sentence=(
            f"The partners rate the {measure_name(instrument_id)} differently: in session "
            f"{session_number} {fmt_points(a_score)} and {fmt_points(b_score)}, a "
            f"gap of {fmt_points(gap)} (threshold {fmt_points(threshold)}){bond_words}; "
            f"split in {run_length} session{'s' if run_length > 1 else ''} since "
            f"session {first_session}."
            + ("" if closed_session is None else f" Closed in session {closed_session}.")
        ),
        numbers={
            "gap": gap,
            "threshold": threshold,
            "largest_gap": largest_gap,
            "bond_gap": bond_gap,
            "bond_threshold": bond_threshold,
            "partner_a": partner_a,
            "partner_a_score": a_score,
            "partner_b": partner_b,
            "partner_b_score": b_score,
            "lower_partner": lower,
        },
        sessions=sessions,
        next_step=NEXT_STEP_SPLIT,
        citation=citations.SPLIT,
    )


def widening_explanation(
    *,
    instrument_id: str,
    first_gap: float,
    first_session: int,
    latest_gap: float,
    latest_session: int,
    slope: float | None,
    window_sessions: int,
    sessions: tuple[int, ...],
) -> Explanation:
    """The partners' gap growing over the last few joint sessions."""
    return Explanation(
        rule="split.widening",
        sentence=(
            f"The partners' gap on the {measure_name(instrument_id)} is widening: from "
            f"{fmt_points(first_gap)} in session {first_session} to "
            f"{fmt_points(latest_gap)} in session {latest_session} "
            f"(about {fmt_points(slope or 0.0)} points per session over {window_sessions} "
            "sessions)."
        ),
        numbers={
            "slope_per_session": slope,
            "first_gap": first_gap,
            "latest_gap": latest_gap,
            "window_sessions": window_sessions,
        },
        sessions=sessions,
        next_step=NEXT_STEP_WIDENING,
        citation=citations.SPLIT_WIDENING,
    )


# --------------------------------------------------------------------------------------------
# Risk


def item_risk_explanation(
    *, instrument_id: str, position: int, link_id: str, value: float, session_number: int
) -> Explanation:
    """An endorsed risk item (any answer above 0)."""
    return Explanation(
        rule="risk.item_endorsed",
        sentence=(
            f"Risk item answered: {measure_name(instrument_id)} item {position} "
            f"({item_topic(instrument_id, link_id)}) was answered {value:g} (above 0) in session "
            f"{session_number}."
        ),
        numbers={"item": position, "link_id": link_id, "value": value},
        sessions=(session_number,),
        next_step=NEXT_STEP_RISK,
        citation=citations.RISK,
    )


def flag_risk_explanation(*, source: str, detail: str, session_number: int) -> Explanation:
    """Crisis feedback, or a risk item reported outside the item values."""
    words = "Crisis feedback" if source == "crisis_feedback" else "Risk item endorsed"
    detail_words = f" ({detail})" if detail else ""
    return Explanation(
        rule=f"risk.{source}",
        sentence=f"{words} in session {session_number}{detail_words}.",
        numbers={"source": source, "detail": detail},
        sessions=(session_number,),
        next_step=NEXT_STEP_RISK,
        citation=citations.RISK,
    )
