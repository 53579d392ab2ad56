"""Hard constraints: a therapist who fails one is never proposed, and the client is told why."""

from __future__ import annotations

from bordin.domain.matching import (
    Client,
    Therapist,
    TrackRecord,
    admissible,
    client,
    failures,
    propose,
    therapist,
)


def alice(**changes: object) -> Therapist:
    fields: dict[str, object] = {
        "languages": ["English", "Polish"],
        "specialisms": ["anxiety", "low mood"],
        "modalities": ["CBT"],
        "gender": "woman",
        "modes": ["online", "in_person"],
        "location": "Leeds",
        "availability": ["mon_evening", "thu_morning"],
        "funding": ["self_pay", "insurer"],
        "accepting": True,
        "open_slots": 2,
    }
    fields.update(changes)
    return therapist("alice", **fields)


def ann(**changes: object) -> Client:
    fields: dict[str, object] = {
        "languages": ["English"],
        "needs": ["anxiety"],
        "modes": ["online"],
        "availability": ["mon_evening"],
        "funding": ["self_pay"],
    }
    fields.update(changes)
    return client("ann", **fields)


def test_a_therapist_meeting_every_requirement_is_admissible() -> None:
    assert failures(ann(), alice()) == ()


def test_it_compares_words_without_regard_to_case_or_punctuation() -> None:
    client_ = ann(languages=["  english"], availability=["Monday Evening"], modes=["Online"])
    assert admissible(client_, alice(availability=["MON-EVENING"]))


def test_each_hard_constraint_rules_a_therapist_out_on_its_own() -> None:
    cases = {
        "conflict": (ann(exclude_therapists=["alice"]), alice()),
        "capacity": (ann(), alice(open_slots=0)),
        "language": (ann(languages=["Urdu"]), alice()),
        "mode": (ann(modes=["phone"]), alice()),
        "time": (ann(availability=["sat_morning"]), alice()),
        "funding": (ann(funding=["charity"]), alice()),
        "gender": (ann(therapist_gender=["man"], gender_required=True), alice()),
    }
    for constraint, (client_, therapist_) in cases.items():
        assert failures(client_, therapist_) == (constraint,), constraint


def test_a_therapist_not_accepting_new_clients_is_ruled_out_even_with_open_slots() -> None:
    assert failures(ann(), alice(accepting=False, open_slots=5)) == ("capacity",)


def test_location_matters_only_for_in_person_sessions() -> None:
    online = ann(modes=["online"], location="York")
    in_person = ann(modes=["in person"], location="York")
    assert admissible(online, alice())
    assert failures(in_person, alice()) == ("mode",)
    assert admissible(in_person, alice(location="york"))


def test_a_preferred_but_not_required_gender_never_rules_anyone_out() -> None:
    assert admissible(ann(therapist_gender=["man"]), alice())


def test_genders_are_understood_in_common_spellings() -> None:
    client_ = ann(therapist_gender=["female"], gender_required=True)
    assert admissible(client_, alice(gender="Woman"))


def test_an_exclusion_by_number_also_excludes_the_same_id_written_as_text() -> None:
    assert failures(ann(exclude_therapists=[7]), therapist("7"))[0] == "conflict"


def test_a_client_field_left_out_constrains_nothing_but_an_empty_one_admits_nothing() -> None:
    silent = client("c", needs=["anxiety"])
    assert admissible(silent, alice())
    assert "time" in failures(client("c", availability=[]), alice())


def test_a_therapist_with_nothing_recorded_cannot_meet_a_stated_requirement() -> None:
    assert set(failures(ann(), therapist("bare"))) == {
        "language",
        "mode",
        "time",
        "funding",
    }


def test_an_unmatched_client_is_told_which_requirement_ruled_out_how_many() -> None:
    therapists = [
        alice(),
        therapist(
            "bob",
            languages=["English"],
            modes=["online"],
            availability=["tue_morning"],
            funding=["self_pay"],
        ),
        therapist(
            "cem",
            languages=["Turkish"],
            modes=["online"],
            availability=["mon_evening"],
            funding=["self_pay"],
            accepting=False,
        ),
    ]
    result = propose(ann(exclude_therapists=["alice"]), therapists)

    assert result.proposals == ()
    assert dict(result.ruled_out) == {"conflict": 1, "capacity": 1, "language": 1, "time": 1}
    assert result.unmatched_reason == (
        "None of the 3 therapists meets every requirement: "
        "1 is excluded for this client (a conflict of interest); "
        "1 is not taking new clients or has no open slot; "
        "1 does not speak English; "
        "1 has no free time in common with the client."
    )


def test_with_no_therapists_the_reason_says_so() -> None:
    result = propose(ann(), [])
    assert result.unmatched_reason == "No therapists are recorded, so nobody can be proposed."


def test_a_proposal_never_names_anyone_or_shows_an_id() -> None:
    result = propose(ann(), [alice(outcomes=TrackRecord(20, 12))])
    text = " ".join(result.proposals[0].reasons)
    assert "alice" not in text.casefold()
    assert "ann" not in text.casefold().split()


def test_funding_is_said_in_plain_words() -> None:
    result = propose(ann(funding=["insurer"]), [alice(funding=["charity"]), alice(funding=[])])
    assert result.unmatched_reason is not None
    assert "2 do not take health insurance" in result.unmatched_reason
    ok = propose(ann(funding=["insurer"]), [alice()])
    assert "takes health insurance" in ok.proposals[0].reasons[-1]
