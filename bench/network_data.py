"""A synthetic network of practices as pseudonymised research exports: one Parquet file each.

Writes files with exactly the columns and types of Bordin's research export
(:data:`bordin.domain.research.COLUMNS`, schema from
:func:`bordin.reports.research_export.arrow_schema`), so ``bordin analytics network`` reads
them as it would read real practices' exports. NumPy only, fixed seed: the same arguments give
the same bytes.

Run from the repository root::

    .venv/bin/python bench/network_data.py --rows 10000000 --practices 200 --out /tmp/network

How the data are made (per episode): a practice, a therapist (with a small therapist effect),
a primary measure (PHQ-9 for 70%, CORE-10 otherwise), an intake score, a number of sessions
(2 to 16; about 1 in 20 has only one outcome score), an early alliance level that goes with
improvement (r about .25), a final score, and in between scores on a log-shaped recovery
curve with noise. Each session also has a Session Alliance Check rating (0-40). Outcome classes
come from Bordin's own rules (``bordin.reports.read.practice.classify``). A few therapists
have fewer than 5 clients and appear as ``pooled``, as the export would show them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from bordin.domain.instruments import get_instrument
from bordin.domain.research import COLUMN_NAMES, POOLED
from bordin.reports.read.practice import classify
from bordin.reports.research_export import arrow_schema

SEED = 20261206
INSTRUMENTS = (("phq9", 27, 0.7), ("core10", 40, 0.3))  # id, maximum score, share
SAC_MAX = 40
ROWS_PER_EPISODE = 14.6  # about: mean ratings per episode (outcome + alliance), for sizing


@cache
def _classify(instrument_id: str, intake: int, final: int) -> str:
    return classify(get_instrument(instrument_id), float(intake), float(final))


def _hex(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct-looking 16-hex-digit pseudonyms."""
    return np.array([f"{v:016x}" for v in rng.integers(0, 2**64, size=n, dtype=np.uint64)])


