"""Concerns about conduct: raised by a client, read by the clinical lead only.

A client can raise a concern with the *practice* rather than their therapist, from the link in
their feedback email (``/f/<token>/concern``) or their progress page. Feedback text that the
triage reads as a possible conduct concern is routed here too. Either way the concern goes to the
practice's clinical lead(s) and never to the therapist concerned: the text is excluded from the
therapist's views, and a clinical lead never sees concerns about themselves (another clinical
lead does). The client is told what will happen and given the professional body's route.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role, may_read_concerns
from bordin.domain.concern_severity import concern_severity, severity_rank
from bordin.domain.crisis import LOCALES
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.services import alerts as alert_service
from bordin.services import audit, limits, triage_bridge
from bordin.services.audit import Origin
from bordin.services.feedback_form import CONCERN_FIELD, CONCERN_MAX, check_text
from bordin.services.feedback_links import FeedbackLinkUnavailable, find_link
from bordin.services.runtime import Runtime
from bordin.services.triage_practice_model import model_for_practice
from bordin.services.triage_reader import reader_for_triage
from bordin.services.users import actor_for_client
from bordin.storage.tables import (
    AlertRow,
    AppointmentRow,
    ClientRow,
    ConcernRow,
    EpisodeRow,
    ParticipantRow,
    PracticeRow,
    UserRow,
)

log = logging.getLogger("bordin.concerns")

#: What a client is told when they have sent many concerns in an hour (crisis help stays on the
#: page, and a concern that reads as a crisis is never refused).
TOO_MANY_CONCERNS = (
    "You have sent several concerns in the last hour, and the practice has them all. Please "
    "wait an hour before sending another. If you need help now, the crisis lines on this page "
    "are there for you."
)

#: A repeated identical concern within this window is the same concern (double submit).
DUPLICATE_WINDOW = timedelta(minutes=30)

#: Where a client can take a complaint beyond the practice, by locale (clinical-facts §13.4).
COMPLAINT_ROUTES = {
    "UK": "If you are not satisfied, you can also complain to your therapist's professional "
    "body, for example the BACP (Professional Conduct Procedure) or the UKCP (Complaints and "
    "Conduct Process); for practitioner psychologists, the HCPC.",
    "US": "You can also complain to the state licensing board for your therapist's profession "
    "(and, for psychologists who are APA members, the APA Ethics Committee).",
    "EU": "You can also complain to your therapist's professional or registration body.",
    "AU": "You can also complain to your therapist's professional or registration body.",
}


class ComplaintSettings(Protocol):
    """What :func:`complaint_route` reads of a practice (``PracticeRow`` has all of it)."""

    @property
    def professional_body(self) -> str | None: ...
    @property
    def locale(self) -> str: ...


class Identified(Protocol):
    """A row's id: all :func:`notify_leads` reads of the client (``ClientRow`` has it)."""

    @property
    def id(self) -> int: ...


def complaint_route(practice: ComplaintSettings) -> str:
    """The professional-body route told to a client who raised a concern."""
    if practice.professional_body:
        return (
            f"If you are not satisfied, you can also complain to {practice.professional_body}, "
            "the professional body your therapist belongs to."
        )
    locale = practice.locale.upper() if practice.locale.upper() in LOCALES else "UK"
    return COMPLAINT_ROUTES[locale]


@dataclass(frozen=True)
class ConcernReceipt:
    """What the client is told after raising a concern."""

    concern_id: int
    crisis: bool
    duplicate: bool
    route: str


