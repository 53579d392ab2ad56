"""Every planted pattern can be seen in the data itself, not only in the ground truth."""

from __future__ import annotations

from tests.unit.demo.demo_checks import drop_at, sac_totals, score, series, visible

from bordin.demo import PATTERN_KINDS, DemoPractice


def _history_and_current(practice: DemoPractice, pattern) -> tuple[list[tuple], tuple, list]:
    rows = sac_totals(practice, pattern.episode_id, pattern.client_id)
    numbers = [n for n, _ in rows]
    k = numbers.index(pattern.sessions[0])
    return [v for _, v in rows[:k]], rows[k][1], rows[k + 1 :]


def test_every_pattern_kind_is_planted(practice: DemoPractice) -> None:
    planted = {p.kind for p in practice.ground_truth}
    assert planted == set(PATTERN_KINDS)


def test_each_repaired_rupture_drops_and_rebounds_within_two_sessions(
    any_practice: DemoPractice,
) -> None:
    patterns = any_practice.patterns("repaired_rupture")
    assert patterns
    for pattern in patterns:
        history, current, later = _history_and_current(any_practice, pattern)
        assert len(history) >= 3
        total_drop, item_drop = drop_at(history, current)
        assert total_drop >= 3 or item_drop >= 2
        baseline = sum(sum(v) for v in history) / len(history)
        repair_number = pattern.sessions[-1]
        steps = [n for n, _ in later].index(repair_number) + 1
        assert steps in (1, 2)
        repaired = dict(later)[repair_number]
        assert sum(repaired) >= baseline - 1
        assert pattern.details["repair_sessions"] == steps


def test_each_unrepaired_rupture_stays_down(any_practice: DemoPractice) -> None:
    patterns = any_practice.patterns("unrepaired_rupture")
    assert patterns
    for pattern in patterns:
        history, current, later = _history_and_current(any_practice, pattern)
        total_drop, item_drop = drop_at(history, current)
        assert total_drop >= 3 or item_drop >= 2
        baseline = sum(sum(v) for v in history) / len(history)
        assert len(later) >= 2
        assert all(sum(v) <= baseline - 3 for _, v in later)


def test_each_dropout_ends_within_two_appointments_of_a_rupture(
    any_practice: DemoPractice,
) -> None:
    patterns = any_practice.patterns("dropout_after_rupture")
    assert patterns
    for pattern in patterns:
        episode = any_practice.episode(pattern.episode_id)
        assert episode.status == "dropped_out"
        history, current, _ = _history_and_current(any_practice, pattern)
        total_drop, item_drop = drop_at(history, current)
        assert total_drop >= 3 or item_drop >= 2
        after = [s for s in episode.sessions if s.number > pattern.sessions[0]]
        assert 1 <= len(after) <= 2
        assert after[-1].status == "no_show"
        assert episode.end_date == after[-1].starts_at.date()


def test_stable_alliance_clients_show_no_drop_that_would_count_as_a_rupture(
    any_practice: DemoPractice,
) -> None:
    for pattern in any_practice.patterns("stable_alliance"):
        rows = [v for _, v in sac_totals(any_practice, pattern.episode_id, pattern.client_id)]
        for i in range(len(rows)):
            assert not visible(rows[:i], rows[i]), (pattern.episode_id, i)


def test_growth_episodes_end_higher_than_they_start(practice: DemoPractice) -> None:
    growth = [p for p in practice.patterns("stable_alliance") if p.details["shape"] == "growth"]
    assert growth
    for pattern in growth:
        rows = [v for _, v in sac_totals(practice, pattern.episode_id, pattern.client_id)]
        assert sum(rows[-1]) > sum(rows[0])


def test_each_split_couple_has_a_gap_of_six_or_more_for_several_sessions(
    any_practice: DemoPractice,
) -> None:
    patterns = any_practice.patterns("split_alliance")
    assert len(patterns) == any_practice.params.split_couples
    assert sum(bool(p.details["widening"]) for p in patterns) == any_practice.params.widening_splits
    for pattern in patterns:
        episode = any_practice.episode(pattern.episode_id)
        lower = series(episode, pattern.client_id, "bordin_sac")
        higher = series(episode, str(pattern.details["higher_partner"]), "bordin_sac")
        gaps = [sum(higher[n]) - sum(lower[n]) for n in pattern.sessions]
        assert len(gaps) >= 3
        assert min(gaps) >= 6
        assert gaps == pattern.details["gaps"]
        if pattern.details["widening"]:
            assert gaps[-1] > gaps[0]
            assert gaps == sorted(gaps)


def test_balanced_couples_never_come_near_a_split(any_practice: DemoPractice) -> None:
    for pattern in any_practice.patterns("balanced_couple"):
        episode = any_practice.episode(pattern.episode_id)
        first, second = (series(episode, c, "bordin_sac") for c in episode.client_ids)
        assert all(abs(sum(first[n]) - sum(second[n])) < 6 for n in first)


