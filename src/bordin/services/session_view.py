"""The therapist's view of one session: what each client said last time, and what is open.

For each client of the episode: their most recent answers before this session (or of this
session, once it has been attended), with the change since the answers before that, the items
that got worse, and their own words. Words the triage read as a possible conduct concern are
never shown here (they went to the clinical lead). Then the episode's open signals and the
viewer's misalignment and risk alerts, each with a one-click "discussed with the client".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor
from bordin.domain.alliance.signal import OPEN_STATUSES
from bordin.domain.errors import InstrumentNotFound, NotFound
from bordin.domain.instruments.registry import get_instrument
from bordin.reports.read.signal_display import grouped
from bordin.services import audit
from bordin.services.access import get_episode_for_user
from bordin.services.alerts import ShownAlert, shown
from bordin.services.audit import Origin
from bordin.services.feedback_form import item_labels
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AdministrationRow,
    AlertRow,
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    FeedbackLinkRow,
    ParticipantRow,
    SignalRow,
    SubmissionRow,
    UserRow,
)

#: Which open signals come first on the session view: risk, then the alliance, then outcomes.
_PRIORITY = {
    "risk": 0,
    "rupture": 1,
    "rupture_unrepaired": 1,
    "low_alliance": 1,
    "split_alliance": 1,
    "split_widening": 1,
    "disengagement": 1,
}
ALERT_KINDS = ("misalignment", "crisis", "risk_item", "cultural", "fit_check")


@dataclass(frozen=True)
class ItemDrop:
    """An item that got worse for the client since the answers before."""

    label: str
    before: float
    after: float


@dataclass(frozen=True)
class ScoreLine:
    instrument_id: str
    title: str
    kind: str
    session_number: int | None
    total: float
    score_max: float
    previous: float | None
    change: float | None
    improved: bool | None
    reliable: bool | None
    band: str | None
    risk_items: tuple[str, ...]
    drops: tuple[ItemDrop, ...]
    #: The client's usual score on an alliance measure (mean of their earlier ratings).
    usual: float | None = None
    #: Each endorsed risk item in words ("Thoughts of self-harm (item 9): 1").
    risk_labels: tuple[str, ...] = ()

    @property
    def from_usual(self) -> float | None:
        """How far this rating is from the client's usual (negative = lower)."""
        return None if self.usual is None else round(self.total - self.usual, 1)


@dataclass(frozen=True)
class ClientLastTime:
    client_id: int
    label: str
    display_name: str
    pseudonym: str
    scores: tuple[ScoreLine, ...]
    text: str | None
    text_session: int | None

    @property
    def latest_session(self) -> int | None:
        """The most recent session the client rated or wrote about."""
        numbers = [s.session_number for s in self.scores if s.session_number is not None]
        if self.text_session is not None:
            numbers.append(self.text_session)
        return max(numbers) if numbers else None

    @property
    def latest_scores(self) -> tuple[ScoreLine, ...]:
        """The scores given in the latest session, alliance first."""
        return tuple(s for s in self.scores if s.session_number == self.latest_session)

    @property
    def earlier_scores(self) -> tuple[ScoreLine, ...]:
        """Measures last answered before the latest session."""
        return tuple(s for s in self.scores if s.session_number != self.latest_session)


@dataclass(frozen=True)
class LinkState:
    label: str
    state: str  # sent | not sent | used | expired


@dataclass(frozen=True)
class SessionView:
    appointment: AppointmentRow
    episode: EpisodeRow
    therapist_name: str
    clients: tuple[ClientLastTime, ...]
    signals: tuple[SignalRow, ...]
    good_news: tuple[SignalRow, ...]
    alerts: tuple[ShownAlert, ...]
    links: tuple[LinkState, ...]
    may_act: bool
    labels: dict[int, str]


