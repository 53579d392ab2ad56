"""Item-level answers are complete, in range and in the right instruments."""

from __future__ import annotations

from collections import Counter

from tests.unit.demo.demo_checks import score

from bordin.demo import DemoPractice

SHAPES = {"bordin_sac": (4, 10), "phq9": (9, 3), "gad7": (7, 3), "core10": (10, 4)}


def test_every_answer_is_in_range_for_its_instrument(any_practice: DemoPractice) -> None:
    for episode in any_practice.episodes:
        for session in episode.sessions:
            for administration in session.administrations:
                items, top = SHAPES[administration.instrument]
                assert len(administration.answers) == items
                for answer in administration.answers:
                    assert answer is None or (isinstance(answer, int) and 0 <= answer <= top)


def test_each_attended_session_has_the_right_measures_for_each_participant(
    any_practice: DemoPractice,
) -> None:
    for episode in any_practice.episodes:
        expected = (
            ["bordin_sac", "core10"] if episode.kind == "couple" else ["bordin_sac", "phq9", "gad7"]
        )
        for session in episode.sessions:
            if session.status != "attended":
                assert session.administrations == () and session.feedback == ()
                continue
            for client_id in episode.client_ids:
                mine = [a.instrument for a in session.administrations if a.client_id == client_id]
                assert mine == expected
            assert len(session.administrations) == len(expected) * len(episode.client_ids)


def test_alliance_checks_are_always_complete_and_mostly_near_the_ceiling(
    practice: DemoPractice,
) -> None:
    ratings = [
        answer
        for e in practice.episodes
        for s in e.sessions
        for a in s.administrations
        if a.instrument == "bordin_sac"
        for answer in a.answers
    ]
    assert None not in ratings
    assert sum(8 <= r <= 10 for r in ratings) / len(ratings) >= 0.85
    assert Counter(ratings).most_common(1)[0][0] == 10


def test_skipped_items_are_rare_and_never_first_last_or_risk(any_practice: DemoPractice) -> None:
    skipped = 0
    for episode in any_practice.episodes:
        attended = episode.attended
        for position, session in enumerate(attended):
            for administration in session.administrations:
                if None not in administration.answers:
                    continue
                skipped += 1
                assert administration.instrument != "bordin_sac"
                assert 0 < position < len(attended) - 1
                assert administration.answers.count(None) == 1
                if administration.instrument == "phq9":
                    assert administration.answers[8] is not None
                if administration.instrument == "core10":
                    assert administration.answers[5] is not None
    assert skipped < 60


def test_core10_risk_item_is_never_endorsed_and_reverse_keyed_items_read_the_right_way(
    practice: DemoPractice,
) -> None:
    for episode in practice.episodes:
        if episode.kind != "couple":
            continue
        for session in episode.attended:
            for administration in session.administrations:
                if administration.instrument != "core10":
                    continue
                answers = administration.answers
                assert answers[5] == 0
                # Items 2 and 3 score 4 - answer, so the score never exceeds 36 here.
                assert score("core10", answers) <= 36


def test_recovered_couples_answer_the_positively_worded_items_high_at_the_end(
    practice: DemoPractice,
) -> None:
    for pattern in practice.patterns("recovery"):
        if pattern.details["measure"] != "core10":
            continue
        episode = practice.episode(pattern.episode_id)
        last = next(s for s in episode.sessions if s.number == pattern.sessions[-1])
        answers = last.answers(pattern.client_id, "core10")
        assert answers is not None
        assert answers[1] + answers[2] >= 4
