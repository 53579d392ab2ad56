"""Sign-in, sign-out, CSRF, rate limiting and the demo-only one-click sign-in."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bordin.services import practice as practice_service
from bordin.services import users as user_service
from bordin.services.runtime import Runtime
from tests.fixtures.cast import PASSWORD, Cast
from tests.web.conftest import csrf_from, sign_in


def test_signing_in_sets_a_secure_http_only_same_site_cookie(
    make_client: Callable[..., TestClient], cast: Cast
) -> None:
    client = make_client(base_url="https://127.0.0.1", cookie_secure=True)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/caseload"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_a_wrong_password_is_refused_with_one_message(web: TestClient, cast: Cast) -> None:
    page = web.get("/login")
    response = web.post(
        "/login",
        data={"username": "alice", "password": "not it at all", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 401
    assert "do not match" in response.text
    assert web.get("/caseload", follow_redirects=False).status_code == 303


def test_a_login_without_the_csrf_token_is_refused(web: TestClient, cast: Cast) -> None:
    web.get("/login")
    response = web.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


def test_repeated_failures_pause_sign_in_even_with_the_right_password(
    web: TestClient, cast: Cast
) -> None:
    token = csrf_from(web.get("/login").text)
    for _ in range(5):
        web.post(
            "/login", data={"username": "bob", "password": "wrong password!", "csrf_token": token}
        )
    response = web.post(
        "/login", data={"username": "bob", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "Too many" in response.text


def test_signing_out_ends_the_session(web: TestClient, cast: Cast) -> None:
    sign_in(web, "alice")
    page = web.get("/caseload")
    assert page.status_code == 200
    web.post("/logout", data={"csrf_token": csrf_from(page.text)})
    assert web.get("/caseload", follow_redirects=False).status_code == 303


def test_a_stolen_cookie_is_useless_after_sign_out(web: TestClient, cast: Cast) -> None:
    sign_in(web, "alice")
    cookie = web.cookies.get("bordin_session")
    page = web.get("/caseload")
    web.post("/logout", data={"csrf_token": csrf_from(page.text)})
    web.cookies.set("bordin_session", cookie or "")
    assert web.get("/caseload", follow_redirects=False).status_code == 303


def _make_demo_person(db: Session, rt: Runtime, cast: Cast) -> int:
    user = user_service.add_user(
        db,
        rt,
        practice_id=cast.practice.id,
        username="demo.person",
        email="demo.person@example.org",
        display_name="Demo Person",
        role="therapist",
        password=None,
        is_demo=True,
    )
    return user.id


def test_one_click_demo_sign_in_works_in_demo_mode(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    user_id = _make_demo_person(db, rt, cast)
    client = make_client(demo_mode=True)
    page = client.get("/login")
    assert "Demo Person" in page.text
    response = client.post(
        f"/demo-sign-in/{user_id}",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get("/caseload").status_code == 200


def test_one_click_demo_sign_in_is_impossible_outside_demo_mode(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    user_id = _make_demo_person(db, rt, cast)
    page = web.get("/login")
    assert "Demo Person" not in page.text and "demo-sign-in" not in page.text
    response = web.post(
        f"/demo-sign-in/{user_id}",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert web.get("/caseload", follow_redirects=False).status_code == 303


def _make_demo_client(db: Session, rt: Runtime, cast: Cast) -> int:
    client = practice_service.add_client(
        db,
        rt,
        practice_id=cast.practice.id,
        display_name="Demo Client",
        email="demo.client@example.org",
        pseudonym="C-DEMO",
        is_demo=True,
    )
    practice_service.open_episode(
        db,
        rt,
        therapist_id=cast.alice.id,
        client_ids=[client.id],
        kind="individual",
        started_on=rt.now().date(),
    )
    return client.id


def test_the_demo_client_is_offered_in_demo_mode_and_lands_on_their_own_page(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    client_id = _make_demo_client(db, rt, cast)
    web = make_client(demo_mode=True)
    page = web.get("/login")
    assert "Demo Client" in page.text
    assert "Ash Sample" not in page.text  # only the client the demo offers
    response = web.post(
        f"/demo-sign-in/client/{client_id}",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    assert web.get("/me").status_code == 200


def test_a_client_the_demo_does_not_offer_cannot_be_signed_in_with_one_click(
    make_client: Callable[..., TestClient], db: Session, rt: Runtime, cast: Cast
) -> None:
    web = make_client(demo_mode=True)
    page = web.get("/login")
    response = web.post(
        f"/demo-sign-in/client/{cast.ash.id}",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert web.get("/me", follow_redirects=False).status_code == 303


def test_one_click_client_sign_in_is_impossible_outside_demo_mode(
    web: TestClient, db: Session, rt: Runtime, cast: Cast
) -> None:
    client_id = _make_demo_client(db, rt, cast)
    page = web.get("/login")
    assert "Demo Client" not in page.text
    response = web.post(
        f"/demo-sign-in/client/{client_id}",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert web.get("/me", follow_redirects=False).status_code == 303


def test_pages_carry_security_headers(web: TestClient) -> None:
    response = web.get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def _fail_sign_in_from(client: TestClient, forwarded_for: str, times: int) -> int:
    token = csrf_from(client.get("/login").text)
    status = 0
    for _ in range(times):
        status = client.post(
            "/login",
            data={"username": "bob", "password": "wrong password!", "csrf_token": token},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code
    return status


def test_behind_a_trusted_proxy_sign_in_limits_follow_the_clients_own_address(
    make_client: Callable[..., TestClient], cast: Cast
) -> None:
    behind_proxy = make_client(trusted_proxies=["testclient"])
    assert _fail_sign_in_from(behind_proxy, "203.0.113.7", 6) == 429
    token = csrf_from(behind_proxy.get("/login").text)
    elsewhere = behind_proxy.post(
        "/login",
        data={"username": "bob", "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-For": "198.51.100.20"},
        follow_redirects=False,
    )
    assert elsewhere.status_code == 303


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(
    make_client: Callable[..., TestClient], cast: Cast
) -> None:
    direct = make_client()
    assert _fail_sign_in_from(direct, "203.0.113.7", 6) == 429
    assert _fail_sign_in_from(direct, "198.51.100.20", 1) == 429
