"""Signals: recomputed for one episode on every submission, or for the whole practice.

The rules are pure (``bordin.domain.alliance``); this module reads an episode's history from
storage, evaluates it, and replaces the episode's stored signals, keeping acknowledgements of
signals that are still there. New urgent signals raise alerts at once; other new signals wait
for the daily digest.

Both the per-episode recompute here and the vectorised whole-practice recompute
(:mod:`bordin.services.signals_bulk`) use the practice's fitted expected-recovery models when it
has them (:func:`load_recovery_models`; the whole-practice recompute fits and stores them with
:func:`refresh_recovery_models` once :data:`FIT_MIN_EPISODES` completed episodes exist), store
the same explanation JSON
(:func:`explanation_json`) and identify a signal by the same key (:func:`key_for`), so an
acknowledgement survives either kind of recompute.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import BindParameter, bindparam, delete, select
from sqlalchemy.orm import Session

from bordin.domain.alliance import (
    EpisodeHistory,
    ExpectedRecoveryModel,
    Explanation,
    Signal,
    evaluate_episode,
    registry_scale,
)
from bordin.domain.alliance.history import Attendance, Rating, RiskFlag, TherapistRupture
from bordin.domain.text import shorten_at_sentence
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AdministrationRow,
    AppointmentRow,
    EpisodeRow,
    ParticipantRow,
    RuptureLogRow,
    SignalRow,
    SubmissionRow,
)
from bordin.storage.tables.signals import RecoveryModelRow


def load_history(db: Session, episode_id: int, *, now: datetime) -> EpisodeHistory:
    """An episode's ratings, attendance, logged ruptures and risk flags, as the domain sees them.

    Session numbers are appointment numbers (counting cancelled and missed sessions).
    Client ids are the database ids as strings.
    """
    return load_histories(db, [episode_id], now=now)[episode_id]


#: Episodes per query when many histories are loaded at once.
_BATCH = 500
#: The length of a signal's stored summary (its column).
SUMMARY_LENGTH = 500
#: The log's stored answer to "did it resolve?" as the signal rules read it.
_RESOLVED: Mapping[str, bool | Literal["partly"]] = {"yes": True, "no": False, "partly": "partly"}


def load_histories(
    db: Session, episode_ids: Sequence[int], *, now: datetime
) -> dict[int, EpisodeHistory]:
    """:func:`load_history` for many episodes, with a handful of queries per 500 episodes."""
    out: dict[int, EpisodeHistory] = {}
    ids = list(dict.fromkeys(episode_ids))
    for start in range(0, len(ids), _BATCH):
        out.update(_load_batch(db, ids[start : start + _BATCH], now))
    return out


def early_cancellation(appointment: Any) -> bool:
    """Cancelled with the practice's notice (booking recorded when, and it was not late).

    Such a session is left out of the attendance the signals read: only no-shows and late
    cancellations count towards disengagement. Cancellations without a recorded time (older
    data, or marked by hand) still count, as they always did. ``appointment`` is an
    appointment row or any row with its ``status``, ``cancelled_at`` and ``late_cancellation``.
    """
    return (
        appointment.status == "cancelled"
        and appointment.cancelled_at is not None
        and not appointment.late_cancellation
    )


#: The same rule in SQL, for the vectorised recompute (``ap`` is the appointments table).
EARLY_CANCELLATION_SQL = (
    "(ap.status = 'cancelled' AND ap.cancelled_at IS NOT NULL AND NOT ap.late_cancellation)"
)

# What a history is read from: only the columns it uses, as Core rows, the statements built once
# per process with the episode ids bound at each call (ORM objects and statements built per call
# cost a client page more than SQLite took to answer).
_EPISODES: BindParameter[list[int]] = bindparam("episodes", expanding=True)
_HISTORY_EPISODES = select(
    EpisodeRow.id, EpisodeRow.kind, EpisodeRow.status, EpisodeRow.ended_on
).where(EpisodeRow.id.in_(_EPISODES))
_HISTORY_CLIENTS = (
    select(ParticipantRow.episode_id, ParticipantRow.client_id)
    .where(ParticipantRow.episode_id.in_(_EPISODES))
    .order_by(ParticipantRow.id)
)
_HISTORY_APPOINTMENTS = select(
    AppointmentRow.id,
    AppointmentRow.episode_id,
    AppointmentRow.number,
    AppointmentRow.starts_at,
    AppointmentRow.status,
    AppointmentRow.cancelled_at,
    AppointmentRow.late_cancellation,
).where(AppointmentRow.episode_id.in_(_EPISODES))
_HISTORY_SCORES = (
    select(
        AdministrationRow.episode_id,
        AdministrationRow.appointment_id,
        AdministrationRow.client_id,
        AdministrationRow.instrument_id,
        AdministrationRow.total,
        AdministrationRow.answers,
        AdministrationRow.risk_items,
    )
    .where(AdministrationRow.episode_id.in_(_EPISODES), AdministrationRow.total.is_not(None))
    .order_by(AdministrationRow.id)
)
_HISTORY_CRISES = (
    select(SubmissionRow.appointment_id, SubmissionRow.client_id)
    .join(AppointmentRow, AppointmentRow.id == SubmissionRow.appointment_id)
    .where(AppointmentRow.episode_id.in_(_EPISODES), SubmissionRow.triage_category == "crisis")
    .order_by(SubmissionRow.id)
)
_HISTORY_RUPTURES = (
    select(
        RuptureLogRow.id,
        RuptureLogRow.episode_id,
        RuptureLogRow.appointment_id,
        RuptureLogRow.client_id,
        RuptureLogRow.rupture_type,
        RuptureLogRow.markers,
        RuptureLogRow.strategies,
        RuptureLogRow.resolved,
    )
    .where(RuptureLogRow.episode_id.in_(_EPISODES))
    .order_by(RuptureLogRow.id)
)


def _load_batch(db: Session, ids: list[int], now: datetime) -> dict[int, EpisodeHistory]:
    db.flush()  # what this session has added but not yet written is part of the history
    conn = db.connection()
    within = {"episodes": ids}
    episodes = {e.id: e for e in conn.execute(_HISTORY_EPISODES, within).all()}
    clients: dict[int, list[str]] = defaultdict(list)
    for episode_id, client_id in conn.execute(_HISTORY_CLIENTS, within).all():
        clients[episode_id].append(str(client_id))
    appointments = {a.id: a for a in conn.execute(_HISTORY_APPOINTMENTS, within).all()}
    attendance: dict[int, list[Attendance]] = defaultdict(list)
    for a in sorted(appointments.values(), key=lambda a: (a.episode_id, a.number)):
        if early_cancellation(a):
            continue  # cancelled in good time: not a missed session (disengagement)
        if a.status != "scheduled" or a.starts_at <= now:
            attendance[a.episode_id].append(
                Attendance(session_number=a.number, date=a.starts_at.date(), status=a.status)
            )
    ratings: dict[int, list[Rating]] = defaultdict(list)
    risks: dict[int, list[RiskFlag]] = defaultdict(list)
    for admin in conn.execute(_HISTORY_SCORES, within).all():
        appointment = appointments.get(admin.appointment_id or -1)
        if appointment is None or appointment.episode_id != admin.episode_id:
            continue
        items = {k: float(v) for k, v in (admin.answers or {}).items() if v is not None}
        ratings[admin.episode_id].append(
            Rating(
                client_id=str(admin.client_id),
                session_number=appointment.number,
                date=appointment.starts_at.date(),
                instrument_id=admin.instrument_id,
                total=float(admin.total or 0),
                items=items,
            )
        )
        # A risk item the item values carry is raised by the rules from the items; a flag is
        # added only for one they do not carry, so each endorsement gives exactly one signal.
        uncarried = uncarried_risk_items(admin.instrument_id, admin.risk_items or [], items)
        if uncarried:
            risks[admin.episode_id].append(
                RiskFlag(
                    client_id=str(admin.client_id),
                    session_number=appointment.number,
                    date=appointment.starts_at.date(),
                    source="risk_item",
                    detail=f"{admin.instrument_id}: {', '.join(uncarried)}",
                )
            )
    for submission in conn.execute(_HISTORY_CRISES, within).all():
        appointment = appointments[submission.appointment_id]
        risks[appointment.episode_id].append(
            RiskFlag(
                client_id=str(submission.client_id),
                session_number=appointment.number,
                date=appointment.starts_at.date(),
                source="crisis_feedback",
                detail="triage: crisis",
            )
        )
    logged: dict[int, list[TherapistRupture]] = defaultdict(list)
    for r in conn.execute(_HISTORY_RUPTURES, within).all():
        appointment = appointments.get(r.appointment_id)
        if appointment is None or appointment.episode_id != r.episode_id:
            continue
        logged[r.episode_id].append(
            TherapistRupture(
                session_number=appointment.number,
                date=appointment.starts_at.date(),
                rupture_type=r.rupture_type,
                client_id=str(r.client_id) if r.client_id else None,
                markers=tuple(r.markers or ()),
                strategies=tuple(r.strategies or ()),
                resolved=_RESOLVED.get(r.resolved),
                log_id=str(r.id),
            )
        )
    return {
        episode_id: EpisodeHistory(
            episode_id=str(episode_id),
            kind=episode.kind,
            client_ids=tuple(clients[episode_id]),
            ratings=tuple(ratings[episode_id]),
            attendance=tuple(attendance[episode_id]),
            ruptures_logged=tuple(logged[episode_id]),
            risk_flags=tuple(risks[episode_id]),
            ended=episode.status != "active",
            dropped_out=episode.status == "dropped_out",
            ended_on=episode.ended_on,
        )
        for episode_id, episode in episodes.items()
    }


def uncarried_risk_items(
    instrument_id: str, risk_items: list[Any], items: Mapping[str, float]
) -> list[str]:
    """The endorsed risk items of an administration that its item values do not carry.

    The rules raise a risk signal from the items for every risk item answered above 0; only an
    endorsement they cannot see (an item value missing, or an item the definition no longer
    marks as a risk item) needs a separate :class:`RiskFlag`.
    """
    if not risk_items:
        return []
    facts = registry_scale(instrument_id)
    return [
        str(link)
        for link in risk_items
        if not (str(link) in facts.risk_items and items.get(str(link), 0.0) > 0)
    ]


def key_for(
    signal_type: str,
    client_id: str | None,
    instrument_id: str | None,
    session_number: int,
    rule: str,
) -> str:
    """A signal's identity across recomputes: type, client, measure, session and rule."""
    return "|".join(
        [signal_type, client_id or "-", instrument_id or "-", str(session_number), rule]
    )[:120]


