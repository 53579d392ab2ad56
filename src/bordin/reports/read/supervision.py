"""The supervisor's view: each supervisee's caseload at a glance, and who needs attention.

For every therapist a supervisor supervises, over their *active* episodes:

* **open ruptures**: possible ruptures (detected from the client's ratings, or logged by the
  therapist) whose repair is not yet decided (signal ``rupture``, status ``open``);
* **unrepaired ruptures**: ruptures that did not come back to the pre-drop level in time
  (``rupture_unrepaired``);
* **not on track**: clients whose outcome is worse than expected for their intake severity
  (``not_on_track``, active);
* **split alliance**: couples whose partners experience the alliance differently
  (``split_alliance`` or ``split_widening``, active);
* **risk**: an endorsed risk item or crisis feedback (always urgent).

Rupture columns count ruptures; the other columns count episodes. Unlike the therapist's own
caseload, a signal the therapist has already "discussed with the client" still counts here (it
is marked as discussed): supervision is where such moments are thought about together.

Supervisees are listed by how soon their clients need attention (the most severe open signal,
then how many episodes have one), never by outcome: this is a triage order, not a ranking.

Conduct concerns are *not* part of this read model's supervisee rows. :func:`concern_digest`
gives the clinical lead (and only the clinical lead) a count and the latest few, never those
about the lead themself (ADR 0002).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role, may_read_concerns
from bordin.domain.alliance.signal import GOOD_NEWS_TYPES, OPEN_STATUSES
from bordin.domain.errors import NotFound
from bordin.domain.text import excerpt
from bordin.reports.read.caseload import EPISODE_CLIENTS
from bordin.reports.read.measures import SEVERITY_ORDER
from bordin.services.runtime import TextCipher
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    ConcernRow,
    EpisodeRow,
    SignalRow,
    UserRow,
)

SPLIT_TYPES = ("split_alliance", "split_widening")
EXCERPT_CHARS = 160

SIGNAL_LABELS = {
    "rupture": "Possible rupture",
    "rupture_repaired": "Rupture repaired",
    "rupture_unrepaired": "Unrepaired rupture",
    "low_alliance": "Low alliance",
    "not_on_track": "Not on track",
    "reliable_deterioration": "Reliable deterioration",
    "reliable_improvement": "Reliable improvement",
    "recovery": "Recovery",
    "split_alliance": "Split alliance",
    "split_widening": "Split alliance widening",
    "disengagement": "Disengagement",
    "risk": "Risk",
}


def signal_label(signal_type: str) -> str:
    """A plain name for a signal type (``not_on_track`` → "Not on track")."""
    return SIGNAL_LABELS.get(signal_type, signal_type.replace("_", " ").capitalize())


@dataclass(frozen=True)
class SupervisedClient:
    client_id: int
    display_name: str
    pseudonym: str
    label: str


@dataclass(frozen=True)
class Reason:
    """One open signal, as the supervision view shows it."""

    severity: str
    type: str
    summary: str
    session_number: int | None
    discussed: bool

    @property
    def label(self) -> str:
        return signal_label(self.type)


@dataclass(frozen=True)
class FlaggedEpisode:
    """An active episode with at least one open signal."""

    episode_id: int
    kind: str
    clients: tuple[SupervisedClient, ...]
    urgency: str
    reasons: tuple[Reason, ...]
    next_session: datetime | None
    next_appointment_id: int | None
    sessions_attended: int

    @property
    def types(self) -> frozenset[str]:
        return frozenset(r.type for r in self.reasons)


@dataclass(frozen=True)
class SuperviseeSummary:
    """One supervisee's caseload in numbers, and the episodes that need attention."""

    therapist_id: int
    display_name: str
    active_episodes: int
    active_clients: int
    needs_attention: int
    open_ruptures: int
    unrepaired_ruptures: int
    not_on_track: int
    split_alliance: int
    risk: int
    urgency: str
    flagged: tuple[FlaggedEpisode, ...] = ()


@dataclass(frozen=True)
class SupervisionOverview:
    """The whole view: supervisees sorted by urgency, and everyone who can be filtered to."""

    supervisees: tuple[SuperviseeSummary, ...]
    choices: tuple[tuple[int, str], ...]  # (therapist id, name), alphabetical
    selected: int | None = None

    @property
    def totals(self) -> dict[str, int]:
        keys = (
            "active_episodes",
            "needs_attention",
            "open_ruptures",
            "unrepaired_ruptures",
            "not_on_track",
            "split_alliance",
            "risk",
        )
        return {k: sum(int(getattr(s, k)) for s in self.supervisees) for k in keys}


