"""Intake: a referral or self-referral becomes a client on the waiting list.

``submit_intake`` records, in one transaction, the client (with the consents they gave), what
brings them (their words encrypted), their answers to the risk questions, how to contact them,
and their preferences for matching (``ClientPreferenceRow``; identity notes encrypted). A "yes"
to a risk question, or words that may signal a crisis, shows crisis help at once on the page that
follows, and alerts the clinical lead urgently (emailed once the intake is stored).

The waiting list is for the admin and the clinical lead (``domain/access.py``); what a client
wrote and their risk answers are for the clinical lead alone. Every read is audited, and an
intake from another practice is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_read_intake_text, may_see_waiting_list
from bordin.domain.crisis import CrisisLine
from bordin.domain.errors import InvalidInput, NotFound, RateLimited
from bordin.domain.intake import (
    CONCERN_AREAS,
    IntakeAnswers,
    Preferences,
    check_intake,
    waiting_days,
)
from bordin.services import alerts, audit
from bordin.services import practice as practice_service
from bordin.services.audit import Origin
from bordin.services.crisis import lines_for_practice
from bordin.services.runtime import Runtime
from bordin.services.triage_bridge import classify
from bordin.services.triage_reader import reader_for_triage
from bordin.storage.tables import (
    ClientPreferenceRow,
    ClientRow,
    IntakeRow,
    LoginAttemptRow,
    PracticeRow,
    UserRow,
)

STATUSES = ("waiting", "matched", "closed")


@dataclass(frozen=True)
class IntakeResult:
    """What the page after an intake needs: whether to show crisis help first, and the lines."""

    intake_id: int
    client_id: int
    at_risk: bool
    crisis_lines: tuple[CrisisLine, ...]
    practice_name: str


@dataclass(frozen=True)
class WaitingEntry:
    """One person on the waiting list. Clinical fields are empty unless the viewer may see them."""

    intake_id: int
    client_id: int
    name: str
    source: str
    episode_kind: str
    received_at: datetime
    waiting_days: int
    status: str
    preferences: Preferences
    at_risk: bool | None
    concern_areas: tuple[str, ...] | None


@dataclass(frozen=True)
class IntakeDetail:
    entry: WaitingEntry
    email: str | None
    phone: str | None
    contact_by: str
    ok_to_leave_message: bool
    referrer: str | None
    concerns_text: str | None
    identity_notes: str | None
    risk_now: bool | None
    risk_recent: bool | None
    crisis_in_words: bool | None
    can_read_text: bool


def _rate_limit(db: Session, rt: Runtime, origin: Origin | None) -> None:
    key = f"intake:{origin or 'unknown'}"
    since = rt.now() - timedelta(hours=1)
    count = db.scalar(
        select(func.count()).where(LoginAttemptRow.key == key, LoginAttemptRow.at >= since)
    )
    if (count or 0) >= rt.settings.intake_max_per_hour:
        raise RateLimited(
            "We have received several referrals from here in the last hour. Please try again "
            "later, or telephone the practice."
        )
    db.add(LoginAttemptRow(key=key, at=rt.now()))


def _consents(answers: IntakeAnswers) -> tuple[str, ...]:
    given = ["intake"]
    if answers.email:
        given.append("email_contact")
    if answers.consent_feedback:
        given += ["session_feedback", "share_free_text_with_therapist"]
    if answers.consent_progress:
        given.append("see_own_progress")
    return tuple(given)


def _alert_recipients(db: Session, practice_id: int) -> list[int]:
    """The clinical lead(s); if a practice has none yet, its supervisors, else its admins."""
    leads = [u.id for u in alerts.clinical_leads(db, practice_id)]
    if leads:
        return leads
    for role in ("supervisor", "admin"):
        found = list(
            db.scalars(
                select(UserRow.id).where(
                    UserRow.practice_id == practice_id, UserRow.role == role, UserRow.is_active
                )
            )
        )
        if found:
            return found
    return []


def submit_intake(
    db: Session,
    rt: Runtime,
    *,
    practice_id: int,
    answers: IntakeAnswers,
    actor: Actor | None = None,
    origin: Origin | None = None,
) -> IntakeResult:
    """Store an intake (from the public form when ``actor`` is None, else entered by staff)."""
    practice = db.get(PracticeRow, practice_id)
    if practice is None or (actor is not None and actor.practice_id != practice_id):
        raise NotFound("practice not found")
    if actor is not None and not actor.is_staff:
        raise NotFound("not found")
    check_intake(answers, public=actor is None)
    if not answers.consent_to_store:
        raise InvalidInput(
            "the client must agree to the practice keeping this referral", field="consent_to_store"
        )
    if actor is None:
        _rate_limit(db, rt, origin)
    crisis_in_words = classify(answers.concerns_text, reader=reader_for_triage(rt.settings)).crisis
    client = practice_service.add_client(
        db,
        rt,
        practice_id=practice_id,
        display_name=answers.display_name,
        email=answers.email or None,
        phone=(answers.phone or "").strip() or None,
        locale=practice.locale,
        preferred_language=answers.preferences.language.strip(),
        consents=_consents(answers),
        actor=actor,
        commit=False,
    )
    cipher = rt.cipher
    source = "self" if actor is None else ("referral" if answers.referrer else "staff")
    intake = IntakeRow(
        practice_id=practice_id,
        client_id=client.id,
        source=source,
        referrer=(answers.referrer or "").strip() or None,
        entered_by_user_id=actor.user_id if actor else None,
        episode_kind=answers.episode_kind,
        concern_areas=list(dict.fromkeys(answers.concern_areas)),
        concerns_encrypted=(
            cipher.encrypt(answers.concerns_text.strip()) if answers.concerns_text.strip() else None
        ),
        risk_now=answers.risk_now == "yes",
        risk_recent=answers.risk_recent == "yes",
        crisis_in_words=crisis_in_words,
        contact_by=answers.contact_by,
        ok_to_leave_message=answers.ok_to_leave_message,
        status="waiting",
        received_at=rt.now(),
    )
    db.add(intake)
    db.flush()
    prefs = answers.preferences
    db.add(
        ClientPreferenceRow(
            client_id=client.id,
            intake_id=intake.id,
            language=prefs.language.strip(),
            modes=list(dict.fromkeys(prefs.modes)),
            location=(prefs.location or "").strip() or None,
            slots=list(dict.fromkeys(prefs.slots)),
            funding=prefs.funding,
            therapist_gender=prefs.therapist_gender,
            gender_required=prefs.gender_required,
            specialisms=list(dict.fromkeys(prefs.specialisms)),
            identity_notes_encrypted=(
                cipher.encrypt(answers.identity_notes.strip())
                if answers.identity_notes.strip()
                else None
            ),
            updated_at=rt.now(),
        )
    )
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="intake",
        entity_id=intake.id,
        client_id=client.id,
        origin=origin,
        at=rt.now(),
        detail={"source": source},
    )
    at_risk = answers.at_risk or crisis_in_words
    made = []
    if at_risk:
        made = alerts.raise_urgent(
            db,
            rt,
            recipient_ids=_alert_recipients(db, practice_id),
            kind="crisis" if crisis_in_words else "risk_item",
            summary="A new referral answered yes to a risk question, or wrote words that may "
            "signal a crisis. Please contact them today.",
            client_id=client.id,
            link=f"/waiting-list/{intake.id}",
            detail={"intake_id": intake.id},
        )
    db.commit()
    if made:
        alerts.send_urgent_now(db, rt, alert_ids=[a.id for a in made])
    return IntakeResult(
        intake_id=intake.id,
        client_id=client.id,
        at_risk=at_risk,
        crisis_lines=lines_for_practice(practice, rt),
        practice_name=practice.name,
    )


def preferences_for(db: Session, *, client_id: int) -> Preferences | None:
    """A client's matching preferences (without identity notes), or None if never asked."""
    row = db.get(ClientPreferenceRow, client_id)
    if row is None:
        return None
    return Preferences(
        language=row.language,
        modes=tuple(row.modes or ()),
        location=row.location,
        slots=tuple(row.slots or ()),
        funding=row.funding,
        therapist_gender=row.therapist_gender,
        gender_required=row.gender_required,
        specialisms=tuple(row.specialisms or ()),
    )


