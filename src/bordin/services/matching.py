"""Matching a client on the waiting list with a therapist: proposals, exclusions, confirmation.

The clinical lead sees, for one intake, every admissible therapist best first with the reasons
(``domain/matching``), records exclusions (conflicts of interest), and confirms a match, which
in one transaction opens the episode, books the first session, takes the client off the waiting
list and keeps the proposal as shown (``MatchRow``). Constraints are checked again when a match
is confirmed, so two proposals for a therapist's last open slot cannot both be confirmed.

Where the data comes from: the client's preferences and concerns from intake
(``services/intake.py``); therapists' profiles (``TherapistProfileRow``), with open slots =
weekly capacity − active episodes; and their track record from the practice's ended episodes
(``reports/read/practice.outcome_records``), by presenting problem, with the expected number
of reliable improvements from the practice's own rate for each measure and severity band
(indirect standardisation, docs/matching.md). Every read of a client's record is audited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain import matching
from bordin.domain.access import Actor, may_read_intake_text
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.instruments import get_instrument
from bordin.domain.intake import CONCERN_AREAS
from bordin.domain.matching import MatchResult, TrackRecord
from bordin.reports.outcomes import RECOVERED, RELIABLY_IMPROVED
from bordin.reports.read.practice import outcome_records
from bordin.services import audit
from bordin.services import intake as intake_service
from bordin.services import practice as practice_service
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.tables import (
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    ExclusionRow,
    IntakeRow,
    MatchRow,
    TherapistProfileRow,
    UserRow,
)

EXCLUSION_REASONS = {
    "knows_client": "Knows the client (a conflict of interest)",
    "change_requested": "The client asked to change from this therapist",
    "other": "Another reason",
}
#: Classifications counted for the track record (finished episodes that started at caseness).
COUNTED = ("recovered", "reliably_improved", "no_reliable_change", "reliably_deteriorated")


@dataclass(frozen=True)
class ExclusionView:
    id: int
    therapist_id: int
    therapist_name: str
    reason: str


@dataclass(frozen=True)
class MatchingView:
    """What the matching page shows for one intake (names, never ids, on the page)."""

    intake_id: int
    client_id: int
    client_name: str
    status: str
    needs: tuple[str, ...]
    result: MatchResult
    names: dict[int, str]
    exclusions: tuple[ExclusionView, ...]
    therapists: tuple[tuple[int, str], ...]


def may_match(actor: Actor) -> bool:
    """Matching uses what the client wrote at intake: the clinical lead only."""
    return may_read_intake_text(actor)


def _intake(db: Session, actor: Actor, intake_id: int) -> IntakeRow:
    intake = db.get(IntakeRow, intake_id)
    if intake is None or intake.practice_id != actor.practice_id or not may_match(actor):
        raise NotFound("not found")
    return intake


def _staff(db: Session, practice_id: int) -> list[tuple[UserRow, TherapistProfileRow]]:
    return [
        (user, profile)
        for user, profile in db.execute(
            select(UserRow, TherapistProfileRow)
            .join(TherapistProfileRow, TherapistProfileRow.user_id == UserRow.id)
            .where(
                UserRow.practice_id == practice_id,
                UserRow.is_active,
                UserRow.role.in_(("therapist", "supervisor")),
            )
            .order_by(UserRow.id)
        ).all()
    ]


def _active_counts(db: Session, practice_id: int) -> dict[int, int]:
    return {
        therapist_id: count
        for therapist_id, count in db.execute(
            select(EpisodeRow.therapist_id, func.count())
            .where(EpisodeRow.practice_id == practice_id, EpisodeRow.status == "active")
            .group_by(EpisodeRow.therapist_id)
        ).all()
    }


def track_records(
    db: Session, practice_id: int
) -> tuple[dict[int, TrackRecord], dict[int, dict[str, TrackRecord]]]:
    """Each therapist's record overall and by presenting problem, with the expected count.

    Expected: for each counted episode, the practice's reliable-improvement rate among episodes
    on the same measure starting in the same severity band; summed per therapist.
    """
    rows = []
    problems = {
        e.id: e.presenting_problem
        for e in db.scalars(select(EpisodeRow).where(EpisodeRow.practice_id == practice_id))
    }
    for outcome in outcome_records(db, practice_id=practice_id):
        record = outcome.record
        if record.classification not in COUNTED:
            continue
        band = get_instrument(record.instrument_id).band_for(record.intake) or ""
        improved = record.classification in (RECOVERED, RELIABLY_IMPROVED)
        rows.append(
            (
                outcome.therapist_id,
                problems.get(outcome.episode_id),
                record.instrument_id,
                band,
                improved,
            )
        )
    strata: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for _, _, instrument_id, band, improved in rows:
        strata[(instrument_id, band)][0] += 1
        strata[(instrument_id, band)][1] += int(improved)
    overall: dict[int, TrackRecord] = {}
    by_need: dict[int, dict[str, TrackRecord]] = defaultdict(dict)
    for therapist_id, problem, instrument_id, band, improved in rows:
        n, k = strata[(instrument_id, band)]
        one = TrackRecord(1, int(improved), expected=k / n)
        overall[therapist_id] = overall.get(therapist_id, matching.model.NO_RECORD) + one
        if problem:
            need = matching.vocabulary.token(problem)
            by_need[therapist_id][need] = (
                by_need[therapist_id].get(need, matching.model.NO_RECORD) + one
            )
    return overall, dict(by_need)


def therapists_for_matching(db: Session, practice_id: int) -> list[matching.Therapist]:
    """The practice's active therapists as matching sees them (open slots counted now)."""
    active = _active_counts(db, practice_id)
    overall, by_need = track_records(db, practice_id)
    return [
        matching.therapist(
            user.id,
            languages=profile.languages or (),
            specialisms=profile.specialties or (),
            modalities=profile.modalities or (),
            gender=profile.gender,
            modes=profile.modes or (),
            location=profile.location,
            availability=profile.availability or (),
            funding=profile.funding_accepted or (),
            accepting=profile.accepting_new,
            open_slots=max(profile.weekly_capacity - active.get(user.id, 0), 0),
            outcomes=overall.get(user.id),
            outcomes_by_need=by_need.get(user.id, {}),
        )
        for user, profile in _staff(db, practice_id)
    ]


