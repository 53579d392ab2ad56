"""Build the supervision report's data (:class:`SupervisionReportData`) from what is stored.

Two scopes, over a period (both dates inclusive):

* **a therapist's caseload**: every episode of theirs with an attended session in the period,
  or that ended in it (a dropout after a rupture belongs in supervision); and the outcome rates
  of their episodes that ended in the period;
* **one client**: each of the client's episodes seen or ended in the period.

Per episode (one section; a couple is one section with both partners):

* the trajectory chart of the whole episode (context matters more than the period's edges);
* the signals raised at sessions in the period, leaving out those already resolved;
* the rupture-and-repair log: every rupture at a session in the period, detected from the
  client's ratings, logged by the therapist, or both (linked by the signals module), with its
  status and, when repaired, the session of the repair.

Who may ask (:func:`report_therapist_for`, :func:`report_client_for`): the therapist themself,
their supervisor, and the clinical lead of the practice. Everyone else gets NotFound (404), as
for any record they may not see. The caller audits each client in the report as read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role, may_read_clinical
from bordin.domain.alliance.repair import MARKERS_BY_KEY, STRATEGIES_BY_KEY
from bordin.domain.alliance.signal import OPEN_STATUSES
from bordin.domain.errors import FieldError, InvalidInput, NotFound
from bordin.reports.outcomes import summarise_outcomes
from bordin.reports.read.measures import SEVERITY_ORDER
from bordin.reports.read.practice import outcome_records
from bordin.reports.read.supervision import signal_label
from bordin.reports.read.trajectory import episode_trajectory
from bordin.reports.supervision_report import (
    ClientSection,
    ReportSignal,
    RuptureEntry,
    RuptureStatus,
    SupervisionReportData,
)
from bordin.services.access import client_care
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    ParticipantRow,
    PracticeRow,
    SignalRow,
    UserRow,
)

#: The longest period a report may cover.
MAX_PERIOD_DAYS = 366 * 2


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def parse_period(start: str | None, end: str | None, *, today: dt.date) -> Period:
    """The report period from two ISO dates; by default the 12 weeks up to ``today``.

    Bad input raises InvalidInput naming the field (``start`` or ``end``) and what was wrong.
    """
    errors: list[FieldError] = []

    def day(name: str, value: str | None, default: dt.date) -> dt.date | None:
        if value is None or not value.strip():
            return default
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            errors.append(FieldError(name, f"{value!r} is not a date; use YYYY-MM-DD"))
            return None

    last = day("end", end, today)
    first = day("start", start, (last or today) - dt.timedelta(weeks=12))
    if first is not None and last is not None:
        if last < first:
            errors.append(
                FieldError("end", f"{last.isoformat()} is before the start, {first.isoformat()}")
            )
        elif (last - first).days > MAX_PERIOD_DAYS:
            errors.append(
                FieldError("end", f"the period may be at most {MAX_PERIOD_DAYS} days long")
            )
    if errors:
        raise InvalidInput(errors)
    assert first is not None and last is not None
    return Period(first, last)


# --- who may ask ------------------------------------------------------------------------------


def report_therapist_for(db: Session, actor: Actor, therapist_id: int) -> UserRow:
    """The therapist whose report ``actor`` asks for, if they may have it; else NotFound."""
    therapist = db.get(UserRow, therapist_id)
    if (
        therapist is None
        or therapist.practice_id != actor.practice_id
        or therapist.role not in (Role.THERAPIST, Role.SUPERVISOR)
        or actor.role not in (Role.THERAPIST, Role.SUPERVISOR)
    ):
        raise NotFound("not found")
    if actor.user_id == therapist.id:
        return therapist
    if actor.role is Role.SUPERVISOR and (
        therapist.supervisor_id == actor.user_id or actor.is_clinical_lead
    ):
        return therapist
    raise NotFound("not found")


def report_client_for(db: Session, actor: Actor, client_id: int) -> ClientRow:
    """The client whose report ``actor`` asks for, if they may have it; else NotFound."""
    care = client_care(db, client_id)
    if care is None or care.practice_id != actor.practice_id:
        raise NotFound("not found")
    allowed = actor.role in (Role.THERAPIST, Role.SUPERVISOR) and (
        may_read_clinical(actor, care) or (actor.role is Role.SUPERVISOR and actor.is_clinical_lead)
    )
    if not allowed:
        raise NotFound("not found")
    client = db.get(ClientRow, client_id)
    assert client is not None
    return client


def choosable(db: Session, actor: Actor) -> tuple[list[UserRow], list[tuple[ClientRow, str]]]:
    """Therapists and clients ``actor`` may ask a report about (for the form), alphabetical."""
    if actor.role not in (Role.THERAPIST, Role.SUPERVISOR):
        return [], []
    query = select(UserRow).where(
        UserRow.practice_id == actor.practice_id,
        UserRow.role.in_([Role.THERAPIST.value, Role.SUPERVISOR.value]),
    )
    if not (actor.role is Role.SUPERVISOR and actor.is_clinical_lead):
        query = query.where(
            (UserRow.id == actor.user_id)
            | ((UserRow.supervisor_id == actor.user_id) & (UserRow.supervisor_id.is_not(None)))
        )
    therapists = sorted(db.scalars(query), key=lambda u: (u.display_name.casefold(), u.id))
    ids = [t.id for t in therapists]
    clients: dict[int, tuple[ClientRow, str]] = {}
    for client, name in db.execute(
        select(ClientRow, UserRow.display_name)
        .join(ParticipantRow, ParticipantRow.client_id == ClientRow.id)
        .join(EpisodeRow, EpisodeRow.id == ParticipantRow.episode_id)
        .join(UserRow, UserRow.id == EpisodeRow.therapist_id)
        .where(EpisodeRow.therapist_id.in_(ids))
        .order_by(EpisodeRow.started_on)
    ):
        clients[client.id] = (client, name)
    ordered = sorted(clients.values(), key=lambda c: (c[0].display_name.casefold(), c[0].id))
    return therapists, ordered


# --- building the report ----------------------------------------------------------------------


def _episodes_in_period(
    db: Session, episodes: Iterable[EpisodeRow], period: Period
) -> list[tuple[EpisodeRow, int, dict[int, dt.date]]]:
    """(episode, sessions attended in the period, session number → date) for those in scope."""
    chosen = {e.id: e for e in episodes if e.started_on <= period.end}
    if not chosen:
        return []
    dates: dict[int, dict[int, dt.date]] = defaultdict(dict)
    attended: dict[int, int] = defaultdict(int)
    for episode_id, number, starts_at, status in db.execute(
        select(
            AppointmentRow.episode_id,
            AppointmentRow.number,
            AppointmentRow.starts_at,
            AppointmentRow.status,
        ).where(AppointmentRow.episode_id.in_(list(chosen)))
    ):
        day = starts_at.date()
        dates[episode_id][number] = day
        if status == "attended" and day in period:
            attended[episode_id] += 1
    result = []
    for episode_id, episode in chosen.items():
        if attended[episode_id] or episode.ended_on in period:
            result.append((episode, attended[episode_id], dates[episode_id]))
    return result


def _labels(keys: str | None, lookup: dict[str, str]) -> str:
    if not keys:
        return ""
    return "; ".join(lookup.get(k, k.replace("_", " ")) for k in str(keys).split(",") if k)


MARKER_LABELS = {k: m.label for k, m in MARKERS_BY_KEY.items()}
STRATEGY_LABELS = {k: s.label for k, s in STRATEGIES_BY_KEY.items()}


def rupture_entries(
    signals: Iterable[SignalRow], dates: dict[int, dt.date], period: Period
) -> tuple[RuptureEntry, ...]:
    """The rupture-and-repair log of one episode for the period, from its stored signals."""
    rows = list(signals)
    repaired_at: dict[tuple[int | None, int], int] = {}
    for s in rows:
        if s.type == "rupture_repaired" and s.session_number is not None:
            onset = s.explanation.get("numbers", {}).get("rupture_session")
            if onset is not None:
                repaired_at[(s.client_id, int(onset))] = s.session_number
    entries: list[RuptureEntry] = []
    for s in rows:
        if s.type != "rupture" or s.session_number is None:
            continue
        day = dates.get(s.session_number)
        if day is None or day not in period:
            continue
        numbers = s.explanation.get("numbers", {})
        if s.rule == "rupture.therapist_log":
            source = "logged"
            kind = str(numbers.get("rupture_type", "")).capitalize()
            markers = _labels(numbers.get("markers"), MARKER_LABELS)
            description = f"{kind}: {markers}" if markers else kind
            tried = _labels(numbers.get("strategies"), STRATEGY_LABELS)
        elif "logged_rupture_type" in numbers:
            source = "detected and logged"
            markers = _labels(numbers.get("logged_markers"), MARKER_LABELS)
            description = s.summary + (f" Markers: {markers}." if markers else "")
            tried = _labels(numbers.get("logged_strategies"), STRATEGY_LABELS)
        else:
            source, description, tried = "detected", s.summary, ""
        status: RuptureStatus = (
            s.status if s.status in ("open", "repaired", "unrepaired") else "open"  # type: ignore[assignment]
        )
        entries.append(
            RuptureEntry(
                session_number=s.session_number,
                date=day,
                source=source,
                status=status,
                description=description,
                what_was_tried=tried,
                repaired_at_session=repaired_at.get((s.client_id, s.session_number)),
            )
        )
    return tuple(sorted(entries, key=lambda e: (e.session_number, e.source)))


def _section(
    db: Session,
    rt: Runtime,
    episode: EpisodeRow,
    sessions_in_period: int,
    dates: dict[int, dt.date],
    period: Period,
) -> tuple[ClientSection, list[int], int]:
    """One episode's section, its client ids, and its most urgent open severity (for order)."""
    people = list(
        db.execute(
            select(ClientRow.id, ClientRow.display_name, ClientRow.pseudonym)
            .join(ParticipantRow, ParticipantRow.client_id == ClientRow.id)
            .where(ParticipantRow.episode_id == episode.id)
            .order_by(ParticipantRow.id)
        )
    )
    label = " and ".join(f"{name} ({pseudonym})" for _, name, pseudonym in people)
    signals = list(
        db.scalars(
            select(SignalRow)
            .where(SignalRow.episode_id == episode.id)
            .order_by(SignalRow.session_number, SignalRow.id)
        )
    )
    in_period: list[ReportSignal] = []
    urgency = 3
    for s in signals:
        day = dates.get(s.session_number or -1) or s.computed_at.date()
        if s.status == "resolved" or day not in period:
            continue
        if s.status in OPEN_STATUSES:
            urgency = min(urgency, SEVERITY_ORDER.get(s.severity, 3))
        in_period.append(ReportSignal(day, signal_label(s.type), s.severity, s.summary))
    trajectory = episode_trajectory(
        db, rt, episode_id=episode.id, title=f"{label}: alliance and outcome"
    )
    section = ClientSection(
        client_key=f"episode-{episode.id}",
        client_label=label or f"Episode {episode.id}",
        trajectory=trajectory,
        signals=tuple(in_period),
        ruptures=rupture_entries(signals, dates, period),
        sessions_in_period=sessions_in_period,
        status=episode.status.replace("_", " "),
    )
    return section, [int(p[0]) for p in people], urgency


