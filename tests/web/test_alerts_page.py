"""The alerts page: its words come decrypted, and each view is audited once."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.services import alerts as alert_service
from bordin.services import feedback
from bordin.services.runtime import Runtime
from bordin.storage.tables import AuditEventRow
from bordin.testing.clock import FakeClock
from tests.fixtures.cast import Cast
from tests.web.conftest import csrf_from, sign_in


def _crisis(db: Session, rt: Runtime, cast: Cast, client_id: int, appointment_id: int) -> None:
    [issued] = [
        i
        for i in feedback.issue_links(db, rt, appointment_id=appointment_id)
        if i.client_id == client_id
    ]
    feedback.submit_feedback(
        db,
        rt,
        token=issued.token,
        answers={f"bordin_sac.{k}": "8" for k in ("goals", "tasks", "bond", "overall")},
        text="Honestly I have been thinking about killing myself this week.",
    )


def test_the_alerts_page_is_audited_once_per_view_naming_the_clients(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    _crisis(db, rt, cast, cast.ash.id, cast.ash_sessions[3].id)
    _crisis(db, rt, cast, cast.birch.id, cast.couple_sessions[3].id)
    sign_in(web, "alice")
    page = web.get("/alerts")
    assert page.status_code == 200
    assert "Ash Sample" in page.text and "Birch Sample" in page.text
    [event] = db.scalars(select(AuditEventRow).where(AuditEventRow.entity == "alerts")).all()
    assert (event.action, event.actor_user_id) == ("read", cast.alice.id)
    assert event.detail["client_ids"] == sorted([cast.ash.id, cast.birch.id])
    web.get("/alerts")
    assert len(db.scalars(select(AuditEventRow).where(AuditEventRow.entity == "alerts")).all()) == 2


def _words(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _summaries(page: str) -> list[str]:
    """Each alert's line (the client, then what happened) as a person reads it, in page order."""
    rows = re.findall(
        r'<div class="item-row">\s*<span>(.*?)</span>\s*<span class="muted">', page, re.S
    )
    return [_words(r) for r in rows]


def _alerts_link(page: str) -> str:
    found = re.search(r'<a href="/alerts">(.*?)</a>', page, re.S)
    assert found is not None
    return _words(found.group(1))


def _raise(
    db: Session, rt: Runtime, cast: Cast, severity: str, summary: str, client_id: int
) -> None:
    alert_service.raise_alert(
        db,
        rt,
        recipient_user_id=cast.alice.id,
        kind="signal:test",
        severity=severity,
        summary=summary,
        client_id=client_id,
        detail={"episode_id": cast.couple_episode.id}
        if client_id in (cast.birch.id, cast.cedar.id)
        else {"episode_id": cast.ash_episode.id},
    )
    db.commit()


def test_alerts_are_listed_most_urgent_first_then_newest_each_naming_client_and_partner(
    web: TestClient, db: Session, rt: Runtime, cast: Cast, clock: FakeClock
) -> None:
    _raise(db, rt, cast, "routine", "Old routine note.", cast.ash.id)
    clock.advance(hours=1)
    _raise(db, rt, cast, "urgent", "Older urgent note.", cast.birch.id)
    clock.advance(hours=1)
    _raise(db, rt, cast, "high", "High note.", cast.cedar.id)
    clock.advance(hours=1)
    _raise(db, rt, cast, "urgent", "Newer urgent note.", cast.ash.id)
    sign_in(web, "alice")
    said = _summaries(web.get("/alerts").text)
    assert [s.split(" · ", 1)[1] for s in said] == [
        "Newer urgent note.",
        "Older urgent note.",
        "High note.",
        "Old routine note.",
    ]
    assert "Ash Sample" in said[0] and "Partner" not in said[0]
    assert "Birch Sample (Partner A)" in said[1]
    assert "Cedar Sample (Partner B)" in said[2]


def test_the_navigation_counts_unread_alerts_for_staff(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    _raise(db, rt, cast, "high", "One.", cast.ash.id)
    _raise(db, rt, cast, "routine", "Two.", cast.ash.id)
    sign_in(web, "alice")
    assert _alerts_link(web.get("/caseload").text) == "Alerts 2 unread"
    token = csrf_from(web.get("/alerts").text)
    web.post("/alerts/read", data={"csrf_token": token})
    assert _alerts_link(web.get("/caseload").text) == "Alerts"


def test_a_long_alert_summary_is_kept_to_whole_sentences(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    sentence = "Alliance fell below her own baseline at session 5 and stayed there. "
    _raise(db, rt, cast, "high", sentence * 12, cast.ash.id)
    sign_in(web, "alice")
    [line] = _summaries(web.get("/alerts").text)
    summary = line.split(" · ", 1)[1]
    assert summary.endswith("stayed there.")
    assert len(summary) <= alert_service.SUMMARY_LIMIT
