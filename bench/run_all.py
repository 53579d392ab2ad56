"""Run every benchmark in ``bench/`` one after another and print their results as one JSON object.

Quick mode (the default, what ``make bench`` runs) passes ``--quick`` to each script that has
that flag, and the smaller sizes listed in :data:`QUICK_ARGS` to those that take sizes instead.
``--full`` runs every script at its full size (the figures for docs/performance.md).

Each script runs in its own process with a time limit (``--timeout``, default 15 minutes
quick, 45 full); one that overruns is stopped and reported, and the rest still run. Scripts
print JSON; anything else they print is kept as text.

Usage::

    .venv/bin/python bench/run_all.py [--full] [--only bench_caseload] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

BENCH = Path(__file__).resolve().parent
#: Arguments for quick mode, for scripts that take sizes rather than a ``--quick`` flag.
QUICK_ARGS: dict[str, list[str]] = {
    "bench_signals.py": ["--episodes", "10000", "--sample", "200", "--repeat", "1"],
    "bench_form_burden.py": ["--runs", "3"],
}


def scripts(only: list[str] | None = None) -> list[Path]:
    """The benchmark scripts, in name order (this runner excluded)."""
    found = sorted(p for p in BENCH.glob("bench_*.py") if p.is_file())
    if only:
        wanted = {name.removesuffix(".py") for name in only}
        found = [p for p in found if p.stem in wanted]
    return found


def arguments(script: Path, *, full: bool) -> list[str]:
    if full:
        return []
    if '"--quick"' in script.read_text(encoding="utf-8"):
        return ["--quick"]
    return list(QUICK_ARGS.get(script.name, []))


def parse_output(text: str) -> Any:
    """One JSON document, or JSON lines, or (failing both) the text itself."""
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        return [json.loads(line) for line in lines]
    except json.JSONDecodeError:
        return {"text": text[-4000:]}


def run(script: Path, args: list[str], timeout: float) -> dict[str, Any]:
    command = [sys.executable, str(script), *args]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=BENCH.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so a timeout stops its children too
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            stdout, stderr = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
        return {
            "command": " ".join(["python", f"bench/{script.name}", *args]),
            "error": f"stopped after {timeout:.0f} s",
            "stderr_tail": stderr[-2000:],
        }
    result: dict[str, Any] = {
        "command": " ".join(["python", f"bench/{script.name}", *args]),
        "exit_code": process.returncode,
        "seconds": round(time.perf_counter() - started, 1),
        "result": parse_output(stdout),
    }
    if process.returncode != 0:
        result["stderr_tail"] = stderr[-2000:]
    return result


def _summaries(result: Any) -> list[dict[str, Any]]:
    if isinstance(result, dict) and isinstance(result.get("summary"), list):
        return list(result["summary"])
    if isinstance(result, list):  # JSON lines: each may carry its own summary
        return [line for item in result for line in _summaries(item)]
    return []


def print_summary(report: dict[str, Any], out: TextIO) -> None:
    """One line per headline figure, beside its raw limit (scripts that give a ``summary``)."""
    print("\nfigure | Bordin | raw limit", file=out)
    for name, outcome in report["benchmarks"].items():
        if "error" in outcome or outcome.get("exit_code"):
            print(f"{name}: FAILED (see the JSON above)", file=out)
        for line in _summaries(outcome.get("result")):
            raw = "-" if line.get("raw") is None else line["raw"]
            print(f"{line['figure']} | {line['value']} | {raw}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every Bordin benchmark.")
    parser.add_argument("--full", action="store_true", help="full sizes (slow)")
    parser.add_argument("--only", nargs="*", help="script names to run (e.g. bench_caseload)")
    parser.add_argument("--timeout", type=float, help="seconds allowed per script")
    args = parser.parse_args(argv)
    timeout = args.timeout or (45 * 60 if args.full else 15 * 60)
    report: dict[str, Any] = {
        "mode": "full" if args.full else "quick",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "benchmarks": {},
    }
    failed = False
    for script in scripts(args.only):
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        outcome = run(script, arguments(script, full=args.full), timeout)
        report["benchmarks"][script.stem] = outcome
        failed = failed or "error" in outcome or outcome.get("exit_code") != 0
    print(json.dumps(report, indent=2))
    print_summary(report, sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
