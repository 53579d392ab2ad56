"""Scoring throughput: administrations per second, one at a time and in bulk.

Run from the repository root:

    .venv/bin/python bench/bench_scoring.py [--single N] [--bulk N] [--repeats R]

For every built-in instrument it makes seeded synthetic answer vectors (about 5% of answers
missing, so some are prorated and some refused), then times

- the pure scorer, ``bordin.domain.instruments.score``, one administration at a time;
- the NumPy bulk scorer, ``bordin.analytics.bulk_scoring.score_bulk``, on one array;

taking the best of ``R`` repeats, and prints one JSON object with the figures and the machine.
Refused administrations count: they are validated too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from bordin.analytics.bulk_scoring import score_bulk
from bordin.domain.errors import InvalidResponses
from bordin.domain.instruments import Instrument, builtin_registry, score

MISSING_RATE = 0.05


def synthetic_answers(instrument: Instrument, n: int, seed: int) -> list[list[float | None]]:
    """``n`` answer vectors on the instrument's scales, with some answers missing."""
    rng = random.Random(seed)
    rows: list[list[float | None]] = []
    for _ in range(n):
        row: list[float | None] = []
        for item in instrument.items:
            if rng.random() < MISSING_RATE:
                row.append(None)
            elif item.whole_numbers:
                row.append(rng.randint(int(item.min_value), int(item.max_value)))
            else:
                steps = round((item.max_value - item.min_value) / item.step)
                row.append(round(item.min_value + rng.randint(0, steps) * item.step, 1))
        rows.append(row)
    return rows


def best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def score_each(instrument: Instrument, rows: list[list[float | None]]) -> int:
    scored = 0
    for row in rows:
        try:
            score(instrument, row)
            scored += 1
        except InvalidResponses:
            pass
    return scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=20_000, help="administrations, one at a time")
    parser.add_argument("--bulk", type=int, default=500_000, help="administrations in one array")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    results: dict[str, Any] = {}
    single_total = bulk_total = 0.0
    for index, instrument in enumerate(builtin_registry().all()):
        rows = synthetic_answers(instrument, args.single, seed=index)
        single = best_of(args.repeats, partial(score_each, instrument, rows))
        scorable = score_each(instrument, rows)

        bulk_rows = synthetic_answers(instrument, min(args.bulk, 50_000), seed=100 + index)
        array = np.array([[np.nan if v is None else v for v in r] for r in bulk_rows])
        array = np.tile(array, (max(1, args.bulk // len(array)), 1))[: args.bulk]
        bulk = best_of(args.repeats, partial(score_bulk, instrument, array))

        single_rate = args.single / single
        bulk_rate = len(array) / bulk
        single_total += single / args.single
        bulk_total += bulk / len(array)
        results[instrument.id] = {
            "items": len(instrument.items),
            "single_per_second": round(single_rate),
            "single_scorable_share": round(scorable / args.single, 3),
            "bulk_per_second": round(bulk_rate),
            "bulk_rows": len(array),
            "speed_up": round(bulk_rate / single_rate, 1),
        }
    n = len(results)
    report = {
        "benchmark": "scoring throughput (administrations per second)",
        "command": "python bench/bench_scoring.py "
        f"--single {args.single} --bulk {args.bulk} --repeats {args.repeats}",
        "missing_rate": MISSING_RATE,
        "mean_over_instruments": {
            "single_per_second": round(n / single_total),
            "bulk_per_second": round(n / bulk_total),
        },
        "instruments": results,
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
