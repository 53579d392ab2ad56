"""Starting a practice from nothing, and the settings its admin chooses."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import Conflict, InvalidImport, InvalidInput, NotFound
from bordin.domain.instruments import default_registry
from bordin.domain.instruments.registry import Registry
from bordin.services import practice_setup
from bordin.services.crisis import lines_for_practice
from bordin.services.feedback_form import configured_measures
from bordin.services.instruments import import_questionnaire
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow, CustomInstrumentRow, PracticeRow, UserRow
from tests.fixtures.cast import PASSWORD, Cast

ADMIN = {
    "admin_username": "ada",
    "admin_email": "ada@example.org",
    "admin_name": "Ada Admin",
    "admin_password": PASSWORD,
}


def test_init_makes_the_practice_and_its_admin_in_one_go(db: Session, rt: Runtime) -> None:
    practice, admin = practice_setup.init_practice(
        db, rt, name="Riverside Therapy", locale="EU", timezone="Europe/Dublin", **ADMIN
    )
    assert (practice.name, practice.locale, practice.timezone) == (
        "Riverside Therapy",
        "EU",
        "Europe/Dublin",
    )
    assert admin.role == "admin" and admin.practice_id == practice.id
    assert db.scalars(select(AuditEventRow).where(AuditEventRow.entity == "practice")).one()


def test_init_refuses_bad_details_naming_each_field_and_stores_nothing(
    db: Session, rt: Runtime
) -> None:
    with pytest.raises(InvalidInput) as refused:
        practice_setup.init_practice(
            db,
            rt,
            name="",
            locale="XX",
            timezone="Mars/Olympus",
            admin_username="Ada Admin",
            admin_email="nope",
            admin_name="Ada",
            admin_password="short",
        )
    fields = {e.field for e in refused.value.errors}
    assert {"name", "locale", "timezone", "username", "email", "password"} <= fields
    db.rollback()
    assert db.scalars(select(PracticeRow)).all() == []
    assert db.scalars(select(UserRow)).all() == []


def test_init_is_refused_once_a_practice_exists(db: Session, rt: Runtime, cast: Cast) -> None:
    with pytest.raises(Conflict):
        practice_setup.init_practice(
            db, rt, name="Second", locale="UK", timezone="Europe/London", **ADMIN
        )


def test_the_plan_chooses_measures_per_kind_of_episode_and_session(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    practice_setup.set_measure_plan(
        db,
        rt,
        actor=cast.actor(cast.adam),
        practice_id=cast.practice.id,
        plan={
            "individual": [
                {"instrument": "bordin_sac", "every": 1},
                {"instrument": "phq9", "every": 4},
            ],
            "couple": [{"instrument": "srs", "every": 1}],
        },
    )
    practice = db.get(PracticeRow, cast.practice.id)
    assert practice is not None

    def ids(kind: str, number: int) -> list[str]:
        return [i.id for i in configured_measures(practice, kind, number)]

    assert ids("individual", 1) == ["bordin_sac", "phq9"]
    assert ids("individual", 2) == ["bordin_sac"]
    assert ids("individual", 5) == ["bordin_sac", "phq9"]
    assert ids("couple", 3) == ["srs"]


def test_a_bad_plan_names_the_kind_and_changes_nothing(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    with pytest.raises(InvalidInput) as refused:
        practice_setup.set_measure_plan(
            db,
            rt,
            actor=cast.actor(cast.adam),
            practice_id=cast.practice.id,
            plan={"individual": [{"instrument": "phq9", "every": 5}], "couple": []},
        )
    assert {e.field for e in refused.value.errors} == {"individual.phq9.every", "couple_measures"}
    db.rollback()
    practice = db.get(PracticeRow, cast.practice.id)
    assert practice is not None and practice.measure_plan is None


def test_crisis_lines_replace_the_defaults_with_the_emergency_number_first(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    practice = practice_setup.set_crisis_lines(
        db,
        rt,
        actor=cast.actor(cast.adam),
        practice_id=cast.practice.id,
        lines=[
            {"name": "Local crisis team", "number": "0113 555 0000"},
            {"name": "Emergency services", "number": "999", "emergency": True},
        ],
    )
    shown = lines_for_practice(practice, rt)
    assert [line.name for line in shown] == ["Emergency services", "Local crisis team"]


def test_crisis_lines_without_an_emergency_number_are_refused(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    with pytest.raises(InvalidInput) as refused:
        practice_setup.set_crisis_lines(
            db,
            rt,
            actor=cast.actor(cast.adam),
            practice_id=cast.practice.id,
            lines=[{"name": "Local crisis team", "number": "0113 555 0000"}],
        )
    assert refused.value.errors[0].field == "crisis_lines"


@pytest.mark.parametrize("who", ["sue", "alice", "charlie"])
def test_only_the_practices_admin_changes_its_settings(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    with pytest.raises(NotFound):
        practice_setup.update_details(
            db,
            rt,
            actor=cast.actor(getattr(cast, who)),
            practice_id=cast.practice.id,
            name="Taken over",
            locale="UK",
            timezone="Europe/London",
        )


def test_measure_choices_say_which_wording_is_still_to_import(db: Session, cast: Cast) -> None:
    choices = {c.instrument_id: c for c in practice_setup.measure_choices(db, cast.practice.id)}
    assert choices["bordin_sac"].has_wording
    assert choices["srs"].needs_wording and not choices["srs"].has_wording


def _sleepiness(name: str, *, url: str | None = None, top: int = 3) -> bytes:
    questionnaire: dict[str, object] = {
        "resourceType": "Questionnaire",
        "status": "draft",
        "name": name,
        "title": "Synthetic sleepiness",
        "item": [
            {
                "linkId": "nap",
                "type": "integer",
                "text": "Synthetic nap urge",
                "answerOption": [{"valueInteger": v} for v in range(top + 1)],
            }
        ],
    }
    if url:
        questionnaire["url"] = url
    return json.dumps(questionnaire).encode()


@pytest.fixture
def own_registry(monkeypatch: pytest.MonkeyPatch) -> Registry:
    """The process's instrument registry, put back as it was after the test (an import
    registers a custom measure there)."""
    registry = default_registry()
    monkeypatch.setattr(registry, "_by_id", dict(registry._by_id))
    monkeypatch.setattr(registry, "_original", dict(registry._original))
    return registry


def test_a_custom_measure_one_practice_imported_is_not_offered_to_another(
    db: Session, rt: Runtime, cast: Cast, own_registry: Registry
) -> None:
    name = f"SyntheticSleepiness{uuid.uuid4().hex[:8]}"
    summary = import_questionnaire(
        db, rt, practice_id=cast.other_practice.id, data=_sleepiness(name)
    )
    assert summary.action == "registered_custom"
    theirs = [c.instrument_id for c in practice_setup.measure_choices(db, cast.other_practice.id)]
    ours = [c.instrument_id for c in practice_setup.measure_choices(db, cast.practice.id)]
    assert summary.instrument_id in theirs
    assert summary.instrument_id not in ours and "phq9" in ours
    with pytest.raises(InvalidInput):
        practice_setup.set_measure_plan(
            db,
            rt,
            actor=cast.actor(cast.adam),
            practice_id=cast.practice.id,
            plan={"individual": [{"instrument": summary.instrument_id, "every": 1}]},
        )


def test_a_practice_cannot_replace_another_practices_custom_measure(
    db: Session, rt: Runtime, cast: Cast, own_registry: Registry
) -> None:
    # One registry scores every practice's custom measures. A second practice's different
    # file under the same name, or from the same address, would replace the first practice's
    # measure in the middle of its work: it is refused, nothing stored.
    registry = own_registry
    name = f"SyntheticSleepiness{uuid.uuid4().hex[:8]}"
    url = f"https://example.org/Questionnaire/{name}"
    first = import_questionnaire(
        db, rt, practice_id=cast.other_practice.id, data=_sleepiness(name, url=url)
    )
    scored_before = registry.get(first.instrument_id)
    same_name = _sleepiness(name, url=url + "-v2", top=5)
    same_address = _sleepiness(name + "Renamed", url=url, top=5)
    for data, place in ((same_name, "$.name"), (same_address, "$.url")):
        with pytest.raises(InvalidImport) as refused:
            import_questionnaire(db, rt, practice_id=cast.practice.id, data=data)
        assert [e.field for e in refused.value.errors] == [place]
        assert "another practice" in refused.value.errors[0].message
    assert registry.get(first.instrument_id) == scored_before
    assert db.scalars(
        select(CustomInstrumentRow.practice_id).where(
            CustomInstrumentRow.instrument_id == first.instrument_id
        )
    ).all() == [cast.other_practice.id]
    # The same file is one measure, which both practices may use.
    shared = import_questionnaire(
        db, rt, practice_id=cast.practice.id, data=_sleepiness(name, url=url)
    )
    assert shared.instrument_id == first.instrument_id
    assert registry.get(first.instrument_id) == scored_before