def identity_notes(
    db: Session, rt: Runtime, *, actor: Actor, client_id: int, origin: Origin | None = None
) -> str | None:
    """What the client said matters about identity and culture (waiting-list viewers; audited)."""
    client = db.get(ClientRow, client_id)
    row = db.get(ClientPreferenceRow, client_id)
    if client is None or client.practice_id != actor.practice_id or not may_see_waiting_list(actor):
        raise NotFound("client not found")
    audit.record(
        db,
        actor=actor,
        action="read",
        entity="identity_notes",
        client_id=client_id,
        origin=origin,
        at=rt.now(),
    )
    return rt.cipher.decrypt(row.identity_notes_encrypted) if row else None


def _entry(
    intake: IntakeRow, client: ClientRow, prefs: Preferences, now: datetime, clinical: bool
) -> WaitingEntry:
    return WaitingEntry(
        intake_id=intake.id,
        client_id=client.id,
        name=client.display_name,
        source=intake.source,
        episode_kind=intake.episode_kind,
        received_at=intake.received_at,
        waiting_days=waiting_days(intake.received_at, now),
        status=intake.status,
        preferences=prefs,
        at_risk=(intake.risk_now or intake.risk_recent or intake.crisis_in_words)
        if clinical
        else None,
        concern_areas=tuple(CONCERN_AREAS.get(a, a) for a in intake.concern_areas or ())
        if clinical
        else None,
    )


