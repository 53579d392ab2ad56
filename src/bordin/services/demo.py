"""Load the synthetic demo practice into the database through the ordinary services.

The generator (``bordin.testing.demo_practice``) is pure; this loader stores what it made,
so the demo exercises the same code paths as a real practice. Demo staff have no password:
they sign in with the one-click buttons that only demo mode offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain.triage import triage
from bordin.services import practice as practice_service
from bordin.services.measures import record_administration
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    ClientRow,
    ConcernRow,
    PracticeRow,
    SubmissionRow,
    UserRow,
)
from bordin.testing.demo.model import DemoPractice


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
            is_demo=True,
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
                    triage_evidence=list(verdict.evidence),
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
                            evidence=list(verdict.evidence),
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


def demo_today(rt: Runtime) -> date:
    return rt.now().date()