def signal_key(signal: Signal) -> str:
    return key_for(
        signal.type,
        signal.client_id,
        signal.instrument_id,
        signal.session_number,
        signal.explanation.rule,
    )


def _finite(value: object) -> object:
    """JSON has no NaN or infinity (PostgreSQL refuses them): such a number is stored as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def summary_of(sentence: str) -> str:
    """A signal's stored summary: whole sentences up to the column's 500 characters (one
    sentence longer than that, which the rules never write, is cut and marked)."""
    kept = shorten_at_sentence(sentence, SUMMARY_LENGTH)
    return kept if len(kept) <= SUMMARY_LENGTH else kept[: SUMMARY_LENGTH - 1] + "…"


def explanation_json(explanation: Explanation, instrument_id: str | None) -> dict[str, Any]:
    """What a stored signal's ``explanation`` column holds."""
    return {
        "rule": explanation.rule,
        "sentence": explanation.sentence,
        "numbers": {k: _finite(v) for k, v in explanation.numbers.items()},
        "sessions": list(explanation.sessions),
        "next_step": explanation.next_step,
        "citation": explanation.citation,
        "instrument": instrument_id,
    }


def _row(signal: Signal, episode_id: int, now: datetime) -> SignalRow:
    explanation = signal.explanation
    return SignalRow(
        episode_id=episode_id,
        client_id=int(signal.client_id) if signal.client_id else None,
        session_number=signal.session_number,
        type=signal.type,
        severity=signal.severity,
        status=signal.status,
        rule=explanation.rule[:60],
        summary=summary_of(explanation.sentence),
        explanation=explanation_json(explanation, signal.instrument_id),
        key=signal_key(signal),
        computed_at=now,
    )


