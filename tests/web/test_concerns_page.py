"""The concerns page: each concern has a severity, most severe first, and the counts at the top
and on the supervision page match the list."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.services.concerns import raise_concern
from bordin.services.runtime import Runtime
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in

WORRY = "My therapist keeps checking their phone while I am talking."
CRISIS = "I do not see the point any more and I have been thinking about ending my life."
ANOTHER = "I was charged for a session that was cancelled by the practice."


def _words(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _raise(db: Session, rt: Runtime, cast: Cast, client_id: int, text: str) -> None:
    actor = Actor(practice_id=cast.practice.id, role=Role.CLIENT, client_id=client_id)
    raise_concern(db, rt, text=text, actor=actor)


def test_each_concern_shows_a_severity_and_the_most_severe_comes_first(
    web: TestClient, db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    _raise(db, rt, cast, cast.ash.id, CRISIS)
    clock.advance(hours=1)
    _raise(db, rt, cast, cast.dale.id, WORRY)
    sign_in(web, "sue")
    page = web.get("/concerns").text
    cards = re.findall(r'<li class="card[^"]*" id="concern-\d+">(.*?)</li>', page, re.S)
    assert len(cards) == 2
    severities = [re.search(r'class="badge sev-(\w+)"', card).group(1) for card in cards]  # type: ignore[union-attr]
    assert severities == ["urgent", "high"]  # the older crisis before the newer worry
    assert CRISIS in _words(cards[0]) and WORRY in _words(cards[1])


def test_the_counts_match_the_list_here_and_on_the_supervision_page(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    for client_id, text in ((cast.ash.id, WORRY), (cast.dale.id, ANOTHER), (cast.birch.id, CRISIS)):
        _raise(db, rt, cast, client_id, text)
    sign_in(web, "sue")
    page = web.get("/concerns").text
    [concern_id] = re.findall(r'action="/concerns/(\d+)/handled"', page)[:1]
    web.post(f"/concerns/{concern_id}/handled", data={"csrf_token": csrf_from(page)})
    page = web.get("/concerns").text
    cards = re.findall(r'<li class="card([^"]*)" id="concern-\d+">', page)
    open_cards = [c for c in cards if "unread" in c]
    counts = _words(re.search(r'<p class="concern-counts">(.*?)</p>', page, re.S).group(1))  # type: ignore[union-attr]
    assert counts.startswith(f"{len(open_cards)} open")
    assert f"{len(cards) - len(open_cards)} handled" in counts
    assert f"{len(cards)} in total" in counts
    assert (len(open_cards), len(cards)) == (2, 3)
    digest = _words(web.get("/supervision").text)
    assert f"{len(open_cards)} open of {len(cards)} in total" in digest


def test_marking_a_concern_handled_marks_the_leads_own_alert_about_it_read(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    from sqlalchemy import select

    from bordin.storage.tables import AlertRow

    _raise(db, rt, cast, cast.ash.id, WORRY)
    _raise(db, rt, cast, cast.dale.id, ANOTHER)
    sign_in(web, "sue")
    page = web.get("/concerns").text
    assert '2<span class="visually-hidden"> unread</span>' in page
    concern_id = re.findall(r'id="concern-(\d+)"', page)[0]
    web.post(f"/concerns/{concern_id}/handled", data={"csrf_token": csrf_from(page)})
    unread = db.scalars(
        select(AlertRow.detail).where(
            AlertRow.recipient_user_id == cast.sue.id, AlertRow.read_at.is_(None)
        )
    ).all()
    assert len(unread) == 1 and unread[0]["concern_id"] != int(concern_id)  # the other one
    assert '1<span class="visually-hidden"> unread</span>' in web.get("/concerns").text
