"""Erasing a client (issue 14): two people, a tombstone, and nothing of the client left.

Rowan Erasable comes in through the public intake form, is matched with Olga, attends three
sessions, writes feedback (with a concern), gets a triage correction, a rupture note, an
exclusion, a fit check, reminders and links, signs in by link and is read by staff. After Adam
asks and Sue confirms, every column of every table is read (encrypted ones decrypted) and
nothing holds Rowan's id, name, contact details or words. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.erasure import KEPT_WORDS, REMOVED_WORDS
from bordin.domain.errors import InvalidInput, NotFound
from bordin.domain.fit_check import FitAnswer
from bordin.domain.intake import IntakeAnswers, Preferences
from bordin.notify.memory import MemoryTransport
from bordin.reports.read.practice import practice_overview
from bordin.services import (
    access,
    audit,
    erasure,
    feedback,
    idempotency,
    intake,
    jobs,
    limits,
    progress,
    reminders,
)
from bordin.services import fit_check as fit_service
from bordin.services import matching as matching_service
from bordin.services import practice as practice_service
from bordin.services import triage_corrections as corrections
from bordin.services import users as user_service
from bordin.services.audit import Origin
from bordin.services.erasure_purge import HANDLED
from bordin.services.runtime import Runtime
from bordin.services.ruptures import log_rupture, record_repair
from bordin.storage.base import Base
from bordin.storage.tables import (
    AdministrationRow,
    AppointmentRow,
    AuditEventRow,
    ClientRow,
    EpisodeRow,
    ErasureRequestRow,
    LoginAttemptRow,
    ParticipantRow,
    RuptureLogRow,
    SubmissionRow,
)
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.integration.reports.helpers import ended_practice
from tests.integration.services.test_feedback import issue, last_attended, sac
from tests.integration.services.test_matching import attend_three, therapist

FEEDBACK_WORDS = "Quillon felt unheard when we talked about Marrowfield and I want to stop"
CONCERN_WORDS = "The therapist kept checking a phone about Tansyvale during my session"
INTAKE_WORDS = "Since Brackenhollow closed I cannot sleep and I worry about everything"
IDENTITY_WORDS = "Being Farrowmere matters to me"
FIT_WORDS = "Rowan would prefer someone who knows Heddlestone"
RUPTURE_WORDS = "Rowan went quiet when Wendlebury came up"
EXCLUSION_WORDS = "Knows Rowan from the Gallowbrook choir"
ROWAN = IntakeAnswers(
    display_name="Rowan Erasable",
    email="rowan.erasable@example.org",
    phone="+44 7700 900123",
    concern_areas=("anxiety",),
    concerns_text=INTAKE_WORDS,
    risk_now="no",
    risk_recent="no",
    preferences=Preferences(
        language="English", modes=("remote",), slots=("mon_evening",), funding="insurer"
    ),
    identity_notes=IDENTITY_WORDS,
    referrer="Dr Pellinore Surgery",
    consent_to_store=True,
    consent_feedback=True,
    consent_progress=True,
)
SECRETS = (
    "Rowan",
    "Erasable",
    "rowan.erasable@example.org",
    "7700 900123",
    "Quillon",
    "Marrowfield",
    "Tansyvale",
    "Brackenhollow",
    "Farrowmere",
    "Heddlestone",
    "Wendlebury",
    "Gallowbrook",
    "Pellinore",
)


def rowan_in_care(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock, outbox: MemoryTransport
) -> ClientRow:
    """Everything a client can leave behind, made through the services."""
    taken = intake.submit_intake(
        db, rt, practice_id=cast.practice.id, answers=ROWAN, origin=Origin("203.0.113.7")
    )
    rowan = db.get(ClientRow, taken.client_id)
    assert rowan is not None
    olga = therapist(db, rt, cast, "olga", languages=["English"], specialties=["anxiety"])
    match = matching_service.confirm_match(
        db,
        rt,
        actor=cast.actor(cast.sue),
        intake_id=taken.intake_id,
        therapist_id=olga.id,
        first_session_at=rt.now() + timedelta(days=3),
    )
    attend_three(db, rt, cast, match.episode_id, olga, clock)
    sessions = db.scalars(
        select(AppointmentRow)
        .where(AppointmentRow.episode_id == match.episode_id)
        .order_by(AppointmentRow.number)
    ).all()
    jobs.run_due_jobs(db, rt)  # sessions ended, links and emails sent: delivery records
    to_rowan = [m for m in outbox.sent if "/f/" in m.text and ROWAN.email in str(m.to)]
    token = to_rowan[-1].text.split("/f/")[1].split()[0]
    feedback.submit_feedback(
        db,
        rt,
        token=token,
        answers=sac(goals=2, tasks=2, bond=2, overall=2),
        text=FEEDBACK_WORDS,
        concern_text=CONCERN_WORDS,
        origin=Origin("198.51.100.4"),
    )
    submission = db.scalar(select(SubmissionRow).where(SubmissionRow.client_id == rowan.id))
    assert submission is not None
    corrections.correct_triage(
        db, rt, actor=cast.actor(olga), submission_id=submission.id, correct_class="other"
    )
    log_rupture(
        db,
        rt,
        actor=user_service.actor_for_user(olga),
        appointment_id=sessions[1].id,
        rupture_type="withdrawal",
        markers=["minimal_response"],
        strategies=["invite_discussion"],
        resolved="partly",
        client_id=rowan.id,
        note=RUPTURE_WORDS,
    )
    matching_service.add_exclusion(
        db,
        rt,
        actor=cast.actor(cast.sue),
        client_id=rowan.id,
        therapist_id=cast.bob.id,
        reason="knows_client",
        note=EXCLUSION_WORDS,
    )
    fit_service.record_fit_check(
        db,
        rt,
        actor=user_service.actor_for_client(rowan),
        episode_id=match.episode_id,
        answer=FitAnswer("talk", note=FIT_WORDS, share_with_therapist=True),
    )
    progress.request_sign_in_link(db, rt, email=str(ROWAN.email), origin=Origin("198.51.100.4"))
    access.get_client_for_user(db, rt, cast.actor(olga), rowan.id, origin=Origin("10.0.0.2"))
    audit.record_page_view(
        db,
        actor=cast.actor(cast.sue),
        entity="alerts",
        client_ids=[rowan.id, cast.ash.id],
        origin=Origin("10.0.0.3"),
        at=rt.now(),
    )
    idempotency.remember(  # an API write's stored answer: Rowan's score (ADR 0011)
        db,
        rt,
        user_id=olga.id,
        key="retry-1",
        request_hash="0" * 64,
        status_code=201,
        body={"id": 1, "client_id": rowan.id, "episode_id": match.episode_id, "total": 8},
    )
    booked = practice_service.schedule_appointment(
        db, rt, episode_id=match.episode_id, starts_at=rt.now() + timedelta(days=3)
    )
    reminders.schedule_reminders_for(db, rt, appointment_id=booked.id)
    db.commit()
    clock.set(rt.now() + timedelta(days=2))
    jobs.run_due_jobs(db, rt)  # the 48-hour reminder goes out: a delivery record
    db.commit()
    return rowan


def _opened(rt: Runtime, value: Any) -> Iterator[str]:
    """A stored value as text, with anything encrypted opened (bytes and sealed phrases)."""
    if value is None:
        return
    if isinstance(value, bytes):
        try:
            opened = rt.cipher.decrypt(value)
        except UnicodeDecodeError:  # encrypted bytes that are not text (a research key)
            opened = None
        yield opened if opened is not None else value.decode("latin-1")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _opened(rt, item)
    elif isinstance(value, list):
        for item in value:
            yield from _opened(rt, item)
    elif isinstance(value, str) and value.startswith("gAAAA"):
        yield rt.cipher.decrypt(value.encode("ascii")) or value
    else:
        yield str(value)


def _mentions_id(value: Any, client_id: int) -> bool:
    """A JSON value that names ``client_id`` under a key about clients."""
    if isinstance(value, dict):
        for key, item in value.items():
            about_clients = "client" in str(key)
            if about_clients and (
                item == client_id or (isinstance(item, list) and client_id in item)
            ):
                return True
            if _mentions_id(item, client_id):
                return True
    if isinstance(value, list):
        return any(_mentions_id(item, client_id) for item in value)
    return False


def traces(db: Session, rt: Runtime, client_id: int) -> set[tuple[str, str, str]]:
    """(table, column, what) for every trace of the client anywhere in the database."""
    found: set[tuple[str, str, str]] = set()
    for table in Base.metadata.sorted_tables:
        client_columns = {
            c.name
            for c in table.columns
            if any(fk.column.table.name == "clients" for fk in c.foreign_keys)
        }
        if table.name == "clients":
            client_columns.add("id")
        for row in db.execute(select(table)).mappings():
            for column, value in row.items():
                if column in client_columns and value == client_id:
                    found.add((table.name, column, "client id"))
                if value == f"client:{client_id}":
                    found.add((table.name, column, "client label"))
                if isinstance(value, dict | list) and _mentions_id(value, client_id):
                    found.add((table.name, column, "client id in JSON"))
                text = "\n".join(_opened(rt, value)).lower()
                for secret in SECRETS:
                    if secret.lower() in text:
                        found.add((table.name, column, secret))
    return found


def test_after_erasure_no_row_holds_the_clients_id_name_contact_details_or_words(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock, outbox: MemoryTransport
) -> None:
    rowan = rowan_in_care(db, rt, cast, clock, outbox)
    before = traces(db, rt, rowan.id)
    # The test can fail: before erasure the client is everywhere, in plain and encrypted columns.
    seen_tables = {t for t, _, _ in before}
    assert {
        "clients",
        "intake_referrals",
        "client_preferences",
        "feedback_submissions",
        "concerns",
        "triage_corrections",
        "rupture_logs",
        "therapist_exclusions",
        "fit_checks",
        "alerts",
        "deliveries",
        "magic_links",
        "audit_events",
        "episode_participants",
        "administrations",
        "consents",
        "matches",
        "api_idempotency_keys",
    } <= seen_tables
    assert {s for _, _, s in before} >= set(SECRETS)

    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=rowan.id, reason="client_asked"
    )
    erasure.confirm_erasure(db, rt, actor=cast.actor(cast.sue), request_id=request.id)

    assert traces(db, rt, rowan.id) == set()
    # Sign-in link requests are counted under a keyed digest of the address; that goes too.
    assert limits.email_key(rt, str(ROWAN.email)) not in set(
        db.scalars(select(LoginAttemptRow.key))
    )
    db.refresh(request)
    assert (request.status, request.client_id, request.reason) == ("done", None, "client_asked")
    assert request.removed["clients"] == 1 and request.removed["feedback"] == 1
    assert set(request.removed) <= set(REMOVED_WORDS) | set(KEPT_WORDS)  # each said in words
    # The staff who worked with Rowan are still there; other clients are untouched.
    assert db.get(ClientRow, cast.ash.id) is not None


def test_the_tombstone_in_the_audit_trail_says_who_why_and_how_much_and_nothing_personal(
    db: Session, rt: Runtime, cast: Cast, clock: FakeClock, outbox: MemoryTransport
) -> None:
    rowan = rowan_in_care(db, rt, cast, clock, outbox)
    reads_before = db.scalars(
        select(AuditEventRow.id).where(AuditEventRow.client_id == rowan.id)
    ).all()
    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=rowan.id, reason="client_asked"
    )
    erasure.confirm_erasure(db, rt, actor=cast.actor(cast.sue), request_id=request.id)

    tombstone = db.scalar(select(AuditEventRow).where(AuditEventRow.entity == "client_erasure"))
    assert tombstone is not None
    assert (tombstone.action, tombstone.client_id, tombstone.actor_user_id) == (
        "delete",
        None,
        cast.sue.id,
    )
    assert tombstone.practice_id == cast.practice.id
    assert tombstone.detail["reason"] == "client_asked"
    assert tombstone.detail["requested_by_user_id"] == cast.adam.id
    assert tombstone.detail["removed"] == request.removed
    # Earlier events about Rowan are kept (staff accountability) and point at the erasure.
    kept = [db.get(AuditEventRow, i) for i in reads_before]
    assert kept and all(e is not None and e.detail == {"erasure": request.id} for e in kept)
    done = erasure.done_erasures(db, actor=cast.actor(cast.adam))
    assert [(d.requested_by, d.confirmed_by) for d in done] == [("Adam Admin", "Sue Supervisor")]


def test_erasing_one_partner_keeps_the_couple_episode_for_the_other(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    tokens = issue(db, rt, last_attended(cast, couple=True))
    for client_id, words in ((cast.birch.id, "Birch wrote this"), (cast.cedar.id, "Cedar wrote")):
        feedback.submit_feedback(db, rt, token=tokens[client_id], answers=sac(), text=words)
    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=cast.birch.id, reason="consent_withdrawn"
    )
    adam2 = user_service.add_user(
        db,
        rt,
        practice_id=cast.practice.id,
        username="ada",
        email="ada@example.org",
        display_name="Ada Admin",
        role="admin",
        password="correct horse battery",
    )
    erasure.confirm_erasure(db, rt, actor=user_service.actor_for_user(adam2), request_id=request.id)

    assert db.get(EpisodeRow, cast.couple_episode.id) is not None
    partners = db.scalars(
        select(ParticipantRow.client_id).where(ParticipantRow.episode_id == cast.couple_episode.id)
    ).all()
    assert partners == [cast.cedar.id]
    scored = set(db.scalars(select(AdministrationRow.client_id)).all())
    assert cast.cedar.id in scored and cast.birch.id not in scored
    assert "sessions" not in request.removed and "episodes" not in request.removed


def test_erasing_a_partner_empties_rupture_and_repair_notes_that_name_them(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    alice = cast.actor(cast.alice)
    logged = log_rupture(
        db,
        rt,
        actor=alice,
        appointment_id=cast.couple_sessions[1].id,
        rupture_type="confrontation",
        markers=["complaints_therapist"],
        strategies=["invite_discussion"],
        resolved="partly",
        note="Birch Sample felt unheard",
    )
    record_repair(
        db,
        rt,
        actor=alice,
        rupture_id=logged.id,
        appointment_id=cast.couple_sessions[2].id,
        resolved="yes",
        note="Birch Sample said it helped to name it",
    )
    kept = log_rupture(
        db,
        rt,
        actor=alice,
        appointment_id=cast.couple_sessions[3].id,
        rupture_type="withdrawal",
        markers=["minimal_response"],
        strategies=["invite_discussion"],
        resolved="partly",
        note="Cedar went quiet",
    )
    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=cast.birch.id, reason="client_asked"
    )
    erasure.confirm_erasure(db, rt, actor=cast.actor(cast.sue), request_id=request.id)
    db.expire_all()
    named = db.get(RuptureLogRow, logged.id)
    assert named is not None
    assert named.note_encrypted is None and named.repair_note_encrypted is None
    other = db.get(RuptureLogRow, kept.id)
    assert other is not None and rt.cipher.decrypt(other.note_encrypted) == "Cedar went quiet"


def test_the_practice_overview_after_erasure_drops_exactly_what_the_tombstone_counts(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    ended_practice(db, rt, cast)
    before = practice_overview(db, practice_id=cast.practice.id)
    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=cast.ash.id, reason="client_asked"
    )
    erasure.confirm_erasure(db, rt, actor=cast.actor(cast.sue), request_id=request.id)
    after = practice_overview(db, practice_id=cast.practice.id)

    # ADR 0004: figures are recomputed from what remains; the tombstone explains the change.
    assert request.removed["episodes"] == 1
    assert after.episodes == before.episodes - request.removed["episodes"]
    assert after.ended_episodes == before.ended_episodes - 1
    assert [r.client_id for r in after.records] == [
        r.client_id for r in before.records if r.client_id != cast.ash.id
    ]
    assert after.summary.episodes == before.summary.episodes - 1
    assert erasure.erasures_done(db, practice_id=cast.practice.id) == 1


# ---- the two-person rule and bad input ------------------------------------------------------


def _nothing_changed(db: Session, cast: Cast) -> None:
    assert db.get(ClientRow, cast.ash.id) is not None
    assert db.scalars(select(ErasureRequestRow.status)).all() in ([], ["pending"])


def test_the_person_who_asked_cannot_confirm_and_the_field_is_named(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=cast.ash.id, reason="client_asked"
    )
    with pytest.raises(InvalidInput) as refused:
        erasure.confirm_erasure(db, rt, actor=cast.actor(cast.adam), request_id=request.id)
    assert [e.field for e in refused.value.errors] == ["confirmed_by"]
    db.rollback()
    _nothing_changed(db, cast)


@pytest.mark.parametrize(
    ("client", "reason", "fields"),
    [
        ("ash", "", ["reason"]),
        ("ash", "because", ["reason"]),
        ("nobody", "client_asked", ["client"]),
        ("zed", "client_asked", ["client"]),  # another practice's client is not ours to name
        ("nobody", "", ["client", "reason"]),
    ],
)
def test_a_request_with_bad_input_names_the_field_and_changes_nothing(
    db: Session, rt: Runtime, cast: Cast, client: str, reason: str, fields: list[str]
) -> None:
    client_id = {"ash": cast.ash.id, "zed": cast.zed.id, "nobody": 999_999}[client]
    with pytest.raises(InvalidInput) as refused:
        erasure.request_erasure(
            db, rt, actor=cast.actor(cast.adam), client_id=client_id, reason=reason
        )
    assert [e.field for e in refused.value.errors] == fields
    db.rollback()
    _nothing_changed(db, cast)
    assert db.scalars(select(ErasureRequestRow)).all() == []


def test_only_admins_ask_and_only_admins_or_the_lead_confirm_everyone_else_gets_not_found(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    for who in (cast.alice, cast.sue, cast.charlie):
        with pytest.raises(NotFound):
            erasure.request_erasure(
                db, rt, actor=cast.actor(who), client_id=cast.ash.id, reason="client_asked"
            )
    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=cast.ash.id, reason="client_asked"
    )
    for who in (cast.alice, cast.bob, cast.charlie):
        with pytest.raises(NotFound):
            erasure.confirm_erasure(db, rt, actor=cast.actor(who), request_id=request.id)
    db.rollback()
    _nothing_changed(db, cast)


def test_a_withdrawn_request_cannot_be_confirmed(db: Session, rt: Runtime, cast: Cast) -> None:
    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=cast.ash.id, reason="client_asked"
    )
    erasure.cancel_erasure(db, rt, actor=cast.actor(cast.sue), request_id=request.id)
    with pytest.raises(NotFound):
        erasure.confirm_erasure(db, rt, actor=cast.actor(cast.sue), request_id=request.id)
    assert db.get(ClientRow, cast.ash.id) is not None
    assert erasure.pending_erasures(db, actor=cast.actor(cast.adam)) == []


# ---- a new table cannot escape erasure ------------------------------------------------------

#: Tables that point at ``clients`` but are not erased row by row, and why. Empty: today every
#: such table is handled. A new table must be handled in erasure_purge.HANDLED or listed here.
NOT_ERASED: dict[str, str] = {}


def test_every_table_that_points_at_a_client_is_handled_by_erasure() -> None:
    pointing = {
        table.name
        for table in Base.metadata.sorted_tables
        for column in table.columns
        for fk in column.foreign_keys
        if fk.column.table.name == "clients"
    } | {"clients"}
    missing = pointing - set(HANDLED) - set(NOT_ERASED)
    assert missing == set(), f"say in erasure_purge.HANDLED what erasure does with {missing}"
    assert set(HANDLED) - pointing <= {"clients"} | set(), "HANDLED names a table that is gone"
