"""What erasing a client removes, table by table (ADR 0004, "Erasure").

:func:`purge_client` deletes every row that is about the client or holds their words, in an
order the foreign keys accept, and returns how many rows of each kind went. It never commits:
``services/erasure.py`` (the two-person rule) and ``services/retention.py`` (periods that have
passed) call it inside their own transaction.

* **The client's own rows** (by ``client_id``): the client, consents, contact opt-outs, links,
  sign-ins, feedback and its free text, administrations (scores), risk screens, concerns,
  triage corrections, intake referrals, matching preferences, exclusions, matches, fit checks,
  signals, rupture logs about them, alerts about them, delivery records, and prepared
  supervision reports that show them.
* **Episodes only they were in** go whole: sessions, series, every signal, rupture log, alert,
  job and delivery record of those sessions. In a couple episode the partner keeps the
  episode and its sessions; the shared signals are recomputed from what remains, and a shared
  rupture note or alert that names the client is emptied or removed.
* **Practice triage models** retrained after the client's first correction may carry their
  words in the vocabulary: they go, and the practice falls back to the shipped model until it
  retrains.
* **The audit trail** keeps its events (staff accountability), stripped of the client: events
  about them point at the erasure (``detail = {"erasure": id}``), events they made lose the
  address they came from, and page views that listed them no longer do.

Aggregate figures are recomputed from what remains; the counts returned here (kept on the
erasure record) explain the difference (ADR 0004).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Text, cast, delete, false, func, or_, select, update
from sqlalchemy.orm import Session

from bordin.services import jobs as job_service
from bordin.services import limits
from bordin.services.prepared_reports import purge_for_client
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AdministrationRow,
    AlertRow,
    AppointmentRow,
    AppointmentSeriesRow,
    AuditEventRow,
    AuthSessionRow,
    ClientPreferenceRow,
    ClientRow,
    ConcernRow,
    ConsentRow,
    ContactOptOutRow,
    DeliveryRow,
    EpisodeRow,
    ErasureRequestRow,
    ExclusionRow,
    FeedbackLinkRow,
    FitCheckRow,
    IdempotencyKeyRow,
    IntakeRow,
    JobRow,
    LoginAttemptRow,
    MagicLinkRow,
    MatchRow,
    ParticipantRow,
    RiskScreenRow,
    RuptureLogRow,
    SignalRow,
    SubmissionRow,
    TriageCorrectionRow,
    TriageModelRow,
    UserRow,
)

#: Every table with a column pointing at ``clients.id``, and what erasure does with it. A test
#: (tests/integration/services/test_erasure.py) fails when a table with such a column is
#: missing here, so a new table cannot hold a client's data without erasure knowing.
HANDLED: dict[str, str] = {
    "clients": "deleted",
    "consents": "deleted",
    "contact_opt_outs": "deleted",
    "feedback_links": "deleted",
    "feedback_submissions": "deleted, with their free text",
    "administrations": "deleted (scores)",
    "risk_screens": "deleted",
    "concerns": "deleted, with their free text",
    "triage_corrections": "deleted, with the words they kept",
    "intake_referrals": "deleted, with the words given at intake",
    "client_preferences": "deleted, with identity notes",
    "therapist_exclusions": "deleted, with notes",
    "matches": "deleted",
    "fit_checks": "deleted, with notes",
    "episode_participants": "deleted; an episode left with nobody goes whole",
    "signals": "deleted; shared episodes are recomputed",
    "rupture_logs": "deleted; a shared note naming the client is emptied",
    "alerts": "deleted, and shared alerts whose words name the client",
    "deliveries": "deleted (notification records)",
    "auth_sessions": "deleted (sign-ins)",
    "magic_links": "deleted (sign-in links)",
    "audit_events": "kept, stripped of the client; they point at the erasure instead",
    "erasure_requests": "the client is emptied: the request becomes the tombstone",
}
#: Tables with no client column that can still hold a client's data, and how erasure finds it.
ALSO_HANDLED: dict[str, str] = {
    "jobs": "payloads naming their sessions or episodes",
    "api_idempotency_keys": "stored API answers naming them, their sessions or episodes",
    "login_attempts": "keys naming their id, their links or their email address",
    "alerts": "shared alerts whose words name them",
    "rupture_logs": "shared notes whose words name them",
}


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _ids(db: Session, query: Any) -> list[int]:
    return [int(i) for i in db.scalars(query)]


def _delete(db: Session, table: type, *conditions: Any) -> int:
    return _count(
        db.execute(
            delete(table).where(or_(*conditions)).execution_options(synchronize_session=False)
        )
    )


def _in(column: Any, values: Collection[int]) -> Any:
    return column.in_(list(values)) if values else false()


def names_for(client: ClientRow) -> list[str]:
    """What in free text would name the client: the full name, and the first name if it is
    long enough not to match ordinary words by chance."""
    words = [client.display_name.strip()]
    first = client.display_name.split()[0] if client.display_name.split() else ""
    if len(first) >= 4 and first != words[0]:
        words.append(first)
    return [w for w in words if w]


def _names(text: str | None, names: Iterable[str]) -> bool:
    lowered = (text or "").lower()
    return any(name.lower() in lowered for name in names)


def purge_client(db: Session, rt: Runtime, *, client_id: int, erasure_id: int) -> dict[str, int]:
    """Remove everything about one client (see the module docstring); no commit."""
    client = db.get(ClientRow, client_id)
    assert client is not None
    names = names_for(client)
    removed: dict[str, int] = {}

    def note(kind: str, n: int) -> None:
        if n:
            removed[kind] = removed.get(kind, 0) + n

    episodes = _ids(
        db, select(ParticipantRow.episode_id).where(ParticipantRow.client_id == client_id)
    )
    shared = set(
        _ids(
            db,
            select(ParticipantRow.episode_id).where(
                _in(ParticipantRow.episode_id, episodes), ParticipantRow.client_id != client_id
            ),
        )
    )
    alone = [e for e in episodes if e not in shared]
    sessions = _ids(db, select(AppointmentRow.id).where(_in(AppointmentRow.episode_id, alone)))
    links = _ids(db, select(FeedbackLinkRow.id).where(FeedbackLinkRow.client_id == client_id))
    submissions = _ids(db, select(SubmissionRow.id).where(SubmissionRow.client_id == client_id))

    first_correction = db.scalar(
        select(func.min(TriageCorrectionRow.corrected_at)).where(
            TriageCorrectionRow.client_id == client_id
        )
    )
    note(
        "triage_corrections",
        _delete(db, TriageCorrectionRow, TriageCorrectionRow.client_id == client_id),
    )
    if first_correction is not None:
        note(
            "triage_models",
            _delete(
                db,
                TriageModelRow,
                (TriageModelRow.practice_id == client.practice_id)
                & (TriageModelRow.created_at >= first_correction),
            ),
        )
    note("concerns", _delete(db, ConcernRow, ConcernRow.client_id == client_id))
    note(
        "risk_screens",
        _delete(
            db,
            RiskScreenRow,
            RiskScreenRow.client_id == client_id,
            _in(RiskScreenRow.episode_id, alone),
        ),
    )
    note(
        "administrations",
        _delete(
            db,
            AdministrationRow,
            AdministrationRow.client_id == client_id,
            _in(AdministrationRow.episode_id, alone),
        ),
    )
    note("feedback", _delete(db, SubmissionRow, _in(SubmissionRow.id, submissions)))
    note("feedback_links", _delete(db, FeedbackLinkRow, FeedbackLinkRow.client_id == client_id))
    note(
        "notification_records",
        _delete(
            db,
            DeliveryRow,
            DeliveryRow.client_id == client_id,
            _in(DeliveryRow.appointment_id, sessions),
        ),
    )
    note("jobs", _purge_jobs(db, episodes=alone, sessions=sessions))
    note(
        "api_answers",
        _purge_api_answers(db, client=client, episodes=alone, sessions=sessions),
    )
    note("alerts", _purge_alerts(db, rt, client=client, names=names, episodes=alone))
    note(
        "prepared_reports",
        purge_for_client(db, client_id=client_id, practice_id=client.practice_id),
    )
    note(
        "signals",
        _delete(
            db,
            SignalRow,
            SignalRow.client_id == client_id,
            _in(SignalRow.episode_id, alone),
            _in(SignalRow.episode_id, shared),
        ),
    )
    note(
        "rupture_logs",
        _delete(
            db,
            RuptureLogRow,
            RuptureLogRow.client_id == client_id,
            _in(RuptureLogRow.episode_id, alone),
        ),
    )
    note("rupture_notes_emptied", _empty_shared_notes(db, rt, names=names, episodes=shared))
    note(
        "fit_checks",
        _delete(
            db, FitCheckRow, FitCheckRow.client_id == client_id, _in(FitCheckRow.episode_id, alone)
        ),
    )
    note(
        "matches",
        _delete(db, MatchRow, MatchRow.client_id == client_id, _in(MatchRow.episode_id, alone)),
    )
    note(
        "matching_preferences",
        _delete(db, ClientPreferenceRow, ClientPreferenceRow.client_id == client_id),
    )
    db.execute(
        update(IntakeRow)
        .where(_in(IntakeRow.episode_id, alone), IntakeRow.client_id != client_id)
        .values(episode_id=None)
        .execution_options(synchronize_session=False)
    )
    note("intake_referrals", _delete(db, IntakeRow, IntakeRow.client_id == client_id))
    note("exclusions", _delete(db, ExclusionRow, ExclusionRow.client_id == client_id))
    note("consents", _delete(db, ConsentRow, ConsentRow.client_id == client_id))
    note("contact_opt_outs", _delete(db, ContactOptOutRow, ContactOptOutRow.client_id == client_id))
    note("sign_in_links", _delete(db, MagicLinkRow, MagicLinkRow.client_id == client_id))
    note("sign_ins", _delete(db, AuthSessionRow, AuthSessionRow.client_id == client_id))
    keys = [f"session:client:{client_id}", f"concern:client:{client_id}"]
    keys += [f"{use}:link:{link}" for link in links for use in ("session", "concern")]
    if client.email:  # sign-in link requests are counted by the address asked for
        keys.append(limits.email_key(rt, client.email))
    note("sign_in_attempts", _delete(db, LoginAttemptRow, LoginAttemptRow.key.in_(keys)))
    note(
        "episode_memberships",
        _delete(db, ParticipantRow, ParticipantRow.client_id == client_id),
    )
    note("sessions", _delete(db, AppointmentRow, _in(AppointmentRow.id, sessions)))
    note(
        "series",
        _delete(db, AppointmentSeriesRow, _in(AppointmentSeriesRow.episode_id, alone)),
    )
    note("episodes", _delete(db, EpisodeRow, _in(EpisodeRow.id, alone)))
    note("audit_events_stripped", _strip_audit(db, client=client, erasure_id=erasure_id))
    db.execute(
        update(ErasureRequestRow)
        .where(ErasureRequestRow.client_id == client_id)
        .values(client_id=None)
        .execution_options(synchronize_session=False)
    )
    db.execute(
        update(ErasureRequestRow)
        .where(ErasureRequestRow.status == "pending", ErasureRequestRow.client_id.is_(None))
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    db.expunge(client)
    note("clients", _delete(db, ClientRow, ClientRow.id == client_id))
    for episode_id in sorted(shared):
        job_service.enqueue(
            db,
            kind="recompute",
            key=f"recompute:{episode_id}",
            run_at=rt.now(),
            payload={"episode_id": episode_id},
            again=True,
            now=rt.now(),
        )
    return removed


def _purge_jobs(db: Session, *, episodes: Collection[int], sessions: Collection[int]) -> int:
    """Jobs about the client's sessions or episodes (payloads hold ids only, ADR 0008)."""
    doomed = []
    for job_id, payload in db.execute(select(JobRow.id, JobRow.payload)):
        payload = payload or {}
        if payload.get("appointment_id") in sessions or payload.get("episode_id") in episodes:
            doomed.append(job_id)
    return _delete(db, JobRow, _in(JobRow.id, doomed)) if doomed else 0


