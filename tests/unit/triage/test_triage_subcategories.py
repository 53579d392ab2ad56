"""Every rule family fires on its own example, and each subcategory is recognised."""

from __future__ import annotations

import pytest

from bordin.domain.triage import rules_triage as triage
from bordin.domain.triage.lexicon import GUARDS, RULES
from bordin.domain.triage.normalisation import canonical
from bordin.domain.triage.patterns import Guard, Rule


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.category}.{r.id}")
def test_each_rule_fires_on_its_documented_example(rule: Rule) -> None:
    fired = [h.rule for h in triage(rule.example).hits if h.status == "counts"]

    assert f"{rule.category}.{rule.id}" in fired


@pytest.mark.parametrize("guard", GUARDS, ids=lambda g: g.id)
def test_each_guard_covers_its_documented_example(guard: Guard) -> None:
    assert guard.compiled.search(canonical(guard.example).text)


SUBCATEGORY_CASES = [
    # crisis
    ("I keep thinking about ending my life.", "crisis", "suicidal_thoughts"),
    ("Everyone would be better off without me.", "crisis", "suicidal_thoughts"),
    ("I've started cutting again.", "crisis", "self_harm"),
    ("I've been starving myself as a punishment.", "crisis", "self_harm"),
    ("I'm scared I'll hurt my son when I'm that angry.", "crisis", "harm_to_others"),
    ("My partner hit me after our couples session.", "crisis", "safeguarding"),
    ("The kids next door are left alone all weekend.", "crisis", "safeguarding"),
    # conduct
    ("She told my husband what I said in my individual session.", "conduct", "confidentiality"),
    ("He asked me out for a drink.", "conduct", "sexual_conduct"),
    ("She asked me to babysit her kids.", "conduct", "exploitation"),
    ("He asked if I could lend him £200.", "conduct", "money_or_gifts"),
    ("He said women are too emotional.", "conduct", "discrimination"),
    ("She keeps deadnaming me.", "conduct", "discrimination"),
    ("My therapist sent me a friend request.", "conduct", "dual_relationship"),
    ("He fell asleep during my session.", "conduct", "impairment"),
    ("She smelt of alcohol and was slurring.", "conduct", "impairment"),
    ("He lied to me about being registered.", "conduct", "dishonesty"),
    ("She said she'd wing it with my eating disorder.", "conduct", "competence"),
    ("I don't know if that's allowed.", "conduct", "boundaries"),
    # misalignment
    ("We keep going round in circles.", "misalignment", "goals"),
    ("Honestly the sessions feel like a waste of time.", "misalignment", "goals"),
    ("I'm not a fan of the homework sheets.", "misalignment", "tasks"),
    ("It all felt a bit rushed.", "misalignment", "pace"),
    ("I'd like more structure.", "misalignment", "approach"),
    ("She kept interrupting me.", "misalignment", "unheard"),
    ("I felt judged about my drinking.", "misalignment", "judged"),
    ("It felt like you took my wife's side.", "misalignment", "taking_sides"),
    ("She assumed my partner was a man.", "misalignment", "cultural"),
    ("The video kept freezing.", "misalignment", "logistics"),
    # positive
    ("Thank you, that really helped.", "positive", "appreciation"),
    ("It's been months since I last self-harmed.", "positive", "improvement"),
    ("I never felt judged.", "positive", "reassurance"),
]


@pytest.mark.parametrize(("text", "category", "subcategory"), SUBCATEGORY_CASES)
def test_each_subcategory_is_recognised(text: str, category: str, subcategory: str) -> None:
    result = triage(text)

    assert (result.category, result.subcategory) == (category, subcategory)


def test_a_text_with_several_complaints_is_named_by_the_most_relational_one() -> None:
    result = triage("The room was cold and I felt judged.")

    assert result.subcategory == "judged"
    assert result.evidence == ("The room was cold", "judged")


def test_someone_elses_suicide_is_bereavement_not_crisis() -> None:
    result = triage("It was hard talking about my dad's suicide but I'm glad we did.")

    assert result.category == "positive"
    assert any(h.status == "discounted" for h in result.hits)


@pytest.mark.parametrize(
    "text",
    [
        "I fell asleep on the bus home.",
        "I had a glass of wine to celebrate.",
        "My husband fell asleep during the film.",
    ],
)
def test_the_clients_own_actions_are_not_therapist_impairment(text: str) -> None:
    result = triage(text)

    assert result.category != "conduct"
    assert any(h.status == "not_about_therapist" for h in result.hits)
