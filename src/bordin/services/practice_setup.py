"""Starting a practice from nothing, and the settings its admin changes afterwards.

``init_practice`` makes the practice and its first admin in one transaction, and only when the
database holds no practice yet (the ``bordin practice init`` command and the first-run page both
call it). The admin then chooses, on the settings page, the measures for each kind of episode and
how often each is asked (``domain/measure_plan.py``), the crisis lines client pages show
(``domain/crisis.py``), the locale and the time zone. Each change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, may_manage_users
from bordin.domain.crisis import LOCALES, parse_configured
from bordin.domain.errors import Conflict, FieldError, InvalidInput, NotFound
from bordin.domain.instruments import default_registry
from bordin.domain.measure_plan import MeasurePlan, parse_plan, stored_plan
from bordin.services import audit
from bordin.services import users as user_service
from bordin.services.runtime import Runtime
from bordin.storage.tables import CustomInstrumentRow, ImportedWordingRow, PracticeRow, UserRow

DEFAULT_MEASURES = ("bordin_sac",)


@dataclass(frozen=True)
class MeasureChoice:
    """One measure as the settings page offers it: its name, kind and whether wording is in."""

    instrument_id: str
    title: str
    kind: str
    needs_wording: bool
    has_wording: bool


def practice_exists(db: Session) -> bool:
    return db.scalar(select(PracticeRow.id).limit(1)) is not None


def _check_details(name: str, locale: str, timezone: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if not name.strip():
        errors.append(FieldError("name", "is required"))
    elif len(name.strip()) > 200:
        errors.append(FieldError("name", "is too long (up to 200 characters)"))
    if locale not in LOCALES:
        errors.append(FieldError("locale", f"must be one of {', '.join(LOCALES)}"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            FieldError("timezone", f"{timezone!r} is not a time zone, like Europe/London")
        )
    return errors


def init_practice(
    db: Session,
    rt: Runtime,
    *,
    name: str,
    locale: str,
    timezone: str,
    admin_username: str,
    admin_email: str,
    admin_name: str,
    admin_password: str,
) -> tuple[PracticeRow, UserRow]:
    """Create the practice, its settings and its first admin; refused once a practice exists."""
    if practice_exists(db):
        raise Conflict("this Bordin already has a practice")
    errors = _check_details(name, locale, timezone)
    if not admin_password:
        errors.append(FieldError("password", "is required"))
    if errors:
        # Check the admin's fields too, so that every problem is reported at once.
        errors += user_service.user_field_errors(
            username=admin_username,
            email=admin_email,
            display_name=admin_name,
            role="admin",
            password=admin_password or None,
        )[1]
        raise InvalidInput(errors)
    practice = PracticeRow(
        name=name.strip(),
        locale=locale,
        timezone=timezone,
        created_at=rt.now(),
        feedback_measures=list(DEFAULT_MEASURES),
        measure_plan=None,
    )
    db.add(practice)
    db.flush()
    try:
        admin = user_service.add_user(
            db,
            rt,
            practice_id=practice.id,
            username=admin_username,
            email=admin_email,
            display_name=admin_name,
            role="admin",
            password=admin_password,
            commit=False,
        )
    except (InvalidInput, Conflict):
        db.rollback()
        raise
    audit.record(
        db,
        actor=user_service.actor_for_user(admin),
        action="create",
        entity="practice",
        entity_id=practice.id,
        at=rt.now(),
    )
    db.commit()
    return practice, admin


def _practice_for_admin(db: Session, actor: Actor, practice_id: int) -> PracticeRow:
    practice = db.get(PracticeRow, practice_id)
    if practice is None or not may_manage_users(actor) or actor.practice_id != practice_id:
        raise NotFound("practice not found")
    return practice


def _saved(
    db: Session, rt: Runtime, actor: Actor, practice_id: int, detail: dict[str, Any]
) -> None:
    """Audit a change to the practice's settings and commit it."""
    audit.record(
        db,
        actor=actor,
        action="update",
        entity="practice",
        entity_id=practice_id,
        at=rt.now(),
        detail=detail,
    )
    db.commit()


