"""The research export: pseudonymised outcome rows for clients with current research consent.

Consent is enforced here, not only stored: a client is in the export only while they hold an
unrevoked ``research_export`` consent (ADR 0002). Everyone else in an ended episode is left out
and counted, so the clinical lead can see how many were left out and why. Each exported client
is recorded in the audit trail in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role, may_see_practice_overview
from bordin.domain.errors import NotFound
from bordin.reports.read.practice import EpisodeOutcome
from bordin.services import audit
from bordin.services.audit import Origin
from bordin.services.runtime import Runtime
from bordin.storage.tables import ConsentRow

RESEARCH_PURPOSE = "research_export"


@dataclass(frozen=True)
class ResearchSelection:
    """The records a research export may hold, and how many clients were left out."""

    included: tuple[EpisodeOutcome, ...]
    left_out: int


def consenting_client_ids(db: Session, client_ids: Iterable[int], purpose: str) -> set[int]:
    """The clients among ``client_ids`` holding an unrevoked consent for ``purpose`` (one query)."""
    wanted = set(client_ids)
    if not wanted:
        return set()
    return set(
        db.scalars(
            select(ConsentRow.client_id).where(
                ConsentRow.client_id.in_(wanted),
                ConsentRow.purpose == purpose,
                ConsentRow.revoked_at.is_(None),
            )
        )
    )


def select_for_research(db: Session, records: Sequence[EpisodeOutcome]) -> ResearchSelection:
    """Keep the records of clients with current research consent; count the clients left out."""
    consenting = consenting_client_ids(db, (o.client_id for o in records), RESEARCH_PURPOSE)
    included = tuple(o for o in records if o.client_id in consenting)
    left_out = {o.client_id for o in records} - consenting
    return ResearchSelection(included=included, left_out=len(left_out))


def export_for_research(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    records: Sequence[EpisodeOutcome],
    origin: Origin | None,
) -> ResearchSelection:
    """The clinical lead's research export: consenting clients only, each one audited."""
    if not may_see_practice_overview(actor) or actor.role is Role.ADMIN:
        raise NotFound("not found")  # client-level clinical content: never the admin
    selection = select_for_research(db, records)
    now = rt.now()
    for o in selection.included:
        audit.record(
            db,
            actor=actor,
            action="read",
            entity="research_export",
            entity_id=o.episode_id,
            client_id=o.client_id,
            origin=origin,
            at=now,
        )
    db.commit()
    return selection
