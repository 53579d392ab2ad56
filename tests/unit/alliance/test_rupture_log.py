"""The rupture and repair log: 3RS vocabulary, linking to detected ruptures, closing the loop."""

from __future__ import annotations

import bordin.domain.alliance.repair as repair
from bordin.domain.alliance import (
    MARKERS,
    STRATEGIES,
    TherapistRupture,
    analyse_episode,
    log_problems,
)

from .builders import day, flat_sac, individual, signals


def _log(session: int, **kw: object) -> TherapistRupture:
    defaults: dict[str, object] = {"rupture_type": "withdrawal", "client_id": "client-a"}
    defaults.update(kw)
    return TherapistRupture(session, day(session), **defaults)  # type: ignore[arg-type]


def test_the_vocabulary_has_both_rupture_types_and_both_strategy_families() -> None:
    assert {m.rupture_type for m in MARKERS} == {"withdrawal", "confrontation"}
    assert {s.family for s in STRATEGIES} == {"immediate", "exploratory"}
    assert len({m.key for m in MARKERS}) == len(MARKERS)


def test_the_vocabulary_says_its_names_are_unconfirmed() -> None:
    assert "unconfirmed" in (repair.__doc__ or "")


def test_a_marker_of_the_other_rupture_type_is_refused_in_words() -> None:
    problems = log_problems(
        _log(3, markers=("complaints_therapist",), strategies=("invite_discussion",))
    )
    assert [p.field for p in problems] == ["rupture.markers"]
    assert "confrontation marker" in problems[0].message
    assert "Complaints/concerns about the therapist" in problems[0].message
    assert "complaints_therapist" not in problems[0].message  # the label, never the key


def test_unknown_markers_and_strategies_are_named() -> None:
    problems = log_problems(_log(3, markers=("sulking",), strategies=("shouting",)))
    assert {str(p) for p in problems} == {
        "rupture.markers: unknown marker 'sulking'",
        "rupture.strategies: unknown strategy 'shouting'",
    }


def test_a_logged_rupture_links_to_the_detected_one_in_the_adjacent_session() -> None:
    history = individual(
        flat_sac("client-a", [36, 36, 37, 36, 26, 36]),
        logged=[_log(4, markers=("minimal_response",))],
    )
    analysis = analyse_episode(history, now=day(6))
    [link] = analysis.links
    assert link.detected is not None and link.detected.session_number == 5
    [rupture] = [s for s in analysis.signals if s.type == "rupture"]
    assert rupture.explanation.numbers["logged_rupture_type"] == "withdrawal"
    assert "The therapist logged a withdrawal rupture in session 4" in rupture.explanation.sentence


def test_a_log_two_sessions_away_is_not_linked() -> None:
    history = individual(flat_sac("client-a", [36, 36, 37, 36, 26, 36]), logged=[_log(3)])
    [link] = analyse_episode(history, now=day(6)).links
    assert link.detected is None


def test_the_clients_next_rating_closes_the_loop() -> None:
    history = individual(
        flat_sac("client-a", [36, 36, 37, 36, 36, 36]), logged=[_log(5, resolved=True)]
    )
    assert analyse_episode(history, now=day(5)).links[0].loop == "awaiting_rating"
    assert analyse_episode(history, now=day(6)).links[0].loop == "confirmed_repaired"
    low = individual(
        flat_sac("client-a", [36, 36, 37, 36, 36, 30]), logged=[_log(5, resolved=True)]
    )
    assert analyse_episode(low, now=day(6)).links[0].loop == "not_confirmed"


def test_a_logged_rupture_the_ratings_did_not_show_becomes_its_own_signal() -> None:
    history = individual(
        flat_sac("client-a", [36, 36, 37, 36, 36, 36]),
        logged=[
            _log(
                5,
                rupture_type="confrontation",
                markers=("complaints_progress",),
                strategies=("explain_rationale",),
            )
        ],
    )
    found = signals(history, "rupture", "rupture_repaired")
    assert [(s.type, s.session_number, s.status) for s in found] == [
        ("rupture", 5, "repaired"),
        ("rupture_repaired", 6, "repaired"),
    ]
    assert found[0].explanation.rule == "rupture.therapist_log"
    assert found[0].explanation.numbers["markers"] == "complaints_progress"


def test_a_logged_rupture_still_below_after_the_window_is_unrepaired() -> None:
    history = individual(flat_sac("client-a", [36, 36, 37, 36, 36, 33, 33, 33]), logged=[_log(5)])
    found = signals(history, "rupture", "rupture_unrepaired")
    assert [(s.type, s.session_number) for s in found] == [
        ("rupture", 5),
        ("rupture_unrepaired", 8),
    ]


def test_a_rupture_the_therapist_logged_as_partly_resolved_says_so_in_words() -> None:
    history = individual(
        flat_sac("client-a", [36, 36, 37, 36, 36, 36]),
        logged=[_log(4, resolved="partly", markers=("denial", "abstract_communication"))],
    )
    [logged] = [s for s in signals(history, "rupture") if s.explanation.rule.endswith("log")]
    sentence = logged.explanation.sentence
    assert "partly resolved" in sentence
    assert "denial, abstract communication" in sentence
    assert "abstract_communication" not in sentence
    assert logged.explanation.numbers["therapist_resolved"] == "partly"


def test_a_partly_resolved_log_linked_to_a_detected_rupture_says_so() -> None:
    history = individual(
        flat_sac("client-a", [36, 36, 37, 36, 26, 36]), logged=[_log(5, resolved="partly")]
    )
    [rupture] = signals(history, "rupture")
    assert "(partly resolved)" in rupture.explanation.sentence
