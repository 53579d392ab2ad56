"""Feedback links: one single-use, expiring, unguessable link per client per attended session.

Life of a link
--------------
1. **Issued** (:func:`issue_links`) when a session is marked attended, for each client in the
   episode who consented to ``session_feedback``. In a couple each partner gets their own. The
   token is 256 random bits; only its SHA-256 hash is stored, and (client, session) is unique.
   It expires ``feedback_link_hours`` after the session ends (or after it is made, if later).
2. **Sent** (:func:`send_links`) by email through the configured transport. ``sent_at`` is
   recorded only when the transport accepted the message. A link whose email failed stays
   unsent and is retried later; because the token was never delivered (and never stored), the
   retry gives the link a fresh token.
3. **Used** once, by the submission that claims it (see ``feedback.submit_feedback``).

A link that is used, expired, withdrawn (the client turned feedback off) or unknown is refused
with a kind message that says what happened and what the client can do.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, LinkUnavailable, NotFound
from bordin.notify.base import DeliveryError, Message
from bordin.services import audit
from bordin.services.crisis import lines_for_practice
from bordin.services.practice import has_consent, participant_ids
from bordin.services.runtime import Runtime
from bordin.services.tokens import new_token, token_hash
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    FeedbackLinkRow,
    PracticeRow,
)

log = logging.getLogger("bordin.feedback")

#: What a client is told when a link cannot be used, by kind.
LINK_MESSAGES = {
    "unknown": "We could not find this feedback link. Please check that you opened the whole "
    "link from the email. If it still does not work, your practice can send you a new one.",
    "used": "Thank you: you have already sent your feedback for this session, so this link "
    "cannot be used again. Nothing else needs doing.",
    "expired": "This feedback link has expired, so it can no longer be used. Links last a few "
    "days after each session; you will get a new one after your next session.",
    "withdrawn": "You have turned off session feedback, so this link no longer works. You can "
    "turn it back on from your progress page, or ask your practice.",
}


class FeedbackLinkUnavailable(LinkUnavailable):
    """A link that cannot be used; ``kind`` is unknown, used, expired or withdrawn."""

    def __init__(self, kind: str) -> None:
        super().__init__(LINK_MESSAGES[kind])
        self.kind = kind


def find_link(db: Session, token: str) -> FeedbackLinkRow:
    """The link behind ``token`` in any state, or ``FeedbackLinkUnavailable("unknown")``."""
    if not token or len(token) > 200:
        raise FeedbackLinkUnavailable("unknown")
    link = db.scalar(_link_by_hash(), {"token_hash": token_hash(token)})
    if link is None:
        raise FeedbackLinkUnavailable("unknown")
    return link


@functools.cache
def _link_by_hash() -> Select[FeedbackLinkRow]:
    """Built once (statement building costs more CPU than the lookup, on every form)."""
    return select(FeedbackLinkRow).where(FeedbackLinkRow.token_hash == bindparam("token_hash"))


def usable_link(db: Session, rt: Runtime, token: str) -> FeedbackLinkRow:
    """The link if it can still be used for feedback; else the reason, kindly worded."""
    return check_usable(db, rt, find_link(db, token))


def check_usable(db: Session, rt: Runtime, link: FeedbackLinkRow) -> FeedbackLinkRow:
    """``link`` itself if it can still be used; else the reason, kindly worded."""
    if link.used_at is not None:
        raise FeedbackLinkUnavailable("used")
    if link.expires_at <= rt.now():
        raise FeedbackLinkUnavailable("expired")
    if not has_consent(db, link.client_id, "session_feedback"):
        raise FeedbackLinkUnavailable("withdrawn")
    return link


@dataclass(frozen=True)
class IssuedLink:
    """A new link and its token. The token exists only here and in the email."""

    link_id: int
    client_id: int
    token: str


def issue_links(
    db: Session, rt: Runtime, *, appointment_id: int, commit: bool = True
) -> list[IssuedLink]:
    """Make a link for each consenting client of an attended session who has none yet."""
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None:
        raise NotFound("session not found")
    if appointment.status != "attended":
        raise InvalidInput("feedback links are made only for attended sessions", field="status")
    have = set(
        db.scalars(
            select(FeedbackLinkRow.client_id).where(
                FeedbackLinkRow.appointment_id == appointment_id
            )
        )
    )
    now = rt.now()
    ended = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)
    issued: list[IssuedLink] = []
    for client_id in participant_ids(db, appointment.episode_id):
        if client_id in have or not has_consent(db, client_id, "session_feedback"):
            continue
        token = new_token()
        link = FeedbackLinkRow(
            token_hash=token_hash(token),
            client_id=client_id,
            appointment_id=appointment_id,
            created_at=now,
            expires_at=max(now, ended) + timedelta(hours=rt.settings.feedback_link_hours),
        )
        try:
            with db.begin_nested():
                db.add(link)
                db.flush()
        except IntegrityError:  # made at the same moment by another request: keep theirs
            continue
        audit.record(
            db,
            actor=None,
            action="create",
            entity="feedback_link",
            entity_id=link.id,
            client_id=client_id,
            at=now,
        )
        issued.append(IssuedLink(link.id, client_id, token))
    if commit:
        db.commit()
    return issued


@dataclass(frozen=True)
class SendReport:
    """Which links went out; which failed (kept unsent, to retry); which have no way to send."""

    sent: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()
    permanent: tuple[int, ...] = ()
    no_email: tuple[int, ...] = ()


def send_links(
    db: Session, rt: Runtime, *, appointment_id: int, tokens: Mapping[int, str] | None = None
) -> SendReport:
    """Email each unsent, unused, unexpired link of a session to its own client.

    ``tokens`` are the ones :func:`issue_links` just returned. A link without a known token (a
    retry after a failed email) is given a fresh one first: the old token was never delivered.
    Each link is committed on its own, so one failure never undoes another's ``sent_at``.
    """
    now = rt.now()
    links = list(
        db.scalars(
            select(FeedbackLinkRow)
            .where(
                FeedbackLinkRow.appointment_id == appointment_id,
                FeedbackLinkRow.sent_at.is_(None),
                FeedbackLinkRow.used_at.is_(None),
                FeedbackLinkRow.expires_at > now,
            )
            .order_by(FeedbackLinkRow.id)
        )
    )
    sent: list[int] = []
    failed: list[int] = []
    permanent: list[int] = []
    no_email: list[int] = []
    for link in links:
        client = db.get(ClientRow, link.client_id)
        assert client is not None
        if not client.email or not has_consent(db, client.id, "email_contact"):
            no_email.append(link.id)
            continue
        token = (tokens or {}).get(link.id)
        if token is None:
            token = new_token()
            link.token_hash = token_hash(token)
            db.commit()
        try:
            rt.transport.send(_link_message(db, rt, link, client, token))
        except DeliveryError as error:
            log.warning("feedback link %s not delivered (permanent=%s)", link.id, error.permanent)
            (permanent if error.permanent else failed).append(link.id)
            continue
        link.sent_at = rt.now()
        audit.record(
            db,
            actor=None,
            action="update",
            entity="feedback_link",
            entity_id=link.id,
            client_id=client.id,
            at=rt.now(),
            detail={"sent": True},
        )
        db.commit()
        sent.append(link.id)
    return SendReport(tuple(sent), tuple(failed), tuple(permanent), tuple(no_email))


def link_url(rt: Runtime, token: str) -> str:
    return f"{rt.settings.base_url.rstrip('/')}/f/{token}"


class Zoned(Protocol):
    """What :func:`local_time` reads of a practice (``PracticeRow`` has it)."""

    @property
    def timezone(self) -> str: ...


def local_time(practice: Zoned, moment: datetime) -> datetime:
    """``moment`` in the practice's time zone (UTC if the zone is unknown)."""
    try:
        return moment.astimezone(ZoneInfo(practice.timezone))
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def _link_message(
    db: Session, rt: Runtime, link: FeedbackLinkRow, client: ClientRow, token: str
) -> Message:
    """The email: discreet (no therapist's name, nothing clinical), with help numbers."""
    practice = db.get(PracticeRow, client.practice_id)
    appointment = db.get(AppointmentRow, link.appointment_id)
    assert practice is not None and appointment is not None
    episode = db.get(EpisodeRow, appointment.episode_id)
    when = local_time(practice, appointment.starts_at).strftime("%A %d %B")
    until = local_time(practice, link.expires_at).strftime("%A %d %B at %H:%M")
    couple = (
        " This link is yours alone: your partner gets their own, and neither of you "
        "sees the other's answers."
        if episode and episode.kind == "couple"
        else ""
    )
    help_lines = "\n".join(f"  {line.spoken}" for line in lines_for_practice(practice, rt))
    text = (
        "Hello,\n\n"
        f"Thank you for your session on {when}. If you have a minute, please tell us how it "
        "went. It takes less than a minute, and it helps your therapist work with you:\n\n"
        f"{link_url(rt, token)}\n\n"
        f"The link works once, until {until}.{couple} There is also a way to raise a concern "
        "with the practice rather than your therapist.\n\n"
        f"{practice.name} and Bordin are not emergency services. If you need help now:\n"
        f"{help_lines}\n"
    )
    return Message(
        to=client.email or "",
        subject=f"How was your session? ({practice.name})",
        text=text,
        kind="feedback_link",
        reference=f"feedback_link:{link.id}",
    )