@dataclass(frozen=True)
class ConcernLine:
    concern_id: int
    received_at: datetime
    client_id: int
    pseudonym: str
    about_name: str | None
    category: str
    status: str
    excerpt: str


@dataclass(frozen=True)
class ConcernDigest:
    """Conduct concerns for the clinical lead: counts and the latest few open ones."""

    open_count: int
    total_count: int
    latest: tuple[ConcernLine, ...] = field(default_factory=tuple)


def supervisee_choices(db: Session, actor: Actor) -> list[tuple[int, str]]:
    """The therapists ``actor`` supervises, alphabetically (empty for anyone not a supervisor)."""
    if actor.role is not Role.SUPERVISOR or actor.user_id is None:
        return []
    rows = db.execute(
        select(UserRow.id, UserRow.display_name).where(
            UserRow.practice_id == actor.practice_id,
            UserRow.supervisor_id == actor.user_id,
            UserRow.id != actor.user_id,
        )
    ).all()
    return sorted(((int(i), str(n)) for i, n in rows), key=lambda r: (r[1].casefold(), r[0]))


def supervision_overview(
    db: Session, actor: Actor, *, now: datetime, therapist_id: int | None = None
) -> SupervisionOverview:
    """Each supervisee's summary for a supervisor; NotFound for anyone else.

    ``therapist_id`` narrows the view to one supervisee; a therapist the actor does not
    supervise is NotFound (existence is not revealed).
    """
    if actor.role is not Role.SUPERVISOR:
        raise NotFound("not found")
    choices = supervisee_choices(db, actor)
    names = dict(choices)
    if therapist_id is not None:
        if therapist_id not in names:
            raise NotFound("not found")
        names = {therapist_id: names[therapist_id]}
    if not names:
        return SupervisionOverview((), tuple(choices), therapist_id)

    episodes: dict[int, tuple[int, str]] = {}  # episode → (therapist, kind)
    for episode_id, owner, kind in db.execute(
        select(EpisodeRow.id, EpisodeRow.therapist_id, EpisodeRow.kind).where(
            EpisodeRow.practice_id == actor.practice_id,
            EpisodeRow.therapist_id.in_(list(names)),
            EpisodeRow.status == "active",
        )
    ):
        episodes[episode_id] = (owner, kind)
    ids = list(episodes)

    clients: dict[int, list[SupervisedClient]] = defaultdict(list)
    signals: dict[int, list[SignalRow]] = defaultdict(list)
    next_session: dict[int, tuple[datetime, int]] = {}
    attended: dict[int, int] = {}
    if ids:
        for episode_id, client_id, label, name, pseudonym in db.execute(
            EPISODE_CLIENTS, {"episodes": ids}
        ):
            clients[episode_id].append(SupervisedClient(client_id, name, pseudonym, label))
        for signal in db.scalars(
            select(SignalRow)
            .where(
                SignalRow.episode_id.in_(ids),
                SignalRow.status.in_(OPEN_STATUSES),
                SignalRow.type.not_in(GOOD_NEWS_TYPES),
            )
            .order_by(SignalRow.session_number, SignalRow.id)
        ):
            signals[signal.episode_id].append(signal)
        for episode_id, starts_at, appointment_id in db.execute(
            select(AppointmentRow.episode_id, AppointmentRow.starts_at, AppointmentRow.id)
            .where(
                AppointmentRow.episode_id.in_(ids),
                AppointmentRow.status == "scheduled",
                AppointmentRow.starts_at >= now - timedelta(hours=1),
            )
            .order_by(AppointmentRow.starts_at.desc())
        ):  # latest first, so the earliest upcoming one is written last
            next_session[episode_id] = (starts_at, appointment_id)
        for episode_id, count in db.execute(
            select(AppointmentRow.episode_id, func.count())
            .where(AppointmentRow.episode_id.in_(ids), AppointmentRow.status == "attended")
            .group_by(AppointmentRow.episode_id)
        ):
            attended[episode_id] = int(count)

    far = datetime.max.replace(tzinfo=now.tzinfo)
    by_therapist: dict[int, list[FlaggedEpisode]] = defaultdict(list)
    counts: dict[int, dict[str, int]] = {t: defaultdict(int) for t in names}
    for episode_id, (owner, kind) in episodes.items():
        tally = counts[owner]
        tally["active_episodes"] += 1
        tally["active_clients"] += len(clients[episode_id])
        found = signals.get(episode_id, [])
        if not found:
            continue
        types = {s.type for s in found}
        tally["needs_attention"] += 1
        tally["open_ruptures"] += sum(
            1 for s in found if s.type == "rupture" and s.status == "open"
        )
        tally["unrepaired_ruptures"] += sum(1 for s in found if s.type == "rupture_unrepaired")
        tally["not_on_track"] += "not_on_track" in types
        tally["split_alliance"] += bool(types & set(SPLIT_TYPES))
        tally["risk"] += "risk" in types
        reasons = sorted(
            (
                Reason(
                    s.severity,
                    s.type,
                    s.summary,
                    s.session_number,
                    s.acknowledged_at is not None,
                )
                for s in found
            ),
            key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), -(r.session_number or 0)),
        )
        upcoming = next_session.get(episode_id)
        by_therapist[owner].append(
            FlaggedEpisode(
                episode_id=episode_id,
                kind=kind,
                clients=tuple(clients[episode_id]),
                urgency=min((r.severity for r in reasons), key=lambda s: SEVERITY_ORDER.get(s, 3)),
                reasons=tuple(reasons),
                next_session=upcoming[0] if upcoming else None,
                next_appointment_id=upcoming[1] if upcoming else None,
                sessions_attended=attended.get(episode_id, 0),
            )
        )

    summaries: list[SuperviseeSummary] = []
    for owner, name in names.items():
        flagged = sorted(
            by_therapist.get(owner, []),
            key=lambda f: (
                SEVERITY_ORDER.get(f.urgency, 3),
                f.next_session or far,
                f.clients[0].display_name.casefold() if f.clients else "",
            ),
        )
        urgency = flagged[0].urgency if flagged else "none"
        tally = counts[owner]
        summaries.append(
            SuperviseeSummary(
                therapist_id=owner,
                display_name=name,
                active_episodes=tally["active_episodes"],
                active_clients=tally["active_clients"],
                needs_attention=tally["needs_attention"],
                open_ruptures=tally["open_ruptures"],
                unrepaired_ruptures=tally["unrepaired_ruptures"],
                not_on_track=tally["not_on_track"],
                split_alliance=tally["split_alliance"],
                risk=tally["risk"],
                urgency=urgency,
                flagged=tuple(flagged),
            )
        )
    summaries.sort(
        key=lambda s: (
            SEVERITY_ORDER.get(s.urgency, 3),
            -sum(SEVERITY_ORDER.get(f.urgency, 3) == 0 for f in s.flagged),
            -s.needs_attention,
            s.display_name.casefold(),
        )
    )
    return SupervisionOverview(tuple(summaries), tuple(choices), therapist_id)