def _excluded(db: Session, client_id: int) -> list[ExclusionRow]:
    return list(
        db.scalars(
            select(ExclusionRow)
            .where(ExclusionRow.client_id == client_id, ExclusionRow.removed_at.is_(None))
            .order_by(ExclusionRow.id)
        )
    )


def client_for_matching(db: Session, intake: IntakeRow) -> matching.Client:
    prefs = intake_service.preferences_for(db, client_id=intake.client_id)
    excluded = [row.therapist_id for row in _excluded(db, intake.client_id)]
    if prefs is None:
        return matching.client(
            intake.client_id, needs=intake.concern_areas or (), exclude_therapists=excluded
        )
    gender = [prefs.therapist_gender] if prefs.therapist_gender else None
    return matching.client(
        intake.client_id,
        languages=[prefs.language],
        needs=intake.concern_areas or (),
        modes=prefs.modes,
        location=prefs.location,
        availability=prefs.slots or None,  # none ticked: no time stated, so any time
        funding=[prefs.funding],
        therapist_gender=gender,
        gender_required=prefs.gender_required,
        exclude_therapists=excluded,
        preferences=prefs.specialisms,
    )


def _names(db: Session, practice_id: int) -> dict[int, str]:
    return {
        user.id: user.display_name
        for user in db.scalars(select(UserRow).where(UserRow.practice_id == practice_id))
    }


def proposals_for(
    db: Session, rt: Runtime, *, actor: Actor, intake_id: int, origin: Origin | None = None
) -> MatchingView:
    """Every admissible therapist for this intake, best first, or why there is none. Audited."""
    intake = _intake(db, actor, intake_id)
    client = db.get(ClientRow, intake.client_id)
    assert client is not None
    therapists = therapists_for_matching(db, actor.practice_id)
    result = matching.propose(client_for_matching(db, intake), therapists)
    names = _names(db, actor.practice_id)
    exclusions = tuple(
        ExclusionView(
            row.id,
            row.therapist_id,
            names.get(row.therapist_id, ""),
            EXCLUSION_REASONS.get(row.reason, row.reason),
        )
        for row in _excluded(db, client.id)
    )
    audit.record(
        db,
        actor=actor,
        action="read",
        entity="matching",
        entity_id=intake.id,
        client_id=client.id,
        origin=origin,
        at=rt.now(),
    )
    db.commit()
    return MatchingView(
        intake_id=intake.id,
        client_id=client.id,
        client_name=client.display_name,
        status=intake.status,
        needs=tuple(CONCERN_AREAS.get(a, a) for a in intake.concern_areas or ()),
        result=result,
        names=names,
        exclusions=exclusions,
        therapists=tuple((int(t.id), names.get(int(t.id), "")) for t in therapists),
    )