def load_recovery_models(db: Session, practice_id: int) -> dict[str, ExpectedRecoveryModel]:
    """The practice's fitted expected-recovery models by instrument id (empty: defaults apply)."""
    return {
        row.instrument_id: model_from_row(row)
        for row in db.scalars(
            select(RecoveryModelRow).where(RecoveryModelRow.practice_id == practice_id)
        )
    }


def model_from_row(row: RecoveryModelRow) -> ExpectedRecoveryModel:
    return ExpectedRecoveryModel(
        instrument_id=row.instrument_id,
        b0=row.b0,
        b1=row.b1,
        var_intercept=row.var_intercept,
        var_slope=row.var_slope,
        cov_intercept_slope=row.cov_intercept_slope,
        var_residual=row.var_residual,
        source="fitted",
        label=row.label,
        n_episodes=row.n_episodes,
        max_session=row.max_session,
        basis=row.basis,
    )


def store_signals(
    db: Session, rt: Runtime, *, episode_id: int, signals: list[Signal]
) -> list[SignalRow]:
    """Replace an episode's signals; keep acknowledgements; return the rows that are new."""
    now = rt.now()
    previous = {
        row.key: row
        for row in db.scalars(select(SignalRow).where(SignalRow.episode_id == episode_id))
    }
    db.execute(delete(SignalRow).where(SignalRow.episode_id == episode_id))
    new: list[SignalRow] = []
    for signal in signals:
        row = _row(signal, episode_id, now)
        before = previous.get(row.key)
        if before is not None:
            row.acknowledged_at = before.acknowledged_at
            row.acknowledged_by_user_id = before.acknowledged_by_user_id
            row.computed_at = before.computed_at if before.status == row.status else now
        else:
            new.append(row)
        db.add(row)
    db.flush()
    return new


