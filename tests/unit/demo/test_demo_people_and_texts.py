"""Names are realistic and varied (Faker, fixed seed), and every free text is one Bordin wrote."""

from __future__ import annotations

from collections import Counter

from bordin.demo import DemoPractice
from bordin.demo import feedback as fb
from bordin.demo.people import STAFF_SURNAMES, THERAPIST_CAST


def test_client_names_are_unique_varied_and_never_a_staff_surname(
    any_practice: DemoPractice,
) -> None:
    names = [c.display_name for c in any_practice.clients]
    assert len(set(names)) == len(names)
    surnames = Counter(name.split()[-1] for name in names)
    # Varied: no surname is shared by more than a handful of clients (Smith and Jones are
    # common in England; couples may share one).
    assert len(surnames) > len(names) * 0.6
    assert max(surnames.values()) <= 10
    assert not set(surnames) & set(STAFF_SURNAMES)


def test_client_names_are_not_the_old_joke_surnames(practice: DemoPractice) -> None:
    jokes = ("test", "sample", "mock", "demo", "fixture", "placeholder", "fake", "dummy")
    for client in practice.clients:
        assert not any(j in client.display_name.lower() for j in jokes), client.display_name


def test_clients_who_want_therapy_in_polish_spanish_or_french_have_names_from_there(
    practice: DemoPractice,
) -> None:
    polish = [c for c in practice.clients if c.preferred_language == "pl"]
    assert polish
    # Polish names and surnames often carry letters English has no use for, or end in -ska/-ski.
    assert any(
        any(ch in c.display_name for ch in "ąćęłńóśźż") or c.display_name.endswith(("ska", "ski"))
        for c in polish
    )


def test_staff_are_the_documented_cast(practice: DemoPractice) -> None:
    names = {p.display_name for p in practice.staff}
    assert names == {"Dr Helen Marsh", "Priya Shah"} | {n for n, _, _ in THERAPIST_CAST}


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
        "helen.marsh",
        "priya.shah",
        "daniel.hughes",
        "kasia.nowak",
        "lucia.romero",
        "noor.rahman",
        "rhys.llewellyn",
        "tom.bradley",
        "grace.mercier",
        "ben.adeyemi",
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
