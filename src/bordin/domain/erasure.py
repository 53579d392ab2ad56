"""Erasing a client: the reasons that may be given and the two-person rule. Pure.

Who may ask and confirm is decided in ``domain/access.py``. The reason is a fixed choice, never
free text, so that the record kept after an erasure (the tombstone) can hold it without holding
anything personal (ADR 0004).
"""

from __future__ import annotations

from bordin.domain.access import Actor
from bordin.domain.errors import FieldError

#: reason key -> how the pages say it.
REASONS: dict[str, str] = {
    "client_asked": "The client asked for their data to be erased",
    "consent_withdrawn": "The client withdrew consent and nothing else allows keeping it",
    "no_longer_needed": "The practice no longer needs the record",
    "unlawful": "The record should never have been kept",
    "entered_in_error": "The client was entered by mistake",
}
#: The reason recorded when the retention run erases a record whose period has passed.
RETENTION_REASON = "retention_period"
REASON_WORDS = {**REASONS, RETENTION_REASON: "The practice's retention period had passed"}


def reason_problem(reason: str) -> FieldError | None:
    if not reason.strip():
        return FieldError("reason", "is required: choose why the client is to be erased")
    if reason not in REASONS:
        return FieldError("reason", "choose one of the reasons offered")
    return None


def confirmer_problem(actor: Actor, requested_by_user_id: int | None) -> FieldError | None:
    """The two-person rule: whoever asked may not confirm."""
    if actor.user_id is not None and actor.user_id == requested_by_user_id:
        return FieldError(
            "confirmed_by", "must be a different person from the one who asked for the erasure"
        )
    return None


#: What each count on an erasure record means, in the page's words (keys as the purge counts).
REMOVED_WORDS: dict[str, str] = {
    "clients": "client record",
    "consents": "consents",
    "contact_opt_outs": "contact choices",
    "feedback_links": "feedback links",
    "feedback": "feedback sent, with its words",
    "administrations": "questionnaire answers",
    "risk_screens": "risk questions",
    "concerns": "concerns raised",
    "triage_corrections": "triage corrections",
    "triage_models": "practice triage models trained on their words",
    "intake_referrals": "referrals",
    "matching_preferences": "therapist preferences",
    "exclusions": "therapists ruled out",
    "matches": "matches",
    "fit_checks": "fit checks",
    "signals": "signals",
    "rupture_logs": "rupture notes",
    "alerts": "staff alerts",
    "notification_records": "messages sent",
    "jobs": "scheduled messages and tasks",
    "api_answers": "stored answers to API requests",
    "prepared_reports": "supervision reports waiting to be downloaded",
    "sign_in_links": "sign-in links",
    "sign_ins": "sign-ins",
    "sign_in_attempts": "counted attempts",
    "episode_memberships": "places in courses of therapy",
    "sessions": "sessions",
    "series": "series of sessions",
    "episodes": "courses of therapy",
}
#: Counts of records kept without the client, not removed.
KEPT_WORDS: dict[str, str] = {
    "audit_events_stripped": "audit events kept without the client",
    "rupture_notes_emptied": "shared rupture notes emptied",
}


def removed_in_words(removed: dict[str, int]) -> list[tuple[str, int]]:
    """An erasure's counts as the page lists them: removed first, then what was kept."""
    shown = [(REMOVED_WORDS[k], n) for k, n in removed.items() if k in REMOVED_WORDS]
    shown += [
        (k.replace("_", " "), n)
        for k, n in removed.items()
        if k not in REMOVED_WORDS and k not in KEPT_WORDS
    ]
    return shown + [(KEPT_WORDS[k], n) for k, n in removed.items() if k in KEPT_WORDS]
