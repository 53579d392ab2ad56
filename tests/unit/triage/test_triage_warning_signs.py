"""Warning signs of suicide send a text for a same-day risk review, never straight to crisis.

Each sign fires on the client's own present statement, and not when it is denied, told of
someone else, placed in the past or only supposed.
"""

from __future__ import annotations

import pytest

from bordin.domain.triage import CLINICAL_LEAD, rules_triage, triage
from bordin.domain.triage.lexicon.warning_signs import WARNING_SIGNS

#: sign: (first person, negated, someone else's, past, hypothetical)
FORMS: dict[str, tuple[str, str, str, str, str]] = {
    "sign_burden": (
        "Honestly I'm just a drain on everyone.",
        "I'm not a drain on anyone.",
        "My mum feels like a drain on us all.",
        "Years ago I felt like a drain on everyone.",
        "If I feel like a drain on everyone again I'll say.",
    ),
    "sign_no_reason_to_live": (
        "There's nothing left to live for.",
        "I don't feel there is nothing left to live for.",
        "She says there is nothing left to live for.",
        "At my worst there was nothing left to live for.",
        "Imagine having nothing left to live for.",
    ),
    "sign_trapped": (
        "I feel completely trapped.",
        "I don't feel trapped.",
        "My sister feels trapped.",
        "I used to feel trapped.",
        "Whether I feel trapped depends on the day.",
    ),
    "sign_goodbye": (
        "I've been saying my goodbyes to people.",
        "I have not said my goodbyes to anyone.",
        "My dad has been saying his goodbyes.",
        "Back then I was saying my goodbyes.",
        "If I said my goodbyes now it would feel strange.",
    ),
    "sign_giving_away": (
        "Gave away my guitar and my records this week.",
        "I haven't given away my guitar, I lent it.",
        "My brother gave away my guitar.",
        "When I was a teenager I gave away my guitar.",
        "If I gave away my guitar I'd regret it.",
    ),
    "sign_will_and_affairs": (
        "I've been putting my affairs in order.",
        "I'm not putting my affairs in order.",
        "My dad has been putting his affairs in order, which is sensible at 80.",
        "I used to keep my affairs in order.",
        "If I put my affairs in order I'd feel more grown up.",
    ),
    "sign_means": (
        "I bought a rope.",
        "I haven't bought a rope.",
        "My neighbour bought a rope.",
        "Years ago I bought a rope.",
        "What if I bought a rope?",
    ),
    "sign_researching": (
        "I keep reading about the most painless way to go.",
        "Not reading about the most painless way to go.",
        "He keeps reading about the most painless way to go.",
        "In the past I looked up the most painless way to go.",
        "Imagine googling the most painless way to go.",
    ),
    "sign_sudden_calm": (
        "I feel strangely calm now that I've decided.",
        "I don't feel calm now that I've decided.",
        "She felt calm now that she had decided.",
        "At the time I felt calm since I had decided.",
        "If I felt calm about my decision I'd tell you.",
    ),
    "sign_time_or_date": (
        "I've picked a date.",
        "I haven't picked a date.",
        "My friend has picked a date.",
        "Back then I had picked a date.",
        "If I picked a date I'd tell you.",
    ),
}


def _counted(text: str, rule: str) -> bool:
    return any(h.rule == f"crisis.{rule}" and h.status == "counts" for h in rules_triage(text).hits)


def test_every_warning_sign_has_its_five_forms_here() -> None:
    assert {r.id for r in WARNING_SIGNS} == set(FORMS)


@pytest.mark.parametrize("rule", sorted(FORMS))
def test_a_warning_sign_in_the_first_person_flags_a_risk_review_not_a_crisis(rule: str) -> None:
    result = rules_triage(FORMS[rule][0])

    assert _counted(FORMS[rule][0], rule)
    assert result.category != "crisis"
    assert result.risk_review
    assert result.shows_crisis_help
    assert CLINICAL_LEAD in result.route


@pytest.mark.parametrize(
    ("rule", "form"),
    [(rule, n) for rule in sorted(FORMS) for n in range(1, 5)],
)
def test_a_warning_sign_denied_told_of_someone_else_past_or_supposed_does_not_count(
    rule: str, form: int
) -> None:
    text = FORMS[rule][form]

    assert not _counted(text, rule), text


def test_a_warning_sign_goes_for_review_with_the_model_too_and_quotes_the_client() -> None:
    # A text the model alone does not read as a crisis (model 2026.12-8 reads "Productive
    # week. Wrote my will and sorted the garden." as one, which is the safer reading).
    result = triage("Busy week. Made a will and cleared out the loft.")

    assert result.category != "crisis"
    assert result.risk_review
    assert any("will" in phrase for phrase in result.evidence)


def test_a_warning_sign_beside_a_crisis_leaves_the_crisis_standing() -> None:
    result = rules_triage("I want to die. I've picked a date.")

    assert result.category == "crisis"
    assert not result.risk_review


@pytest.mark.parametrize(
    "text",
    [
        "We picked a date for the wedding!",
        "Said my goodbyes at work today, new job on Monday.",
        "I wrote a letter to my dad like you suggested.",
        "I bought some paracetamol for my headache.",
        "I feel calm since I decided to change jobs.",
        "I've made my decision about the course.",
        "I'm saving up for a car.",
    ],
)
def test_everyday_plans_and_purchases_are_not_warning_signs(text: str) -> None:
    assert not rules_triage(text).risk_review
