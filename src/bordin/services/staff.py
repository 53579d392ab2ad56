"""Changing staff accounts (admin only): details, role, therapist profile, password.

Adding and deactivating people is in ``services/users.py``; this is the editing that follows.
Every change is audited, and a person outside the admin's practice is not found. A therapist's
profile (languages, specialisms, ways of working, funding, capacity, the coarse times they can
offer such as ``mon_evening``) is what matching reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role, may_manage_users
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.domain.intake import CONCERN_AREAS, FUNDING, GENDERS, MODES, SLOTS
from bordin.domain.text import clean_line
from bordin.services import audit
from bordin.services import users as user_service
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuthSessionRow, TherapistProfileRow, UserRow

LIST_MAX = 20


@dataclass(frozen=True)
class Profile:
    """A therapist's profile as the edit form sends it."""

    languages: tuple[str, ...] = ("English",)
    modalities: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    works_with_couples: bool = False
    weekly_capacity: int = 20
    gender: str | None = None
    modes: tuple[str, ...] = ("in_person", "remote")
    location: str | None = None
    funding_accepted: tuple[str, ...] = field(default_factory=lambda: tuple(FUNDING))
    accepting_new: bool = True
    availability: tuple[str, ...] = ()


def staff_member(db: Session, *, actor: Actor, user_id: int) -> UserRow:
    """A member of the admin's own practice; anyone else (or a non-admin asking) is not found."""
    user = db.get(UserRow, user_id)
    if user is None or not may_manage_users(actor) or user.practice_id != actor.practice_id:
        raise NotFound("user not found")
    return user


def profile_of(db: Session, user_id: int) -> TherapistProfileRow | None:
    return db.get(TherapistProfileRow, user_id)


def update_user(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    user_id: int,
    display_name: str,
    email: str,
    role: str,
    supervisor_id: int | None,
    is_clinical_lead: bool,
) -> UserRow:
    """Change someone's name, email, role, supervisor or clinical-lead flag."""
    user = staff_member(db, actor=actor, user_id=user_id)
    checked, errors = user_service.user_field_errors(
        username=user.username, email=email, display_name=display_name, role=role, password=None
    )
    if is_clinical_lead and checked is not None and checked != Role.SUPERVISOR:
        errors.append(FieldError("is_clinical_lead", "only a supervisor can be the clinical lead"))
    if supervisor_id == user.id:
        errors.append(FieldError("supervisor", "nobody supervises themselves"))
    else:
        errors += user_service.check_supervisor(db, actor.practice_id, supervisor_id)
    if user.id == actor.user_id and checked is not None and checked != Role.ADMIN:
        errors.append(FieldError("role", "you cannot take away your own admin role"))
    if errors or checked is None:
        raise InvalidInput(errors)
    before = {"role": user.role, "is_clinical_lead": user.is_clinical_lead}
    user.display_name = clean_line(display_name)
    user.email = clean_line(email)
    user.role = str(checked)
    user.supervisor_id = supervisor_id
    user.is_clinical_lead = is_clinical_lead
    if checked in (Role.THERAPIST, Role.SUPERVISOR) and profile_of(db, user.id) is None:
        db.add(TherapistProfileRow(user_id=user.id))
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="user",
        entity_id=user.id,
        at=rt.now(),
        detail={
            "before": before,
            "after": {"role": user.role, "is_clinical_lead": is_clinical_lead},
        },
    )
    db.commit()
    return user


def _words(name: str, values: Sequence[str], errors: list[FieldError]) -> list[str]:
    cleaned = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(cleaned) > LIST_MAX or any(len(v) > 60 for v in cleaned):
        errors.append(FieldError(name, f"up to {LIST_MAX} entries of up to 60 characters"))
    return cleaned


def _known(
    name: str, values: Sequence[str], known: Sequence[str], errors: list[FieldError]
) -> None:
    wrong = [v for v in values if v not in known]
    if wrong:
        errors.append(FieldError(name, f"{wrong[0]!r} is not one of the choices"))


def update_therapist_profile(
    db: Session, rt: Runtime, *, actor: Actor, user_id: int, profile: Profile
) -> TherapistProfileRow:
    """What matching knows about a therapist. Only therapists and supervisors have one."""
    user = staff_member(db, actor=actor, user_id=user_id)
    if user.role not in (Role.THERAPIST, Role.SUPERVISOR):
        raise InvalidInput("only therapists and supervisors have a profile", field="role")
    errors: list[FieldError] = []
    languages = _words("languages", profile.languages, errors)
    modalities = _words("modalities", profile.modalities, errors)
    if not languages:
        errors.append(FieldError("languages", "name at least one language"))
    _known("specialties", profile.specialties, list(CONCERN_AREAS), errors)
    _known("modes", profile.modes, list(MODES), errors)
    _known("funding_accepted", profile.funding_accepted, list(FUNDING), errors)
    _known("availability", profile.availability, list(SLOTS), errors)
    if not profile.modes:
        errors.append(FieldError("modes", "choose in person, online or both"))
    if profile.gender is not None and profile.gender not in GENDERS:
        errors.append(FieldError("gender", "choose one of the options, or leave it unsaid"))
    if not 0 <= profile.weekly_capacity <= 80:
        errors.append(FieldError("weekly_capacity", "must be a number of sessions from 0 to 80"))
    if profile.location is not None and len(profile.location) > 120:
        errors.append(FieldError("location", "is too long (up to 120 characters)"))
    if errors:
        raise InvalidInput(errors)
    row = profile_of(db, user.id)
    if row is None:
        row = TherapistProfileRow(user_id=user.id)
        db.add(row)
    row.languages = languages
    row.modalities = modalities
    row.specialties = list(dict.fromkeys(profile.specialties))
    row.works_with_couples = profile.works_with_couples
    row.weekly_capacity = profile.weekly_capacity
    row.gender = profile.gender
    row.modes = list(dict.fromkeys(profile.modes))
    row.location = (profile.location or "").strip() or None
    row.funding_accepted = list(dict.fromkeys(profile.funding_accepted))
    row.accepting_new = profile.accepting_new
    row.availability = [slot for slot in SLOTS if slot in profile.availability]
    audit.record(
        db, actor=actor, action="update", entity="therapist_profile", entity_id=user.id, at=rt.now()
    )
    db.commit()
    return row


def reset_password(
    db: Session, rt: Runtime, *, actor: Actor, user_id: int, password: str
) -> UserRow:
    """Set a new password and sign the person out everywhere."""
    user = staff_member(db, actor=actor, user_id=user_id)
    problem = user_service.password_problem(password, user.username, user.email, user.display_name)
    if problem:
        raise InvalidInput(problem, field="password")
    user.password_hash = user_service.hash_password(password)
    db.execute(
        update(AuthSessionRow)
        .where(AuthSessionRow.user_id == user.id, AuthSessionRow.revoked_at.is_(None))
        .values(revoked_at=rt.now())
    )
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="user",
        entity_id=user.id,
        at=rt.now(),
        detail={"password_reset": True},
    )
    db.commit()
    return user