def _first_and_last(practice: DemoPractice, pattern, instrument: str) -> tuple[int, int]:
    answers = series(practice.episode(pattern.episode_id), pattern.client_id, instrument)
    first, last = pattern.sessions
    return score(instrument, answers[first]), score(instrument, answers[last])


def test_each_deterioration_is_six_or_more_phq9_points(any_practice: DemoPractice) -> None:
    patterns = any_practice.patterns("deterioration")
    assert patterns
    for pattern in patterns:
        intake, final = _first_and_last(any_practice, pattern, "phq9")
        assert final - intake >= 6
        assert (intake, final) == (pattern.details["phq9_intake"], pattern.details["phq9_final"])


def test_each_recovery_crosses_below_caseness_with_reliable_improvement(
    any_practice: DemoPractice,
) -> None:
    patterns = any_practice.patterns("recovery")
    assert patterns
    for pattern in patterns:
        if pattern.details["measure"] == "core10":
            intake, final = _first_and_last(any_practice, pattern, "core10")
            assert intake >= 11 and final < 11 and intake - final >= 6
            continue
        phq_in, phq_out = _first_and_last(any_practice, pattern, "phq9")
        gad_in, gad_out = _first_and_last(any_practice, pattern, "gad7")
        assert phq_in >= 10 or gad_in >= 8
        assert phq_out < 10 and gad_out < 8
        assert phq_in - phq_out >= 6 or gad_in - gad_out >= 4


def test_each_reliable_improvement_stays_above_caseness(any_practice: DemoPractice) -> None:
    for pattern in any_practice.patterns("reliable_improvement"):
        instrument = str(pattern.details["measure"])
        intake, final = _first_and_last(any_practice, pattern, instrument)
        assert intake - final >= 6
        assert final >= (11 if instrument == "core10" else 10)


def test_each_non_responder_stays_flat(any_practice: DemoPractice) -> None:
    patterns = any_practice.patterns("non_responder")
    assert patterns
    for pattern in patterns:
        instrument = str(pattern.details["measure"])
        intake, final = _first_and_last(any_practice, pattern, instrument)
        assert abs(final - intake) < 6
        if instrument == "phq9":
            gad_in, gad_out = _first_and_last(any_practice, pattern, "gad7")
            assert abs(gad_out - gad_in) < 4


def test_every_client_has_exactly_one_outcome_pattern(any_practice: DemoPractice) -> None:
    outcome_kinds = ("recovery", "reliable_improvement", "non_responder", "deterioration")
    planted = sorted(p.client_id for p in any_practice.ground_truth if p.kind in outcome_kinds)
    assert planted == sorted(c.client_id for c in any_practice.clients)


def test_phq9_item9_is_endorsed_only_where_planted(any_practice: DemoPractice) -> None:
    planted = {
        (p.client_id, p.sessions[0]): p.details["item9"] for p in any_practice.patterns("risk_item")
    }
    assert 1 <= len(planted) <= any_practice.params.risk_clients
    found = {}
    for episode in any_practice.episodes:
        for session in episode.sessions:
            for administration in session.administrations:
                if administration.instrument == "phq9" and administration.answers[8]:
                    found[(administration.client_id, session.number)] = administration.answers[8]
    assert found == planted


def test_the_crisis_text_comes_with_a_risk_item_endorsement(any_practice: DemoPractice) -> None:
    crises = any_practice.patterns("crisis_feedback")
    assert len(crises) == any_practice.params.crisis_texts
    risks = {(p.client_id, p.sessions) for p in any_practice.patterns("risk_item")}
    for crisis in crises:
        assert (crisis.client_id, crisis.sessions) in risks


def test_feedback_ground_truth_matches_the_texts_in_the_sessions(
    any_practice: DemoPractice,
) -> None:
    kinds = {
        "crisis": "crisis_feedback",
        "conduct_concern": "conduct_concern_feedback",
        "misalignment": "misalignment_feedback",
    }
    in_sessions = sorted(
        (kinds[f.category], f.client_id, s.number, f.text)
        for e in any_practice.episodes
        for s in e.sessions
        for f in s.feedback
        if f.category in kinds
    )
    planted = sorted(
        (p.kind, p.client_id, p.sessions[0], p.details["text"])
        for p in any_practice.ground_truth
        if p.kind in kinds.values()
    )
    assert in_sessions == planted
    assert (
        len(any_practice.patterns("conduct_concern_feedback"))
        == any_practice.params.conduct_concerns
    )


def test_misalignment_texts_mostly_accompany_an_alliance_drop(practice: DemoPractice) -> None:
    texts = practice.patterns("misalignment_feedback")
    with_drop = [p for p in texts if p.details["with_alliance_drop"]]
    assert len(with_drop) >= len(texts) / 2
    assert len(texts) - len(with_drop) == practice.params.misalignment_without_rupture


def test_patterns_point_at_real_episodes_clients_and_sessions(any_practice: DemoPractice) -> None:
    for pattern in any_practice.ground_truth:
        episode = any_practice.episode(pattern.episode_id)
        assert pattern.client_id in episode.client_ids
        numbers = {s.number for s in episode.sessions}
        assert pattern.sessions and set(pattern.sessions) <= numbers