def concern_digest(
    db: Session, cipher: TextCipher, actor: Actor, *, latest: int = 3
) -> ConcernDigest:
    """Counts and the latest open conduct concerns, for the clinical lead only (else NotFound).

    Concerns about the lead themself are left out, as on the concerns page. The caller audits
    the concerns whose text it shows.
    """
    if not may_read_concerns(actor):
        raise NotFound("not found")
    scope = (
        ConcernRow.practice_id == actor.practice_id,
        ConcernRow.about_therapist_id.is_distinct_from(actor.user_id),
    )
    total = db.scalar(select(func.count()).select_from(ConcernRow).where(*scope)) or 0
    open_count = (
        db.scalar(
            select(func.count()).select_from(ConcernRow).where(*scope, ConcernRow.status == "open")
        )
        or 0
    )
    lines: list[ConcernLine] = []
    for concern, pseudonym, about in db.execute(
        select(ConcernRow, ClientRow.pseudonym, UserRow.display_name)
        .join(ClientRow, ClientRow.id == ConcernRow.client_id)
        .outerjoin(UserRow, UserRow.id == ConcernRow.about_therapist_id)
        .where(*scope, ConcernRow.status == "open")
        .order_by(ConcernRow.received_at.desc(), ConcernRow.id.desc())
        .limit(latest)
    ):
        text = cipher.decrypt(concern.text_encrypted) or ""
        short = excerpt(text, EXCERPT_CHARS)
        lines.append(
            ConcernLine(
                concern_id=concern.id,
                received_at=concern.received_at,
                client_id=concern.client_id,
                pseudonym=pseudonym,
                about_name=about,
                category=concern.category,
                status=concern.status,
                excerpt=short,
            )
        )
    return ConcernDigest(int(open_count), int(total), tuple(lines))
