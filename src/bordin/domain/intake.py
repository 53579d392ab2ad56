"""Intake: the choices a referral form offers, checking an intake, and time on the waiting list.

A client comes in by a referral (from a GP, say), a self-referral through the practice's public
form, or a member of staff entering what they heard on the telephone. Besides what brings them,
the form asks what they would like in a therapist, because accommodating clients' preferences
reduces dropout (OR 1.79; Swift et al. 2018, clinical-facts §10.2). Identity and culture are
asked about in the client's own words and offered to matching as something the client chose to
say, never inferred (clinical-facts §10.3, design note).

Times are coarse slots a client can make, such as ``mon_evening``; therapists' availability uses
the same names. Pure Python: no framework, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bordin.domain.errors import FieldError, InvalidInput

DAYS = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)
PARTS = (("morning", "morning"), ("afternoon", "afternoon"), ("evening", "evening"))
#: Every slot name, Monday morning first: ``mon_morning`` ... ``sun_evening``.
SLOTS: tuple[str, ...] = tuple(f"{d}_{p}" for d, _ in DAYS for p, _ in PARTS)

MODES: Mapping[str, str] = {"in_person": "In person", "remote": "Online or by phone"}
FUNDING: Mapping[str, str] = {
    "private": "Paying privately",
    "insurer": "Health insurance",
    "charity": "A charity or funded place",
}
GENDERS: Mapping[str, str] = {"woman": "A woman", "man": "A man", "non_binary": "Non-binary"}
CONTACT: Mapping[str, str] = {"email": "Email", "phone": "Phone call", "text": "Text message"}
SOURCES: Mapping[str, str] = {
    "self": "Self-referral",
    "referral": "Referral",
    "staff": "Taken by staff",
}
EPISODE_KINDS: Mapping[str, str] = {"individual": "On my own", "couple": "As a couple"}
#: Problem areas a client can tick; therapists' specialisms use the same keys.
CONCERN_AREAS: Mapping[str, str] = {
    "depression": "Low mood or depression",
    "anxiety": "Anxiety, worry or panic",
    "trauma": "Trauma or something that happened to me",
    "relationship": "Relationship difficulties",
    "bereavement": "Loss or bereavement",
    "stress": "Stress or burnout",
    "self_esteem": "Self-esteem or identity",
    "eating": "Eating or body image",
    "substance": "Alcohol, drugs or gambling",
    "sleep": "Sleep",
    "work": "Work or studies",
    "other": "Something else",
}

TEXT_MAX = 4000
NAME_MAX = 200


def slot_label(slot: str) -> str:
    """``mon_evening`` -> ``Monday evening``."""
    day, _, part = slot.partition("_")
    return f"{dict(DAYS).get(day, day)} {dict(PARTS).get(part, part)}"


@dataclass(frozen=True)
class Preferences:
    """What a client would like in a therapist (identity notes are kept apart, encrypted)."""

    language: str = "English"
    modes: tuple[str, ...] = ("in_person", "remote")
    location: str | None = None
    slots: tuple[str, ...] = ()
    funding: str = "private"
    therapist_gender: str | None = None
    gender_required: bool = False
    specialisms: tuple[str, ...] = ()


@dataclass(frozen=True)
class IntakeAnswers:
    """Everything an intake form sends, as plain values (the form's field names)."""

    display_name: str
    email: str | None = None
    phone: str | None = None
    contact_by: str = "email"
    ok_to_leave_message: bool = False
    episode_kind: str = "individual"
    concern_areas: tuple[str, ...] = ()
    concerns_text: str = ""
    risk_now: str = ""  # "yes" | "no"
    risk_recent: str = ""  # "yes" | "no"
    preferences: Preferences = field(default_factory=Preferences)
    identity_notes: str = ""
    consent_to_store: bool = False
    consent_feedback: bool = False
    consent_progress: bool = False
    referrer: str | None = None

    @property
    def at_risk(self) -> bool:
        return self.risk_now == "yes" or self.risk_recent == "yes"


def check_preferences(prefs: Preferences) -> list[FieldError]:
    """Every problem with a client's preferences (field names as on the form)."""
    errors: list[FieldError] = []
    if not prefs.language.strip() or len(prefs.language) > 40:
        errors.append(FieldError("language", "say which language (up to 40 characters)"))
    if not prefs.modes:
        errors.append(FieldError("modes", "choose in person, online or both"))
    errors += _unknown("modes", prefs.modes, MODES)
    errors += _unknown("slots", prefs.slots, SLOTS)
    errors += _unknown("specialisms", prefs.specialisms, CONCERN_AREAS)
    if prefs.funding not in FUNDING:
        errors.append(FieldError("funding", "choose how the sessions will be paid for"))
    if prefs.therapist_gender is not None and prefs.therapist_gender not in GENDERS:
        errors.append(FieldError("therapist_gender", "choose one of the options, or no preference"))
    if prefs.gender_required and prefs.therapist_gender is None:
        errors.append(
            FieldError("gender_required", "say which gender first, or leave this unticked")
        )
    if prefs.location is not None and len(prefs.location) > 120:
        errors.append(FieldError("location", "is too long (up to 120 characters)"))
    return errors


def check_intake(answers: IntakeAnswers, *, public: bool) -> None:
    """Raise ``InvalidInput`` listing every problem; return quietly when all is well."""
    errors: list[FieldError] = []
    if not answers.display_name.strip():
        errors.append(FieldError("display_name", "please tell us your name"))
    elif len(answers.display_name) > NAME_MAX:
        errors.append(FieldError("display_name", f"is too long (up to {NAME_MAX} characters)"))
    if answers.contact_by not in CONTACT:
        errors.append(FieldError("contact_by", "choose email, phone call or text message"))
    elif answers.contact_by == "email" and not answers.email:
        errors.append(FieldError("email", "is needed if we are to contact you by email"))
    elif answers.contact_by in ("phone", "text") and not answers.phone:
        errors.append(FieldError("phone", "is needed if we are to call or text you"))
    if answers.phone and not _looks_like_phone(answers.phone):
        errors.append(
            FieldError("phone", "use digits, spaces and an optional + (like 07700 900123)")
        )
    if answers.episode_kind not in EPISODE_KINDS:
        errors.append(FieldError("episode_kind", "choose on your own or as a couple"))
    errors += _unknown("concern_areas", answers.concern_areas, CONCERN_AREAS)
    if len(answers.concerns_text) > TEXT_MAX:
        errors.append(FieldError("concerns_text", f"is too long (up to {TEXT_MAX:,} characters)"))
    if len(answers.identity_notes) > TEXT_MAX:
        errors.append(FieldError("identity_notes", f"is too long (up to {TEXT_MAX:,} characters)"))
    for name, value in (("risk_now", answers.risk_now), ("risk_recent", answers.risk_recent)):
        if value not in ("yes", "no"):
            errors.append(FieldError(name, "please answer yes or no"))
    if public and not answers.consent_to_store:
        errors.append(
            FieldError("consent_to_store", "we can only keep your referral if you agree to this")
        )
    if answers.referrer is not None and len(answers.referrer) > NAME_MAX:
        errors.append(FieldError("referrer", f"is too long (up to {NAME_MAX} characters)"))
    errors += check_preferences(answers.preferences)
    if errors:
        raise InvalidInput(errors)


def waiting_days(received_at: datetime, now: datetime) -> int:
    """Whole days on the waiting list (0 on the day it came in)."""
    return max(0, (now - received_at).days)


def _unknown(
    name: str, values: Sequence[str], known: Mapping[str, str] | Sequence[str]
) -> list[FieldError]:
    wrong = [v for v in values if v not in known]
    return [FieldError(name, f"{wrong[0]!r} is not one of the choices")] if wrong else []


def _looks_like_phone(text: str) -> bool:
    digits = [c for c in text if c.isdigit()]
    return 6 <= len(digits) <= 15 and all(c.isdigit() or c in " +-()" for c in text)