def update_details(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    practice_id: int,
    name: str,
    locale: str,
    timezone: str,
) -> PracticeRow:
    """The practice's name, locale (which default crisis lines) and time zone."""
    practice = _practice_for_admin(db, actor, practice_id)
    errors = _check_details(name, locale, timezone)
    if errors:
        raise InvalidInput(errors)
    practice.name, practice.locale, practice.timezone = name.strip(), locale, timezone
    _saved(db, rt, actor, practice_id, {"locale": locale, "timezone": timezone})
    return practice


def measure_plan(practice: PracticeRow) -> MeasurePlan:
    """The practice's plan: what it chose, or its plain list of measures at every session."""
    registry = default_registry()
    return stored_plan(
        practice.measure_plan,
        list(practice.feedback_measures or DEFAULT_MEASURES),
        known=registry.ids(),
    )


def set_measure_plan(
    db: Session, rt: Runtime, *, actor: Actor, practice_id: int, plan: Mapping[str, Any]
) -> MeasurePlan:
    """Which measures each kind of episode gets, and how often."""
    practice = _practice_for_admin(db, actor, practice_id)
    parsed = parse_plan(plan, known=_usable_ids(db, practice_id))
    practice.measure_plan = parsed.as_json()
    # The individual list stays in ``feedback_measures`` for anything that reads only that.
    practice.feedback_measures = [s.instrument for s in parsed.individual]
    _saved(db, rt, actor, practice_id, {"measure_plan": parsed.as_json()})
    return parsed


def set_crisis_lines(
    db: Session,
    rt: Runtime,
    *,
    actor: Actor,
    practice_id: int,
    lines: Sequence[Mapping[str, Any]],
) -> PracticeRow:
    """The practice's own crisis lines; none means the defaults for its locale."""
    practice = _practice_for_admin(db, actor, practice_id)
    parsed = parse_configured(lines)  # raises InvalidInput naming crisis_lines[i].field
    if parsed and not any(line.emergency for line in parsed):
        raise InvalidInput(
            "mark the emergency number (like 999 or 112) so it is shown first",
            field="crisis_lines",
        )
    practice.crisis_lines = [
        {
            "name": line.name,
            "number": line.number,
            "how": line.how,
            "note": line.note,
            "emergency": line.emergency,
            **({"text_body": line.text_body} if line.text_body else {}),
        }
        for line in parsed
    ] or None
    _saved(db, rt, actor, practice_id, {"crisis_lines": len(parsed)})
    return practice


def _usable_ids(db: Session, practice_id: int) -> tuple[str, ...]:
    """The measures this practice may choose: the built-in ones and the custom measures it
    imported. Another practice's custom measures share the process's registry (so their forms
    can be scored) but are not this practice's to list or use."""
    owners: dict[str, set[int]] = {}
    for instrument_id, owner in db.execute(
        select(CustomInstrumentRow.instrument_id, CustomInstrumentRow.practice_id)
    ):
        owners.setdefault(instrument_id, set()).add(owner)
    return tuple(i for i in default_registry().ids() if i not in owners or practice_id in owners[i])


def measure_choices(db: Session, practice_id: int) -> list[MeasureChoice]:
    """Every measure a practice can choose, with whether its wording has been imported."""
    imported = set(
        db.scalars(
            select(ImportedWordingRow.instrument_id)
            .where(ImportedWordingRow.practice_id == practice_id)
            .distinct()
        )
    )
    usable = set(_usable_ids(db, practice_id))
    choices = []
    for instrument in default_registry().all():
        if instrument.id not in usable:
            continue
        ships_wording = all(item.text for item in instrument.items if item.scored)
        choices.append(
            MeasureChoice(
                instrument_id=instrument.id,
                title=instrument.title,
                kind=str(instrument.kind),
                needs_wording=not ships_wording,
                has_wording=ships_wording or instrument.id in imported,
            )
        )
    return choices


def timezones() -> list[str]:
    """Time zone names for the settings page, Europe/London and friends included."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
