"""Abuse limits: how often one feedback link, one client or one sign-in may do something.

Attempts are counted as rows in ``login_attempts`` (a key and a time; keys hold ids and
addresses, never names or words). Two shapes:

* **A budget per hour** (:func:`spend`): a feedback link may raise
  :data:`CONCERNS_PER_LINK` concerns and open :data:`SESSIONS_PER_LINK` client session an
  hour; a client, :data:`CONCERNS_PER_CLIENT` and :data:`SESSIONS_PER_CLIENT` whatever the
  link or sign-in they use.
* **Backoff** (:func:`backoff_wait`): after a few free failures, each further attempt must wait
  twice as long as the one before, up to the counting window. Sign-in uses it per account *and*
  address, so someone guessing from elsewhere slows themselves down, never the real user.

A limit never hides crisis help, and a text that reads as a crisis is never refused: it is
stored and reaches the clinical lead even over the limit (ADR 0009).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bordin.domain.errors import RateLimited
from bordin.services.runtime import Runtime
from bordin.storage.tables import LoginAttemptRow

HOUR = timedelta(hours=1)
CONCERNS_PER_LINK = 3
CONCERNS_PER_CLIENT = 5
SESSIONS_PER_LINK = 1
SESSIONS_PER_CLIENT = 3
#: The first wait after the free failures; each further failure doubles it.
FIRST_WAIT = timedelta(seconds=30)


TOO_MANY_SESSIONS = (
    "Your progress page has already been opened from here recently. If it is still open, "
    "please use it; otherwise ask for a sign-in link by email, or try again in an hour."
)


def spend_client_session(
    db: Session, rt: Runtime, *, client_id: int, feedback_link_id: int | None = None
) -> None:
    """Count a client session about to be opened, or raise RateLimited: one a feedback link,
    and :data:`SESSIONS_PER_CLIENT` a client, an hour."""
    budgets = [(f"session:client:{client_id}", SESSIONS_PER_CLIENT)]
    if feedback_link_id is not None:
        budgets.append((f"session:link:{feedback_link_id}", SESSIONS_PER_LINK))
    spend(db, rt, budgets, message=TOO_MANY_SESSIONS, force=False)


def email_key(rt: Runtime, email: str) -> str:
    """The counting key for sign-in link requests to one email address. It is a keyed digest of
    the address, so the table holds no address and the same address always counts together."""
    address = email.strip().lower().encode("utf-8")
    digest = hmac.new(rt.settings.signing_key(), b"sign-in-link:" + address, hashlib.sha256)
    return f"magic:{digest.hexdigest()[:32]}"


def attempts(db: Session, key: str, *, since: datetime) -> list[datetime]:
    """When ``key`` was noted since ``since``, oldest first."""
    return list(
        db.scalars(
            select(LoginAttemptRow.at)
            .where(LoginAttemptRow.key == key, LoginAttemptRow.at >= since)
            .order_by(LoginAttemptRow.at)
        )
    )


def count(db: Session, key: str, *, since: datetime) -> int:
    return (
        db.scalar(
            select(func.count()).where(LoginAttemptRow.key == key, LoginAttemptRow.at >= since)
        )
        or 0
    )


def note(db: Session, rt: Runtime, keys: Sequence[str]) -> None:
    """Count one attempt against each key (in the caller's transaction)."""
    for key in keys:
        db.add(LoginAttemptRow(key=key, at=rt.now()))


def spend(
    db: Session, rt: Runtime, budgets: Sequence[tuple[str, int]], *, message: str, force: bool
) -> None:
    """Count one use against each ``(key, per hour)`` budget, or raise RateLimited when any is
    spent. With ``force`` (a crisis) the use is counted and allowed whatever the budgets say."""
    since = rt.now() - HOUR
    if not force and any(count(db, key, since=since) >= per_hour for key, per_hour in budgets):
        raise RateLimited(message)
    note(db, rt, [key for key, _ in budgets])


def backoff_wait(
    db: Session, rt: Runtime, key: str, *, free: int, window: timedelta
) -> timedelta | None:
    """How long ``key`` must still wait, or None: after ``free`` failures in ``window``, each
    further one doubles the wait (from :data:`FIRST_WAIT`, never longer than ``window``)."""
    failures = attempts(db, key, since=rt.now() - window)
    if len(failures) < free:
        return None
    wait = min(FIRST_WAIT * 2 ** (len(failures) - free), window)
    left = failures[-1] + wait - rt.now()
    return left if left > timedelta(0) else None


def in_words(wait: timedelta) -> str:
    """A wait as people say it: "30 seconds", "2 minutes"."""
    seconds = max(1, round(wait.total_seconds()))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"