def practice_table(rng: np.random.Generator, practice: str, episodes: int) -> pa.Table:
    """One practice's export: ``episodes`` episodes, their ratings on two measures."""
    n_therapists = int(rng.integers(5, 25))
    therapist_names = _hex(rng, n_therapists)
    therapist_effect = rng.normal(0.0, 0.8, n_therapists)
    weights = rng.dirichlet(np.full(n_therapists, 2.0))
    therapist = rng.choice(n_therapists, size=episodes, p=weights)
    counts = np.bincount(therapist, minlength=n_therapists)
    shown = np.where(counts[therapist] < 5, POOLED, therapist_names[therapist])

    which = rng.random(episodes) < INSTRUMENTS[0][2]
    instrument = np.where(which, INSTRUMENTS[0][0], INSTRUMENTS[1][0])
    top = np.where(which, INSTRUMENTS[0][1], INSTRUMENTS[1][1])
    intake = np.clip(np.rint(rng.normal(0.6, 0.2, episodes) * top), 0, top).astype(int)
    sessions = np.clip(rng.geometric(0.13, episodes) + 1, 2, 16)
    one_score = rng.random(episodes) < 0.05
    sessions = np.where(one_score, 1, sessions)
    dropped = (rng.random(episodes) < 0.2) | one_score

    alliance = np.clip(rng.normal(70.0, 14.0, episodes), 5, 100)
    z_alliance = (alliance - 70.0) / 14.0
    gain = (0.35 + 0.08 * z_alliance + 0.05 * therapist_effect[therapist]) * intake
    gain += rng.normal(0.0, 0.18, episodes) * top
    final = np.clip(np.rint(intake - gain), 0, top).astype(int)

    total = int(sessions.sum())
    episode_of = np.repeat(np.arange(episodes), sessions)
    starts = np.repeat(np.cumsum(sessions) - sessions, sessions)
    t = np.arange(total) - starts + 1
    n_of = sessions[episode_of]
    fraction = np.where(n_of > 1, np.log(t) / np.log(np.maximum(n_of, 2)), 0.0)
    raw = intake[episode_of] + (final[episode_of] - intake[episode_of]) * fraction
    noisy = raw + rng.normal(0.0, 1.5, total) * (t > 1) * (t < n_of)
    score = np.clip(np.rint(noisy), 0, top[episode_of]).astype(float)

    sac = np.clip(
        np.rint(alliance[episode_of] / 100 * SAC_MAX + rng.normal(0, 2.5, total) + 0.4 * t),
        0,
        SAC_MAX,
    ).astype(float)
    first_three = t <= 3
    early = np.bincount(episode_of, weights=np.where(first_three, sac, 0.0), minlength=episodes)
    early = np.round(
        100 * early / np.bincount(episode_of, weights=first_three, minlength=episodes) / SAC_MAX,
        1,
    )

    has_final = sessions > 1
    final_value = np.where(has_final, final, np.nan)
    classification = np.array(
        [
            _classify(i, int(a), int(b)) if ok else "insufficient_data"
            for i, a, b, ok in zip(instrument, intake, final, has_final, strict=True)
        ]
    )
    improvement = np.where(has_final, intake - final, np.nan).astype(float)
    clients = _hex(rng, episodes)
    episode_names = _hex(rng, episodes)
    year = rng.integers(2023, 2027, episodes)
    q = rng.integers(1, 5, episodes)
    start_quarter = np.char.add(np.char.add(year.astype(str), "-Q"), q.astype(str))
    end_quarter = np.char.add(
        np.char.add((year + (q == 4)).astype(str), "-Q"), (q % 4 + 1).astype(str)
    )

    def per_row(values: np.ndarray) -> np.ndarray:
        return np.concatenate([values[episode_of], values[episode_of]])

    columns = {
        "practice": np.full(2 * total, practice),
        "client": per_row(clients),
        "episode": per_row(episode_names),
        "therapist": per_row(shown),
        "episode_kind": np.full(2 * total, "individual"),
        "ended_as": per_row(np.where(dropped, "dropped_out", "completed")),
        "start_quarter": per_row(start_quarter),
        "end_quarter": per_row(end_quarter),
        "instrument": np.concatenate([instrument[episode_of], np.full(total, "bordin_sac")]),
        "measure_role": np.concatenate([np.full(total, "outcome"), np.full(total, "alliance")]),
        "rating_number": np.concatenate([t, t]).astype(np.int32),
        "weeks_since_start": np.concatenate([t - 1, t - 1]).astype(np.int32),
        "score": np.concatenate([score, sac]),
        "primary_instrument": per_row(instrument),
        "intake": per_row(intake.astype(float)),
        "final": per_row(final_value),
        "improvement": per_row(improvement),
        "classification": per_row(classification),
        "dropped_out": per_row(dropped),
        "early_alliance_percent": per_row(early),
        "higher_is_better": np.zeros(2 * total, dtype=bool),
    }
    arrays = []
    schema = arrow_schema()
    for field in schema:  # type: ignore[attr-defined]
        values = columns[field.name]
        mask = np.isnan(values) if values.dtype.kind == "f" else None
        arrays.append(pa.array(values, type=field.type, mask=mask))
    return pa.Table.from_arrays(arrays, schema=schema)  # type: ignore[arg-type]


def write_network(out: Path, *, rows: int, practices: int, seed: int = SEED) -> dict[str, int]:
    """Write ``practices`` files of about ``rows`` rows in all; returns the counts."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.full(practices, 4.0)) * rows / ROWS_PER_EPISODE
    written = episodes = 0
    for i, size in enumerate(sizes):
        name = f"{rng.integers(0, 2**63):016x}"
        table = practice_table(rng, name, max(20, int(size)))
        assert table.column_names == list(COLUMN_NAMES)
        pq.write_table(table, out / f"practice-{i:04d}.parquet", compression="zstd")
        written += table.num_rows
        episodes += max(20, int(size))
    return {"rows": written, "episodes": episodes, "practices": practices}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="ratings in all (about)")
    parser.add_argument("--practices", type=int, default=200, help="practices (one file each)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True, help="folder for the Parquet files")
    args = parser.parse_args()
    started = time.perf_counter()
    counts = write_network(args.out, rows=args.rows, practices=args.practices, seed=args.seed)
    counts["seconds"] = round(time.perf_counter() - started, 1)  # type: ignore[assignment]
    json.dump(counts, sys.stdout)
    print()


if __name__ == "__main__":
    main()
