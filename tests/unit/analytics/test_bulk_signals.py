"""The vectorised whole-practice recompute gives exactly the signals of the pure function."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from bordin.analytics.bulk_signals import SIGNAL_COLUMNS, bulk_signals, frame_from_histories
from bordin.analytics.signals.evaluation.cases import generate_signal_cases
from bordin.domain.alliance import (
    EpisodeHistory,
    Rating,
    SignalConfig,
    evaluate_episode,
    registry_scale,
)

START = dt.date(2024, 1, 8)
VECTORISED = {
    "rupture",
    "rupture_repaired",
    "rupture_unrepaired",
    "low_alliance",
    "not_on_track",
    "reliable_deterioration",
    "reliable_improvement",
    "recovery",
    "split_alliance",
    "split_widening",
    "risk",
    "disengagement",
}
NOW = dt.date(2030, 1, 1)

Key = tuple[str, str | None, str | None, str, int, str, str]


def _pure(histories: list[EpisodeHistory], config: SignalConfig | None = None) -> set[Key]:
    out: set[Key] = set()
    for h in histories:
        for s in evaluate_episode(h, now=NOW, config=config):
            # Crisis feedback arrives as a flag, which the ratings table does not hold.
            if s.type in VECTORISED and s.explanation.rule != "risk.crisis_feedback":
                out.add(
                    (
                        s.episode_id,
                        s.client_id,
                        s.instrument_id,
                        s.type,
                        s.session_number,
                        s.severity,
                        s.status,
                    )
                )
    return out


def _bulk(histories: list[EpisodeHistory], config: SignalConfig | None = None) -> set[Key]:
    frame = bulk_signals(frame_from_histories(histories), config=config, now=NOW)
    return {
        (
            r.episode_id,
            r.client_id if isinstance(r.client_id, str) else None,
            r.instrument_id,
            r.type,
            int(r.session_number),
            r.severity,
            r.status,
        )
        for r in frame.itertuples()
    }


def _random_rating(
    rng: random.Random, client: str, session: int, instrument: str, level: float, drift: float
) -> Rating:
    facts = registry_scale(instrument)
    items: dict[str, float] = {}
    total = 0.0
    for link in facts.item_ids:
        lo, hi = facts.item_bounds[link]
        share = (level - facts.score_min) / facts.span
        raw = lo + share * (hi - lo) + drift * (hi - lo) + rng.gauss(0, 0.1 * (hi - lo))
        value = min(hi, max(lo, round(raw, 1) if instrument in ("srs", "ors") else round(raw)))
        if instrument == "phq9" and link == "q10":
            continue
        items[link] = float(value)
        total += facts.keyed(link, float(value))
    if rng.random() < 0.1 and items:
        items.pop(rng.choice(list(items)))
    total = min(facts.score_max, max(facts.score_min, round(total, 1)))
    return Rating(
        client, session, START + dt.timedelta(weeks=session - 1), instrument, total, items
    )


def _random_histories(seed: int, n: int) -> list[EpisodeHistory]:
    rng = random.Random(seed)
    alliance = ["bordin_sac", "srs", "wai_sr"]
    outcomes = ["phq9", "gad7", "core10", "ors"]
    out = []
    for e in range(n):
        couple = rng.random() < 0.3
        clients = (f"r{seed}-{e}-a", f"r{seed}-{e}-b") if couple else (f"r{seed}-{e}-a",)
        sessions = sorted(rng.sample(range(1, 20), rng.randint(1, 14)))
        a_inst = rng.choice(alliance)
        o_inst = rng.choice(outcomes)
        ratings = []
        for client in clients:
            level = rng.uniform(0.5, 1.0)
            o_level = rng.uniform(0.2, 0.8)
            for k, s in enumerate(sessions):
                drift = -0.3 if rng.random() < 0.15 else 0.0
                facts = registry_scale(a_inst)
                ratings.append(
                    _random_rating(
                        rng, client, s, a_inst, facts.score_min + level * facts.span, drift
                    )
                )
                if not couple or rng.random() < 0.5:
                    of = registry_scale(o_inst)
                    ratings.append(
                        _random_rating(
                            rng,
                            client,
                            s,
                            o_inst,
                            of.score_min + o_level * of.span,
                            0.02 * k * rng.choice([-1, 1]),
                        )
                    )
        out.append(
            EpisodeHistory(
                f"r{seed}-{e}",
                "couple" if couple else "individual",
                clients,
                tuple(ratings),
                ended=rng.random() < 0.3,
            )
        )
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_and_pure_give_identical_signals_on_random_histories(seed: int) -> None:
    histories = _random_histories(seed, 120)
    pure = _pure(histories)
    assert len(pure) > 50
    assert _bulk(histories) == pure


def test_bulk_and_pure_agree_on_the_hard_synthetic_cases() -> None:
    cases = generate_signal_cases(8, 5)
    histories = list(cases.histories)
    pure = _pure(histories)
    assert {k[3] for k in pure} >= {
        "rupture",
        "rupture_repaired",
        "split_alliance",
        "not_on_track",
        "risk",
        "disengagement",
    }
    assert _bulk(histories) == pure


def test_bulk_and_pure_agree_under_other_settings() -> None:
    histories = _random_histories(4, 80)
    config = SignalConfig(
        sensitive_sd=1.5,
        min_prior_sessions=2,
        ceiling_min_drop_fraction=0.025,
        repair_window=2,
        split_min_sessions=1,
        cutoff_requires_sd=0.0,
        amber_sd=0.5,
    )
    assert _bulk(histories, config) == _pure(histories, config)


def test_an_empty_table_gives_no_signals() -> None:
    frame = pd.DataFrame(
        columns=["episode_id", "client_id", "session_number", "date", "instrument", "score"]
    )
    result = bulk_signals(frame)
    assert result.empty
    assert list(result.columns) == list(SIGNAL_COLUMNS)


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="missing columns: score"):
        bulk_signals(
            pd.DataFrame(
                {"episode_id": [], "client_id": [], "session_number": [], "instrument": []}
            )
        )


def test_bulk_and_pure_agree_on_a_new_rupture_after_one_that_never_came_back() -> None:
    def sac(client: str, session: int, total: int) -> Rating:
        base, extra = divmod(total, 4)
        items = {k: float(base + (1 if i < extra else 0)) for i, k in enumerate(_SAC_ITEMS)}
        return Rating(
            client,
            session,
            START + dt.timedelta(weeks=session - 1),
            "bordin_sac",
            float(total),
            items,
        )

    runs = {
        "collapse": [36, 37, 36, 37, 28, 33, 33, 32, 33, 10, 12, 11, 30],
        "slide": [36, 36, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 20],
        "twice": [38, 38, 37, 38, 30, 31, 32, 31, 30, 20, 21, 22, 21, 20, 8],
    }
    histories = [
        EpisodeHistory(
            name,
            "individual",
            (f"{name}-a",),
            tuple(sac(f"{name}-a", k, t) for k, t in enumerate(totals, start=1)),
        )
        for name, totals in runs.items()
    ]
    pure = _pure(histories)
    assert ("collapse", "collapse-a", "bordin_sac", "rupture", 10, "high", "unrepaired") in pure
    assert _bulk(histories) == pure


_SAC_ITEMS = ("goals", "tasks", "bond", "overall")
