"""The demo practice has the size and shape the issue asks for."""

from __future__ import annotations

from collections import Counter

from tests.unit.demo.demo_checks import TODAY

from bordin.demo import DemoPractice, generate_demo_practice


def test_it_has_eight_therapists_a_clinical_lead_and_a_practice_manager(
    practice: DemoPractice,
) -> None:
    roles = Counter(person.role for person in practice.staff)
    assert roles == {"therapist": 8, "supervisor": 1, "admin": 1}
    assert practice.clinical_lead.role == "supervisor"
    assert practice.clinical_lead.profile is None


def test_every_therapist_has_a_profile_and_the_clinical_lead_as_supervisor(
    practice: DemoPractice,
) -> None:
    for therapist in practice.therapists:
        assert therapist.profile is not None
        assert therapist.profile.languages and therapist.profile.modalities
        assert therapist.profile.specialties and therapist.profile.availability
        assert therapist.profile.weekly_capacity > 0
        assert therapist.supervisor_username == practice.clinical_lead.username
    assert sum(t.profile.works_with_couples for t in practice.therapists if t.profile) >= 2


def test_it_has_298_clients_including_24_couples(practice: DemoPractice) -> None:
    assert len(practice.clients) == 298
    couples = [e for e in practice.episodes if e.kind == "couple"]
    assert len(couples) == 24
    assert all(len(e.client_ids) == 2 for e in couples)
    singles = [e for e in practice.episodes if e.kind == "individual"]
    assert all(len(e.client_ids) == 1 for e in singles)
    every_client = [c for e in practice.episodes for c in e.client_ids]
    assert sorted(every_client) == sorted(c.client_id for c in practice.clients)


def test_every_episode_has_six_to_twenty_four_appointments(any_practice: DemoPractice) -> None:
    for episode in any_practice.episodes:
        assert 6 <= len(episode.sessions) <= 24, episode.episode_id
        assert [s.number for s in episode.sessions] == list(range(1, len(episode.sessions) + 1))
        attended = [s.attended_number for s in episode.sessions if s.status == "attended"]
        assert attended == list(range(1, len(attended) + 1))


def test_couple_episodes_go_only_to_therapists_who_work_with_couples(
    any_practice: DemoPractice,
) -> None:
    for episode in any_practice.episodes:
        if episode.kind == "couple":
            profile = any_practice.staff_member(episode.therapist_username).profile
            assert profile is not None and profile.works_with_couples


def test_every_client_is_seen_by_a_therapist_who_speaks_their_language(
    any_practice: DemoPractice,
) -> None:
    for episode in any_practice.episodes:
        profile = any_practice.staff_member(episode.therapist_username).profile
        assert profile is not None
        for client_id in episode.client_ids:
            assert any_practice.client(client_id).preferred_language in profile.languages


def test_active_caseloads_stay_within_weekly_capacity(any_practice: DemoPractice) -> None:
    caseload = Counter(e.therapist_username for e in any_practice.episodes if e.status == "active")
    for therapist in any_practice.therapists:
        assert therapist.profile is not None
        assert caseload[therapist.username] <= therapist.profile.weekly_capacity


def test_full_time_therapists_carry_15_to_25_active_clients_and_part_time_ones_fewer(
    any_practice: DemoPractice,
) -> None:
    caseload = Counter(e.therapist_username for e in any_practice.episodes if e.status == "active")
    full = [t for t in any_practice.therapists if t.profile and not t.profile.part_time]
    part = [t for t in any_practice.therapists if t.profile and t.profile.part_time]
    assert full and part
    for therapist in full:
        assert 15 <= caseload[therapist.username] <= 25, therapist.username
    for therapist in part:
        assert 5 <= caseload[therapist.username] < 15, therapist.username


def test_it_has_about_a_year_of_history(any_practice: DemoPractice) -> None:
    first = min(e.sessions[0].starts_at.date() for e in any_practice.episodes)
    # history_weeks is where completed episodes are placed; a clash may move one a few weeks.
    assert 46 <= (any_practice.today - first).days / 7 <= 60


def test_it_has_active_completed_and_dropped_out_episodes(practice: DemoPractice) -> None:
    statuses = Counter(e.status for e in practice.episodes)
    assert statuses["active"] >= 100
    assert statuses["completed"] >= 100
    assert 10 <= statuses["dropped_out"] <= 30


def test_ids_are_pseudonymous_and_numbered_in_order_of_first_appointment(
    practice: DemoPractice,
) -> None:
    assert [c.client_id for c in practice.clients] == [f"C-{i:04d}" for i in range(1, 299)]
    assert [e.episode_id for e in practice.episodes] == [f"E-{i:04d}" for i in range(1, 275)]
    starts = [e.sessions[0].starts_at for e in practice.episodes]
    assert starts == sorted(starts)


def test_the_practice_is_in_the_uk(practice: DemoPractice) -> None:
    assert practice.locale == "UK"
    assert practice.timezone == "Europe/London"
    assert "(demo)" in practice.name
    assert practice.today == TODAY


def test_the_alliance_mix_is_close_to_the_documented_shares(practice: DemoPractice) -> None:
    episodes = len(practice.episodes)
    flat = {
        p.episode_id
        for p in practice.patterns("stable_alliance")
        if p.details["shape"] == "flat" and practice.episode(p.episode_id).kind == "individual"
    }
    flat_couples = {p.episode_id for p in practice.patterns("balanced_couple")}
    assert 0.5 <= (len(flat) + len(flat_couples)) / episodes <= 0.7
    assert 25 <= len(practice.patterns("repaired_rupture")) <= 35
    assert 16 <= len(practice.patterns("unrepaired_rupture")) <= 24
    assert 9 <= len(practice.patterns("dropout_after_rupture")) <= 15
    assert len(practice.patterns("split_alliance")) == 8


def test_smaller_parameters_give_a_smaller_practice() -> None:
    from bordin.demo import DemoParams

    small = generate_demo_practice(
        today=TODAY,
        params=DemoParams(
            n_therapists=3,
            n_individual_clients=12,
            n_couples=2,
            split_couples=1,
            widening_splits=1,
            split_dropouts=0,
        ),
    )
    assert len(small.therapists) == 3
    assert len(small.clients) == 16
    assert len(small.episodes) == 14