def session_view(
    db: Session, rt: Runtime, *, actor: Actor, appointment_id: int, origin: Origin | None = None
) -> SessionView:
    """Everything on ``/sessions/<id>``; NotFound for anyone who may not read the episode."""
    appointment = db.get(AppointmentRow, appointment_id)
    if appointment is None:
        raise NotFound("session not found")
    episode = get_episode_for_user(db, actor, appointment.episode_id)
    therapist = db.get(UserRow, episode.therapist_id)
    participants = list(
        db.execute(
            select(ParticipantRow, ClientRow)
            .join(ClientRow, ClientRow.id == ParticipantRow.client_id)
            .where(ParticipantRow.episode_id == episode.id)
            .order_by(ParticipantRow.id)
        ).all()
    )
    upto = appointment.number if appointment.status == "attended" else appointment.number - 1
    appointments = {
        a.id: a
        for a in db.scalars(select(AppointmentRow).where(AppointmentRow.episode_id == episode.id))
    }
    numbers = {a.id: a.number for a in appointments.values()}
    clients: list[ClientLastTime] = []
    for participant, client in participants:
        scores = _scores(db, rt, episode, client.id, numbers, upto)
        text, text_session = _last_words(db, rt, client.id, numbers, upto)
        clients.append(
            ClientLastTime(
                client.id,
                participant.label,
                client.display_name,
                client.pseudonym,
                scores,
                text,
                text_session,
            )
        )
        audit.record(
            db,
            actor=actor,
            action="read",
            entity="session_view",
            entity_id=appointment.id,
            client_id=client.id,
            origin=origin,
            at=rt.now(),
        )
    groups = grouped(
        db.scalars(
            select(SignalRow)
            .where(SignalRow.episode_id == episode.id, SignalRow.status.in_(OPEN_STATUSES))
            .order_by(
                SignalRow.acknowledged_at.is_not(None),
                SignalRow.session_number.desc(),
                SignalRow.id,
            )
        )
    )
    # Risk first, then the alliance, then outcomes; not yet discussed before discussed.
    signals = tuple(
        sorted(
            groups.problems,
            key=lambda s: (s.acknowledged_at is not None, _PRIORITY.get(s.type, 2)),
        )
    )
    client_ids = [c.id for _, c in participants]
    alerts = tuple(
        shown(rt, a)
        for a in db.scalars(
            select(AlertRow)
            .where(
                AlertRow.recipient_user_id == actor.user_id,
                AlertRow.client_id.in_(client_ids),
                AlertRow.kind.in_(ALERT_KINDS),
            )
            .order_by(AlertRow.acknowledged_at.is_not(None), AlertRow.created_at.desc())
        )
        if (a.detail or {}).get("episode_id") in (None, episode.id)
    )
    labels = {c.id: p.label for p, c in participants}
    links = tuple(
        LinkState(labels.get(link.client_id, "Client"), _link_state(link, rt.now()))
        for link in db.scalars(
            select(FeedbackLinkRow)
            .where(FeedbackLinkRow.appointment_id == appointment.id)
            .order_by(FeedbackLinkRow.id)
        )
    )
    db.commit()  # the audited reads
    return SessionView(
        appointment=appointment,
        episode=episode,
        therapist_name=therapist.display_name if therapist else "",
        clients=tuple(clients),
        signals=signals,
        good_news=tuple(groups.good_news),
        alerts=alerts,
        links=links,
        may_act=actor.user_id == episode.therapist_id,
        labels=labels,
    )


def _link_state(link: FeedbackLinkRow, now: datetime) -> str:
    if link.used_at is not None:
        return "answered"
    if link.expires_at <= now:
        return "expired"
    return "sent" if link.sent_at is not None else "not sent yet"


