"""Administrations in (answers, scored by the instrument's published rules) and out (scores)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from bordin.domain.errors import FieldError, InvalidInput
from bordin.services import staff_administrations
from bordin.web.api.auth import Reader, Writer
from bordin.web.api.http import MAX_ID, IdempotencyKey, json_body, read_response, write_once
from bordin.web.api.schemas import AdministrationIn, AdministrationOut, ErrorOut
from bordin.web.api.views import administration_out
from bordin.web.deps import DbSession, Rt

router = APIRouter(tags=["administrations"])
TAKES_JSON = [Depends(json_body)]
BODY_FIELDS = frozenset(AdministrationIn.model_fields)
AdministrationId = Path(ge=1, le=MAX_ID)
REFUSALS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "The Idempotency-Key was used for another request."}
}


@router.post(
    "/administrations",
    response_model=AdministrationOut,
    status_code=201,
    responses=REFUSALS,
    dependencies=TAKES_JSON,
    summary="Record an administration",
)
def record(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Writer,
    sent: AdministrationIn,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Score and store one set of answers for a client of the token's owner. Answers that
    cannot be scored are refused with one message per item (``answers.<item>``); nothing is
    stored. The episode's signals are recomputed afterwards."""

    def write() -> tuple[int, Any]:
        if sent.answered_at is not None and sent.answered_at.tzinfo is None:
            raise InvalidInput([FieldError("answered_at", "needs a time zone")])
        try:
            row = staff_administrations.record_for_client(
                db,
                rt,
                actor=caller.actor,
                client_id=sent.client_id,
                episode_id=sent.episode_id,
                instrument_id=sent.instrument_id,
                answers=sent.answers,
                appointment_id=sent.appointment_id,
                answered_at=sent.answered_at,
                origin=caller.origin,
            )
        except InvalidInput as refused:
            raise InvalidInput(
                [
                    FieldError(_answer_field(e.field, sent.answers), e.message)
                    for e in refused.errors
                ]
            ) from None
        return 201, administration_out(row)

    return write_once(request, db, rt, caller, idempotency_key, sent, write)


def _answer_field(field: str, answers: dict[str, float | None]) -> str:
    """Name an item's problem as ``answers.<item>`` so a program can point at the field."""
    return field if field in BODY_FIELDS else f"answers.{field}"


@router.get(
    "/administrations/{administration_id}",
    response_model=AdministrationOut,
    summary="Get an administration with its scores",
)
def get_administration(
    request: Request,
    db: DbSession,
    rt: Rt,
    caller: Reader,
    administration_id: int = AdministrationId,
) -> Response:
    row = staff_administrations.administration_for_user(
        db, rt, actor=caller.actor, administration_id=administration_id, origin=caller.origin
    )
    db.commit()
    return read_response(request, administration_out(row))
