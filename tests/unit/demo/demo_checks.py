"""Plain re-computations used by the demo tests (deliberately not the generator's own code)."""

from __future__ import annotations

import datetime as dt

from bordin.demo import DemoEpisode, DemoPractice

TODAY = dt.date(2026, 3, 2)

REVERSED_CORE10 = (1, 2)


def series(episode: DemoEpisode, client_id: str, instrument: str) -> dict[int, tuple]:
    """Answers by session number, for one client and instrument."""
    found = {}
    for session in episode.sessions:
        answers = session.answers(client_id, instrument)
        if answers is not None:
            found[session.number] = answers
    return found


def score(instrument: str, answers: tuple) -> int:
    if instrument == "core10":
        return sum(
            4 - a if i in REVERSED_CORE10 else a for i, a in enumerate(answers) if a is not None
        )
    return sum(a for a in answers if a is not None)


def sac_totals(practice: DemoPractice, episode_id: str, client_id: str) -> list[tuple[int, tuple]]:
    """(session number, answers) of the alliance check, in order."""
    episode = practice.episode(episode_id)
    return sorted(series(episode, client_id, "bordin_sac").items())


def drop_at(history: list[tuple], current: tuple) -> tuple[float, float]:
    """(total drop, largest item drop) of ``current`` against the mean of ``history``."""
    mean_total = sum(sum(v) for v in history) / len(history)
    item_drop = max(sum(v[i] for v in history) / len(history) - current[i] for i in range(4))
    return mean_total - sum(current), item_drop


def visible(history: list[tuple], current: tuple) -> bool:
    if len(history) < 3:
        return False
    total, item = drop_at(history, current)
    return total >= 3 or item >= 2
