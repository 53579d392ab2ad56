"""Turning newly raised signals into alerts for the people who should act on them.

* urgent (risk items, crisis feedback) → the therapist **and** the clinical lead, in the app
  and by email at once;
* everything else → the therapist in the app, and in their daily digest.

Emails carry no client data: they say an alert is waiting and link to it.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.notify.base import DeliveryError, Message
from bordin.services.runtime import Runtime
from bordin.storage.tables import AlertRow, ClientRow, EpisodeRow, SignalRow, UserRow

log = logging.getLogger("bordin.alerts")


def alert_new_signals(
    db: Session, rt: Runtime, *, episode_id: int, signals: list[SignalRow]
) -> list[AlertRow]:
    episode = db.get(EpisodeRow, episode_id)
    assert episode is not None
    therapist = db.get(UserRow, episode.therapist_id)
    assert therapist is not None
    lead = db.scalar(
        select(UserRow)
        .where(
            UserRow.practice_id == episode.practice_id, UserRow.is_clinical_lead, UserRow.is_active
        )
        .limit(1)
    )
    made: list[AlertRow] = []
    for signal in signals:
        if signal.status not in ("open", "active", "unrepaired") or signal.type in (
            "reliable_improvement",
            "recovery",
            "rupture_repaired",
        ):
            continue
        recipients = [therapist]
        if signal.severity == "urgent" and lead is not None and lead.id != therapist.id:
            recipients.append(lead)
        pseudonym = None
        if signal.client_id is not None:
            client = db.get(ClientRow, signal.client_id)
            pseudonym = client.pseudonym if client else None
        for person in recipients:
            alert = AlertRow(
                recipient_user_id=person.id,
                client_id=signal.client_id,
                kind=f"signal:{signal.type}",
                severity=signal.severity,
                summary=signal.summary[:300],
                link=f"/clients/{signal.client_id}" if signal.client_id else "/caseload",
                created_at=rt.now(),
                in_digest=signal.severity != "urgent",
            )
            db.add(alert)
            made.append(alert)
            if signal.severity == "urgent":
                _email_now(rt, person, alert, pseudonym)
    db.flush()
    return made


def _email_now(rt: Runtime, person: UserRow, alert: AlertRow, pseudonym: str | None) -> None:
    about = f" about client {pseudonym}" if pseudonym else ""
    message = Message(
        to=person.email,
        subject="Bordin: an urgent alert is waiting for you",
        text=(
            f"An urgent alert{about} is waiting in Bordin. Please sign in to see it:\n"
            f"{rt.settings.base_url}/alerts\n\nThis email holds no clinical details on purpose."
        ),
        kind="urgent_alert",
    )
    try:
        rt.transport.send(message)
        alert.emailed_at = rt.now()
    except DeliveryError as error:
        # The alert is in the app either way; the email is retried by the digest run.
        log.warning(
            "urgent alert email to user %s failed (permanent=%s)", person.id, error.permanent
        )
