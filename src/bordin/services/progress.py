"""The client's own progress page: their scores over time in plain words, and their consents.

A client reaches it from the thank-you page after sending feedback, or by asking for a one-time
sign-in link by email (:func:`request_sign_in_link`, :func:`sign_in_with_link`). The page shows
only the client's own answers (never a partner's), and only if they consented to
``see_own_progress``; they can change every consent there.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.domain.errors import InstrumentNotFound, LinkUnavailable, NotFound
from bordin.domain.instruments.base import Instrument
from bordin.domain.instruments.registry import get_instrument
from bordin.notify.base import DeliveryError, Message
from bordin.services import audit, limits
from bordin.services.alerts import rowcount
from bordin.services.audit import Origin
from bordin.services.crisis import lines_for_practice
from bordin.services.feedback_links import local_time
from bordin.services.practice import CONSENT_PURPOSES, has_consent
from bordin.services.runtime import Runtime
from bordin.services.tokens import new_token, token_hash
from bordin.services.users import EMAIL, SignedIn, start_client_session
from bordin.storage.tables import (
    AdministrationRow,
    AppointmentRow,
    ClientRow,
    LoginAttemptRow,
    MagicLinkRow,
    PracticeRow,
)

log = logging.getLogger("bordin.progress")

#: What each consent means, in the words the client sees.
CONSENT_WORDING = {
    "session_feedback": "Send me a short feedback form after each session.",
    "email_contact": "Contact me by email (feedback links and sign-in links come by email).",
    "see_own_progress": "Show me my own scores over time on this page.",
    "share_free_text_with_therapist": "Share what I write in the feedback box with my "
    "therapist (concerns for the practice are never shared with them).",
    "research_export": "Include my answers, without my name, in research by the practice.",
}

SIGN_IN_LINK_REQUESTS_PER_WINDOW = 3


@dataclass(frozen=True)
class Point:
    session_number: int | None
    when: datetime
    total: float


@dataclass(frozen=True)
class MeasureProgress:
    """One instrument's scores over time, with a plain-language reading of them."""

    instrument_id: str
    title: str
    kind: str
    score_max: float
    higher_is_better: bool
    points: tuple[Point, ...]
    sentences: tuple[str, ...]
    score_min: float = 0.0


@dataclass(frozen=True)
class ConsentChoice:
    purpose: str
    wording: str
    granted: bool


@dataclass(frozen=True)
class ProgressView:
    client_id: int
    practice_name: str
    consented: bool
    measures: tuple[MeasureProgress, ...]
    consents: tuple[ConsentChoice, ...]


def own_progress(
    db: Session,
    rt: Runtime,
    *,
    client_id: int,
    actor: Actor | None = None,
    origin: Origin | None = None,
) -> ProgressView:
    """The client's own page. ``actor`` (the signed-in client) makes it an audited read."""
    client = db.get(ClientRow, client_id)
    if client is None:
        raise NotFound("not found")
    if actor is not None and (actor.role is not Role.CLIENT or actor.client_id != client_id):
        raise NotFound("not found")
    practice = db.get(PracticeRow, client.practice_id)
    assert practice is not None
    consented = has_consent(db, client_id, "see_own_progress")
    measures: list[MeasureProgress] = []
    if consented:
        grouped: dict[str, list[Point]] = defaultdict(list)
        for admin, number in db.execute(
            select(AdministrationRow, AppointmentRow.number)
            .outerjoin(AppointmentRow, AppointmentRow.id == AdministrationRow.appointment_id)
            .where(AdministrationRow.client_id == client_id, AdministrationRow.total.is_not(None))
            .order_by(AdministrationRow.answered_at, AdministrationRow.id)
        ).all():
            grouped[admin.instrument_id].append(
                Point(number, local_time(practice, admin.answered_at), float(admin.total or 0))
            )
        for instrument_id, points in grouped.items():
            try:
                instrument = get_instrument(instrument_id)
            except InstrumentNotFound:
                continue
            measures.append(_measure(instrument, tuple(points)))
        measures.sort(key=lambda m: (m.kind != "alliance", m.title))
    if actor is not None:
        audit.record(
            db,
            actor=actor,
            action="read",
            entity="own_progress",
            client_id=client_id,
            origin=origin,
            at=rt.now(),
            detail={"consented": consented},
        )
        db.commit()
    return ProgressView(
        client_id=client_id,
        practice_name=practice.name,
        consented=consented,
        measures=tuple(measures),
        consents=tuple(
            ConsentChoice(p, CONSENT_WORDING.get(p, p), has_consent(db, client_id, p))
            for p in CONSENT_PURPOSES
        ),
    )


