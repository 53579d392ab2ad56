"""Benchmark: the triage of free text, rules alone beside rules plus the learned model.

Pinned to one core (``os.sched_setaffinity``), in one process, over the 2,515 labelled texts:

* ``load_s``: reading the model artifact (``model_from_json``), best of 5, in this process;
* ``memory_mib``: what importing the triage and loading the model adds to a fresh Python's
  resident memory (measured in a subprocess, as a web worker would start);
* ``batch_texts_per_s``: every text once, one after another (the ``--jsonl`` path without JSON),
  best of ``--repeat``; ``batch_texts_per_cpu_s`` the same per second of this process's CPU time
  (the fairer figure on a shared machine); ``batch_first_pass_texts_per_cpu_s`` the first pass
  alone, with the per-word caches still empty (the rules and the model keep each word's work:
  later passes find every word of the corpus there, as a long-running worker finds most);
* ``single_ms``: one text at a time, p50 / p95 / p99 / max, with a warm process.

With the opt-in transformer reader built (ADR 0017; ``--transformer DIR``, else the folder the
settings name, ``DATA_DIR/triage-transformer``), ``rules_model_and_transformer`` times the same
triage with it (one pass: it is about twenty times slower), with its load time and the memory it
adds; without one the report says it was not built.

Usage::

    .venv/bin/python bench/bench_triage.py [--repeat 3] [--transformer DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

#: The resident memory of the probe's own process, in MiB (the start of each probe below).
RSS = """
def rss():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
"""

MEMORY_PROBE = (
    RSS
    + """
before = rss()
from bordin.domain.triage import rules_triage, triage
rules_triage('warm up the rules')
rules_only = rss()
triage('and now the model')
after = rss()
print(before, rules_only, after)
"""
)

TRANSFORMER_PROBE = (
    RSS
    + """
import sys
from pathlib import Path
from bordin.domain.triage import triage
from bordin.domain.triage.model import shipped_model
triage('warm up the rules and the model')
before = rss()
from bordin.analytics.triage_transformer import load
reader = load(Path(sys.argv[1]), light_model=shipped_model().version)
triage('and now the transformer', reader=reader)
print(before, rss())
"""
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _timed(run: Callable[[str], object], texts: list[str], repeat: int) -> dict[str, float]:
    best = best_cpu = float("inf")
    first_cpu = 0.0
    for attempt in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        for text in texts:
            run(text)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
        if attempt == 0:
            first_cpu = time.process_time() - start_cpu
    single: list[float] = []
    for text in texts:
        start = time.perf_counter()
        run(text)
        single.append((time.perf_counter() - start) * 1000)
    return {
        "batch_texts_per_s": round(len(texts) / best),
        "batch_texts_per_cpu_s": round(len(texts) / best_cpu),
        "batch_first_pass_texts_per_cpu_s": round(len(texts) / first_cpu),
        "single_ms_p50": round(statistics.median(single), 3),
        "single_ms_p95": round(_percentile(single, 0.95), 3),
        "single_ms_p99": round(_percentile(single, 0.99), 3),
        "single_ms_max": round(max(single), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--transformer", type=Path, help="a built transformer reader's folder")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    from bordin.analytics.triage_model import labelled_texts
    from bordin.domain.triage import rules_triage, triage
    from bordin.domain.triage.model import artifact_text, model_from_json, shipped_model

    texts = [item.text for item in labelled_texts()]
    raw = artifact_text()
    loads = []
    for _ in range(5):
        start = time.perf_counter()
        model_from_json(raw)
        loads.append(time.perf_counter() - start)
    shipped_model()
    probe = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE], capture_output=True, text=True, check=True
    )
    before, rules_only, after = (float(v) for v in probe.stdout.split())
    result = {
        "texts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "artifact_kib": len(raw.encode()) // 1024,
        "load_s": round(min(loads), 3),
        "memory_mib": {
            "rules": round(rules_only - before, 1),
            "model_added": round(after - rules_only, 1),
        },
    }
    # The model first, so that its first pass meets every per-word cache empty (the rules'
    # and the model's): the figure for texts never seen, where the best pass has them all.
    result["rules_and_model"] = _timed(triage, texts, args.repeat)
    result["rules_alone"] = _timed(rules_triage, texts, args.repeat)
    result["rules_model_and_transformer"] = _transformer(args.transformer, texts)
    print(json.dumps(result, indent=2))


def _transformer(folder: Path | None, texts: list[str]) -> dict[str, object]:
    """The triage with the transformer reader, if one is built (see the module docstring)."""
    from bordin.analytics.triage_transformer import ReaderUnavailable, load
    from bordin.domain.triage import triage
    from bordin.domain.triage.model import shipped_model
    from bordin.settings import Settings

    chosen = folder or Settings().triage_transformer_folder
    start = time.perf_counter()
    try:
        reader = load(chosen, light_model=shipped_model().version)
    except ReaderUnavailable as error:
        return {"not_measured": str(error)}
    loaded = time.perf_counter() - start
    probe = subprocess.run(
        [sys.executable, "-c", TRANSFORMER_PROBE, str(chosen)],
        capture_output=True,
        text=True,
        check=True,
    )
    before, after = (float(v) for v in probe.stdout.split())
    return {
        "version": reader.version,
        "load_s": round(loaded, 2),
        "memory_added_mib": round(after - before, 1),
        **_timed(lambda text: triage(text, reader=reader), texts, 1),
    }


if __name__ == "__main__":
    main()
