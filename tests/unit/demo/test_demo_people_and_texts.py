"""Everyone is obviously synthetic, and every free text is one Bordin wrote."""

from __future__ import annotations

from bordin.testing.demo import feedback as fb
from bordin.testing.demo.people import CLIENT_SURNAMES, FIRST_NAMES, THERAPIST_CAST
from bordin.testing.demo_practice import DemoPractice

ALL_FIRST_NAMES = {name for names in FIRST_NAMES.values() for name in names}


def test_client_names_come_from_the_synthetic_lists(any_practice: DemoPractice) -> None:
    names = [c.display_name for c in any_practice.clients]
    assert len(set(names)) == len(names)
    for name in names:
        first, last = name.split(" ", 1)
        assert first in ALL_FIRST_NAMES
        assert last in CLIENT_SURNAMES


def test_staff_are_the_documented_cast(practice: DemoPractice) -> None:
    names = {p.display_name for p in practice.staff}
    assert names == {"Dr Ada Testwell", "Pat Placeholder"} | {n for n, _, _ in THERAPIST_CAST}


def test_everyone_has_a_unique_username_and_an_example_org_address(
    any_practice: DemoPractice,
) -> None:
    people = [*any_practice.staff, *any_practice.clients]
    usernames = [p.username for p in people]
    assert len(set(usernames)) == len(usernames)
    for person in people:
        assert person.email == f"{person.username}@example.org"
    for client in any_practice.clients:
        assert client.username == client.client_id.lower()
        assert client.locale == "en-GB"


def test_staff_usernames_are_first_dot_last(practice: DemoPractice) -> None:
    assert {p.username for p in practice.staff} == {
        "ada.testwell",
        "pat.placeholder",
        "sam.example",
        "kasia.mockley",
        "lucia.fixture",
        "noor.sampleton",
        "rhys.demoson",
        "tom.trialworth",
        "grace.specimen",
        "ben.draftwood",
    }


def test_every_feedback_text_is_from_our_own_list_for_its_category(
    any_practice: DemoPractice,
) -> None:
    seen = 0
    for episode in any_practice.episodes:
        for session in episode.sessions:
            for note in session.feedback:
                seen += 1
                assert note.text in fb.TEXTS_BY_CATEGORY[note.category]
                assert note.client_id in episode.client_ids
    assert seen >= 40


def test_each_client_writes_at_most_one_text_per_session(any_practice: DemoPractice) -> None:
    for episode in any_practice.episodes:
        for session in episode.sessions:
            writers = [n.client_id for n in session.feedback]
            assert len(writers) == len(set(writers))


def test_feedback_is_mostly_positive_or_everyday(practice: DemoPractice) -> None:
    categories = [n.category for e in practice.episodes for s in e.sessions for n in s.feedback]
    everyday = sum(c in ("positive", "other") for c in categories)
    assert everyday / len(categories) >= 0.6
    assert categories.count("positive") > categories.count("other")