def _measure(instrument: Instrument, points: tuple[Point, ...]) -> MeasureProgress:
    better = instrument.direction == "higher_is_better"
    first, last = points[0].total, points[-1].total
    top = f"{instrument.score_max:g}"
    sentences = [
        f"Your latest score is {last:g} out of {top}"
        + (f" (session {points[-1].session_number})." if points[-1].session_number else ".")
    ]
    sentences.append(
        "Higher scores mean things are going better."
        if better
        else "Lower scores mean fewer difficulties."
    )
    if instrument.kind == "outcome":
        band = instrument.band_for(last)
        if band:
            sentences.append(f"That is in the range called “{band}”.")
    if len(points) > 1:
        change = last - first
        if change == 0:
            sentences.append(f"It is the same as your first score ({first:g}).")
        else:
            improved = (change > 0) == better
            direction = "up" if change > 0 else "down"
            moved = (
                f"Since your first score ({first:g}) it has gone {direction} by {abs(change):g} "
                f"point{'s' if abs(change) != 1 else ''}"
            )
            reliable = instrument.reliable_change
            if not reliable:
                sentences.append(moved + (", which is an improvement." if improved else "."))
            elif abs(change) >= reliable:
                # Only a change at least as large as the reliable change is called one.
                sentences.append(
                    moved
                    + (
                        ": more than everyday ups and downs, a real improvement."
                        if improved
                        else ": more than everyday ups and downs, so please talk it over "
                        "with your therapist."
                    )
                )
            else:
                sentences.append(
                    f"{moved}. Changes smaller than {reliable:g} points can be everyday ups "
                    "and downs."
                )
    else:
        sentences.append("As you answer after more sessions, you will see how it changes.")
    if instrument.kind == "alliance":
        sentences.append(
            "These are your ratings of how sessions felt. Your therapist sees them "
            "to help the work suit you; low ratings are welcome, not a problem."
        )
    return MeasureProgress(
        instrument_id=instrument.id,
        title=instrument.short_title or instrument.title,
        kind=instrument.kind,
        score_max=float(instrument.score_max),
        score_min=float(instrument.score_min),
        higher_is_better=better,
        points=points,
        sentences=tuple(sentences),
    )


# ---- one-time sign-in links -----------------------------------------------------------------


def request_sign_in_link(db: Session, rt: Runtime, *, email: str, origin: Origin) -> None:
    """Email a one-time sign-in link to each client with this address who agreed to email.

    The caller shows the same answer whether or not the address is known. Requests for one
    address are limited (a few per window) so the page cannot be used to flood someone's inbox.
    """
    address = email.strip().lower()
    if not EMAIL.match(address) or len(address) > 254:
        return
    key = limits.email_key(rt, address)
    since = rt.now() - timedelta(minutes=rt.settings.login_window_minutes)
    recent = (
        db.scalar(
            select(func.count()).where(LoginAttemptRow.key == key, LoginAttemptRow.at >= since)
        )
        or 0
    )
    db.add(LoginAttemptRow(key=key, at=rt.now()))
    db.commit()
    if recent >= SIGN_IN_LINK_REQUESTS_PER_WINDOW:
        return
    for client in db.scalars(select(ClientRow).where(func.lower(ClientRow.email) == address)):
        if not has_consent(db, client.id, "email_contact"):
            continue
        token = new_token()
        link = MagicLinkRow(
            token_hash=token_hash(token),
            client_id=client.id,
            created_at=rt.now(),
            expires_at=rt.now() + timedelta(minutes=rt.settings.magic_link_minutes),
        )
        db.add(link)
        db.flush()
        audit.record(
            db,
            actor=None,
            action="create",
            entity="magic_link",
            entity_id=link.id,
            client_id=client.id,
            origin=origin,
            at=rt.now(),
        )
        db.commit()
        practice = db.get(PracticeRow, client.practice_id)
        help_lines = "\n".join(f"  {line.spoken}" for line in lines_for_practice(practice, rt))
        message = Message(
            to=client.email or "",
            subject="Your sign-in link",
            text=(
                "Hello,\n\nHere is your link to see your progress. It works once, for the next "
                f"{rt.settings.magic_link_minutes} minutes:\n\n"
                f"{rt.settings.base_url.rstrip('/')}/me/link/{token}\n\n"
                "If you did not ask for it, you can ignore this email.\n\n"
                f"This is not an emergency service. If you need help now:\n{help_lines}\n"
            ),
            kind="magic_link",
            reference=f"magic_link:{link.id}",
        )
        try:
            rt.transport.send(message)
        except DeliveryError as error:
            log.warning("sign-in link %s not delivered (permanent=%s)", link.id, error.permanent)


def sign_in_link_usable(db: Session, rt: Runtime, token: str) -> bool:
    link = db.scalar(select(MagicLinkRow).where(MagicLinkRow.token_hash == token_hash(token)))
    return link is not None and link.used_at is None and link.expires_at > rt.now()


def sign_in_with_link(db: Session, rt: Runtime, *, token: str, origin: Origin) -> SignedIn:
    """Use a one-time sign-in link (once: claimed with a conditional update)."""
    now = rt.now()
    link = db.scalar(select(MagicLinkRow).where(MagicLinkRow.token_hash == token_hash(token)))
    if link is None:
        raise LinkUnavailable("This sign-in link is not one we know. Please ask for a new one.")
    claimed = rowcount(
        db.execute(
            update(MagicLinkRow)
            .where(
                MagicLinkRow.id == link.id,
                MagicLinkRow.used_at.is_(None),
                MagicLinkRow.expires_at > now,
            )
            .values(used_at=now)
        )
    )
    if claimed != 1:
        db.rollback()
        raise LinkUnavailable(
            "This sign-in link has been used or has expired. Please ask for "
            "a new one; it only takes a moment."
        )
    client = db.get(ClientRow, link.client_id)
    assert client is not None
    limits.spend_client_session(db, rt, client_id=client.id)
    return start_client_session(db, rt, client=client, origin=origin, hours=2)
