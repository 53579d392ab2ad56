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
5. **Recompute** the episode's signals (inside a savepoint, so that a fault there can never cost
   the client their submission).
6. **Commit**, and only then email urgent alerts. An email that fails is retried later; the
   submission is already safe.

``issue_links`` and ``send_links`` (``feedback_links.py``) make and send the links.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.domain.crisis import CrisisLine
from bordin.domain.errors import FieldError, InvalidInput
from bordin.domain.instruments.registry import get_instrument
from bordin.domain.instruments.scoring import Score
from bordin.services import alerts as alert_service
from bordin.services import audit, concerns, triage_bridge
from bordin.services import signals as signal_service
from bordin.services.audit import Origin
from bordin.services.crisis import lines_for_practice
from bordin.services.feedback_form import (
    CONCERN_FIELD,
    CONCERN_MAX,
    TEXT_FIELD,
    TEXT_LABEL,
    TEXT_MAX,
    FormMeasure,
    build_measures,
    check_answers,
    check_text,
)
from bordin.services.feedback_links import (
    FeedbackLinkUnavailable,
    IssuedLink,
    SendReport,
    check_usable,
    find_link,
    issue_links,
    local_time,
    send_links,
    usable_link,
)
from bordin.services.practice import has_consent
from bordin.services.runtime import Runtime
from bordin.services.triage_bridge import Verdict
from bordin.services.users import SignedIn, start_client_session
from bordin.storage.tables import (
    AdministrationRow,
    AlertRow,
    AppointmentRow,
    ClientRow,
    ConcernRow,
    EpisodeRow,
    FeedbackLinkRow,
    PracticeRow,
    SubmissionRow,
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


@dataclass(frozen=True)
class _Context:
    link: FeedbackLinkRow
    client: ClientRow
    appointment: AppointmentRow
    episode: EpisodeRow
    practice: PracticeRow


def _context(db: Session, link: FeedbackLinkRow) -> _Context:
    client = db.get(ClientRow, link.client_id)
    appointment = db.get(AppointmentRow, link.appointment_id)
    assert client is not None and appointment is not None
    episode = db.get(EpisodeRow, appointment.episode_id)
    practice = db.get(PracticeRow, client.practice_id)
    assert episode is not None and practice is not None
    return _Context(link, client, appointment, episode, practice)


def _form(db: Session, rt: Runtime, ctx: _Context) -> FeedbackForm:
    return FeedbackForm(
        link_id=ctx.link.id,
        practice_name=ctx.practice.name,
        session_starts_at=local_time(ctx.practice, ctx.appointment.starts_at),
        expires_at=local_time(ctx.practice, ctx.link.expires_at),
        is_couple=ctx.episode.kind == "couple",
        measures=build_measures(db, ctx.practice),
        crisis_lines=lines_for_practice(ctx.practice, rt),
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
    link = find_link(db, token)
    if link.used_at is not None:
        return _stored_result(db, rt, link)
    link = check_usable(db, rt, link)
    ctx = _context(db, link)
    measures = build_measures(db, ctx.practice)
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
    claimed = alert_service.rowcount(
        db.execute(
            update(FeedbackLinkRow)
            .where(FeedbackLinkRow.id == link.id, FeedbackLinkRow.used_at.is_(None))
            .values(used_at=now)
        )
    )
    if claimed != 1:  # another request claimed it first: theirs is the one stored
        db.rollback()
        return _stored_result(db, rt, find_link(db, token))

    verdict = triage_bridge.classify(clean_text)
    concern_verdict = triage_bridge.classify(clean_concern)
    risks = _endorsed_risks(checked.scores)
    submission = SubmissionRow(
        link_id=link.id,
        client_id=ctx.client.id,
        appointment_id=ctx.appointment.id,
        received_at=now,
        text_encrypted=rt.cipher.encrypt(clean_text) if clean_text else None,
        # A possible conduct concern is stored as such even when the same words also signal a
        # crisis, so that the therapist concerned never sees the text (client_record, sessions).
        triage_category=("conduct" if verdict.conduct else verdict.category)
        if clean_text
        else None,
        triage_severity=verdict.severity if clean_text else None,
        triage_evidence=list(verdict.evidence),
        crisis_shown=bool(risks) or verdict.crisis or concern_verdict.crisis,
    )
    db.add(submission)
    db.flush()
    for result in checked.scores:
        db.add(_administration(ctx, submission.id, result, now))
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
            urgent=concern_verdict.crisis,
        )
    _recompute_signals(db, rt, ctx.episode.id)
    db.commit()
    _email_urgent(db, rt, ctx.client.id)
    return _result(db, rt, submission, ctx, duplicate=False)


def _administration(
    ctx: _Context, submission_id: int, result: Score, now: datetime
) -> AdministrationRow:
    return AdministrationRow(
        client_id=ctx.client.id,
        episode_id=ctx.episode.id,
        appointment_id=ctx.appointment.id,
        submission_id=submission_id,
        instrument_id=result.instrument_id,
        instrument_version=result.instrument_version,
        answered_at=now,
        answers=dict(result.item_values),
        total=result.total,
        subscales=dict(result.subscales),
        band=result.band,
        cutoff_exceeded=result.cutoff_exceeded,
        risk_items=list(result.risk_items),
        prorated=result.prorated,
        source="feedback_link",
    )


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
    submission: SubmissionRow,
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
            detail={**detail, "evidence": [] if verdict.conduct else list(verdict.evidence)},
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
            detail={**detail, "evidence": list(verdict.evidence)},
        )
    if verdict.category == "misalignment":
        # The client's own phrases go with the alert only if they share their words.
        shared = has_consent(db, client.id, "share_free_text_with_therapist")
        alert_service.raise_alert(
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
                "evidence": list(verdict.evidence) if shared else [],
                "repair_prompts": list(verdict.repair_prompts),
            },
        )
    if verdict.conduct:
        text = rt.cipher.decrypt(submission.text_encrypted) or ""
        # Any crisis in the same words has already gone to the lead as an urgent alert.
        _store_concern(db, rt, ctx, submission, text, verdict, "triage", urgent=False)


