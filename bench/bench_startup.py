"""Benchmark: a web worker's start-up time and memory, beside a bare interpreter's (issue 15).

Each run is a fresh Python process that imports Bordin's web app and builds it with
``create_app`` against a migrated SQLite database (what a uvicorn worker does before it serves
its first request), then reports the seconds taken, its resident memory (RSS, from
``/proc/self/status``) and how many modules it loaded, and whether any analytics library
(pandas, SciPy, statsmodels, matplotlib, scikit-learn) is among them. The raw limit, in the same
run: a process that imports only the web framework and the database toolkit (FastAPI, Starlette,
SQLAlchemy, Jinja2), the floor any FastAPI app on them starts from.

Usage::

    .venv/bin/python bench/bench_startup.py [--quick] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

WORKER = """
import json, sys, time
started = time.perf_counter()
from bordin.settings import Settings
from bordin.web.app import create_app
create_app(Settings(environment="test", data_dir=sys.argv[1], database_url=sys.argv[2],
                    secret_key="bench-startup-secret-key", encryption_key="bench-startup-key",
                    notify_transport="memory"))
seconds = time.perf_counter() - started
"""
BARE = """
import json, sys, time
started = time.perf_counter()
import fastapi, starlette.applications, sqlalchemy.orm, jinja2
seconds = time.perf_counter() - started
"""
REPORT = """
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"pandas", "scipy", "statsmodels",
                                                         "matplotlib", "sklearn"})
print(json.dumps({"seconds": seconds, "rss_mb": rss / 1024, "modules": len(sys.modules),
                  "analytics_loaded": heavy}))
"""


def _run(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code + REPORT, *args],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "runs": len(runs),
        "seconds_median": round(statistics.median(r["seconds"] for r in runs), 3),
        "seconds_max": round(max(r["seconds"] for r in runs), 3),
        "rss_mb_median": round(statistics.median(r["rss_mb"] for r in runs), 1),
        "modules": runs[-1]["modules"],
        "analytics_loaded": runs[-1]["analytics_loaded"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Web worker start-up time and memory.")
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--runs", type=int, default=None, help="processes to start")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 7)
    from bordin.storage.database import make_engine
    from bordin.storage.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="bordin-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bordin.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        worker = _summary([_run(WORKER, folder, url) for _ in range(runs)])
        bare = _summary([_run(BARE) for _ in range(runs)])
    report = {
        "benchmark": "startup",
        "command": "python bench/bench_startup.py" + (" --quick" if args.quick else ""),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": [round(x, 1) for x in os.getloadavg()],
        },
        "web_worker": worker,
        "bare_framework": bare,
        "summary": [
            {
                "figure": "web worker start-up (s, median)",
                "value": worker["seconds_median"],
                "raw": bare["seconds_median"],
            },
            {
                "figure": "web worker RSS after start (MB)",
                "value": worker["rss_mb_median"],
                "raw": bare["rss_mb_median"],
            },
        ],
    }
    print(json.dumps(report, indent=2))
    return 1 if worker["analytics_loaded"] else 0


if __name__ == "__main__":
    sys.exit(main())