def recompute_episode(
    db: Session, rt: Runtime, *, episode_id: int, commit: bool = True, alert: bool = True
) -> list[SignalRow]:
    """Re-evaluate one episode's signals and store them; returns the newly raised ones.

    Runs after every submission. Uses the practice's fitted expected-recovery models when the
    last whole-practice recompute stored any. New signals become alerts (urgent ones are
    emailed at once, the rest go in the digest).
    """
    history = load_history(db, episode_id, now=rt.now())
    episode = db.get(EpisodeRow, episode_id)
    assert episode is not None
    models = load_recovery_models(db, episode.practice_id)
    signals = evaluate_episode(history, now=rt.now(), recovery_models=models)
    new = store_signals(db, rt, episode_id=episode_id, signals=signals)
    urgent: list[int] = []
    if alert and new:
        from bordin.services.alerts import alert_new_signals

        made = alert_new_signals(db, rt, episode_id=episode_id, signals=new)
        urgent = [a.id for a in made if a.severity == "urgent"]
    if commit:
        db.commit()
        if urgent:
            from bordin.services.alerts import send_urgent_now

            # Emailed only once the alerts are committed, so no email announces a rollback.
            send_urgent_now(db, rt, alert_ids=urgent)
    return new


def recompute_episodes(db: Session, rt: Runtime, *, episode_ids: Sequence[int]) -> int:
    """Recompute many episodes at once, with alerts, for the worker; returns new signals.

    The worker coalesces the episodes that submissions queued (``recompute`` jobs) and calls
    this once per batch: histories are loaded in a handful of queries per 500 episodes
    (:func:`load_histories`), each practice's recovery models once. New signals become alerts;
    urgent ones are emailed once the batch is committed.
    """
    now = rt.now()
    histories = load_histories(db, episode_ids, now=now)
    practices: dict[int, int] = {
        episode_id: practice_id
        for episode_id, practice_id in db.execute(
            select(EpisodeRow.id, EpisodeRow.practice_id).where(EpisodeRow.id.in_(list(histories)))
        )
    }
    models_by_practice = {
        practice_id: load_recovery_models(db, practice_id)
        for practice_id in set(practices.values())
    }
    from bordin.services.alerts import alert_new_signals, send_urgent_now

    urgent: list[int] = []
    raised = 0
    for episode_id, history in histories.items():
        models = models_by_practice[practices[episode_id]]
        signals = evaluate_episode(history, now=now, recovery_models=models)
        new = store_signals(db, rt, episode_id=episode_id, signals=signals)
        raised += len(new)
        made = alert_new_signals(db, rt, episode_id=episode_id, signals=new)
        urgent.extend(a.id for a in made if a.severity == "urgent")
    db.commit()
    if urgent:
        send_urgent_now(db, rt, alert_ids=urgent)
    return raised


def recompute_practice(db: Session, rt: Runtime, *, practice_id: int) -> int:
    """Recompute every episode of a practice without raising alerts; returns the signal count.

    Vectorised (:func:`bordin.services.signals_bulk.recompute_practice_bulk`): it also fits the
    practice's expected-recovery models once it has enough completed episodes.
    """
    from bordin.services.signals_bulk import recompute_practice_bulk

    return recompute_practice_bulk(db, rt, practice_id=practice_id).signals


def open_signals_by_episode(db: Session, episode_ids: list[int]) -> dict[int, list[SignalRow]]:
    grouped: dict[int, list[SignalRow]] = defaultdict(list)
    for row in db.scalars(select(SignalRow).where(SignalRow.episode_id.in_(episode_ids))):
        grouped[row.episode_id].append(row)
    return grouped