def add_exclusion(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    client_id: int,
    therapist_id: int,
    reason: str,
    note: str = "",
    commit: bool = True,
) -> ExclusionRow:
    """Never propose this therapist for this client (lead only; the note is encrypted)."""
    client = db.get(ClientRow, client_id)
    if client is None or client.practice_id != actor.practice_id or not may_match(actor):
        raise NotFound("not found")
    therapist = db.get(UserRow, therapist_id)
    if therapist is None or therapist.practice_id != actor.practice_id:
        raise InvalidInput("choose a therapist of this practice", field="therapist")
    if reason not in EXCLUSION_REASONS:
        raise InvalidInput("choose one of the reasons", field="reason")
    if len(note) > 1000:
        raise InvalidInput("is too long (up to 1,000 characters)", field="note")
    row = ExclusionRow(
        practice_id=actor.practice_id,
        client_id=client_id,
        therapist_id=therapist_id,
        reason=reason,
        note_encrypted=rt.cipher.encrypt(note) if note.strip() else None,
        recorded_by_user_id=actor.user_id,
        created_at=rt.now(),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="exclusion",
        entity_id=row.id,
        client_id=client_id,
        at=rt.now(),
        detail={"reason": reason},
    )
    if commit:
        db.commit()
    return row


def remove_exclusion(db: Session, rt: Runtime, *, actor: Actor, exclusion_id: int) -> None:
    row = db.get(ExclusionRow, exclusion_id)
    if row is None or row.practice_id != actor.practice_id or not may_match(actor):
        raise NotFound("not found")
    row.removed_at = rt.now()
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="exclusion",
        entity_id=row.id,
        client_id=row.client_id,
        at=rt.now(),
        detail={"removed": True},
    )
    db.commit()


def confirm_match(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    intake_id: int,
    therapist_id: int,
    first_session_at: datetime,
) -> MatchRow:
    """Open the episode with this therapist, book the first session, close the intake: one
    transaction. Refused, naming the reason, if the therapist is no longer admissible."""
    intake = _intake(db, actor, intake_id)
    if intake.status != "waiting":
        raise InvalidInput("this client is not waiting for a therapist", field="intake")
    if intake.episode_kind != "individual":
        raise InvalidInput(
            "couples are not matched here yet: enrol both partners with a therapist directly",
            field="intake",
        )
    if first_session_at.tzinfo is None:
        raise InvalidInput("needs a time zone", field="first_session_at")
    if first_session_at <= rt.now():
        raise InvalidInput("must be in the future", field="first_session_at")
    therapists = therapists_for_matching(db, actor.practice_id)
    result = matching.propose(client_for_matching(db, intake), therapists)
    chosen = next((p for p in result.proposals if p.therapist_id == therapist_id), None)
    if chosen is None:
        who = next((t for t in therapists if t.id == therapist_id), None)
        if who is None:
            raise InvalidInput("choose one of the practice's therapists", field="therapist")
        client = client_for_matching(db, intake)
        failed = matching.failures(client, who)
        words = matching.constraints.unmatched_reason(client, 1, dict.fromkeys(failed, 1))
        raise InvalidInput(words.replace("The only therapist", "This therapist"), field="therapist")
    episode = practice_service.open_episode(
        db,
        rt,
        therapist_id=therapist_id,
        client_ids=[intake.client_id],
        kind="individual",
        started_on=first_session_at.date(),
        presenting_problem=(intake.concern_areas or [None])[0],
        actor=actor,
        commit=False,
    )
    practice_service.schedule_appointment(
        db, rt, episode_id=episode.id, starts_at=first_session_at, actor=actor, commit=False
    )
    intake_service.close_intake(
        db,
        rt,
        actor=actor,
        intake_id=intake.id,
        status="matched",
        episode_id=episode.id,
        commit=False,
    )
    match = MatchRow(
        practice_id=actor.practice_id,
        client_id=intake.client_id,
        intake_id=intake.id,
        therapist_id=therapist_id,
        episode_id=episode.id,
        score=chosen.score,
        reasons=list(chosen.reasons),
        confirmed_by_user_id=actor.user_id,
        confirmed_at=rt.now(),
    )
    db.add(match)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="create",
        entity="match",
        entity_id=match.id,
        client_id=intake.client_id,
        at=rt.now(),
    )
    db.commit()
    return match


def therapist_name(db: Session, user_id: int) -> str:
    user = db.get(UserRow, user_id)
    return user.display_name if user else ""


def client_name(db: Session, client_id: int) -> str:
    client = db.get(ClientRow, client_id)
    return client.display_name if client else ""


def first_session(db: Session, episode_id: int) -> datetime | None:
    return db.scalar(
        select(AppointmentRow.starts_at)
        .where(AppointmentRow.episode_id == episode_id)
        .order_by(AppointmentRow.number)
        .limit(1)
    )