@dataclass(frozen=True)
class BuiltReport:
    """The report's data and the clients it reads (for the audit trail)."""

    data: SupervisionReportData
    client_ids: tuple[int, ...]


def _practice_name(db: Session, practice_id: int) -> str:
    practice = db.get(PracticeRow, practice_id)
    return practice.name if practice else ""


def _supervisor_name(db: Session, therapist: UserRow) -> str:
    if therapist.supervisor_id is None:
        return "none recorded"
    supervisor = db.get(UserRow, therapist.supervisor_id)
    return supervisor.display_name if supervisor else "none recorded"


def therapist_report(
    db: Session, rt: Runtime, *, therapist: UserRow, period: Period
) -> BuiltReport:
    """A therapist's caseload over the period (the caller has checked access)."""
    episodes = db.scalars(select(EpisodeRow).where(EpisodeRow.therapist_id == therapist.id))
    built = [
        _section(db, rt, episode, attended, dates, period)
        for episode, attended, dates in _episodes_in_period(db, episodes, period)
    ]
    built.sort(key=lambda b: (b[2], b[0].client_label.casefold()))
    records = [
        o.record
        for o in outcome_records(
            db,
            practice_id=therapist.practice_id,
            therapist_id=therapist.id,
            ended_between=(period.start, period.end),
        )
    ]
    data = SupervisionReportData(
        therapist_name=therapist.display_name,
        supervisor_name=_supervisor_name(db, therapist),
        period_start=period.start,
        period_end=period.end,
        generated_at=rt.now(),
        clients=tuple(b[0] for b in built),
        outcomes=summarise_outcomes(records) if records else None,
        practice_name=_practice_name(db, therapist.practice_id),
        scope="therapist",
    )
    return BuiltReport(data, tuple(sorted({c for b in built for c in b[1]})))


