"""The pure rules of erasure (who, which reasons, two people) and retention periods."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bordin.domain.access import Actor, Role, may_confirm_erasure, may_request_erasure
from bordin.domain.erasure import (
    REASONS,
    confirmer_problem,
    reason_problem,
    removed_in_words,
)
from bordin.domain.errors import InvalidInput
from bordin.domain.retention import RECORD_KINDS, default_periods, parse_periods

ADMIN = Actor(practice_id=1, role=Role.ADMIN, user_id=1)
OTHER_ADMIN = Actor(practice_id=1, role=Role.ADMIN, user_id=2)
LEAD = Actor(practice_id=1, role=Role.SUPERVISOR, user_id=3, is_clinical_lead=True)
SUPERVISOR = Actor(practice_id=1, role=Role.SUPERVISOR, user_id=4)
THERAPIST = Actor(practice_id=1, role=Role.THERAPIST, user_id=5)
CLIENT = Actor(practice_id=1, role=Role.CLIENT, client_id=9)


@pytest.mark.parametrize(
    ("actor", "asks", "confirms"),
    [
        (ADMIN, True, True),
        (LEAD, False, True),
        (SUPERVISOR, False, False),
        (THERAPIST, False, False),
        (CLIENT, False, False),
    ],
)
def test_admins_ask_and_admins_or_the_lead_confirm(
    actor: Actor, asks: bool, confirms: bool
) -> None:
    assert (may_request_erasure(actor), may_confirm_erasure(actor)) == (asks, confirms)


def test_the_person_who_asked_may_not_confirm_but_anyone_else_may() -> None:
    problem = confirmer_problem(ADMIN, requested_by_user_id=ADMIN.user_id)
    assert problem is not None and problem.field == "confirmed_by"
    assert confirmer_problem(OTHER_ADMIN, requested_by_user_id=ADMIN.user_id) is None
    assert confirmer_problem(LEAD, requested_by_user_id=ADMIN.user_id) is None


@pytest.mark.parametrize(("reason", "ok"), [("", False), ("  ", False), ("why not", False)])
def test_a_reason_must_be_one_of_the_list(reason: str, ok: bool) -> None:
    problem = reason_problem(reason)
    assert (problem is None) == ok and (problem is None or problem.field == "reason")
    assert all(reason_problem(key) is None for key in REASONS)


def test_counts_are_said_in_words_with_what_was_kept_last() -> None:
    words = removed_in_words({"audit_events_stripped": 4, "clients": 1, "administrations": 7})
    assert words == [
        ("client record", 1),
        ("questionnaire answers", 7),
        ("audit events kept without the client", 4),
    ]


def test_periods_within_limits_are_read_and_the_cutoff_counts_back_from_now() -> None:
    form = {kind.field: str(kind.default_days) for kind in RECORD_KINDS}
    periods = parse_periods({**form, "sign_in_records_days": "7"})
    assert periods.days["sign_in_records"] == 7
    now = datetime(2026, 12, 6, tzinfo=UTC)
    assert periods.cutoff("sign_in_records", now) == datetime(2026, 11, 29, tzinfo=UTC)
    assert parse_periods(form) == default_periods()


def test_every_bad_period_is_named_at_once() -> None:
    form = {kind.field: str(kind.default_days) for kind in RECORD_KINDS}
    bad = {**form, "feedback_text_days": "", "audit_trail_days": "-3", "sign_in_records_days": "0"}
    with pytest.raises(InvalidInput) as refused:
        parse_periods(bad)
    assert [e.field for e in refused.value.errors] == [
        "feedback_text_days",
        "sign_in_records_days",
        "audit_trail_days",
    ]
