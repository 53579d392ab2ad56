"""How long a practice keeps each kind of record, and what happens when the time is up.

Pure: the record kinds, their defaults and limits, and the check of a settings form. The purge
itself is ``services/retention.py``; ADR 0004 says why the defaults are what they are.

A period is whole days. Each kind's clock starts at a stated moment (``counted_from``), and a
record is removed once ``now - counted_from > period``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bordin.domain.errors import FieldError, InvalidInput

YEAR = 365


@dataclass(frozen=True)
class RecordKind:
    """One kind of record with a retention period."""

    key: str
    label: str
    what_goes: str
    counted_from: str
    default_days: int
    min_days: int
    max_days: int = 50 * YEAR

    @property
    def field(self) -> str:
        return f"{self.key}_days"


RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        "feedback_text",
        "Clients' written feedback",
        "The words a client wrote after a session and the phrases the triage matched. "
        "Scores stay with the record.",
        "when the feedback was sent",
        default_days=2 * YEAR,
        min_days=30,
    ),
    RecordKind(
        "closed_records",
        "Records of clients whose therapy ended",
        "The whole client record (as an erasure does) once their last episode ended this long "
        "ago and nothing is open: no active episode, no referral waiting.",
        "the end of the client's last episode",
        default_days=7 * YEAR,
        min_days=YEAR,
    ),
    RecordKind(
        "unmatched_intake",
        "Referrals closed without therapy",
        "A referral closed without a match; the person too, if they never had an episode.",
        "when the referral was closed",
        default_days=YEAR,
        min_days=30,
    ),
    RecordKind(
        "notification_records",
        "Notification records",
        "Records of reminders, links and emails sent (delivery records), finished jobs, and "
        "staff alerts that were read.",
        "when the message went out, the job finished or the alert was read",
        default_days=180,
        min_days=7,
    ),
    RecordKind(
        "sign_in_records",
        "Sign-in records",
        "Ended sign-ins, used or expired sign-in links, counted sign-in attempts, and the "
        "answers kept so that a repeated API request is not done twice.",
        "when the sign-in or link ended, or the attempt was made",
        default_days=30,
        min_days=1,
    ),
    RecordKind(
        "audit_trail",
        "Audit trail",
        "Who read or changed which record. Erasure records (which hold no personal data) are kept.",
        "when the event happened",
        default_days=7 * YEAR,
        min_days=YEAR,
    ),
)

KINDS_BY_KEY = {kind.key: kind for kind in RECORD_KINDS}


@dataclass(frozen=True)
class RetentionPeriods:
    """Days to keep each kind of record, by ``RecordKind.key``."""

    days: Mapping[str, int]

    def cutoff(self, key: str, now: datetime) -> datetime:
        """Records of kind ``key`` counted from before this moment are past their period."""
        return now - timedelta(days=self.days[key])


def default_periods() -> RetentionPeriods:
    return RetentionPeriods({kind.key: kind.default_days for kind in RECORD_KINDS})


def parse_periods(form: Mapping[str, str]) -> RetentionPeriods:
    """Periods from a form (``<key>_days`` fields); every problem is reported at once."""
    errors: list[FieldError] = []
    days: dict[str, int] = {}
    for kind in RECORD_KINDS:
        raw = str(form.get(kind.field, "")).strip()
        if not raw:
            errors.append(FieldError(kind.field, "is required (a number of days)"))
            continue
        if not raw.isdigit():
            errors.append(FieldError(kind.field, "must be a whole number of days, e.g. 365"))
            continue
        value = int(raw)
        if not kind.min_days <= value <= kind.max_days:
            errors.append(
                FieldError(
                    kind.field,
                    f"must be between {kind.min_days:,} and {kind.max_days:,} days",
                )
            )
            continue
        days[kind.key] = value
    if errors:
        raise InvalidInput(errors)
    return RetentionPeriods(days)
