"""``bordin analytics network`` on a synthetic network: Dask with 1 and 2 workers beside pandas.

Run from the repository root::

    .venv/bin/python bench/bench_network.py [--rows 10000000] [--practices 200] [--data DIR]
    .venv/bin/python bench/bench_network.py --quick      # 500,000 rows, 20 practices

It writes the network with ``bench/network_data.py`` (fixed seed) unless ``--data`` already
holds it, then times, each in its own process, watching the whole process tree's memory
(resident set summed over the process and its children, sampled every 0.2 s; peak reported):

1. **raw limit**: ``pandas.read_parquet`` of every file, all columns, one process;
2. the whole analysis with pandas in one process (``bordin analytics network --pandas``);
3. ``bordin analytics network`` on a local Dask cluster of 1 worker, then 2 workers.

Every run computes the same figures (the recovery curves on ``--curve-episodes`` sampled
episodes per measure, the same in every run). The machine has 2 cores: 2 workers is the most
it can show, and the cores are shared with other work, so read the load average printed with
the figures. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

BENCH = Path(__file__).resolve().parent
PY = sys.executable


def watch(command: list[str]) -> dict[str, Any]:
    """Run ``command``; its wall time and the peak RSS of its process tree (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=BENCH.parent
    )
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        total = 0
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for p in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        peak = max(peak, total)
        time.sleep(0.2)
    stdout, stderr = process.communicate()
    result: dict[str, Any] = {
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(peak / 2**20),
        "exit_code": process.returncode,
    }
    if process.returncode != 0:
        result["stderr_tail"] = stderr[-2000:]
    result["stdout_tail"] = stdout.strip()[-300:]
    return result


READ = (
    "import sys, pandas as pd; t = pd.read_parquet(sys.argv[1]); "
    "print(len(t), int(t.memory_usage(deep=True).sum() / 2**20))"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--practices", type=int, default=200)
    parser.add_argument("--data", type=Path, help="folder of the network (made if empty)")
    parser.add_argument("--curve-episodes", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="500,000 rows, 20 practices")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.practices = 500_000, 20
    scratch = tempfile.TemporaryDirectory(prefix="bordin-network-")
    data = args.data or Path(scratch.name) / "network"
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "rows_requested": args.rows,
        "practices": args.practices,
        "data": str(data),
    }
    if not (data.exists() and any(data.glob("*.parquet"))):
        made = subprocess.run(
            [PY, str(BENCH / "network_data.py"), "--rows", str(args.rows),
             "--practices", str(args.practices), "--out", str(data)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        report["generated"] = json.loads(made.stdout)
    report["parquet_mb"] = round(sum(p.stat().st_size for p in data.glob("*.parquet")) / 2**20)
    report["load_average_before"] = os.getloadavg()
    runs: dict[str, Any] = {}
    runs["pandas_read_only"] = watch([PY, "-c", READ, str(data)])
    out = Path(scratch.name)
    common = ["--curve-episodes", str(args.curve_episodes)]
    for name, extra in (
        ("pandas_analysis", ["--pandas"]),
        ("dask_1_worker", ["--workers", "1"]),
        ("dask_2_workers", ["--workers", "2"]),
    ):
        figures = out / f"{name}.json"
        command = [
            *[PY, "-m", "bordin.cli", "analytics", "network", str(data)],
            *["--out", str(out / f"{name}.md"), "--json", str(figures), *common, *extra],
        ]
        runs[name] = watch(command)
        runs[name]["load_average_after"] = os.getloadavg()
        if figures.exists():
            runs[name]["stage_seconds"] = json.loads(figures.read_text())["seconds"]
    report["runs"] = runs
    report["summary"] = [
        {
            "figure": f"network {args.rows:,} rows: {name} (s, peak MB)",
            "value": f"{r['seconds']} s, {r['peak_rss_mb']} MB",
            "raw": f"{runs['pandas_read_only']['seconds']} s, "
            f"{runs['pandas_read_only']['peak_rss_mb']} MB (pandas read)",
        }
        for name, r in runs.items()
        if name != "pandas_read_only"
    ]
    print(json.dumps(report, indent=2))
    scratch.cleanup()


if __name__ == "__main__":
    main()
