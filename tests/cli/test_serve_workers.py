"""``bordin serve --workers N``: several web processes serve one practice, on the SQLite file.

A person signed in through one worker is signed in for all of them (they read the same keys),
and the writers of every process queue at the same gate (the lock file beside the database).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tests.cli.test_setup_cli import ADD_ADA, BORDIN, run

from bordin.testing.server import free_port

PASSWORD = "a long password for ada"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def serving(data_dir: Path, workers: int) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**os.environ, "BORDIN_DATA_DIR": str(data_dir), "BORDIN_ENVIRONMENT": "development"}
    env.pop("BORDIN_DATABASE_URL", None)
    said = (data_dir / "serve.log").open("w")
    server = subprocess.Popen(
        [*BORDIN, "serve", "--workers", str(workers), "--port", str(port)],
        env=env,
        stdout=said,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (data_dir / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        said.close()


def _web_workers(pid: int) -> list[int]:
    """The processes uvicorn started to serve (not multiprocessing's resource tracker)."""
    found = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(child) for child in found.read_text().split()] if found.exists() else []
    serving = []
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:  # it ended since it was listed
            continue
        if b"spawn_main" in command and b"resource_tracker" not in command:
            serving.append(child)
    return serving


def test_two_web_workers_serve_one_practice_and_share_its_sign_ins(tmp_path: Path) -> None:
    added = run([*ADD_ADA, "--password", PASSWORD], tmp_path)
    assert added.returncode == 0, added.stderr
    with serving(tmp_path, workers=2) as (base, _):
        with httpx.Client(base_url=base) as browser:
            token = CSRF.search(browser.get("/login").text)
            assert token is not None
            signed_in = browser.post(
                "/login",
                data={"username": "ada", "password": PASSWORD, "csrf_token": token.group(1)},
            )
            assert signed_in.status_code == 303
            cookies = dict(browser.cookies)
        answers = []
        for _ in range(12):  # a new connection each time, so both workers answer some
            with httpx.Client(base_url=base, cookies=cookies) as visit:
                page = visit.get("/caseload")
                answers.append(page.status_code)
                token = CSRF.search(page.text)
                assert token is not None
                answers.append(
                    visit.post("/alerts/read", data={"csrf_token": token.group(1)}).status_code
                )
        assert answers == [200, 303] * 12
    assert (tmp_path / "bordin.sqlite3-writelock").exists()


def test_serve_starts_the_number_of_workers_asked_for(tmp_path: Path) -> None:
    with serving(tmp_path, workers=3) as (_, pid):
        deadline = time.monotonic() + 60
        while len(_web_workers(pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_web_workers(pid)) == 3
    assert "(3 web workers)" in (tmp_path / "serve.log").read_text()


def test_serve_refuses_fewer_than_one_worker(tmp_path: Path) -> None:
    result = run(["serve", "--workers", "0"], tmp_path)
    assert result.returncode == 2
    assert "--workers" in result.stderr and "at least 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bordin.sqlite3").exists()  # refused before anything was made


def test_serve_refuses_a_transformer_reader_that_was_never_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BORDIN_TRIAGE_READER", "transformer")

    result = run(["serve"], tmp_path)

    assert result.returncode == 2
    assert "BORDIN_TRIAGE_READER" in result.stderr
    assert "make triage-transformer" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bordin.sqlite3").exists()  # refused before anything was made
