"""Bad parameters are refused with a message that names the field."""

from __future__ import annotations

import pytest
from tests.unit.demo.demo_checks import TODAY

from bordin.demo import DemoParams, generate_demo_practice
from bordin.demo.params import parameter_rows
from bordin.domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"n_therapists": 9}, "n_therapists"),
        ({"min_sessions": 4}, "min_sessions"),
        ({"max_sessions": 5, "min_sessions": 6}, "max_sessions"),
        ({"stable_share": 0.9}, "stable_share"),
        ({"recovery_share": 0.9}, "recovery_share"),
        ({"split_couples": 25}, "split_couples"),
        ({"crisis_texts": 5}, "crisis_texts"),
        ({"active_share": 1.5}, "active_share"),
    ],
)
def test_it_names_the_bad_parameter(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        generate_demo_practice(today=TODAY, params=DemoParams(**changes))  # type: ignore[arg-type]
    assert field in {e.field for e in caught.value.errors}


def test_couples_need_a_therapist_who_works_with_couples() -> None:
    with pytest.raises(InvalidInput) as caught:
        generate_demo_practice(today=TODAY, params=DemoParams(n_therapists=1))
    assert caught.value.errors[0].field == "n_therapists"


def test_the_default_parameters_are_valid() -> None:
    assert DemoParams().problems() == []


def test_every_parameter_is_documented() -> None:
    rows = parameter_rows()
    assert len(rows) == len(DemoParams.__dataclass_fields__)
    assert all(len(meaning) > 10 for _, _, meaning in rows)
