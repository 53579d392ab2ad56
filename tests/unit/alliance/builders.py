"""Small builders for alliance-signal tests: synthetic clients rating weekly sessions.

Session k is on ``day(k)`` (weekly from 2024-01-08). ``sac`` builds a Session Alliance Check
rating from its four items (goals, tasks, bond, overall); ``srs`` an SRS total (no items);
``outcome`` any outcome measure's total. ``walk`` evaluates an episode as it stood on the day of
each session, to test rules by walking the clock forward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from bordin.domain.alliance import (
    Attendance,
    EpisodeHistory,
    Rating,
    RiskFlag,
    Signal,
    SignalConfig,
    TherapistRupture,
    evaluate_episode,
)

START = dt.date(2024, 1, 8)


def day(session: int) -> dt.date:
    return START + dt.timedelta(weeks=session - 1)


def sac(client: str, session: int, goals: int, tasks: int, bond: int, overall: int) -> Rating:
    items = {"goals": goals, "tasks": tasks, "bond": bond, "overall": overall}
    return Rating(
        client,
        session,
        day(session),
        "bordin_sac",
        float(sum(items.values())),
        {k: float(v) for k, v in items.items()},
    )


def sac_series(
    client: str, rows: Sequence[tuple[int, int, int, int]], first: int = 1
) -> list[Rating]:
    return [sac(client, first + k, *row) for k, row in enumerate(rows)]


def flat_sac(client: str, totals: Sequence[int]) -> list[Rating]:
    """SAC ratings whose items are spread as evenly as possible over the given totals."""
    out = []
    for k, total in enumerate(totals, start=1):
        base, extra = divmod(total, 4)
        items = [base + (1 if i < extra else 0) for i in range(4)]
        out.append(sac(client, k, *items))
    return out


def srs(client: str, session: int, total: float) -> Rating:
    return Rating(client, session, day(session), "srs", total, {})


def srs_series(client: str, totals: Sequence[float]) -> list[Rating]:
    return [srs(client, k, t) for k, t in enumerate(totals, start=1)]


def outcome(
    client: str,
    instrument: str,
    totals: Sequence[float],
    items: dict[int, dict[str, float]] | None = None,
) -> list[Rating]:
    items = items or {}
    return [
        Rating(client, k, day(k), instrument, float(t), items.get(k, {}))
        for k, t in enumerate(totals, start=1)
    ]


def individual(
    ratings: Iterable[Rating],
    *,
    client: str = "client-a",
    attendance: Sequence[Attendance] = (),
    logged: Sequence[TherapistRupture] = (),
    flags: Sequence[RiskFlag] = (),
    ended: bool = False,
    dropped_out: bool = False,
    ended_on: dt.date | None = None,
) -> EpisodeHistory:
    return EpisodeHistory(
        episode_id="episode-1",
        kind="individual",
        client_ids=(client,),
        ratings=tuple(ratings),
        attendance=tuple(attendance),
        ruptures_logged=tuple(logged),
        risk_flags=tuple(flags),
        ended=ended,
        dropped_out=dropped_out,
        ended_on=ended_on,
    )


def couple(
    ratings: Iterable[Rating], clients: tuple[str, str] = ("partner-a", "partner-b")
) -> EpisodeHistory:
    return EpisodeHistory(
        episode_id="episode-2", kind="couple", client_ids=clients, ratings=tuple(ratings)
    )


def signals(
    history: EpisodeHistory,
    *types: str,
    now: dt.date | None = None,
    config: SignalConfig | None = None,
) -> list[Signal]:
    found = evaluate_episode(history, now=now or dt.date(2030, 1, 1), config=config)
    return [s for s in found if not types or s.type in types]


def walk(
    history: EpisodeHistory,
    sessions: Iterable[int],
    *types: str,
    config: SignalConfig | None = None,
) -> dict[int, list[Signal]]:
    """The signals of the given types as the episode stood on the day of each session."""
    return {k: signals(history, *types, now=day(k), config=config) for k in sessions}
