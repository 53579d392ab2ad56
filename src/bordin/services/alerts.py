"""In-app alerts to staff, urgent ones emailed at once, the rest gathered into a daily digest.

An alert is a notice to one member of staff (``AlertRow``): it is always shown in the app on
``/alerts``. How it reaches them besides depends on its severity:

* **urgent** (a crisis in a client's words, an endorsed risk item): emailed at once by
  :func:`send_urgent_now`. The email says only that an urgent alert is waiting, with the client's
  pseudonym and a link; never a name, a score or a word the client wrote.
* **high** and **routine**: gathered into one email per person per day by
  :func:`send_daily_digest`, which gives counts and pseudonyms only.

Delivery can fail. A failed email leaves ``emailed_at`` empty so that the next call tries again;
the alert itself is already stored and visible in the app whatever happens to the email.

What an alert says names the client and may quote them, so it is encrypted at rest
(``summary_encrypted``, and the phrases under ``detail["evidence"]``); :class:`ShownAlert` is
an alert with its words decrypted, for the pages.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Result, Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.alliance.signal import GOOD_NEWS_TYPES, OPEN_STATUSES
from bordin.domain.errors import NotFound
from bordin.domain.text import shorten_at_sentence
from bordin.notify.base import DeliveryError, Message
from bordin.services import audit
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.database import insert_later
from bordin.storage.tables import (
    AlertRow,
    ClientRow,
    EpisodeRow,
    ParticipantRow,
    SignalRow,
    UserRow,
)

log = logging.getLogger("bordin.alerts")

SEVERITIES = ("urgent", "high", "routine")

#: The longest summary kept; a longer one is shortened at a sentence end, never inside one.
SUMMARY_LIMIT = 500

#: Plain names for alert kinds, used in digests (never with client details).
KIND_NAMES = {
    "crisis": "urgent: crisis in a client's words",
    "risk_item": "urgent: risk item endorsed",
    "risk_review": "possible risk: please read today",
    "misalignment": "something did not land for a client",
    "concern": "new concern for the clinical lead",
    "signal": "new signal",
    "booking": "a session booked, moved or cancelled",
}


@dataclass(frozen=True)
class EmailOutcome:
    """What happened when alerts were emailed: which went, and which must be tried again."""

    sent: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()


def raise_alert(
    db: Session,
    rt: Runtime,
    *,
    recipient_user_id: int,
    kind: str,
    severity: str,
    summary: str,
    client_id: int | None = None,
    link: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AlertRow:
    """Add an alert for one person to the caller's transaction (the caller commits)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")
    alert = AlertRow(
        **_values(rt, recipient_user_id, kind, severity, summary, client_id, link, detail)
    )
    db.add(alert)
    db.flush()
    return alert