def waiting_list(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    origin: Origin | None = None,
    status: str = "waiting",
) -> list[WaitingEntry]:
    """Everyone waiting, longest first. Admin and clinical lead only; each client's read audited."""
    if not may_see_waiting_list(actor):
        raise NotFound("not found")
    rows = db.execute(
        select(IntakeRow, ClientRow)
        .join(ClientRow, ClientRow.id == IntakeRow.client_id)
        .where(IntakeRow.practice_id == actor.practice_id, IntakeRow.status == status)
        .order_by(IntakeRow.received_at, IntakeRow.id)
    ).all()
    clinical = may_read_intake_text(actor)
    now = rt.now()
    entries = [
        _entry(
            intake, client, preferences_for(db, client_id=client.id) or Preferences(), now, clinical
        )
        for intake, client in rows
    ]
    audit.record_list_view(
        db,
        actor=actor,
        entity="waiting_list",
        client_ids=[e.client_id for e in entries],
        origin=origin,
        at=now,
    )
    db.commit()
    return entries


def _intake_for(db: Session, actor: Actor, intake_id: int) -> IntakeRow:
    intake = db.get(IntakeRow, intake_id)
    if intake is None or intake.practice_id != actor.practice_id or not may_see_waiting_list(actor):
        raise NotFound("intake not found")
    return intake


def intake_detail(
    db: Session, rt: Runtime, *, actor: Actor, intake_id: int, origin: Origin | None = None
) -> IntakeDetail:
    """One intake; the client's words and risk answers only for the clinical lead. Audited."""
    intake = _intake_for(db, actor, intake_id)
    client = db.get(ClientRow, intake.client_id)
    assert client is not None
    clinical = may_read_intake_text(actor)
    prefs = preferences_for(db, client_id=client.id) or Preferences()
    notes = identity_notes(db, rt, actor=actor, client_id=client.id, origin=origin)
    audit.record(
        db,
        actor=actor,
        action="read",
        entity="intake",
        entity_id=intake.id,
        client_id=client.id,
        origin=origin,
        at=rt.now(),
    )
    db.commit()
    return IntakeDetail(
        entry=_entry(intake, client, prefs, rt.now(), clinical),
        email=client.email,
        phone=client.phone,
        contact_by=intake.contact_by,
        ok_to_leave_message=intake.ok_to_leave_message,
        referrer=intake.referrer,
        concerns_text=rt.cipher.decrypt(intake.concerns_encrypted) if clinical else None,
        identity_notes=notes,
        risk_now=intake.risk_now if clinical else None,
        risk_recent=intake.risk_recent if clinical else None,
        crisis_in_words=intake.crisis_in_words if clinical else None,
        can_read_text=clinical,
    )


def close_intake(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    intake_id: int,
    status: str = "matched",
    episode_id: int | None = None,
    commit: bool = True,
) -> IntakeRow:
    """Take someone off the waiting list: matched (with their episode) or closed."""
    intake = _intake_for(db, actor, intake_id)
    if status not in ("matched", "closed"):
        raise InvalidInput("must be matched or closed", field="status")
    intake.status = status
    intake.closed_at = rt.now()
    intake.episode_id = episode_id
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="intake",
        entity_id=intake.id,
        client_id=intake.client_id,
        at=rt.now(),
        detail={"status": status},
    )
    if commit:
        db.commit()
    return intake


def reopen_intake(
    db: Session, rt: Runtime, *, actor: Actor, intake_id: int, commit: bool = True
) -> IntakeRow:
    """Put someone back on the waiting list (after a request to change therapist, say).

    They keep their place: waiting time still counts from when the intake came in.
    """
    intake = _intake_for(db, actor, intake_id)
    intake.status = "waiting"
    intake.closed_at = None
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="intake",
        entity_id=intake.id,
        client_id=intake.client_id,
        at=rt.now(),
        detail={"status": "waiting"},
    )
    if commit:
        db.commit()
    return intake
