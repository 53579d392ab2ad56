"""The erasure and retention pages, route by role: Adam asks, Sue confirms, everyone else 404."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import erasure
from bordin.services.runtime import Runtime
from bordin.storage.tables import ClientRow, ErasureRequestRow, RetentionSettingsRow
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in

PAGES = ("/admin/erasure", "/admin/retention")


@pytest.mark.parametrize(
    ("who", "erasure_page", "retention_page"),
    [
        ("adam", 200, 200),
        ("sue", 200, 404),  # the clinical lead confirms, but does not set periods
        ("alice", 404, 404),
        ("bob", 404, 404),
        ("charlie", 404, 404),
    ],
)
def test_who_may_open_the_pages(
    web: TestClient, cast: Cast, who: str, erasure_page: int, retention_page: int
) -> None:
    sign_in(web, who)
    assert web.get("/admin/erasure").status_code == erasure_page
    assert web.get("/admin/retention").status_code == retention_page


def test_signed_out_visitors_are_sent_to_sign_in(web: TestClient, cast: Cast) -> None:
    for page in PAGES:
        assert web.get(page, follow_redirects=False).status_code in (303, 307)


def _ask(web: TestClient, **form: str) -> object:
    token = csrf_from(web.get("/admin/erasure").text)
    return web.post("/admin/erasure", data={"csrf_token": token, **form}, follow_redirects=False)


def test_adam_asks_sue_confirms_and_the_client_is_gone(
    make_client: Callable[..., TestClient], db: Session, cast: Cast
) -> None:
    adam, sue = make_client(), make_client()
    ash_id = cast.ash.id
    sign_in(adam, "adam")
    sign_in(sue, "sue")
    asked = _ask(adam, client=str(cast.ash.id), reason="client_asked")
    assert asked.status_code == 303  # type: ignore[attr-defined]
    page = adam.get("/admin/erasure").text
    assert "Ash Sample" in page and "You asked: someone else must confirm." in page
    assert "Confirm and erase Ash Sample" not in page

    lead_page = sue.get("/admin/erasure").text
    assert "Confirm and erase Ash Sample" in lead_page
    request_id = db.scalar(select(ErasureRequestRow.id))
    done = sue.post(
        f"/admin/erasure/{request_id}/confirm",
        data={"csrf_token": csrf_from(lead_page)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    db.expire_all()
    assert db.get(ClientRow, ash_id) is None
    after = sue.get(done.headers["location"]).text
    assert "was erased" in after and "Ash Sample" not in after
    assert "1 client has been erased" in adam.get("/practice").text


def test_the_asker_confirming_is_refused_naming_the_field(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=cast.ash.id, reason="client_asked"
    )
    sign_in(web, "adam")
    token = csrf_from(web.get("/admin/erasure").text)
    refused = web.post(f"/admin/erasure/{request.id}/confirm", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "Who confirms: must be a different person" in refused.text
    db.expire_all()
    assert db.get(ClientRow, cast.ash.id) is not None


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"client": "ash", "reason": ""}, "Reason: is required"),
        ({"client": "ash", "reason": "because"}, "Reason: choose one of the reasons offered"),
        ({"client": "999999", "reason": "client_asked"}, "Client: choose a client"),
        ({"client": "zed", "reason": "client_asked"}, "Client: choose a client"),
        ({"client": "", "reason": "client_asked"}, "Client: choose a client"),
    ],
)
def test_a_bad_request_names_the_field_and_nothing_is_asked(
    web: TestClient, db: Session, cast: Cast, form: dict[str, str], message: str
) -> None:
    ids = {"ash": str(cast.ash.id), "zed": str(cast.zed.id)}
    sign_in(web, "adam")
    answer = _ask(web, **{k: ids.get(v, v) for k, v in form.items()})
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert message in answer.text  # type: ignore[attr-defined]
    assert db.scalars(select(ErasureRequestRow)).all() == []


def test_outsiders_cannot_confirm_withdraw_or_set_periods(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    request = erasure.request_erasure(
        db, rt, actor=cast.actor(cast.adam), client_id=cast.ash.id, reason="client_asked"
    )
    for who in ("alice", "charlie", "sue"):
        client = make_client()
        sign_in(client, who)
        token = csrf_from(client.get("/alerts").text)
        for action in ("confirm", "cancel") if who != "sue" else ():  # Sue may confirm
            answer = client.post(
                f"/admin/erasure/{request.id}/{action}", data={"csrf_token": token}
            )
            assert answer.status_code == 404
        periods = client.post("/admin/retention", data={"csrf_token": token})
        assert periods.status_code == 404
    db.refresh(request)
    assert request.status == "pending"
    assert db.get(RetentionSettingsRow, cast.practice.id) is None


def test_the_admin_sets_retention_periods_and_a_bad_one_is_named(
    web: TestClient, db: Session, cast: Cast
) -> None:
    sign_in(web, "adam")
    page = web.get("/admin/retention").text
    assert 'value="730"' in page and "Clients&#39; written feedback" in page
    form = {
        "csrf_token": csrf_from(page),
        "feedback_text_days": "3",
        "closed_records_days": "2555",
        "unmatched_intake_days": "365",
        "notification_records_days": "180",
        "sign_in_records_days": "30",
        "audit_trail_days": "2555",
    }
    bad = web.post("/admin/retention", data=form)
    assert bad.status_code == 422
    assert "Clients&#39; written feedback: must be between 30 and 18,250 days" in bad.text
    assert db.get(RetentionSettingsRow, cast.practice.id) is None
    saved = web.post(
        "/admin/retention", data={**form, "feedback_text_days": "90"}, follow_redirects=False
    )
    assert saved.status_code == 303
    row = db.get(RetentionSettingsRow, cast.practice.id)
    assert row is not None and row.feedback_text_days == 90
