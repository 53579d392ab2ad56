"""The therapist's caseload: who needs attention today, why, and when they are next seen.

Six queries whatever the caseload size: episodes, their clients, next and last sessions,
recent scores for sparklines, and the open signals. Each selects only the columns the page
shows and runs on the session's connection as plain Core rows (no ORM objects to build and
track, no ORM compilation): the page is most of the cost of a large caseload, not its SQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import BindParameter, Select, bindparam, func, select
from sqlalchemy.orm import Session

from bordin.domain.alliance.signal import OPEN_STATUSES
from bordin.reports.read.measures import SEVERITY_ORDER, is_alliance
from bordin.reports.read.signal_display import one_item_each
from bordin.storage.tables import (
    AdministrationRow,
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    ParticipantRow,
    SignalRow,
    UserRow,
)

SPARK_POINTS = 10


@dataclass
class CaseClient:
    client_id: int
    label: str
    display_name: str
    pseudonym: str
    alliance: list[float] = field(default_factory=list)
    alliance_instrument: str | None = None
    outcome: list[float] = field(default_factory=list)
    outcome_instrument: str | None = None


@dataclass
class CaseloadRow:
    episode_id: int
    kind: str
    status: str
    therapist_id: int
    therapist_name: str
    presenting_problem: str | None
    clients: list[CaseClient]
    next_session: datetime | None = None
    next_appointment_id: int | None = None
    last_session: datetime | None = None
    sessions_attended: int = 0
    urgency: str = "none"
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (severity, summary)
    signal_types: set[str] = field(default_factory=set)

    @property
    def needs_attention(self) -> bool:
        return self.urgency != "none"


@dataclass(frozen=True)
class CaseloadFilter:
    status: str = "active"  # active | all | ended
    attention: bool = False
    kind: str = "all"  # all | individual | couple
    signal: str = "all"  # all | a signal type


_EPISODES: BindParameter[list[int]] = bindparam("episodes", expanding=True)

# Built once per process, with the episode ids bound at each call: building a statement cost
# more CPU than SQLite took to run it.
#: The clients of the given episodes with their names, in the order they joined each episode
#: (the supervision report reads them too).
EPISODE_CLIENTS = (
    select(
        ParticipantRow.episode_id,
        ClientRow.id,
        ParticipantRow.label,
        ClientRow.display_name,
        ClientRow.pseudonym,
    )
    .join(ClientRow, ClientRow.id == ParticipantRow.client_id)
    .where(ParticipantRow.episode_id.in_(_EPISODES))
    .order_by(ParticipantRow.id)
)
_NEXT_SESSIONS = (
    select(AppointmentRow.episode_id, AppointmentRow.starts_at, AppointmentRow.id)
    .where(
        AppointmentRow.episode_id.in_(_EPISODES),
        AppointmentRow.status == "scheduled",
        AppointmentRow.starts_at >= bindparam("since", type_=AppointmentRow.starts_at.type),
    )
    .order_by(AppointmentRow.starts_at.desc())
)
_ATTENDED = (
    select(AppointmentRow.episode_id, func.max(AppointmentRow.starts_at), func.count())
    .where(AppointmentRow.episode_id.in_(_EPISODES), AppointmentRow.status == "attended")
    .group_by(AppointmentRow.episode_id)
)
#: Scores in time order (the times themselves are not shown).
_SCORES = (
    select(AdministrationRow.client_id, AdministrationRow.instrument_id, AdministrationRow.total)
    .where(AdministrationRow.episode_id.in_(_EPISODES), AdministrationRow.total.is_not(None))
    .order_by(AdministrationRow.answered_at)
)
_OPEN_SIGNALS = (
    select(
        SignalRow.episode_id,
        SignalRow.client_id,
        SignalRow.session_number,
        SignalRow.type,
        SignalRow.status,
        SignalRow.severity,
        SignalRow.summary,
        SignalRow.explanation,
    )
    .where(
        SignalRow.episode_id.in_(_EPISODES),
        SignalRow.status.in_(OPEN_STATUSES),
        SignalRow.acknowledged_at.is_(None),
    )
    .order_by(SignalRow.episode_id, SignalRow.id)
)


def caseload(
    db: Session,
    *,
    therapist_ids: Select[int],
    now: datetime,
    filters: CaseloadFilter = CaseloadFilter(),
) -> list[CaseloadRow]:
    """Rows for every episode of the given therapists, sorted by urgency, then next session."""
    query = (
        select(
            EpisodeRow.id,
            EpisodeRow.kind,
            EpisodeRow.status,
            EpisodeRow.therapist_id,
            EpisodeRow.presenting_problem,
            UserRow.display_name,
        )
        .join(UserRow, UserRow.id == EpisodeRow.therapist_id)
        .where(EpisodeRow.therapist_id.in_(therapist_ids))
    )
    if filters.status == "active":
        query = query.where(EpisodeRow.status == "active")
    elif filters.status == "ended":
        query = query.where(EpisodeRow.status != "active")
    if filters.kind in ("individual", "couple"):
        query = query.where(EpisodeRow.kind == filters.kind)
    conn = db.connection()  # the session's transaction and bind, Core rows
    rows: dict[int, CaseloadRow] = {}
    for episode_id, kind, status, therapist_id, problem, therapist_name in conn.execute(
        query
    ).all():
        rows[episode_id] = CaseloadRow(
            episode_id=episode_id,
            kind=kind,
            status=status,
            therapist_id=therapist_id,
            therapist_name=therapist_name,
            presenting_problem=problem,
            clients=[],
        )
    if not rows:
        return []
    by_client: dict[int, CaseClient] = {}
    within = {"episodes": list(rows)}
    for episode_id, client_id, label, display_name, pseudonym in conn.execute(
        EPISODE_CLIENTS, within
    ).all():
        case_client = CaseClient(client_id, label, display_name, pseudonym)
        rows[episode_id].clients.append(case_client)
        by_client[client_id] = case_client

    for episode_id, next_at, next_id in conn.execute(
        _NEXT_SESSIONS, {**within, "since": now - timedelta(hours=1)}
    ).all():  # latest first, so the earliest upcoming session is written last
        rows[episode_id].next_session = next_at
        rows[episode_id].next_appointment_id = next_id
    for episode_id, last_at, attended in conn.execute(_ATTENDED, within).all():
        rows[episode_id].last_session = last_at
        rows[episode_id].sessions_attended = attended

    series: dict[tuple[int, str], list[float]] = defaultdict(list)
    for client_id, instrument_id, total in conn.execute(_SCORES, within).all():
        series[(client_id, instrument_id)].append(float(total or 0.0))
    for (client_id, instrument_id), points in series.items():
        found = by_client.get(client_id)
        if found is None:
            continue
        case_client = found
        values = points[-SPARK_POINTS:]
        if is_alliance(instrument_id):
            if case_client.alliance_instrument is None or len(values) > len(case_client.alliance):
                case_client.alliance, case_client.alliance_instrument = values, instrument_id
        elif case_client.outcome_instrument is None or len(values) > len(case_client.outcome):
            case_client.outcome, case_client.outcome_instrument = values, instrument_id

    open_signals = conn.execute(_OPEN_SIGNALS, within).all()
    shown = {id(s) for s in one_item_each(open_signals)}  # one problem, one line
    for signal in open_signals:
        row = rows[signal.episode_id]
        row.signal_types.add(signal.type)
        if id(signal) in shown:
            row.reasons.append((signal.severity, signal.summary))
        if SEVERITY_ORDER.get(signal.severity, 3) < SEVERITY_ORDER[row.urgency]:
            row.urgency = signal.severity
    result = list(rows.values())
    if filters.attention:
        result = [r for r in result if r.needs_attention]
    if filters.signal != "all":
        result = [r for r in result if filters.signal in r.signal_types]
    for row in result:
        row.reasons.sort(key=lambda reason: SEVERITY_ORDER.get(reason[0], 3))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    result.sort(
        key=lambda r: (
            SEVERITY_ORDER[r.urgency],
            r.next_session or far,
            r.clients[0].display_name if r.clients else "",
        )
    )
    return result
