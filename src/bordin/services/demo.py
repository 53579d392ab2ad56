"""Load the synthetic demo practice into the database through the ordinary services.

The generator (``bordin.demo``) is pure; this loader stores what it made,
so the demo exercises the same code paths as a real practice. Demo staff have no password:
they sign in with the one-click buttons that only demo mode offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.demo.model import DemoPractice
from bordin.domain.triage import triage
from bordin.services import practice as practice_service
from bordin.services.alerts import alert_new_signals
from bordin.services.measures import record_administration
from bordin.services.runtime import Runtime
from bordin.services.signals import recompute_practice
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    ConcernRow,
    EpisodeRow,
    PracticeRow,
    SignalRow,
    SubmissionRow,
    UserRow,
)

#: Alerts older than this have been read and acknowledged by their recipient; newer ones wait.
ALERTS_SEEN_AFTER = timedelta(days=14)
#: Concerns older than this have been handled by the clinical lead, a few days after they came.
CONCERNS_HANDLED_AFTER = timedelta(days=28)
CONCERN_HANDLING_DAYS = timedelta(days=3)


@dataclass(frozen=True)
class LoadSummary:
    practice_id: int
    staff: int
    clients: int
    episodes: int
    sessions: int
    administrations: int
    episode_ids: dict[str, int]
    client_ids: dict[str, int]


def database_is_empty(db: Session) -> bool:
    return (db.scalar(select(func.count()).select_from(PracticeRow)) or 0) == 0


def load_demo_practice(db: Session, rt: Runtime, demo: DemoPractice) -> LoadSummary:
    """Store the whole demo practice in one transaction."""
    practice = PracticeRow(
        name=demo.name,
        locale="UK",
        timezone=demo.timezone,
        created_at=rt.now(),
        professional_body="BACP",
        feedback_measures=["bordin_sac", "phq9", "gad7"],
    )
    db.add(practice)
    db.flush()
    users: dict[str, UserRow] = {}
    # Supervisors first, so therapists can name them.
    for person in sorted(demo.staff, key=lambda s: s.role != "supervisor"):
        profile = None
        if person.profile is not None:
            profile = {
                "languages": list(person.profile.languages),
                "modalities": list(person.profile.modalities),
                "specialties": list(person.profile.specialties),
                "works_with_couples": person.profile.works_with_couples,
                "weekly_capacity": person.profile.weekly_capacity,
                "availability": [
                    {
                        "weekday": a.weekday,
                        "start": a.start.isoformat(timespec="minutes"),
                        "end": a.end.isoformat(timespec="minutes"),
                    }
                    for a in person.profile.availability
                ],
            }
        supervisor = users.get(person.supervisor_username or "")
        user = UserRow(
            practice_id=practice.id,
            username=person.username,
            email=person.email,
            display_name=person.display_name,
            role=person.role,
            is_clinical_lead=person.is_clinical_lead,
            supervisor_id=supervisor.id if supervisor else None,
            password_hash=None,
            is_demo=True,
            created_at=rt.now(),
        )
        db.add(user)
        db.flush()
        if person.role in ("therapist", "supervisor"):
            from bordin.storage.tables import TherapistProfileRow

            db.add(TherapistProfileRow(user_id=user.id, **(profile or {})))
        users[person.username] = user

    clients: dict[str, ClientRow] = {}
    for someone in demo.clients:
        clients[someone.client_id] = practice_service.add_client(
            db,
            rt,
            practice_id=practice.id,
            display_name=someone.display_name,
            email=someone.email,
            pseudonym=someone.client_id,
            locale="UK",
            preferred_language=someone.preferred_language,
            is_demo=someone.offers_sign_in,
            consents=(
                "session_feedback",
                "email_contact",
                "see_own_progress",
                "share_free_text_with_therapist",
            ),
            commit=False,
        )
    lead = next(u for u in users.values() if u.is_clinical_lead)
    episodes: dict[str, int] = {}
    sessions = administrations = 0
    for item in demo.episodes:
        therapist = users[item.therapist_username]
        episode = practice_service.open_episode(
            db,
            rt,
            therapist_id=therapist.id,
            client_ids=[clients[c].id for c in item.client_ids],
            kind=item.kind,
            started_on=item.start_date,
            presenting_problem=demo.client(item.client_ids[0]).presenting_problem,
            commit=False,
        )
        episodes[item.episode_id] = episode.id
        for session in item.sessions:
            appointment = practice_service.schedule_appointment(
                db,
                rt,
                episode_id=episode.id,
                starts_at=session.starts_at.astimezone(UTC),
                duration_minutes=session.duration_minutes,
                status=session.status,
                commit=False,
            )
            db.flush()
            sessions += 1
            answered_at = session.starts_at.astimezone(UTC).replace(microsecond=0)
            for given in session.administrations:
                record_administration(
                    db,
                    rt,
                    client_id=clients[given.client_id].id,
                    episode_id=episode.id,
                    appointment_id=appointment.id,
                    instrument_id=given.instrument,
                    answers=given.answers,
                    answered_at=answered_at,
                    source="demo",
                    commit=False,
                )
                administrations += 1
            for said in session.feedback:
                verdict = triage(said.text)
                client = clients[said.client_id]
                submission = SubmissionRow(
                    client_id=client.id,
                    appointment_id=appointment.id,
                    received_at=answered_at,
                    text_encrypted=rt.cipher.encrypt(said.text),
                    triage_category=verdict.category,
                    triage_severity=verdict.severity,
                    triage_evidence=rt.cipher.seal_phrases(verdict.evidence),
                    crisis_shown=verdict.category == "crisis",
                )
                db.add(submission)
                db.flush()
                if verdict.category == "conduct":
                    db.add(
                        ConcernRow(
                            practice_id=practice.id,
                            client_id=client.id,
                            about_therapist_id=therapist.id,
                            submission_id=submission.id,
                            source="triage",
                            received_at=answered_at,
                            text_encrypted=rt.cipher.encrypt(said.text),
                            category="conduct",
                            evidence=rt.cipher.seal_phrases(verdict.evidence),
                        )
                    )
        if item.status != "active" and item.end_date is not None:
            practice_service.end_episode(
                db,
                rt,
                episode_id=episode.id,
                status=item.status,
                ended_on=item.end_date,
                commit=False,
            )
    db.commit()
    assert lead is not None
    return LoadSummary(
        practice_id=practice.id,
        staff=len(users),
        clients=len(clients),
        episodes=len(episodes),
        sessions=sessions,
        administrations=administrations,
        episode_ids=episodes,
        client_ids={k: v.id for k, v in clients.items()},
    )


@dataclass(frozen=True)
class BuildSummary:
    load: LoadSummary
    signals: int
    alerts: int


def build_demo_practice(db: Session, rt: Runtime, demo: DemoPractice) -> BuildSummary:
    """Load the demo practice, compute its signals, and give its alerts and concerns the age
    they would have in a practice that has used Bordin all along (``bordin demo``,
    ``bordin serve --demo`` and the tests that want the demo as people see it)."""
    loaded = load_demo_practice(db, rt, demo)
    signals, alerts = finish_demo_practice(db, rt, practice_id=loaded.practice_id)
    return BuildSummary(load=loaded, signals=signals, alerts=alerts)


def finish_demo_practice(db: Session, rt: Runtime, *, practice_id: int) -> tuple[int, int]:
    """Signals, then alerts and concerns of a plausible age, for a loaded demo practice;
    returns (signals, alerts)."""
    signals = recompute_practice(db, rt, practice_id=practice_id)
    alerts = _raise_alerts_as_they_came(db, rt, practice_id=practice_id)
    _handle_old_concerns(db, rt, practice_id=practice_id)
    db.commit()
    return signals, alerts


def _raise_alerts_as_they_came(db: Session, rt: Runtime, *, practice_id: int) -> int:
    """Alerts for the open signals of active episodes, dated at the session that raised them.

    Completed episodes' signals were dealt with while they ran, so they raise none. An alert
    older than ``ALERTS_SEEN_AFTER`` has been read and acknowledged; newer ones are unread.
    """
    now = rt.now()
    made = 0
    active = db.scalars(
        select(EpisodeRow.id)
        .where(EpisodeRow.practice_id == practice_id, EpisodeRow.status == "active")
        .order_by(EpisodeRow.id)
    ).all()
    for episode_id in active:
        signals = list(
            db.scalars(
                select(SignalRow).where(SignalRow.episode_id == episode_id).order_by(SignalRow.id)
            )
        )
        when = _session_times(db, episode_id)
        for alert in alert_new_signals(db, rt, episode_id=episode_id, signals=signals):
            made += 1
            number = alert.detail.get("session_number")
            raised = when.get(number, now) if isinstance(number, int) else now
            alert.created_at = min(raised, now)
            if now - alert.created_at > ALERTS_SEEN_AFTER:
                alert.read_at = alert.created_at + timedelta(days=1)
                alert.acknowledged_at = alert.created_at + timedelta(days=2)
    return made


def _session_times(db: Session, episode_id: int) -> dict[int, datetime]:
    """When each appointment of an episode ended, by appointment number (as signals count)."""
    rows = db.execute(
        select(
            AppointmentRow.number, AppointmentRow.starts_at, AppointmentRow.duration_minutes
        ).where(AppointmentRow.episode_id == episode_id)
    ).all()
    return {number: starts_at + timedelta(minutes=minutes) for number, starts_at, minutes in rows}


def _handle_old_concerns(db: Session, rt: Runtime, *, practice_id: int) -> None:
    """Concerns older than ``CONCERNS_HANDLED_AFTER`` were handled by the clinical lead."""
    lead = db.scalars(
        select(UserRow).where(UserRow.practice_id == practice_id, UserRow.is_clinical_lead)
    ).first()
    cutoff = rt.now() - CONCERNS_HANDLED_AFTER
    for concern in db.scalars(
        select(ConcernRow).where(
            ConcernRow.practice_id == practice_id, ConcernRow.received_at < cutoff
        )
    ):
        concern.status = "handled"
        concern.handled_by_user_id = lead.id if lead else None
        concern.handled_at = concern.received_at + CONCERN_HANDLING_DAYS


def demo_today(rt: Runtime) -> date:
    return rt.now().date()
