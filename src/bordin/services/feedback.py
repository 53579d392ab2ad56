"""The client's voice after a session: open the form, submit it once, route what was said.

:func:`open_link` gives the form for a usable link. :func:`submit_feedback` does the rest in
one transaction:

1. **Validate** every field (one clear message each). On any error nothing is stored.
2. **Claim the link** with a conditional update (``... WHERE used_at IS NULL``). Only one
   submission can win; a double submit or a refresh finds the link already claimed and gets the
   stored result back, so the client sees the thank-you page again, and nothing is stored twice.
3. **Store** the submission (free text encrypted) and one administration per measure, scored by
   the instrument's published rules.
4. **Triage and route** the free text: misalignment → the therapist, with repair prompts;
   a possible conduct concern → the clinical lead only (the therapist never sees the text);
   crisis, or an endorsed risk item (PHQ-9 item 9 > 0, CORE-10 item 6 > 0) → an urgent alert to
   the therapist *and* the clinical lead at once, and crisis help first on the thank-you page.
5. **Queue** the episode's signal recompute in the durable job table (same transaction); the
   worker coalesces queued episodes and recomputes them in batches (``services/worker.py``), so
   a fault there can never cost the client their submission, and a crashed worker's batch is
   run again when its lease runs out.
6. **Commit**, and only then email urgent alerts. An email that fails is retried later; the
   submission is already safe.

``issue_links`` and ``send_links`` (``feedback_links.py``) make and send the links.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, Protocol, cast

from sqlalchemy import Insert, Result, Select, Table, Update, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.dml import ReturningInsert

from bordin.domain.access import Actor, Role
from bordin.domain.crisis import CrisisLine
from bordin.domain.errors import FieldError, InvalidInput
from bordin.domain.instruments.registry import get_instrument
from bordin.domain.instruments.scoring import Score
from bordin.domain.measurement_schedule import MeasurementPolicy
from bordin.domain.responsiveness import INSTRUMENT_ID as CULTURAL_CHECK
from bordin.services import alerts as alert_service
from bordin.services import audit, concerns, jobs, limits, triage_bridge
from bordin.services.audit import Origin
from bordin.services.crisis import lines_for_practice
from bordin.services.feedback_form import (
    CONCERN_FIELD,
    CONCERN_MAX,
    TEXT_FIELD,
    TEXT_LABEL,
    TEXT_MAX,
    FormMeasure,
    check_answers,
    check_text,
    measures_for_session,
)
from bordin.services.feedback_links import (
    FeedbackLinkUnavailable,
    IssuedLink,
    SendReport,
    find_link,
    issue_links,
    local_time,
    send_links,
    usable_link,
)
from bordin.services.measurement_plan import policy_from, record_risk_screens, screen_risks
from bordin.services.practice import has_consent
from bordin.services.responsiveness import alert_if_concern
from bordin.services.runtime import Runtime
from bordin.services.tokens import token_hash
from bordin.services.triage_bridge import Verdict
from bordin.services.triage_practice_model import active_model, active_model_id
from bordin.services.triage_reader import reader_for_triage
from bordin.services.users import SignedIn, start_client_session
from bordin.storage.tables import (
    AdministrationRow,
    AlertRow,
    AppointmentRow,
    ClientRow,
    ConcernRow,
    ConsentRow,
    EpisodeRow,
    FeedbackLinkRow,
    ImportedWordingRow,
    MeasurementScheduleRow,
    PracticeRow,
    SubmissionRow,
    TriageModelRow,
)

__all__ = [
    "FeedbackForm",
    "FeedbackLinkUnavailable",
    "FeedbackResult",
    "IssuedLink",
    "SendReport",
    "issue_links",
    "open_link",
    "progress_session_from_link",
    "send_links",
    "submit_feedback",
]

log = logging.getLogger("bordin.feedback")

#: After submitting, the thank-you page may open the client's progress page for this long.
PROGRESS_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class FeedbackForm:
    """Everything the form page shows for one link (nothing from the client's record)."""

    link_id: int
    practice_name: str
    session_starts_at: datetime
    expires_at: datetime
    is_couple: bool
    measures: tuple[FormMeasure, ...]
    crisis_lines: tuple[CrisisLine, ...]
    text_label: str = TEXT_LABEL
    text_max: int = TEXT_MAX
    concern_max: int = CONCERN_MAX


@dataclass(frozen=True)
class FeedbackResult:
    """What the thank-you page needs. ``duplicate``: this was a repeat of a stored submission."""

    submission_id: int
    crisis: bool
    category: str | None
    concern_raised: bool
    duplicate: bool
    complaint_route: str
    crisis_lines: tuple[CrisisLine, ...]
    practice_name: str
    progress_consented: bool


class _LinkFacts(Protocol):
    """What a submission reads of its link (``FeedbackLinkRow`` and :class:`_Link` have it)."""

    @property
    def id(self) -> int: ...
    @property
    def client_id(self) -> int: ...
    @property
    def appointment_id(self) -> int: ...
    @property
    def expires_at(self) -> datetime: ...
    @property
    def used_at(self) -> datetime | None: ...


# What the form and a submission read of the link, client, session, episode and practice: plain
# values from one joined query's row (:func:`_context_query`). Read as five ORM objects (every
# column, instance state, the identity map, the ORM's result loading), the same read cost about
# 0.3 ms more of the server's CPU on every form and submission.


@dataclass(frozen=True, slots=True)
class _Link:
    id: int
    client_id: int
    appointment_id: int
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class _Client:
    id: int
    practice_id: int
    display_name: str
    pseudonym: str


@dataclass(frozen=True, slots=True)
class _Appointment:
    id: int
    number: int
    starts_at: datetime


@dataclass(frozen=True, slots=True)
class _Episode:
    id: int
    practice_id: int
    therapist_id: int
    kind: str


@dataclass(frozen=True, slots=True)
class _Practice:
    id: int
    name: str
    locale: str
    timezone: str
    crisis_lines: list[Any] | None
    professional_body: str | None
    feedback_measures: list[Any]
    measure_plan: dict[str, Any] | None


@dataclass(frozen=True)
class _Context:
    link: _LinkFacts
    client: _Client
    appointment: _Appointment
    episode: _Episode
    practice: _Practice
    #: The client's current consents to session feedback and to seeing their own progress,
    #: read with the rest (``None``: not read; ask the database).
    feedback_consent: bool | None = None
    progress_consent: bool | None = None
    #: The practice's measurement schedule, read with the rest (``None``: not read).
    policy: MeasurementPolicy | None = None
    #: The practice's active retrained triage model (id, digest), read with the rest; ``None``:
    #: it has none (the shipped model is used).
    triage_model: tuple[int, str] | None = None
    #: Whether the client shares their free text with their therapist, read with the rest.
    shares_text: bool | None = None
    #: Whether the practice has imported any wording, read with the rest (``None``: not read);
    #: when it has none, the wording is not asked for.
    has_wording: bool | None = None


def _consent(purpose: str) -> Any:
    return (
        select(ConsentRow.id)
        .where(
            ConsentRow.client_id == ClientRow.id,
            ConsentRow.purpose == purpose,
            ConsentRow.revoked_at.is_(None),
        )
        .exists()
    )


def _context(db: Session, link: _LinkFacts) -> _Context:
    """The link's client, session, episode and practice, and two consents: one query."""
    row = _read(
        db,
        _context_query(False),
        {"appointment_id": link.appointment_id, "client_id": link.client_id},
    ).one()
    return _context_from(link, row)


def _read(db: Session, query: Select[Any], params: Mapping[str, object]) -> Result[Any]:
    """``query``'s rows as plain Core rows, on the session's connection and in its transaction
    (``Session.execute`` would run an ORM-enabled select through the ORM's result loading).
    What the session holds unflushed is flushed first, as ``Session.execute`` would have."""
    db.flush()
    return db.connection().execute(query, params)


def _link_and_context(db: Session, token: str) -> _Context:
    """The link behind ``token`` with its context (:func:`_context`): one query instead of two.
    ``FeedbackLinkUnavailable("unknown")`` when there is no such link."""
    if not token or len(token) > 200:
        raise FeedbackLinkUnavailable("unknown")
    row: Sequence[Any] | None = _read(
        db, _context_query(True), {"token_hash": token_hash(token)}
    ).one_or_none()
    if row is None:
        return _context(db, find_link(db, token))  # raises "unknown"
    values = iter(row)
    link = _Link(*islice(values, len(_LINK_COLUMNS)))
    return _context_from(link, tuple(values))


@dataclass(frozen=True, slots=True)
class _Schedule:
    adaptive: bool
    stable_every: int
    risk_screen_every_session: bool


#: The link's columns, in the order of :class:`_Link`'s fields (read with the context when the
#: link is found by its token).
_LINK_COLUMNS = (
    FeedbackLinkRow.id,
    FeedbackLinkRow.client_id,
    FeedbackLinkRow.appointment_id,
    FeedbackLinkRow.expires_at,
    FeedbackLinkRow.used_at,
)
#: The practice's stored schedule, in the order of :class:`_Schedule`'s fields, after its key
#: (``None`` when the practice has none).
_SCHEDULE_COLUMNS = (
    MeasurementScheduleRow.adaptive,
    MeasurementScheduleRow.stable_every,
    MeasurementScheduleRow.risk_screen_every_session,
)

#: The context query's columns for each plain record, in the order of the record's fields.
_RECORDS: tuple[tuple[type[Any], tuple[Any, ...]], ...] = (
    (_Client, (ClientRow.id, ClientRow.practice_id, ClientRow.display_name, ClientRow.pseudonym)),
    (_Appointment, (AppointmentRow.id, AppointmentRow.number, AppointmentRow.starts_at)),
    (_Episode, (EpisodeRow.id, EpisodeRow.practice_id, EpisodeRow.therapist_id, EpisodeRow.kind)),
    (
        _Practice,
        (
            PracticeRow.id,
            PracticeRow.name,
            PracticeRow.locale,
            PracticeRow.timezone,
            PracticeRow.crisis_lines,
            PracticeRow.professional_body,
            PracticeRow.feedback_measures,
            PracticeRow.measure_plan,
        ),
    ),
)


def _context_from(link: _LinkFacts, row: Sequence[Any]) -> _Context:
    """``row``: the columns of :func:`_context_query` after the link's, in that order."""
    values = iter(row)
    client, appointment, episode, practice = (
        kind(*islice(values, len(columns))) for kind, columns in _RECORDS
    )
    schedule_key = next(values)
    schedule = _Schedule(*islice(values, len(_SCHEDULE_COLUMNS)))
    model_id, model_digest, feedback_ok, progress_ok, shares_ok, wording_ok = values
    return _Context(
        link,
        client,
        appointment,
        episode,
        practice,
        bool(feedback_ok),
        bool(progress_ok),
        policy_from(None if schedule_key is None else schedule),
        None if model_id is None or model_digest is None else (model_id, model_digest),
        bool(shares_ok),
        bool(wording_ok),
    )


@functools.cache
def _context_query(by_token: bool) -> Select[Any]:
    """Built once: building this statement cost more CPU than running it, on every form.
    ``by_token``: the link too, found by its token's hash; else by the link's own ids.
    Columns, not ORM entities: only what the form and a submission read (``_context_from``)."""
    columns = (
        *(column for _, group in _RECORDS for column in group),
        MeasurementScheduleRow.practice_id,
        *_SCHEDULE_COLUMNS,
        TriageModelRow.id,
        TriageModelRow.sha256,
        _consent("session_feedback"),
        _consent("see_own_progress"),
        _consent("share_free_text_with_therapist"),
        select(ImportedWordingRow.id)
        .where(ImportedWordingRow.practice_id == ClientRow.practice_id)
        .exists(),
    )
    if by_token:
        query = (
            select(*_LINK_COLUMNS, *columns)
            .select_from(FeedbackLinkRow)
            .join(ClientRow, ClientRow.id == FeedbackLinkRow.client_id)
            .join(AppointmentRow, AppointmentRow.id == FeedbackLinkRow.appointment_id)
            .where(FeedbackLinkRow.token_hash == bindparam("token_hash"))
        )
    else:
        query = (
            select(*columns)
            .select_from(ClientRow)
            .join(AppointmentRow, AppointmentRow.id == bindparam("appointment_id"))
            .where(ClientRow.id == bindparam("client_id"))
        )
    return (
        query.join(EpisodeRow, EpisodeRow.id == AppointmentRow.episode_id)
        .join(PracticeRow, PracticeRow.id == ClientRow.practice_id)
        .outerjoin(
            MeasurementScheduleRow, MeasurementScheduleRow.practice_id == ClientRow.practice_id
        )
        .outerjoin(TriageModelRow, TriageModelRow.id == active_model_id())
    )


def _form(db: Session, rt: Runtime, ctx: _Context) -> FeedbackForm:
    return FeedbackForm(
        link_id=ctx.link.id,
        practice_name=ctx.practice.name,
        session_starts_at=local_time(ctx.practice, ctx.appointment.starts_at),
        expires_at=local_time(ctx.practice, ctx.link.expires_at),
        is_couple=ctx.episode.kind == "couple",
        measures=_due(db, ctx),
        crisis_lines=lines_for_practice(ctx.practice, rt),
    )


def _due(db: Session, ctx: _Context) -> tuple[FormMeasure, ...]:
    """The measures due after this session (the practice's measurement schedule)."""
    return measures_for_session(
        db,
        ctx.practice,
        client_id=ctx.client.id,
        episode=ctx.episode,
        appointment=ctx.appointment,
        policy=ctx.policy,
        wording={} if ctx.has_wording is False else None,
    )


def open_link(db: Session, rt: Runtime, token: str) -> FeedbackForm:
    """The form for a usable link; ``FeedbackLinkUnavailable`` (used, expired, ...) otherwise."""
    return _form(db, rt, _context(db, usable_link(db, rt, token)))


def crisis_lines_for_token(db: Session, rt: Runtime, token: str) -> tuple[CrisisLine, ...]:
    """The practice's crisis lines for any known link (for pages saying a link is unusable)."""
    try:
        link = find_link(db, token)
    except FeedbackLinkUnavailable:
        from bordin.services.crisis import lines_for_install

        return lines_for_install(db, rt)
    return lines_for_practice(_context(db, link).practice, rt)


def submit_feedback(
    db: Session,
    rt: Runtime,
    *,
    token: str,
    answers: Mapping[str, object],
    text: str | None = None,
    concern_text: str | None = None,
    origin: Origin | None = None,
) -> FeedbackResult:
    """Validate, store once, triage and route one client's feedback (see the module docstring).

    ``answers`` holds the raw form values keyed by field name (``bordin_sac.goals``).
    Raises ``InvalidInput`` (one ``FieldError`` per field, nothing stored) or
    ``FeedbackLinkUnavailable`` for an unknown, expired or withdrawn link. A link already used
    returns the stored result with ``duplicate=True``.
    """
    ctx = _link_and_context(db, token)
    link = ctx.link
    if link.used_at is not None:
        return _stored_result(db, rt, link, ctx)
    if link.expires_at <= rt.now():
        raise FeedbackLinkUnavailable("expired")
    if not ctx.feedback_consent:
        raise FeedbackLinkUnavailable("withdrawn")
    measures = _due(db, ctx)
    checked = check_answers(measures, answers)
    errors = list(checked.errors)
    clean_text, problem = check_text(TEXT_FIELD, text, limit=TEXT_MAX)
    if problem:
        errors.append(problem)
    clean_concern, problem = check_text(CONCERN_FIELD, concern_text, limit=CONCERN_MAX)
    if problem:
        errors.append(problem)
    if errors:
        raise InvalidInput(errors)

    now = rt.now()
    claimed = alert_service.rowcount(db.execute(_claim_link(), {"link_id": link.id, "now": now}))
    if claimed != 1:  # another request claimed it first: theirs is the one stored
        db.rollback()
        return _stored_result(db, rt, find_link(db, token))
    # A link the caller's session loaded earlier says what the row now says (the context was
    # read as plain values, so only such a link can be out of date).
    loaded = db.identity_map.get(identity_key(FeedbackLinkRow, link.id))
    if loaded is not None:
        set_committed_value(loaded, "used_at", now)

    model = active_model(db, rt, *ctx.triage_model) if ctx.triage_model else None
    reader = reader_for_triage(rt.settings)
    verdict = triage_bridge.classify(clean_text, model=model, reader=reader)
    concern_verdict = triage_bridge.classify(clean_concern, model=model, reader=reader)
    risks = _endorsed_risks(checked.scores) + screen_risks(checked.screens)
    text_encrypted = rt.cipher.encrypt(clean_text) if clean_text else None
    # A possible conduct concern is stored as such even when the same words also signal a
    # crisis, so that the therapist concerned never sees the text (client_record, sessions).
    category = ("conduct" if verdict.conduct else verdict.category) if clean_text else None
    crisis_shown = bool(
        risks
        or verdict.crisis
        or verdict.risk_review
        or concern_verdict.crisis
        or concern_verdict.risk_review
    )
    submission_id: int = db.execute(
        _insert_submission(),
        {
            "link_id": link.id,
            "client_id": ctx.client.id,
            "appointment_id": ctx.appointment.id,
            "received_at": now,
            "text_encrypted": text_encrypted,
            "triage_category": category,
            "triage_severity": verdict.severity if clean_text else None,
            "triage_evidence": rt.cipher.seal_phrases(verdict.evidence),
            "triage_risk_review": verdict.risk_review if clean_text else False,
            "crisis_shown": crisis_shown,
        },
    ).scalar_one()
    submission = _Stored(submission_id, text_encrypted, category, crisis_shown)
    if checked.scores:
        db.execute(
            _insert_administration(),
            [_administration(ctx, submission.id, result, now) for result in checked.scores],
        )
    record_risk_screens(
        db,
        client_id=ctx.client.id,
        episode_id=ctx.episode.id,
        appointment_id=ctx.appointment.id,
        submission_id=submission.id,
        screens=checked.screens,
        at=now,
    )
    client_actor = Actor(
        practice_id=ctx.client.practice_id, role=Role.CLIENT, client_id=ctx.client.id
    )
    audit.record(
        db,
        actor=client_actor,
        action="create",
        entity="feedback_submission",
        entity_id=submission.id,
        client_id=ctx.client.id,
        origin=origin,
        at=now,
        detail={
            "instruments": [s.instrument_id for s in checked.scores],
            "triage": submission.triage_category,
            "risk": bool(risks),
        },
    )
    _route(db, rt, ctx, submission, verdict, risks)
    if clean_concern:
        _store_concern(
            db,
            rt,
            ctx,
            submission,
            clean_concern,
            concern_verdict,
            "concern_form",
            urgent=concern_verdict.crisis or concern_verdict.risk_review,
        )
    # The signal recompute is the worker's: queued here, in the same transaction.
    jobs.enqueue(
        db,
        kind="recompute",
        key=f"recompute:{ctx.episode.id}",
        run_at=now,
        payload={"episode_id": ctx.episode.id},
        again=True,
        now=now,
    )
    if any(s.instrument_id == CULTURAL_CHECK for s in checked.scores):
        db.flush()
        alert_if_concern(db, rt, episode_id=ctx.episode.id, client_id=ctx.client.id)
    db.commit()
    # Only a submission that could have raised an urgent alert looks for one to email.
    if risks or verdict.crisis or verdict.risk_review or concern_verdict.crisis:
        _email_urgent(db, rt, ctx.client.id)
    raised = bool(clean_concern) or verdict.conduct
    return _result(db, rt, submission, ctx, duplicate=False, concern_raised=raised)


def _administration(
    ctx: _Context, submission_id: int, result: Score, now: datetime
) -> dict[str, object]:
    return {
        "client_id": ctx.client.id,
        "episode_id": ctx.episode.id,
        "appointment_id": ctx.appointment.id,
        "submission_id": submission_id,
        "instrument_id": result.instrument_id,
        "instrument_version": result.instrument_version,
        "answered_at": now,
        "answers": dict(result.item_values),
        "total": result.total,
        "subscales": dict(result.subscales),
        "band": result.band,
        "cutoff_exceeded": result.cutoff_exceeded,
        "risk_items": list(result.risk_items),
        "prorated": result.prorated,
        "source": "feedback_link",
    }


@dataclass(frozen=True)
class _Stored:
    """The stored submission, as the rest of the request needs it (no ORM object: the row went
    in as one prepared ``INSERT``)."""

    id: int
    text_encrypted: bytes | None
    triage_category: str | None
    crisis_shown: bool


@functools.cache
def _claim_link() -> Update:
    """Built once, like the other statements of a submission: ``UPDATE ... WHERE used_at IS
    NULL`` claims the link for exactly one request."""
    links = cast(Table, FeedbackLinkRow.__table__)
    return (
        update(links)
        .where(links.c.id == bindparam("link_id"), links.c.used_at.is_(None))
        .values(used_at=bindparam("now"))
    )


@functools.cache
def _insert_submission() -> ReturningInsert[int]:
    table = cast(Table, SubmissionRow.__table__)
    return insert(table).returning(table.c.id)


@functools.cache
def _insert_administration() -> Insert:
    return insert(cast(Table, AdministrationRow.__table__))


def _endorsed_risks(scores: tuple[Score, ...]) -> list[str]:
    """Plain descriptions of endorsed risk items, e.g. "PHQ-9 item 9 (answer 2)"."""
    found: list[str] = []
    for result in scores:
        instrument = get_instrument(result.instrument_id)
        for link_id in result.risk_items:
            item = instrument.item(link_id)
            value = result.item_values.get(link_id)
            found.append(
                f"{instrument.short_title} item {item.number} (answer {value:g} of "
                f"{item.max_value:g})"
                if value is not None
                else f"{instrument.short_title} item {item.number}"
            )
    return found


def _route(
    db: Session,
    rt: Runtime,
    ctx: _Context,
    submission: _Stored | SubmissionRow,
    verdict: Verdict,
    risks: list[str],
) -> None:
    """Send what the client said to the people who should act on it."""
    client, episode = ctx.client, ctx.episode
    who = f"{client.display_name} ({client.pseudonym})"
    session = f"session {ctx.appointment.number}"
    base_detail = {
        "episode_id": episode.id,
        "appointment_id": ctx.appointment.id,
        "session_number": ctx.appointment.number,
        "submission_id": submission.id,
    }
    therapist_reasons: list[str] = []
    lead_reasons: list[str] = []
    if risks:
        therapist_reasons.append("endorsed a risk item: " + "; ".join(risks))
    lead_reasons.extend(therapist_reasons)
    if verdict.crisis:
        words = ", ".join(f'"{p}"' for p in verdict.evidence[:4])
        lead_reasons.append(f"wrote something that may signal a crisis ({words})")
        # Words that also raise a concern about the therapist stay with the clinical lead.
        if not verdict.conduct:
            therapist_reasons.append(lead_reasons[-1])
    kind = "crisis" if verdict.crisis else "risk_item"
    sealed = rt.cipher.seal_phrases(verdict.evidence)
    detail = {**base_detail, "risk_items": risks}
    if therapist_reasons:
        alert_service.raise_urgent(
            db,
            rt,
            recipient_ids=[episode.therapist_id],
            kind=kind,
            client_id=client.id,
            summary=f"Urgent: after {session}, {who} "
            + " and ".join(therapist_reasons)
            + ". Please contact them today.",
            link=f"/clients/{client.id}",
            detail={**detail, "evidence": [] if verdict.conduct else sealed},
        )
    if lead_reasons:
        leads = [lead.id for lead in alert_service.clinical_leads(db, episode.practice_id)]
        alert_service.raise_urgent(
            db,
            rt,
            # A therapist who is also the clinical lead has their alert already (or, for a
            # concern about themselves, must not get one).
            recipient_ids=[lead for lead in leads if lead != episode.therapist_id],
            kind=kind,
            client_id=client.id,
            summary=f"Urgent: after {session}, {who} "
            + " and ".join(lead_reasons)
            + ". Please make sure someone contacts them today.",
            link=f"/clients/{client.id}",
            detail={**detail, "evidence": sealed},
        )
    if verdict.risk_review and not verdict.crisis:
        _route_risk_review(db, rt, ctx, verdict, base_detail, f"after {session}, {who}")
    if verdict.category == "misalignment":
        # The client's own phrases go with the alert only if they share their words.
        shared = ctx.shares_text
        if shared is None:
            shared = has_consent(db, client.id, "share_free_text_with_therapist")
        alert_service.queue_alert(
            db,
            rt,
            recipient_user_id=episode.therapist_id,
            kind="misalignment",
            severity=verdict.severity if verdict.severity in ("high", "routine") else "routine",
            summary=f"After {session}, {who} said something did not land for them.",
            client_id=client.id,
            link=_next_session_link(db, rt, ctx),
            detail={
                **base_detail,
                "evidence": sealed if shared else [],
                "repair_prompts": list(verdict.repair_prompts),
                # Cultural misattunement points the therapist to the client's chart of the
                # Cultural Responsiveness Check (session page).
                "subcategory": verdict.subcategory,
            },
        )
    if verdict.conduct:
        text = rt.cipher.decrypt(submission.text_encrypted) or ""
        # Any crisis in the same words has already gone to the lead as an urgent alert.
        _store_concern(db, rt, ctx, submission, text, verdict, "triage", urgent=False)


def _route_risk_review(
    db: Session,
    rt: Runtime,
    ctx: _Context,
    verdict: Verdict,
    base_detail: Mapping[str, object],
    when_who: str,
) -> None:
    """Possible risk below the crisis threshold: the clinical lead (and the therapist, unless the
    text raises a concern about them) are asked to read it today."""
    episode, client = ctx.episode, ctx.client
    leads = [lead.id for lead in alert_service.clinical_leads(db, episode.practice_id)]
    if verdict.conduct:  # never the therapist concerned, even when they are a clinical lead
        recipients = [lead for lead in leads if lead != episode.therapist_id]
    else:
        recipients = [episode.therapist_id, *leads]
    alert_service.raise_urgent(
        db,
        rt,
        recipient_ids=recipients,
        kind="risk_review",
        client_id=client.id,
        summary=f"Possible risk: please read today. {when_who[0].upper()}{when_who[1:]} "
        "wrote something that may signal risk, though it did not read as a clear crisis.",
        link=f"/clients/{client.id}",
        detail={
            **base_detail,
            "evidence": list(verdict.evidence),
            "triage_class": "conduct" if verdict.conduct else verdict.category,
        },
    )


def _store_concern(
    db: Session,
    rt: Runtime,
    ctx: _Context,
    submission: _Stored | SubmissionRow,
    text: str,
    verdict: Verdict,
    source: str,
    *,
    urgent: bool,
) -> ConcernRow:
    """A concern for the clinical lead(s), never the therapist concerned."""
    crisis = verdict.crisis
    concern = ConcernRow(
        practice_id=ctx.practice.id,
        client_id=ctx.client.id,
        about_therapist_id=ctx.episode.therapist_id,
        submission_id=submission.id,
        source=source,
        received_at=rt.now(),
        text_encrypted=rt.cipher.encrypt(text),
        category="conduct" if source == "triage" else ("crisis" if crisis else "concern"),
        evidence=rt.cipher.seal_phrases(verdict.evidence),
    )
    db.add(concern)
    db.flush()
    concerns.notify_leads(db, rt, concern=concern, client=ctx.client, crisis=urgent)
    return concern


def _next_session_link(db: Session, rt: Runtime, ctx: _Context) -> str:
    upcoming = _read(
        db,
        _next_session_query(),
        {"episode_id": ctx.episode.id, "since": rt.now() - timedelta(hours=1)},
    ).scalar()
    return f"/sessions/{upcoming}" if upcoming else f"/clients/{ctx.client.id}"


@functools.cache
def _next_session_query() -> Select[int]:
    """Built once (a third of submissions ask, when the client's words read as misalignment)."""
    return (
        select(AppointmentRow.id)
        .where(
            AppointmentRow.episode_id == bindparam("episode_id"),
            AppointmentRow.status == "scheduled",
            AppointmentRow.starts_at >= bindparam("since"),
        )
        .order_by(AppointmentRow.starts_at)
        .limit(1)
    )


def _email_urgent(db: Session, rt: Runtime, client_id: int) -> None:
    """Email the urgent alerts about this client not emailed yet; never fail the client."""
    pending = list(
        db.scalars(
            select(AlertRow.id).where(
                AlertRow.client_id == client_id,
                AlertRow.severity == "urgent",
                AlertRow.emailed_at.is_(None),
            )
        )
    )
    if not pending:
        return
    try:
        alert_service.send_urgent_now(db, rt, alert_ids=pending)
    except Exception as error:  # stored already; the next run retries the email
        db.rollback()
        log.error("urgent alert email failed after a submission: %s", type(error).__name__)


def _stored_result(
    db: Session, rt: Runtime, link: _LinkFacts, ctx: _Context | None = None
) -> FeedbackResult:
    submission = db.scalar(select(SubmissionRow).where(SubmissionRow.link_id == link.id))
    if submission is None:
        raise FeedbackLinkUnavailable("used")
    return _result(db, rt, submission, ctx or _context(db, link), duplicate=True)


def _result(
    db: Session,
    rt: Runtime,
    submission: _Stored | SubmissionRow,
    ctx: _Context,
    *,
    duplicate: bool,
    concern_raised: bool | None = None,
) -> FeedbackResult:
    if concern_raised is None:
        concern_raised = (
            db.scalar(
                select(ConcernRow.id).where(ConcernRow.submission_id == submission.id).limit(1)
            )
            is not None
        )
    progress = ctx.progress_consent
    if progress is None:
        progress = has_consent(db, ctx.client.id, "see_own_progress")
    return FeedbackResult(
        submission_id=submission.id,
        crisis=submission.crisis_shown,
        category=submission.triage_category,
        concern_raised=concern_raised,
        duplicate=duplicate,
        complaint_route=concerns.complaint_route(ctx.practice),
        crisis_lines=lines_for_practice(ctx.practice, rt),
        practice_name=ctx.practice.name,
        progress_consented=progress,
    )


def progress_session_from_link(db: Session, rt: Runtime, *, token: str, origin: Origin) -> SignedIn:
    """A short client session for the progress page, from the thank-you page.

    Only just after the link was used (:data:`PROGRESS_WINDOW`): a link found later in an old
    email cannot open anyone's progress page.
    """
    link = find_link(db, token)
    if link.used_at is None:
        raise InvalidInput(FieldError("link", "please send your feedback first"))
    if rt.now() > link.used_at + PROGRESS_WINDOW:
        raise FeedbackLinkUnavailable("expired")
    client = db.get(ClientRow, link.client_id)
    assert client is not None
    limits.spend_client_session(db, rt, client_id=client.id, feedback_link_id=link.id)
    return start_client_session(db, rt, client=client, origin=origin, hours=1)
