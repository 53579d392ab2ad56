"""Pages speak a clinician's and a client's language: no internal words anywhere a person reads.

Every page reachable by following links is fetched, as each kind of staff member of the demo
practice and of a small practice without demo data, plus the client's feedback form; the
visible text (method notes behind "How this was worked out" included) must hold no instrument
id (``phq9``, ``bordin_sac``), no evidence tag (``[V``, ``[M]``, ``§``), no documentation path
and no statistics-library warning. One page of each kind is read twice at most (``/clients/12``
and ``/clients/40`` are the same kind), which keeps the crawl short and still covers every page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.instruments import all_instruments
from bordin.services import feedback
from bordin.services.runtime import Runtime
from bordin.storage.tables import UserRow
from bordin.web.app import create_app
from tests.fixtures.cast import Cast
from tests.fixtures.demo import DemoDatabase
from tests.web.conftest import csrf_from, sign_in

INTERNAL = [
    re.compile(r"\b(" + "|".join(sorted(i.id for i in all_instruments())) + r")\b"),
    re.compile(r"\[[VMS]\b"),
    re.compile("§"),
    re.compile(r"\bdocs/|\w\.md\b"),
    re.compile(r"Hessian|MLE may be|parameter space|ConvergenceWarning|statsmodels"),
    re.compile(r"\(s\)"),
]
SKIP = ("/logout", "/sign-out", ".pdf", ".csv", ".svg", "/static/", "/export", "/calendar.ics")


def visible_text(page: str) -> str:
    """What a person reads: tags, scripts and styles removed, entities decoded."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def internal_words(text: str) -> list[str]:
    found = []
    for pattern in INTERNAL:
        for match in pattern.finditer(text):
            start = max(0, match.start() - 60)
            found.append(text[start : match.end() + 40])
    return found


def _kind(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def crawl(web: TestClient, start: Iterable[str], per_kind: int = 2) -> dict[str, list[str]]:
    """Follow same-site links from ``start``; the internal words found on each page."""
    todo = list(start)
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    while todo:
        url = todo.pop(0)
        if url in seen or any(s in url for s in SKIP):
            continue
        kind = _kind(url)
        if kinds.get(kind, 0) >= per_kind:
            continue
        seen.add(url)
        kinds[kind] = kinds.get(kind, 0) + 1
        response = web.get(url)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        found = internal_words(visible_text(response.text))
        if found:
            problems[url] = found
        for link in re.findall(r'href="(/[^"#]*)"', response.text):
            link = html.unescape(link)
            if link not in seen:
                todo.append(link)
    assert len(seen) > 1, "the crawl found nothing to read"
    return problems


def _report(problems: dict[str, dict[str, list[str]]]) -> str:
    lines = []
    for who, pages in problems.items():
        for url, found in pages.items():
            lines.extend(f"{who} {url}: ...{snippet}..." for snippet in dict.fromkeys(found))
    return "internal words on pages:\n" + "\n".join(lines)


def test_the_checks_catch_internal_words() -> None:
    assert internal_words("high: gad7 is red") and internal_words("see docs/signals.md")
    assert internal_words("[V, exact formulas M]") and internal_words("clinical-facts §6.2")
    assert internal_words("The Hessian matrix at the estimated parameter values")
    assert internal_words("3 episode(s)")
    assert not internal_words("The GAD-7 is well behind the expected recovery.")


def test_no_page_of_the_demo_practice_shows_internal_words_to_any_role(
    demo: DemoDatabase,
) -> None:
    # The demo practice as ``bordin demo`` built it for this run (tests/fixtures/demo.py).
    db, rt = demo.db, demo.rt
    settings = rt.settings.model_copy(update={"demo_mode": True})
    runtime = Runtime(settings=settings, transport=rt.transport, now=rt.now)
    people: dict[str, UserRow] = {}
    for user in db.scalars(select(UserRow).where(UserRow.is_demo).order_by(UserRow.id)):
        people.setdefault(user.role, user)
    assert len(people) >= 2
    problems: dict[str, dict[str, list[str]]] = {}
    for role, user in people.items():
        web = TestClient(create_app(settings, runtime=runtime, sessions=demo.sessions))
        page = web.get("/login")
        web.post(f"/demo-sign-in/{user.id}", data={"csrf_token": csrf_from(page.text)})
        found = crawl(web, ["/"])
        web.close()
        if found:
            problems[role] = found
    assert not problems, _report(problems)


def test_no_page_of_a_practice_without_demo_data_shows_internal_words(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    problems: dict[str, dict[str, list[str]]] = {}
    for user in (cast.alice, cast.sue, cast.adam):
        web = make_client()
        sign_in(web, user.username)
        found = crawl(web, ["/", "/settings", "/practice", "/alerts", "/caseload"])
        if found:
            problems[user.username] = found
    appointment = cast.ash_sessions[3].id
    [link] = [
        i.token
        for i in feedback.issue_links(db, rt, appointment_id=appointment)
        if i.client_id == cast.ash.id
    ]
    client_found = crawl(make_client(), [f"/f/{link}", f"/f/{link}/concern"])
    if client_found:
        problems["client"] = client_found
    assert not problems, _report(problems)
