"""Benchmark: the supervision report PDF for each therapist of the demo practice.

Loads the demo practice (seed 7, as ``make run`` does, built as of a fixed date) into an SQLite
file through the services, then for each therapist builds the report for the default period
(:func:`bordin.reports.read.supervision_report.therapist_report`) and renders the PDF with
WeasyPrint, timing the two steps and reading the PDF back with pypdf. Printed as JSON: per
therapist, the seconds to ask for the report on the web (``ask_s``: the access check and the
queued job, all a person waits for since the PDF is made in the background), to build and to
render, the PDF's pages, the clients seen and the
clients of concern (who get their own page); and the median and maximum seconds.

Usage::

    .venv/bin/python bench/bench_supervision_pdf.py [--seed 7] [--today 2026-11-02] [--repeat 2]

The first render in a process also loads WeasyPrint and its fonts; it is reported apart
(``first_render_s``) and left out of the per-therapist figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from bordin.demo import generate_demo_practice
from bordin.notify.memory import MemoryTransport
from bordin.reports.read.supervision_report import parse_period, therapist_report
from bordin.reports.supervision_report import clients_of_concern, render_supervision_report_pdf
from bordin.services import prepared_reports
from bordin.services.demo import load_demo_practice
from bordin.services.runtime import Runtime
from bordin.services.signals import recompute_practice
from bordin.services.users import actor_for_user
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory
from bordin.storage.migrate import upgrade
from bordin.storage.tables import UserRow
from bordin.testing.clock import FakeClock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", default="2026-11-02")
    parser.add_argument("--repeat", type=int, default=2, help="renders per therapist (best kept)")
    parser.add_argument("--save", type=Path, help="also write each therapist's PDF to this folder")
    args = parser.parse_args(argv)
    today = dt.date.fromisoformat(args.today)
    with tempfile.TemporaryDirectory(prefix="bordin-bench-pdf-") as folder:
        settings = Settings(
            environment="development",
            data_dir=Path(folder),
            secret_key="bench-secret-key-for-pdf",
            encryption_key="bench-encryption-passphrase",
            notify_transport="memory",
        )
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        clock = FakeClock(dt.datetime.combine(today, dt.time(9, 0), tzinfo=dt.UTC))
        rt = Runtime(settings=settings, transport=MemoryTransport(), now=clock)
        with sessions() as db:
            loaded = load_demo_practice(db, rt, generate_demo_practice(seed=args.seed, today=today))
            recompute_practice(db, rt, practice_id=loaded.practice_id)
        period = parse_period(None, None, today=today)
        rows = []
        first_render = None
        with sessions() as db:
            therapists = db.scalars(
                select(UserRow)
                .where(UserRow.practice_id == loaded.practice_id)
                .where(UserRow.role.in_(("therapist", "supervisor")))
                .order_by(UserRow.display_name)
            ).all()
            for therapist in therapists:
                # What the person waits for before the waiting page: asking (access, enqueue).
                asked = time.perf_counter()
                prepared_reports.request_report(
                    db,
                    rt,
                    actor=actor_for_user(therapist),
                    subject=f"therapist:{therapist.id}",
                    period=period,
                )
                ask = time.perf_counter() - asked
                builds, renders = [], []
                pdf = b""
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    built = therapist_report(db, rt, therapist=therapist, period=period)
                    middle = time.perf_counter()
                    pdf = render_supervision_report_pdf(built.data)
                    ended = time.perf_counter()
                    if first_render is None:
                        first_render = ended - middle
                        continue
                    builds.append(middle - started)
                    renders.append(ended - middle)
                    db.rollback()
                if not renders:
                    continue
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    (args.save / f"{therapist.id}.pdf").write_bytes(pdf)
                rows.append(
                    {
                        "therapist": therapist.display_name,
                        "ask_s": round(ask, 3),
                        "clients": len(built.data.clients),
                        "clients_of_concern": len(clients_of_concern(built.data)),
                        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                        "build_s": round(min(builds), 3),
                        "render_s": round(min(renders), 3),
                        "total_s": round(
                            min(b + r for b, r in zip(builds, renders, strict=True)), 3
                        ),
                    }
                )
        engine.dispose()
    totals = [r["total_s"] for r in rows]
    report = {
        "python": platform.python_version(),
        "period": [period.start.isoformat(), period.end.isoformat()],
        "first_render_s": round(first_render or 0.0, 3),
        "therapists": rows,
        "median_total_s": round(statistics.median(totals), 3) if totals else None,
        "max_total_s": round(max(totals), 3) if totals else None,
    }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