def client_report(db: Session, rt: Runtime, *, client: ClientRow, period: Period) -> BuiltReport:
    """One client's episodes over the period (the caller has checked access)."""
    episodes = list(
        db.scalars(
            select(EpisodeRow)
            .join(ParticipantRow, ParticipantRow.episode_id == EpisodeRow.id)
            .where(ParticipantRow.client_id == client.id)
        )
    )
    built = [
        _section(db, rt, episode, attended, dates, period)
        for episode, attended, dates in _episodes_in_period(db, episodes, period)
    ]
    built.sort(key=lambda b: b[0].client_key)
    therapists = [db.get(UserRow, e.therapist_id) for e in episodes]
    names = sorted({t.display_name for t in therapists if t is not None})
    supervisors = sorted({_supervisor_name(db, t) for t in therapists if t is not None})
    data = SupervisionReportData(
        therapist_name=", ".join(names) or "none recorded",
        supervisor_name=", ".join(supervisors) or "none recorded",
        period_start=period.start,
        period_end=period.end,
        generated_at=rt.now(),
        clients=tuple(b[0] for b in built),
        outcomes=None,
        practice_name=_practice_name(db, client.practice_id),
        scope="client",
    )
    return BuiltReport(data, (client.id, *sorted({c for b in built for c in b[1]} - {client.id})))
