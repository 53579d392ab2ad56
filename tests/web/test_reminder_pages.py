"""The pages around reminders and calendars: stopping reminders from a link, the therapist's
calendar feed page and the feed itself."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import reminders
from bordin.services.runtime import Runtime
from bordin.storage.tables import ContactOptOutRow
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in


def test_opening_a_stop_link_changes_nothing_until_the_client_confirms(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    token = reminders.opt_out_token(rt, client_id=cast.ash.id, channel="sms")
    page = web.get(f"/reminders/stop/{token}")
    assert page.status_code == 200
    assert "Stop appointment reminders by text message?" in page.text
    assert db.scalars(select(ContactOptOutRow)).all() == []
    done = web.post(f"/reminders/stop/{token}", data={"csrf_token": csrf_from(page.text)})
    assert done.status_code == 200 and "Reminders stopped" in done.text
    assert [(o.client_id, o.channel) for o in db.scalars(select(ContactOptOutRow))] == [
        (cast.ash.id, "sms")
    ]


def test_a_mangled_stop_link_gets_a_kind_404(web: TestClient) -> None:
    page = web.get("/reminders/stop/not-a-real-token")
    assert page.status_code == 404
    assert "We could not read this link" in page.text


def test_a_therapist_makes_a_calendar_address_that_serves_their_sessions_and_can_end_it(
    make_client: Callable[..., TestClient], cast: Cast
) -> None:
    alice = make_client()
    sign_in(alice, "alice")
    page = alice.get("/calendar")
    made = alice.post("/calendar", data={"csrf_token": csrf_from(page.text)})
    url = made.text.split('<code id="feed-url">', 1)[1].split("</code>", 1)[0]
    path = url.split("127.0.0.1:8000", 1)[1]
    feed = make_client().get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert len(events) >= 5
    assert all(cast.ash.display_name not in str(e["summary"]) for e in events)
    alice.post("/calendar/revoke", data={"csrf_token": csrf_from(made.text)})
    assert make_client().get(path).status_code == 404


def test_the_calendar_page_is_for_staff_only(web: TestClient) -> None:
    assert web.get("/calendar", follow_redirects=False).status_code in (303, 401, 404)