def _purge_api_answers(
    db: Session,
    *,
    client: ClientRow,
    episodes: Collection[int],
    sessions: Collection[int],
) -> int:
    """Stored answers to API writes (idempotency keys) that describe the client's records: a
    score of theirs, or a session of an episode only they were in (ADR 0011)."""
    staff = select(UserRow.id).where(UserRow.practice_id == client.practice_id)
    doomed = []
    for row_id, response in db.execute(
        select(IdempotencyKeyRow.id, IdempotencyKeyRow.response).where(
            IdempotencyKeyRow.user_id.in_(staff)
        )
    ):
        body = (response or {}).get("body")
        if not isinstance(body, dict):
            continue
        if (
            body.get("client_id") == client.id
            or body.get("episode_id") in episodes
            or body.get("appointment_id") in sessions
        ):
            doomed.append(row_id)
    return _delete(db, IdempotencyKeyRow, _in(IdempotencyKeyRow.id, doomed)) if doomed else 0


def _purge_alerts(
    db: Session,
    rt: Runtime,
    *,
    client: ClientRow,
    names: list[str],
    episodes: Collection[int],
) -> int:
    """Alerts about the client, about their episodes, or whose words name them."""
    doomed = []
    staff = select(UserRow.id).where(UserRow.practice_id == client.practice_id)
    for alert in db.scalars(select(AlertRow).where(AlertRow.recipient_user_id.in_(staff))):
        detail = alert.detail or {}
        if (
            alert.client_id == client.id
            or detail.get("episode_id") in episodes
            or detail.get("client_id") == client.id
            or _names(rt.cipher.decrypt(alert.summary_encrypted), names)
        ):
            doomed.append(alert.id)
    return _delete(db, AlertRow, _in(AlertRow.id, doomed)) if doomed else 0