def raise_concern(
    db: Session,
    rt: Runtime,
    *,
    text: str,
    token: str | None = None,
    actor: Actor | None = None,
    origin: Origin | None = None,
) -> ConcernReceipt:
    """Store a client's concern for the clinical lead, from a feedback link or a client session.

    ``token`` is a feedback link (used or not, but not expired); or ``actor`` is the signed-in
    client. The text is encrypted; the clinical lead(s) get an in-app alert without the text. If
    the text reads as a crisis, the lead(s) are alerted urgently and the client is shown crisis
    help first. An identical concern sent twice (a refresh) is stored once.

    A link may raise :data:`~bordin.services.limits.CONCERNS_PER_LINK` concerns an hour and a
    client :data:`~bordin.services.limits.CONCERNS_PER_CLIENT`; past that RateLimited, except for
    a text that reads as a crisis, which is always stored and reaches the clinical lead.
    """
    clean, problem = check_text(CONCERN_FIELD, text, limit=CONCERN_MAX)
    if problem:
        raise InvalidInput(problem)
    if clean is None:
        raise InvalidInput(FieldError(CONCERN_FIELD, "Please tell us what your concern is."))
    client, therapist_id, link_id = _who(db, rt, token=token, actor=actor)
    practice = db.get(PracticeRow, client.practice_id)
    assert practice is not None
    now = rt.now()
    for earlier in db.scalars(
        select(ConcernRow).where(
            ConcernRow.client_id == client.id,
            ConcernRow.source == "concern_form",
            ConcernRow.received_at >= now - DUPLICATE_WINDOW,
        )
    ):
        if rt.cipher.decrypt(earlier.text_encrypted) == clean:
            return ConcernReceipt(
                earlier.id, earlier.category == "crisis", True, complaint_route(practice)
            )
    model = model_for_practice(db, rt, client.practice_id)
    verdict = triage_bridge.classify(clean, model=model, reader=reader_for_triage(rt.settings))
    crisis = verdict.crisis
    # A possible risk (risk review) is read by the lead at once, like a crisis, and the client is
    # shown crisis help; the concern is stored as a concern.
    urgent_read = crisis or verdict.risk_review
    budgets = [(f"concern:client:{client.id}", limits.CONCERNS_PER_CLIENT)]
    if link_id is not None:
        budgets.append((f"concern:link:{link_id}", limits.CONCERNS_PER_LINK))
    limits.spend(db, rt, budgets, message=TOO_MANY_CONCERNS, force=urgent_read)
    concern = ConcernRow(
        practice_id=client.practice_id,
        client_id=client.id,
        about_therapist_id=therapist_id,
        source="concern_form",
        received_at=now,
        text_encrypted=rt.cipher.encrypt(clean),
        category="crisis" if crisis else "concern",
        evidence=rt.cipher.seal_phrases(verdict.evidence),
    )
    db.add(concern)
    db.flush()
    client_actor = actor_for_client(client)
    audit.record(
        db,
        actor=actor or client_actor,
        action="create",
        entity="concern",
        entity_id=concern.id,
        client_id=client.id,
        origin=origin,
        at=now,
    )
    urgent = notify_leads(db, rt, concern=concern, client=client, crisis=urgent_read)
    db.commit()
    if urgent:
        _email_quietly(db, rt, urgent)
    return ConcernReceipt(concern.id, urgent_read, False, complaint_route(practice))


def notify_leads(
    db: Session, rt: Runtime, *, concern: ConcernRow, client: Identified, crisis: bool
) -> list[int]:
    """In-app alerts (no text) to the clinical leads who may handle this concern.

    Returns the ids of urgent alerts, which the caller emails after committing.
    """
    leads = [
        lead
        for lead in alert_service.clinical_leads(db, concern.practice_id)
        if lead.id != concern.about_therapist_id
    ]
    if not leads:
        log.warning(
            "concern %s has no clinical lead to go to (practice %s)",
            concern.id,
            concern.practice_id,
        )
    urgent: list[int] = []
    for lead in leads:
        alert = alert_service.raise_alert(
            db,
            rt,
            recipient_user_id=lead.id,
            kind="crisis" if crisis else "concern",
            severity="urgent" if crisis else "high",
            summary=(
                "A concern this client raised reads as a possible crisis. Please read it now."
                if crisis
                else "This client raised a new concern for the clinical lead."
            ),
            client_id=client.id,
            link=f"/concerns#concern-{concern.id}",
            detail={"concern_id": concern.id},
        )
        if crisis:
            urgent.append(alert.id)
    return urgent


def _who(
    db: Session, rt: Runtime, *, token: str | None, actor: Actor | None
) -> tuple[ClientRow, int | None, int | None]:
    """The client raising the concern, the therapist it is probably about, and the link used."""
    if token is not None:
        link = find_link(db, token)
        if link.expires_at <= rt.now():
            raise FeedbackLinkUnavailable("expired")
        client = db.get(ClientRow, link.client_id)
        appointment = db.get(AppointmentRow, link.appointment_id)
        assert client is not None and appointment is not None
        episode = db.get(EpisodeRow, appointment.episode_id)
        return client, episode.therapist_id if episode else None, link.id
    if actor is None or actor.role is not Role.CLIENT or actor.client_id is None:
        raise NotFound("not found")
    client = db.get(ClientRow, actor.client_id)
    if client is None:
        raise NotFound("not found")
    therapist_id = db.scalar(
        select(EpisodeRow.therapist_id)
        .join(ParticipantRow, ParticipantRow.episode_id == EpisodeRow.id)
        .where(ParticipantRow.client_id == client.id)
        .order_by(EpisodeRow.status != "active", EpisodeRow.started_on.desc())
        .limit(1)
    )
    return client, therapist_id, None