def _scores(
    db: Session,
    rt: Runtime,
    episode: EpisodeRow,
    client_id: int,
    numbers: dict[int, int],
    upto: int,
) -> tuple[ScoreLine, ...]:
    by_instrument: dict[str, list[tuple[int, AdministrationRow]]] = {}
    for admin in db.scalars(
        select(AdministrationRow)
        .where(
            AdministrationRow.episode_id == episode.id,
            AdministrationRow.client_id == client_id,
            AdministrationRow.total.is_not(None),
        )
        .order_by(AdministrationRow.answered_at, AdministrationRow.id)
    ):
        number = numbers.get(admin.appointment_id or -1)
        if number is None or number > upto:
            continue
        by_instrument.setdefault(admin.instrument_id, []).append((number, admin))
    lines: list[ScoreLine] = []
    for instrument_id, history in by_instrument.items():
        try:
            instrument = get_instrument(instrument_id)
        except InstrumentNotFound:
            continue
        number, latest = history[-1]
        before = history[-2][1] if len(history) > 1 else None
        better = instrument.direction == "higher_is_better"
        total = float(latest.total or 0)
        previous = float(before.total or 0) if before else None
        change = None if previous is None else round(total - previous, 2)
        improved = None if not change else (change > 0) == better
        reliable = (
            None
            if change is None or not instrument.reliable_change
            else abs(change) >= instrument.reliable_change
        )
        drops: list[ItemDrop] = []
        names = item_labels(db, episode.practice_id, instrument)
        usual = None
        if instrument.kind == "alliance" and len(history) > 1:
            earlier = [float(a.total or 0) for _, a in history[:-1]]
            usual = round(sum(earlier) / len(earlier), 1)
        risk_labels = tuple(
            f"{names.get(link, link)}: answered {_plain_number(latest.answers.get(link))}"
            for link in (latest.risk_items or ())
        )
        if before is not None:
            for item in instrument.scored_items:
                now_v, then_v = latest.answers.get(item.link_id), before.answers.get(item.link_id)
                if now_v is None or then_v is None:
                    continue
                worse = (then_v - now_v) if better else (now_v - then_v)
                if worse >= 1:
                    drops.append(ItemDrop(names[item.link_id], float(then_v), float(now_v)))
        lines.append(
            ScoreLine(
                instrument_id=instrument.id,
                title=instrument.short_title or instrument.title,
                kind=instrument.kind,
                session_number=number,
                total=total,
                score_max=float(instrument.score_max),
                previous=previous,
                change=change,
                improved=improved,
                reliable=reliable,
                band=latest.band,
                risk_items=tuple(latest.risk_items or ()),
                drops=tuple(drops),
                usual=usual,
                risk_labels=risk_labels,
            )
        )
    lines.sort(key=lambda line: (line.kind != "alliance", line.title))
    return tuple(lines)


def _plain_number(value: object) -> str:
    if isinstance(value, int | float):
        return f"{float(value):g}"
    return "?"


def _last_words(
    db: Session, rt: Runtime, client_id: int, numbers: dict[int, int], upto: int
) -> tuple[str | None, int | None]:
    """The client's most recent words for the therapist (never a conduct concern's).

    Without the client's consent to share their words, only crisis words and words flagged for
    a risk review are shown (safety comes first).
    """
    from bordin.services.practice import has_consent

    shared = has_consent(db, client_id, "share_free_text_with_therapist")
    latest: tuple[int, str] | None = None
    for submission in db.scalars(
        select(SubmissionRow).where(
            SubmissionRow.client_id == client_id,
            SubmissionRow.appointment_id.in_(list(numbers)),
            SubmissionRow.text_encrypted.is_not(None),
            SubmissionRow.triage_category.is_distinct_from("conduct"),
        )
    ):
        urgent = submission.triage_category == "crisis" or submission.triage_risk_review
        if not shared and not urgent:
            continue
        number = numbers[submission.appointment_id or -1]
        if number > upto or (latest is not None and number <= latest[0]):
            continue
        text = rt.cipher.decrypt(submission.text_encrypted)
        if text:
            latest = (number, text)
    return (latest[1], latest[0]) if latest else (None, None)


def acknowledge_signal(db: Session, rt: Runtime, *, actor: Actor, signal_id: int) -> SignalRow:
    """The treating therapist records that a signal was discussed with the client."""
    signal = db.get(SignalRow, signal_id)
    if signal is None:
        raise NotFound("signal not found")
    episode = get_episode_for_user(db, actor, signal.episode_id)
    if episode.therapist_id != actor.user_id:
        raise NotFound("signal not found")
    if signal.acknowledged_at is None:
        signal.acknowledged_at = rt.now()
        signal.acknowledged_by_user_id = actor.user_id
        audit.record(
            db,
            actor=actor,
            action="update",
            entity="signal",
            entity_id=signal.id,
            client_id=signal.client_id,
            at=rt.now(),
            detail={"acknowledged": True, "type": signal.type},
        )
    db.commit()
    return signal
