"""Editing staff accounts: details, role, therapist profile and password; admin only, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.services import staff
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow
from tests.fixtures.cast import Cast


def test_an_admin_makes_a_therapist_a_supervisor_and_it_is_audited(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    user = staff.update_user(
        db,
        rt,
        actor=cast.actor(cast.adam),
        user_id=cast.bob.id,
        display_name="Bob Therapist-Jones",
        email="bob.jones@example.org",
        role="supervisor",
        supervisor_id=None,
        is_clinical_lead=False,
    )
    assert (user.role, user.display_name, user.supervisor_id) == (
        "supervisor",
        "Bob Therapist-Jones",
        None,
    )
    event = db.scalars(
        select(AuditEventRow).where(
            AuditEventRow.entity == "user", AuditEventRow.action == "update"
        )
    ).one()
    assert event.detail["after"]["role"] == "supervisor"


def test_bad_edits_name_each_field(db: Session, rt: Runtime, cast: Cast) -> None:
    with pytest.raises(InvalidInput) as refused:
        staff.update_user(
            db,
            rt,
            actor=cast.actor(cast.adam),
            user_id=cast.bob.id,
            display_name="",
            email="nope",
            role="therapist",
            supervisor_id=cast.alice.id,
            is_clinical_lead=True,
        )
    assert {e.field for e in refused.value.errors} == {
        "display_name",
        "email",
        "supervisor",
        "is_clinical_lead",
    }


def test_the_profile_holds_what_matching_needs(db: Session, rt: Runtime, cast: Cast) -> None:
    row = staff.update_therapist_profile(
        db,
        rt,
        actor=cast.actor(cast.adam),
        user_id=cast.alice.id,
        profile=staff.Profile(
            languages=("English", "Polish"),
            specialties=("anxiety", "trauma"),
            modes=("remote",),
            gender="woman",
            funding_accepted=("private",),
            weekly_capacity=12,
            accepting_new=False,
            location="Leeds",
        ),
    )
    assert row.languages == ["English", "Polish"] and row.modes == ["remote"]
    assert (row.gender, row.weekly_capacity, row.accepting_new) == ("woman", 12, False)


def test_a_bad_profile_names_the_field(db: Session, rt: Runtime, cast: Cast) -> None:
    with pytest.raises(InvalidInput) as refused:
        staff.update_therapist_profile(
            db,
            rt,
            actor=cast.actor(cast.adam),
            user_id=cast.alice.id,
            profile=staff.Profile(languages=(), weekly_capacity=500, specialties=("astrology",)),
        )
    assert {e.field for e in refused.value.errors} == {
        "languages",
        "weekly_capacity",
        "specialties",
    }


def test_a_password_reset_signs_the_person_out_everywhere(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    signed = user_service.start_session(db, rt, user=cast.bob, origin=Origin("127.0.0.1"))
    staff.reset_password(
        db, rt, actor=cast.actor(cast.adam), user_id=cast.bob.id, password="a brand new password"
    )
    assert user_service.resolve_session(db, rt, signed.token) is None
    user_service.sign_in(
        db, rt, username="bob", password="a brand new password", origin=Origin("127.0.0.1")
    )


@pytest.mark.parametrize("who", ["sue", "alice", "charlie"])
def test_nobody_but_the_practices_admin_edits_staff(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    with pytest.raises(NotFound):
        staff.reset_password(
            db,
            rt,
            actor=cast.actor(getattr(cast, who)),
            user_id=cast.bob.id,
            password="a brand new password",
        )