def _email_quietly(db: Session, rt: Runtime, alert_ids: list[int]) -> None:
    """Email urgent alerts; a failure is logged and retried later, never shown to the client."""
    try:
        alert_service.send_urgent_now(db, rt, alert_ids=alert_ids)
    except Exception as error:  # the concern is stored; email is best effort here
        db.rollback()
        log.error("urgent alert email failed after a concern: %s", type(error).__name__)


# ---- the clinical lead's side ------------------------------------------------------------


@dataclass(frozen=True)
class ConcernView:
    """One concern as the clinical lead sees it."""

    concern: ConcernRow
    client: ClientRow
    about: UserRow | None
    text: str
    evidence: tuple[str, ...] = ()

    @property
    def severity(self) -> str:
        """``urgent``, ``high`` or ``routine`` (:mod:`bordin.domain.concern_severity`)."""
        return concern_severity(self.concern.category)


def concerns_for(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    include_handled: bool = True,
    origin: Origin | None = None,
) -> list[ConcernView]:
    """Concerns for the clinical lead (NotFound for anyone else): open ones first, most
    severe first, then newest. Each read is audited."""
    if not may_read_concerns(actor):
        raise NotFound("not found")
    query = select(ConcernRow).where(
        ConcernRow.practice_id == actor.practice_id,
        ConcernRow.about_therapist_id.is_distinct_from(actor.user_id),
    )
    if not include_handled:
        query = query.where(ConcernRow.status == "open")
    views: list[ConcernView] = []
    for concern in db.scalars(
        query.order_by(ConcernRow.status != "open", ConcernRow.received_at.desc())
    ):
        client = db.get(ClientRow, concern.client_id)
        assert client is not None
        about = db.get(UserRow, concern.about_therapist_id) if concern.about_therapist_id else None
        views.append(
            ConcernView(
                concern,
                client,
                about,
                rt.cipher.decrypt(concern.text_encrypted) or "",
                tuple(rt.cipher.open_phrases(concern.evidence)),
            )
        )
        audit.record(
            db,
            actor=actor,
            action="read",
            entity="concern",
            entity_id=concern.id,
            client_id=concern.client_id,
            origin=origin,
            at=rt.now(),
        )
    db.commit()
    views.sort(
        key=lambda v: (
            v.concern.status != "open",
            severity_rank(v.severity),
            -v.concern.received_at.timestamp(),
            -v.concern.id,
        )
    )
    return views


def mark_handled(db: Session, rt: Runtime, *, actor: Actor, concern_id: int) -> ConcernRow:
    """The clinical lead records that a concern has been dealt with.

    Their own unread alerts about it are marked read too: a handled concern needs no more of
    their attention (other leads' alerts stay as they are, for them to read).
    """
    if not may_read_concerns(actor):
        raise NotFound("not found")
    concern = db.get(ConcernRow, concern_id)
    if (
        concern is None
        or concern.practice_id != actor.practice_id
        or concern.about_therapist_id == actor.user_id
    ):
        raise NotFound("concern not found")
    if concern.status != "handled":
        concern.status = "handled"
        concern.handled_at = rt.now()
        concern.handled_by_user_id = actor.user_id
        audit.record(
            db,
            actor=actor,
            action="update",
            entity="concern",
            entity_id=concern.id,
            client_id=concern.client_id,
            at=rt.now(),
            detail={"status": "handled"},
        )
    for alert in db.scalars(
        select(AlertRow).where(
            AlertRow.recipient_user_id == actor.user_id,
            AlertRow.client_id == concern.client_id,
            AlertRow.read_at.is_(None),
        )
    ):
        if (alert.detail or {}).get("concern_id") == concern.id:
            alert.read_at = rt.now()
    db.commit()
    return concern