def _store_concern(
    db: Session,
    rt: Runtime,
    ctx: _Context,
    submission: SubmissionRow,
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
        evidence=list(verdict.evidence),
    )
    db.add(concern)
    db.flush()
    concerns.notify_leads(db, rt, concern=concern, client=ctx.client, crisis=urgent)
    return concern


def _next_session_link(db: Session, rt: Runtime, ctx: _Context) -> str:
    upcoming = db.scalar(
        select(AppointmentRow.id)
        .where(
            AppointmentRow.episode_id == ctx.episode.id,
            AppointmentRow.status == "scheduled",
            AppointmentRow.starts_at >= rt.now() - timedelta(hours=1),
        )
        .order_by(AppointmentRow.starts_at)
        .limit(1)
    )
    return f"/sessions/{upcoming}" if upcoming else f"/clients/{ctx.client.id}"


def _recompute_signals(db: Session, rt: Runtime, episode_id: int) -> None:
    """Re-evaluate the episode's signals in a savepoint: a fault there is logged and the
    submission still stands (signals can be recomputed at any time; the client's words cannot
    be asked for again)."""
    try:
        with db.begin_nested():
            new = signal_service.recompute_episode(
                db, rt, episode_id=episode_id, commit=False, alert=False
            )
            # Our own alerting: no email before the commit, and no second urgent alert for a
            # risk this submission has already alerted on.
            alert_service.alert_new_signals(db, rt, episode_id=episode_id, signals=new)
    except Exception as error:
        log.error(
            "signals for episode %s not recomputed after a submission: %s",
            episode_id,
            type(error).__name__,
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


def _stored_result(db: Session, rt: Runtime, link: FeedbackLinkRow) -> FeedbackResult:
    submission = db.scalar(select(SubmissionRow).where(SubmissionRow.link_id == link.id))
    if submission is None:
        raise FeedbackLinkUnavailable("used")
    return _result(db, rt, submission, _context(db, link), duplicate=True)


def _result(
    db: Session, rt: Runtime, submission: SubmissionRow, ctx: _Context, *, duplicate: bool
) -> FeedbackResult:
    concern_raised = (
        db.scalar(select(ConcernRow.id).where(ConcernRow.submission_id == submission.id).limit(1))
        is not None
    )
    return FeedbackResult(
        submission_id=submission.id,
        crisis=submission.crisis_shown,
        category=submission.triage_category,
        concern_raised=concern_raised,
        duplicate=duplicate,
        complaint_route=concerns.complaint_route(ctx.practice),
        crisis_lines=lines_for_practice(ctx.practice, rt),
        practice_name=ctx.practice.name,
        progress_consented=has_consent(db, ctx.client.id, "see_own_progress"),
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
    return start_client_session(db, rt, client=client, origin=origin, hours=1)