def _empty_shared_notes(
    db: Session, rt: Runtime, *, names: list[str], episodes: Collection[int]
) -> int:
    """In episodes the client shared, empty a rupture or repair note that names them."""
    emptied = 0
    for log in db.scalars(select(RuptureLogRow).where(_in(RuptureLogRow.episode_id, episodes))):
        if _names(rt.cipher.decrypt(log.note_encrypted), names):
            log.note_encrypted = None
            emptied += 1
        if _names(rt.cipher.decrypt(log.repair_note_encrypted), names):
            log.repair_note_encrypted = None
            emptied += 1
    db.flush()
    return emptied


def _strip_audit(db: Session, *, client: ClientRow, erasure_id: int) -> int:
    """Keep the audit events, without the client (see the module docstring)."""
    pointer = {"erasure": erasure_id}
    stripped = _count(
        db.execute(
            update(AuditEventRow)
            .where(AuditEventRow.client_id == client.id)
            .values(client_id=None, entity_id=None, detail=pointer)
            .execution_options(synchronize_session=False)
        )
    )
    stripped += _count(
        db.execute(
            update(AuditEventRow)
            .where(AuditEventRow.actor_client_id == client.id)
            .values(
                actor_client_id=None,
                actor_label="erased client",
                origin=None,
                entity_id=None,
                detail=pointer,
            )
            .execution_options(synchronize_session=False)
        )
    )
    # Page views that named several clients: take this one out of the list.
    listed = select(AuditEventRow.id, AuditEventRow.detail).where(
        AuditEventRow.practice_id == client.practice_id,
        cast(AuditEventRow.detail, Text).like('%"client_ids"%'),
    )
    for event_id, detail in db.execute(listed).all():
        shown = list((detail or {}).get("client_ids") or [])
        if client.id in shown:
            kept = [i for i in shown if i != client.id]
            db.execute(
                update(AuditEventRow)
                .where(AuditEventRow.id == event_id)
                .values(
                    detail={**detail, "client_ids": kept, "erased": 1 + detail.get("erased", 0)}
                )
                .execution_options(synchronize_session=False)
            )
            stripped += 1
    return stripped