def queue_alert(
    db: Session,
    rt: Runtime,
    *,
    recipient_user_id: int,
    kind: str,
    severity: str,
    summary: str,
    client_id: int | None = None,
    link: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """:func:`raise_alert` for a caller that does not need the row back: no ORM object and no
    flush; the row goes in with the session's next statement or its commit (same transaction).
    For hot paths (a client's submission); anything not ``urgent`` only, as urgent alerts are
    looked up by the caller to be emailed."""
    if severity not in SEVERITIES or severity == "urgent":
        raise ValueError(f"severity must be one of {SEVERITIES[1:]}")
    insert_later(
        db,
        cast(Table, AlertRow.__table__),
        _values(rt, recipient_user_id, kind, severity, summary, client_id, link, detail),
    )


def _values(
    rt: Runtime,
    recipient_user_id: int,
    kind: str,
    severity: str,
    summary: str,
    client_id: int | None,
    link: str | None,
    detail: dict[str, Any] | None,
) -> dict[str, Any]:
    """A new alert's columns, its summary encrypted (whole sentences, up to the limit)."""
    return {
        "recipient_user_id": recipient_user_id,
        "client_id": client_id,
        "kind": kind,
        "severity": severity,
        "summary_encrypted": rt.cipher.encrypt(shorten_at_sentence(summary, SUMMARY_LIMIT)),
        "link": link,
        "created_at": rt.now(),
        "read_at": None,
        "emailed_at": None,
        "in_digest": False,
        "detail": detail or {},
        "acknowledged_at": None,
    }


def clinical_leads(db: Session, practice_id: int) -> list[UserRow]:
    """The practice's active clinical leads (usually one)."""
    return list(
        db.scalars(
            select(UserRow)
            .where(
                UserRow.practice_id == practice_id,
                UserRow.is_clinical_lead,
                UserRow.is_active,
            )
            .order_by(UserRow.id)
        )
    )


def raise_urgent(
    db: Session,
    rt: Runtime,
    *,
    recipient_ids: Sequence[int],
    kind: str,
    summary: str,
    client_id: int | None,
    link: str | None = None,
    detail: dict[str, Any] | None = None,
) -> list[AlertRow]:
    """One urgent alert for each distinct recipient (therapist and clinical lead, typically)."""
    made: list[AlertRow] = []
    for user_id in dict.fromkeys(recipient_ids):
        made.append(
            raise_alert(
                db,
                rt,
                recipient_user_id=user_id,
                kind=kind,
                severity="urgent",
                summary=summary,
                client_id=client_id,
                link=link,
                detail=detail,
            )
        )
    return made


def alert_new_signals(
    db: Session, rt: Runtime, *, episode_id: int, signals: Sequence[SignalRow]
) -> list[AlertRow]:
    """Alerts for newly raised signals (called by ``signals.recompute_episode``).

    Urgent signals go to the therapist *and* the clinical lead(s); the rest to the therapist,
    for the app and the daily digest. A ``risk`` signal for a session whose submission already
    raised an urgent alert to that person is not alerted twice. Nothing is emailed here: the
    caller emails urgent alerts with :func:`send_urgent_now` once its transaction is committed
    (so no email ever announces an alert that was rolled back).
    """
    episode = db.get(EpisodeRow, episode_id)
    if episode is None:
        return []
    leads = [lead.id for lead in clinical_leads(db, episode.practice_id)]
    made: list[AlertRow] = []
    for signal in signals:
        if signal.status not in OPEN_STATUSES or signal.type in GOOD_NEWS_TYPES:
            continue
        severity = signal.severity if signal.severity in SEVERITIES else "routine"
        recipients = [episode.therapist_id]
        if severity == "urgent":
            recipients.extend(leads)
        for user_id in dict.fromkeys(recipients):
            if signal.type == "risk" and _already_alerted(db, user_id, signal):
                continue
            made.append(
                raise_alert(
                    db,
                    rt,
                    recipient_user_id=user_id,
                    kind=f"signal:{signal.type}",
                    severity=severity,
                    summary=signal.summary,
                    client_id=signal.client_id,
                    link=f"/clients/{signal.client_id}" if signal.client_id else "/caseload",
                    detail={
                        "episode_id": episode_id,
                        "signal_key": signal.key,
                        "session_number": signal.session_number,
                    },
                )
            )
    return made


def _already_alerted(db: Session, user_id: int, signal: SignalRow) -> bool:
    """Whether the submission itself already raised an urgent alert for this session."""
    for alert in db.scalars(
        select(AlertRow).where(
            AlertRow.recipient_user_id == user_id,
            AlertRow.client_id == signal.client_id,
            AlertRow.severity == "urgent",
            AlertRow.kind.in_(("crisis", "risk_item")),
        )
    ):
        detail = alert.detail or {}
        if (
            detail.get("episode_id") == signal.episode_id
            and detail.get("session_number") == signal.session_number
        ):
            return True
    return False


def send_urgent_now(
    db: Session, rt: Runtime, *, alert_ids: Sequence[int] | None = None
) -> EmailOutcome:
    """Email urgent alerts that have not been emailed yet (these ids, or all of them).

    Each email is committed on its own as it goes, so one failure does not undo another's
    ``emailed_at``. Failed ones keep ``emailed_at`` empty and are tried again next time.
    """
    query = select(AlertRow).where(AlertRow.severity == "urgent", AlertRow.emailed_at.is_(None))
    if alert_ids is not None:
        if not alert_ids:
            return EmailOutcome()
        query = query.where(AlertRow.id.in_(list(alert_ids)))
    sent: list[int] = []
    failed: list[int] = []
    for alert in list(db.scalars(query.order_by(AlertRow.id))):
        recipient = db.get(UserRow, alert.recipient_user_id)
        if recipient is None or not recipient.is_active or not recipient.email:
            failed.append(alert.id)
            continue
        pseudonym = _pseudonym(db, alert.client_id)
        message = Message(
            to=recipient.email,
            subject=f"Bordin: an urgent alert is waiting ({pseudonym})",
            text=(
                "Hello,\n\n"
                f"An urgent alert about client {pseudonym} is waiting for you in Bordin. "
                "Please open it as soon as you can:\n\n"
                f"{rt.settings.base_url.rstrip('/')}/alerts\n\n"
                "On purpose, this email holds no clinical details. The clinical lead has been "
                "alerted too.\n"
            ),
            kind="urgent_alert",
            reference=f"alert:{alert.id}",
        )
        try:
            rt.transport.send(message)
        except DeliveryError as error:
            log.warning("urgent alert %s not emailed (permanent=%s)", alert.id, error.permanent)
            failed.append(alert.id)
            continue
        db.execute(
            update(AlertRow)
            .where(AlertRow.id == alert.id, AlertRow.emailed_at.is_(None))
            .values(emailed_at=rt.now())
        )
        db.commit()
        sent.append(alert.id)
    return EmailOutcome(sent=tuple(sent), failed=tuple(failed))


@dataclass(frozen=True)
class DigestOutcome:
    """Digest emails that went (recipient user ids), and those to try again tomorrow."""

    sent_to: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()
    alerts_included: int = 0


def send_daily_digest(db: Session, rt: Runtime, *, now: datetime) -> DigestOutcome:
    """One email per person with unread, non-urgent alerts not yet in a digest.

    The body gives counts by kind and the clients' pseudonyms, and a link to ``/alerts``; never
    names, scores or words. Alerts are marked ``in_digest`` only when that person's email went.
    """
    rows = list(
        db.scalars(
            select(AlertRow)
            .where(
                AlertRow.severity != "urgent",
                AlertRow.read_at.is_(None),
                AlertRow.in_digest.is_(False),
                AlertRow.created_at <= now,
            )
            .order_by(AlertRow.recipient_user_id, AlertRow.id)
        )
    )
    by_recipient: dict[int, list[AlertRow]] = defaultdict(list)
    for alert in rows:
        by_recipient[alert.recipient_user_id].append(alert)
    sent_to: list[int] = []
    failed: list[int] = []
    included = 0
    for user_id, alerts in by_recipient.items():
        recipient = db.get(UserRow, user_id)
        if recipient is None or not recipient.is_active or not recipient.email:
            continue
        counts = Counter(alert.kind for alert in alerts)
        pseudonyms = sorted({_pseudonym(db, a.client_id) for a in alerts if a.client_id})
        lines = [
            f"- {count} × {KIND_NAMES.get(kind, kind.replace('_', ' '))}"
            for kind, count in sorted(counts.items())
        ]
        text = (
            "Hello,\n\n"
            f"You have {len(alerts)} unread alert{'s' if len(alerts) != 1 else ''} in Bordin:\n"
            + "\n".join(lines)
            + ("\n\nClients (pseudonyms): " + ", ".join(pseudonyms) if pseudonyms else "")
            + f"\n\nRead them here: {rt.settings.base_url.rstrip('/')}/alerts\n"
        )
        message = Message(
            to=recipient.email,
            subject=f"Bordin: {len(alerts)} unread alert{'s' if len(alerts) != 1 else ''}",
            text=text,
            kind="digest",
            reference=f"digest:{user_id}",
        )
        try:
            rt.transport.send(message)
        except DeliveryError as error:
            log.warning("digest for user %s not emailed (permanent=%s)", user_id, error.permanent)
            failed.append(user_id)
            continue
        db.execute(
            update(AlertRow).where(AlertRow.id.in_([a.id for a in alerts])).values(in_digest=True)
        )
        db.commit()
        sent_to.append(user_id)
        included += len(alerts)
    return DigestOutcome(sent_to=tuple(sent_to), failed=tuple(failed), alerts_included=included)


@dataclass(frozen=True)
class ShownAlert:
    """One alert as its recipient sees it, with its words decrypted."""

    id: int
    kind: str
    severity: str
    summary: str
    evidence: tuple[str, ...]
    repair_prompts: tuple[str, ...]
    client_id: int | None
    link: str | None
    created_at: datetime
    read_at: datetime | None
    acknowledged_at: datetime | None
    #: The rest of the alert's detail (ids, explanations), with ``evidence`` decrypted.
    detail: dict[str, Any]
    #: Who the alert is about, as the recipient knows them (None when about no one client).
    client_name: str | None = None
    #: In couples work, which partner ("Partner A"); None for individual work.
    partner: str | None = None


def _sealed(value: object) -> list[object]:
    """Sealed phrases stored under a detail key (a client's own words are never stored plain)."""
    return list(value) if isinstance(value, list) else []


def shown(
    rt: Runtime, alert: AlertRow, *, client_name: str | None = None, partner: str | None = None
) -> ShownAlert:
    """Decrypt an alert's words for its recipient's page."""
    detail = alert.detail or {}
    return ShownAlert(
        id=alert.id,
        kind=alert.kind,
        severity=alert.severity,
        summary=rt.cipher.decrypt(alert.summary_encrypted) or "",
        evidence=tuple(rt.cipher.open_phrases(detail.get("evidence"))),
        repair_prompts=tuple(str(p) for p in detail.get("repair_prompts") or ()),
        client_id=alert.client_id,
        link=alert.link,
        created_at=alert.created_at,
        read_at=alert.read_at,
        acknowledged_at=alert.acknowledged_at,
        detail={
            **detail,
            "evidence": list(rt.cipher.open_phrases(detail.get("evidence"))),
            "note": " ".join(rt.cipher.open_phrases(_sealed(detail.get("note")))),
        },
        client_name=client_name,
        partner=partner,
    )


def _urgency_then_newest(alert: AlertRow) -> tuple[int, float, int]:
    rank = SEVERITIES.index(alert.severity) if alert.severity in SEVERITIES else len(SEVERITIES)
    return (rank, -alert.created_at.timestamp(), -alert.id)


def _who(db: Session, rows: Sequence[AlertRow]) -> dict[int, tuple[str, str | None]]:
    """Each alerted client's name, and their partner label where the alert's episode is a couple's.

    The partner label comes from the episode the alert names (``detail["episode_id"]``), or
    else from the client's couple episode, if they are in one.
    """
    client_ids = {a.client_id for a in rows if a.client_id is not None}
    if not client_ids:
        return {}
    names: dict[int, str] = {
        client_id: name
        for client_id, name in db.execute(
            select(ClientRow.id, ClientRow.display_name).where(ClientRow.id.in_(client_ids))
        )
    }
    couples: dict[tuple[int, int], str] = {}
    latest: dict[int, str] = {}
    for client_id, episode_id, label in db.execute(
        select(ParticipantRow.client_id, ParticipantRow.episode_id, ParticipantRow.label)
        .join(EpisodeRow, EpisodeRow.id == ParticipantRow.episode_id)
        .where(ParticipantRow.client_id.in_(client_ids), EpisodeRow.kind == "couple")
        .order_by(ParticipantRow.episode_id)
    ):
        couples[(client_id, episode_id)] = label
        latest[client_id] = label
    who: dict[int, tuple[str, str | None]] = {}
    for alert in rows:
        if alert.client_id is None or alert.client_id not in names:
            continue
        named = (alert.detail or {}).get("episode_id")
        partner = (
            couples.get((alert.client_id, named))
            if isinstance(named, int)
            else latest.get(alert.client_id)
        )
        who[alert.id] = (names[alert.client_id], partner)
    return who


def alerts_for(
    db: Session, rt: Runtime, *, actor: Actor, origin: Origin | None = None, limit: int = 200
) -> list[ShownAlert]:
    """The signed-in person's own alerts: unread first, then most urgent, then newest.

    They name clients and say what happened, so the view is audited: one event for the page,
    naming the clients shown (not one per client).
    """
    if actor.user_id is None:
        return []
    rows = list(
        db.scalars(
            select(AlertRow)
            .where(AlertRow.recipient_user_id == actor.user_id)
            .order_by(AlertRow.read_at.is_not(None), AlertRow.created_at.desc(), AlertRow.id.desc())
            .limit(limit)
        )
    )
    rows.sort(key=lambda a: (a.read_at is not None, *_urgency_then_newest(a)))
    audit.record_page_view(
        db,
        actor=actor,
        entity="alerts",
        client_ids=[a.client_id for a in rows if a.client_id is not None],
        origin=origin,
        at=rt.now(),
    )
    db.commit()
    who = _who(db, rows)
    return [
        shown(
            rt,
            a,
            client_name=who.get(a.id, (None, None))[0],
            partner=who.get(a.id, (None, None))[1],
        )
        for a in rows
    ]


#: Counted for the page header of every staff request, so built once.
_UNREAD = (
    select(func.count())
    .select_from(AlertRow)
    .where(AlertRow.recipient_user_id == bindparam("user_id"), AlertRow.read_at.is_(None))
)


def unread_count(db: Session, *, actor: Actor) -> int:
    if actor.user_id is None:
        return 0
    db.flush()  # an alert this session has just added counts
    return db.connection().execute(_UNREAD, {"user_id": actor.user_id}).scalar() or 0


def mark_read(
    db: Session, rt: Runtime, *, actor: Actor, alert_ids: Sequence[int] | None = None
) -> int:
    """Mark these of the person's alerts read (all unread ones if ``alert_ids`` is None)."""
    if actor.user_id is None:
        raise NotFound("not found")
    query = update(AlertRow).where(
        AlertRow.recipient_user_id == actor.user_id, AlertRow.read_at.is_(None)
    )
    if alert_ids is not None:
        query = query.where(AlertRow.id.in_(list(alert_ids)))
    changed = rowcount(db.execute(query.values(read_at=rt.now())))
    db.commit()
    return changed


def acknowledge_alert(db: Session, rt: Runtime, *, actor: Actor, alert_id: int) -> AlertRow:
    """Record that the recipient discussed this alert with the client (also marks it read)."""
    alert = db.get(AlertRow, alert_id)
    if alert is None or alert.recipient_user_id != actor.user_id:
        raise NotFound("alert not found")
    now = rt.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
    if alert.read_at is None:
        alert.read_at = now
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="alert",
        entity_id=alert.id,
        client_id=alert.client_id,
        at=now,
        detail={"acknowledged": True, "kind": alert.kind},
    )
    db.commit()
    return alert


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE changed (an UPDATE's result is always a cursor result)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def _pseudonym(db: Session, client_id: int | None) -> str:
    if client_id is None:
        return "no client"
    client = db.get(ClientRow, client_id)
    return client.pseudonym if client else f"client {client_id}"
