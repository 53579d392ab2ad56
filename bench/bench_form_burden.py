"""Benchmark: how long the client's feedback form takes, measured on the page itself.

Serves Bordin (SQLite in a temporary folder, a fake clock) and, for ``--runs`` fresh clients
(a practice built through the services each time, not the demo), opens the **intake** form
(every measure in full) and the **usual** form (scores stable: the alliance check and a
one-question risk screen) in Chromium at phone size (390×844, touch), and records

* the page's own burden: rated questions, page height in CSS pixels, words a client reads;
* the scripted fill-in time: from the page loaded to the thank-you page, tapping the middle
  answer of every question as a client would. No think time is faked: this is the interaction
  and round-trip floor;
* an estimate of a person's time: words ÷ 238 words a minute (Brysbaert 2019, the average
  silent reading rate of adults) + 2 s per question to choose and tap (our allowance), plus the
  measured fill-in time.

Prints one JSON object with the medians. Usage::

    python bench/bench_form_burden.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from pydantic import SecretStr

from bordin.notify.memory import MemoryTransport
from bordin.services.runtime import Runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.testing.clock import FakeClock
from bordin.testing.form_burden import WORDING_FILES, fill_in, page_burden, seed_burden_case
from bordin.testing.server import free_port, serve_in_thread
from bordin.web.app import create_app

READING_WPM = 238  # Brysbaert (2019), J. Memory and Language 109:104047
TAP_SECONDS = 2.0  # our allowance per question for choosing and tapping


def run(runs: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bordin-burden-"))
    port = free_port()
    settings = Settings(
        environment="test",
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'bordin.sqlite3'}",
        secret_key=SecretStr("bench-secret-key-burden"),
        encryption_key=SecretStr("bench-encryption-passphrase"),
        notify_transport="memory",
        base_url=f"http://127.0.0.1:{port}",
    )
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    runtime = Runtime(settings=settings, transport=MemoryTransport(), now=FakeClock())
    shared = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "fhir"
    wording = [(shared / name).read_bytes() for name in WORDING_FILES if (shared / name).is_file()]
    cases = []
    with sessions() as db:
        for n in range(runs):
            cases.append(seed_burden_case(db, runtime, tag=f"-{n}", wording=wording))
    app = create_app(settings, runtime=runtime, sessions=sessions)
    found: dict[str, list[dict[str, float]]] = {"intake": [], "usual": []}
    with serve_in_thread(app, port=port) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        for case in cases:
            for name, token in (("intake", case.intake_token), ("usual", case.usual_token)):
                context = browser.new_context(
                    viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True
                )
                page = context.new_page()
                page.goto(f"{base}/f/{token}")
                burden = page_burden(page)
                started = time.perf_counter()
                fill_in(page)
                seconds = time.perf_counter() - started
                context.close()
                found[name].append(
                    {
                        "questions": burden.questions,
                        "height_px": burden.height_px,
                        "words": burden.words,
                        "fill_in_s": seconds,
                    }
                )
        browser.close()
    engine.dispose()
    result: dict[str, Any] = {"runs": runs}
    for name, rows in found.items():
        median = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
        reading = median["words"] / READING_WPM * 60
        tapping = median["questions"] * TAP_SECONDS
        result[name] = {
            **{k: round(v, 2) for k, v in median.items()},
            "reading_s": round(reading, 1),
            "tapping_allowance_s": round(tapping, 1),
            "estimated_person_s": round(reading + tapping + median["fill_in_s"], 1),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    print(json.dumps(run(parser.parse_args().runs), indent=2))


if __name__ == "__main__":
    main()
