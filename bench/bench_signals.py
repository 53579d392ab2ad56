"""Benchmark: whole-practice signal recompute (vectorised) and per-episode evaluation (pure).

Generates a synthetic practice in memory (default 100,000 episodes and 1,000,000 ratings: 90%
individual episodes rating the Session Alliance Check and the PHQ-9 after each session, 10%
couples where both partners rate the Session Alliance Check), then times:

- ``bulk_seconds``: :func:`bordin.analytics.bulk_signals.bulk_signals` on the whole table;
- ``per_episode_ms``: :func:`bordin.domain.alliance.evaluate_episode` on single episodes (the
  incremental cost after one submission), median and p95 over a sample.

Prints one JSON object. Usage: ``python bench/bench_signals.py [--episodes N] [--sample N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import time

import numpy as np
import pandas as pd

from bordin.analytics.bulk_signals import bulk_signals
from bordin.domain.alliance import EpisodeHistory, Rating, evaluate_episode

SESSIONS = 5
START = np.datetime64("2024-01-08")


def synthetic_practice(episodes: int, seed: int = 1) -> pd.DataFrame:
    """A long ratings table: ``episodes`` episodes, about 10 ratings each."""
    rng = np.random.default_rng(seed)
    couples = episodes // 10
    singles = episodes - couples
    frames: list[pd.DataFrame] = []
    # Individuals: SAC + PHQ-9 at each of SESSIONS sessions.
    ep = np.repeat(np.arange(singles), SESSIONS)
    session = np.tile(np.arange(1, SESSIONS + 1), singles)
    level = np.repeat(rng.uniform(6.5, 10.0, singles), SESSIONS)
    items = np.clip(np.rint(level[:, None] + rng.normal(0, 0.7, (len(ep), 4))), 0, 10)
    rupture = rng.random(len(ep)) < 0.03
    items[rupture] = np.clip(items[rupture] - rng.integers(1, 4, (int(rupture.sum()), 4)), 0, 10)
    dates = START + (session - 1) * 7
    ids = np.char.add("e", ep.astype(str))
    frames.append(
        pd.DataFrame(
            {
                "episode_id": ids,
                "client_id": np.char.add("c", ep.astype(str)),
                "session_number": session,
                "date": dates,
                "instrument": "bordin_sac",
                "score": items.sum(axis=1),
                "item_1": items[:, 0],
                "item_2": items[:, 1],
                "item_3": items[:, 2],
                "item_4": items[:, 3],
            }
        )
    )
    intake = np.repeat(rng.uniform(8, 24, singles), SESSIONS)
    change = np.repeat(rng.normal(-6, 5, singles), SESSIONS)
    phq = np.clip(
        np.rint(intake + change * np.log(session) / np.log(SESSIONS) + rng.normal(0, 1.7, len(ep))),
        0,
        27,
    )
    item9 = (rng.random(len(ep)) < 0.01).astype(float)
    frames.append(
        pd.DataFrame(
            {
                "episode_id": ids,
                "client_id": np.char.add("c", ep.astype(str)),
                "session_number": session,
                "date": dates,
                "instrument": "phq9",
                "score": phq,
                "item_9": item9,
            }
        )
    )
    # Couples: both partners rate the SAC.
    cep = np.repeat(np.arange(singles, episodes), SESSIONS * 2)
    partner = np.tile(np.repeat([0, 1], SESSIONS), couples)
    csession = np.tile(np.arange(1, SESSIONS + 1), couples * 2)
    clevel = np.repeat(rng.uniform(6.5, 10.0, couples * 2), SESSIONS)
    citems = np.clip(np.rint(clevel[:, None] + rng.normal(0, 0.7, (len(cep), 4))), 0, 10)
    frames.append(
        pd.DataFrame(
            {
                "episode_id": np.char.add("e", cep.astype(str)),
                "client_id": np.char.add(
                    np.char.add("c", cep.astype(str)), np.where(partner == 0, "a", "b")
                ),
                "session_number": csession,
                "date": START + (csession - 1) * 7,
                "instrument": "bordin_sac",
                "score": citems.sum(axis=1),
                "item_1": citems[:, 0],
                "item_2": citems[:, 1],
                "item_3": citems[:, 2],
                "item_4": citems[:, 3],
            }
        )
    )
    return pd.concat(frames, ignore_index=True)


def histories(frame: pd.DataFrame, episode_ids: list[str]) -> list[EpisodeHistory]:
    """Pure-domain histories for a few episodes of the table."""
    sub = frame[frame["episode_id"].isin(episode_ids)]
    out: list[EpisodeHistory] = []
    links = {"bordin_sac": ("goals", "tasks", "bond", "overall"), "phq9": ()}
    for episode_id, rows in sub.groupby("episode_id", sort=False):
        clients = tuple(dict.fromkeys(rows["client_id"]))
        ratings = []
        for r in rows.itertuples():
            items: dict[str, float] = {}
            if r.instrument == "bordin_sac":
                items = dict(
                    zip(links["bordin_sac"], (r.item_1, r.item_2, r.item_3, r.item_4), strict=True)
                )
            elif r.item_9 == r.item_9:  # not NaN
                items = {"q9": float(r.item_9)}
            date = pd.Timestamp(r.date).date()
            ratings.append(
                Rating(
                    r.client_id, int(r.session_number), date, r.instrument, float(r.score), items
                )
            )
        out.append(
            EpisodeHistory(
                episode_id=str(episode_id),
                kind="couple" if len(clients) == 2 else "individual",
                client_ids=clients,
                ratings=tuple(ratings),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    frame = synthetic_practice(args.episodes)
    generate_seconds = time.perf_counter() - t0

    bulk_times: list[float] = []
    signals = pd.DataFrame()
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        signals = bulk_signals(frame)
        bulk_times.append(time.perf_counter() - t0)

    rng = np.random.default_rng(2)
    all_ids = frame["episode_id"].unique()
    sample_ids = [
        str(x) for x in rng.choice(all_ids, size=min(args.sample, len(all_ids)), replace=False)
    ]
    sample = histories(frame, sample_ids)
    now = dt.date(2030, 1, 1)
    evaluate_episode(sample[0], now=now)  # warm the instrument cache
    per_episode: list[float] = []
    for history in sample:
        t0 = time.perf_counter()
        evaluate_episode(history, now=now)
        per_episode.append((time.perf_counter() - t0) * 1000)
    per_episode.sort()

    print(
        json.dumps(
            {
                "benchmark": "signals",
                "episodes": int(frame["episode_id"].nunique()),
                "ratings": len(frame),
                "generate_seconds": round(generate_seconds, 3),
                "bulk_seconds": round(min(bulk_times), 3),
                "bulk_seconds_all_runs": [round(t, 3) for t in bulk_times],
                "signals": len(signals),
                "signals_by_type": {k: int(v) for k, v in signals["type"].value_counts().items()},
                "per_episode_ms_median": round(statistics.median(per_episode), 3),
                "per_episode_ms_p95": round(per_episode[int(0.95 * (len(per_episode) - 1))], 3),
                "per_episode_sample": len(per_episode),
                "pure_all_episodes_seconds_extrapolated": round(
                    statistics.mean(per_episode) * args.episodes / 1000, 1
                ),
                "machine": {
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                    "numpy": np.__version__,
                    "pandas": pd.__version__,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
