"""The practice-overview statistics across a network of practices, from their research exports.

Input: Parquet files in the research export's ratings layout (docs/research-export.md), one or
more per practice. Output: :class:`NetworkResult`, the same figures as the practice overview
(``reports/outcomes.py``) computed over every file together:

* **Outcome rates** (recovery, reliable improvement, reliable deterioration, dropout) with Wilson
  intervals, network-wide and per practice: counts are summed with Dask, then
  :func:`~bordin.reports.outcomes.wilson_rate` runs on the totals.
* **The alliance–outcome link**: Pearson's r from sums (n, Σx, Σy, Σx², Σy², Σxy per measure,
  so that several measures are put on one footing exactly as
  :func:`~bordin.reports.outcomes.alliance_outcome_association` does), with
  :func:`~bordin.reports.outcomes.fisher_ci`; the mixed model (random intercept per therapist)
  is that same function run on a fixed sample of episodes, because a mixed model does not
  reduce to sums.
* **Case-mix adjusted therapist effects**: the regression of
  :func:`~bordin.reports.outcomes.therapist_comparison` (improvement on standardised intake and
  measure) from its sufficient statistics X'X, X'y and y'y, and each therapist's mean residual
  from their sums of y and X. Therapists are keyed by practice and pseudonym, kept in
  alphabetical order of that key, and never ranked; ``pooled`` therapists (fewer than 5
  research clients) stay in the regression but get no estimate.
* **Expected recovery curves**: :func:`~bordin.analytics.expected_recovery.fit_expected_recovery`
  on the ratings of a fixed sample of at most ``max_curve_episodes`` episodes per measure (the
  mixed model is fitted in memory; 1,000 episodes, as for one practice's own curve).

Samples are chosen by the episode pseudonym (its first 8 hex digits as a number below a
threshold), so they are the same on every run and every scheduler.

Dask does the data-parallel work (reading, filtering, group sums); the fits run on the small
aggregated results. The same partition functions run on one pandas frame when no Dask client is
given, which is how tests and the benchmark compare the two.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bordin.analytics.expected_recovery import DEFAULT_MAX_EPISODES, fit_expected_recovery
from bordin.domain.alliance.recovery import ExpectedRecoveryModel
from bordin.domain.research import POOLED
from bordin.reports.outcomes import (
    FLUCKIGER_2018,
    INSUFFICIENT_DATA,
    NOT_CASE,
    RECOVERED,
    RELIABLY_DETERIORATED,
    RELIABLY_IMPROVED,
    MetaAnalyticBenchmark,
    MixedModelResult,
    OutcomeRecord,
    OutcomeSummary,
    Rate,
    TherapistEstimate,
    alliance_outcome_association,
    fisher_ci,
    wilson_rate,
)

#: Columns read for the episode-level statistics (one row per client's episode).
EPISODE_COLUMNS = [
    "practice",
    "therapist",
    "episode",
    "primary_instrument",
    "intake",
    "final",
    "improvement",
    "classification",
    "dropped_out",
    "early_alliance_percent",
    "higher_is_better",
]
#: The row that stands for its episode: the first rating on the primary outcome measure.
EPISODE_FILTER = [("measure_role", "==", "outcome"), ("rating_number", "==", 1)]
DEFAULT_CURVE_EPISODES = DEFAULT_MAX_EPISODES  # as a practice's own fit: 1,000 episodes
DEFAULT_MIXED_MODEL_EPISODES = 3000
MIN_EPISODES = 5
CASE_BASE = "finished episodes that started at caseness"


@dataclass(frozen=True)
class PracticeRates:
    practice: str
    episodes: int
    recovery: Rate
    reliable_deterioration: Rate
    dropout: Rate


@dataclass(frozen=True)
class NetworkAssociation:
    n: int
    r: float | None
    ci_lower: float | None
    ci_upper: float | None
    p_value: float | None
    unit: str
    reason: str | None
    mixed_model: MixedModelResult | None
    mixed_model_reason: str | None
    mixed_model_sample: int
    benchmark: MetaAnalyticBenchmark = FLUCKIGER_2018


@dataclass(frozen=True)
class RecoveryCurve:
    instrument: str
    episodes_available: int
    episodes_sampled: int
    model: ExpectedRecoveryModel | None


@dataclass(frozen=True)
class NetworkResult:
    files: int
    practices: int
    therapists: int
    summary: OutcomeSummary
    by_practice: tuple[PracticeRates, ...]
    association: NetworkAssociation
    therapists_estimated: tuple[TherapistEstimate, ...]
    therapist_unit: str
    pooled_episodes: int
    curves: tuple[RecoveryCurve, ...]
    scheduler: str
    seconds: dict[str, float] = field(default_factory=dict)


# --- how the work is run: Dask, or one pandas frame ----------------------------------------


class Engine:
    """Reads the files and computes collections: Dask with a client, else pandas in-process."""

    def __init__(self, paths: Sequence[Path], client: Any | None = None) -> None:
        self.paths = [str(p) for p in paths]
        self.client = client

    @property
    def name(self) -> str:
        if self.client is None:
            return "pandas, one process"
        workers = len(self.client.scheduler_info().get("workers", {}))
        return f"Dask, {workers} worker{'s' if workers != 1 else ''}"

    def read(self, columns: list[str], filters: list[tuple[str, str, Any]]) -> Any:
        if self.client is None:
            return pd.read_parquet(self.paths, columns=columns, filters=filters)
        import dask.dataframe as dd

        return dd.read_parquet(self.paths, columns=columns, filters=filters)

    def persist(self, frame: Any) -> Any:
        if self.client is None:
            return frame
        # Persisting read_parquet's output directly gave partitions that would not concatenate
        # afterwards (dask 2026.8.0); a copy step in between persists ordinary frames.
        copied = frame.map_partitions(pd.DataFrame.copy, meta=frame._meta)
        return copied.persist()

    def map(self, frame: Any, function: Callable[..., pd.DataFrame], **kwargs: Any) -> Any:
        if self.client is None:
            return function(frame, **kwargs)
        meta = function(frame._meta, **kwargs)
        return frame.map_partitions(function, meta=meta, **kwargs)

    def compute(self, *collections: Any) -> tuple[Any, ...]:
        if self.client is None:
            return collections
        import dask

        return tuple(dask.compute(*collections))  # type: ignore[attr-defined,no-untyped-call]


def parquet_files(source: Path) -> list[Path]:
    """The Parquet files of a folder (sorted), or the one file given."""
    if source.is_dir():
        return sorted(p for p in source.rglob("*.parquet") if p.is_file())
    return [source]


# --- partition functions (pandas in, pandas out; the same under Dask) ------------------------


def _rate_columns(episodes: pd.DataFrame) -> pd.DataFrame:
    c = episodes["classification"]
    has_final = episodes["final"].notna()
    finished = has_final & (c != INSUFFICIENT_DATA)
    return pd.DataFrame(
        {
            "practice": episodes["practice"],
            "episodes": 1,
            "finished": finished.astype("int64"),
            "at_caseness": (finished & (c != NOT_CASE)).astype("int64"),
            "recovered": (c == RECOVERED).astype("int64"),
            "improved": c.isin([RECOVERED, RELIABLY_IMPROVED]).astype("int64"),
            "deteriorated": (c == RELIABLY_DETERIORATED).astype("int64"),
            "dropped": episodes["dropped_out"].astype("int64"),
        }
    )


def _instrument_columns(episodes: pd.DataFrame) -> pd.DataFrame:
    """Per-episode terms whose sums per measure give intake spread and the correlation."""
    usable = episodes["improvement"].notna()
    allied = usable & episodes["early_alliance_percent"].notna()
    intake = episodes["intake"].where(usable, 0.0)
    x = episodes["early_alliance_percent"].where(allied, 0.0)
    y = episodes["improvement"].where(allied, 0.0)
    intake_a = episodes["intake"].where(allied, 0.0)
    return pd.DataFrame(
        {
            "instrument": episodes["primary_instrument"],
            "n": usable.astype("int64"),
            "s_intake": intake,
            "ss_intake": intake * intake,
            "na": allied.astype("int64"),
            "s_intake_a": intake_a,
            "ss_intake_a": intake_a * intake_a,
            "sx": x,
            "sxx": x * x,
            "sy": y,
            "syy": y * y,
            "sxy": x * y,
        }
    )


def _design_columns(
    episodes: pd.DataFrame, *, scale: dict[str, tuple[float, float]], single: bool
) -> pd.DataFrame:
    """The therapist regression's design (1, standardised intake, measure dummies) and y."""
    instruments = sorted(scale)
    kept = episodes["improvement"].notna() & episodes["primary_instrument"].isin(instruments)
    part = episodes[kept]
    means = part["primary_instrument"].map({k: v[0] for k, v in scale.items()}).astype(float)
    sds = part["primary_instrument"].map({k: v[1] for k, v in scale.items()}).astype(float)
    columns: dict[str, Any] = {
        "therapist": part["practice"] + "/" + part["therapist"],
        "x0": np.ones(len(part)),
        "x1": ((part["intake"] - means) / sds).to_numpy(dtype=float),
    }
    for k, instrument in enumerate(instruments[1:], start=2):
        columns[f"x{k}"] = (part["primary_instrument"] == instrument).to_numpy(dtype=float)
    y = part["improvement"].to_numpy(dtype=float)
    columns["y"] = y if single else y / sds.to_numpy(dtype=float)
    frame = pd.DataFrame(columns, index=part.index)
    xs = [c for c in frame.columns if c.startswith("x")]
    for i, a in enumerate(xs):
        for b in xs[i:]:
            frame[f"{a}*{b}"] = frame[a] * frame[b]
        frame[f"{a}*y"] = frame[a] * frame["y"]
    frame["y*y"] = frame["y"] * frame["y"]
    return frame


def _sample_key(episodes: pd.Series) -> pd.Series:
    """A number in [0, 1) from each episode pseudonym's first 8 hex digits."""
    return episodes.str.slice(0, 8).map(lambda h: int(h, 16) / 16**8)


# --- the statistics from the sums ----------------------------------------------------------


def _summary(totals: pd.Series, instruments: Iterable[str]) -> OutcomeSummary:
    case = int(totals["at_caseness"])
    return OutcomeSummary(
        episodes=int(totals["episodes"]),
        finished=int(totals["finished"]),
        at_caseness=case,
        recovery=wilson_rate("Recovery", int(totals["recovered"]), case, CASE_BASE),
        reliable_improvement=wilson_rate(
            "Reliable improvement", int(totals["improved"]), case, CASE_BASE
        ),
        reliable_deterioration=wilson_rate(
            "Reliable deterioration", int(totals["deteriorated"]), case, CASE_BASE
        ),
        dropout=wilson_rate(
            "Dropout", int(totals["dropped"]), int(totals["episodes"]), "ended episodes"
        ),
        instruments=tuple(sorted(instruments)),
    )


def _scale(n: float, s: float, ss: float) -> tuple[float, float] | None:
    """Mean and SD (ddof 1) from a count, a sum and a sum of squares; None without spread."""
    if n < 2:
        return None
    mean = s / n
    var = max(0.0, (ss - s * s / n) / (n - 1))
    return (mean, math.sqrt(var)) if var > 0 else None


def _association(sums: pd.DataFrame) -> tuple[float, float, float | None, float | None, str]:
    """n, r, p and unit from per-measure sums, on the footing of ``_prepare`` in outcomes."""
    from scipy import stats

    scale = {
        i: s
        for i, row in sums.iterrows()
        if (s := _scale(row["na"], row["s_intake_a"], row["ss_intake_a"])) is not None
    }
    single = len(scale) == 1
    unit = f"{next(iter(scale))} points" if single else "intake SDs" if scale else "points"
    n = sx = sxx = sy = syy = sxy = 0.0
    for instrument, (_, sd) in scale.items():
        row = sums.loc[instrument]
        d = 1.0 if single else sd
        n += row["na"]
        sx += row["sx"]
        sxx += row["sxx"]
        sy += row["sy"] / d
        syy += row["syy"] / d**2
        sxy += row["sxy"] / d
    if n < 4:
        return n, math.nan, None, None, unit
    var_x, var_y = sxx - sx * sx / n, syy - sy * sy / n
    if var_x <= 0 or var_y <= 0:
        return n, math.nan, None, None, unit
    r = (sxy - sx * sy / n) / math.sqrt(var_x * var_y)
    r = min(1.0, max(-1.0, r))
    t = r * math.sqrt((n - 2) / max(1e-300, 1 - r * r))
    p = float(2 * stats.t.sf(abs(t), n - 2))
    return n, r, p, None, unit


def _therapists(
    sums: pd.Series,
    by_therapist: pd.DataFrame,
    p: int,
    unit: str,
    min_episodes: int,
) -> list[TherapistEstimate]:
    from scipy import stats

    xs = [f"x{k}" for k in range(p)]
    xtx = np.zeros((p, p))
    for i, a in enumerate(xs):
        for j in range(i, p):
            xtx[i, j] = xtx[j, i] = sums[f"{a}*{xs[j]}"]
    xty = np.array([sums[f"{a}*y"] for a in xs])
    n = int(sums["x0"])
    if n <= p + 1:
        return []
    beta, *_ = np.linalg.lstsq(xtx, xty, rcond=None)
    rank = int(np.linalg.matrix_rank(xtx))
    df = n - rank
    rss = float(sums["y*y"] - 2 * beta @ xty + beta @ xtx @ beta)
    pooled_sd = math.sqrt(max(rss, 0.0) / df)
    t_crit = float(stats.t.ppf(0.975, df))
    estimates = []
    for key, row in by_therapist.sort_index().iterrows():
        if str(key).endswith("/" + POOLED):
            continue
        k = int(row["x0"])
        if k < min_episodes:
            note = (
                f"{k} finished episode(s); at least {min_episodes} are needed before an "
                "estimate says more than chance."
            )
            estimates.append(
                TherapistEstimate(str(key), str(key), k, None, None, None, None, unit, note)
            )
            continue
        mean = float((row["y"] - row[xs].to_numpy(dtype=float) @ beta) / k)
        half = t_crit * pooled_sd / math.sqrt(k)
        lo, hi = mean - half, mean + half
        estimates.append(
            TherapistEstimate(str(key), str(key), k, mean, lo, hi, bool(lo <= 0.0 <= hi), unit)
        )
    return estimates


def _records(episodes: pd.DataFrame) -> list[OutcomeRecord]:
    """OutcomeRecords from episode rows (for the functions that need records)."""
    records = []
    for row in episodes.itertuples(index=False):
        records.append(
            OutcomeRecord(
                episode_id=f"{row.practice}/{row.episode}",
                therapist_id=f"{row.practice}/{row.therapist}",
                client_id=f"{row.practice}/{row.episode}",
                instrument_id=str(row.primary_instrument),
                intake=float(row.intake),
                final=None if pd.isna(row.final) else float(row.final),
                classification=str(row.classification),
                dropped_out=bool(row.dropped_out),
                early_alliance=(
                    None
                    if pd.isna(row.early_alliance_percent)
                    else float(row.early_alliance_percent)
                ),
                higher_is_better=bool(row.higher_is_better),
            )
        )
    return records


def episode_records(source: Path) -> list[OutcomeRecord]:
    """Every episode of the files as an OutcomeRecord, read with pandas (for checks and tests)."""
    frame = pd.read_parquet(
        [str(p) for p in parquet_files(source)], columns=EPISODE_COLUMNS, filters=EPISODE_FILTER
    )
    return _records(frame)


# --- the whole analysis --------------------------------------------------------------------


def analyse_network(
    source: Path,
    *,
    client: Any | None = None,
    min_episodes: int = MIN_EPISODES,
    max_curve_episodes: int = DEFAULT_CURVE_EPISODES,
    max_mixed_model_episodes: int = DEFAULT_MIXED_MODEL_EPISODES,
) -> NetworkResult:
    """The practice-overview statistics over every Parquet file under ``source``.

    ``client`` is a ``distributed.Client`` (Dask); None runs the same steps with pandas in this
    process.
    """
    paths = parquet_files(source)
    if not paths:
        from bordin.domain.errors import InvalidInput

        raise InvalidInput(f"no Parquet files in {source}", field="source")
    engine = Engine(paths, client)
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    # 1. One row per episode, kept in memory (on the workers, under Dask).
    episodes = engine.persist(engine.read(EPISODE_COLUMNS, EPISODE_FILTER))
    rate_sums = engine.map(episodes, _rate_columns).groupby("practice").sum()
    inst_sums = engine.map(episodes, _instrument_columns).groupby("instrument").sum()
    therapist_keys = episodes.groupby(["practice", "therapist"]).size()
    rate_sums, inst_sums, therapist_keys = engine.compute(rate_sums, inst_sums, therapist_keys)
    seconds["read_and_count"] = time.perf_counter() - started

    totals = rate_sums.sum()
    by_practice = tuple(
        PracticeRates(
            practice=str(practice),
            episodes=int(row["episodes"]),
            recovery=wilson_rate(
                "Recovery", int(row["recovered"]), int(row["at_caseness"]), CASE_BASE
            ),
            reliable_deterioration=wilson_rate(
                "Reliable deterioration",
                int(row["deteriorated"]),
                int(row["at_caseness"]),
                CASE_BASE,
            ),
            dropout=wilson_rate(
                "Dropout", int(row["dropped"]), int(row["episodes"]), "ended episodes"
            ),
        )
        for practice, row in rate_sums.sort_index().iterrows()
    )
    summary = _summary(totals, inst_sums.index)

    # 2. The therapist regression's sufficient statistics.
    step = time.perf_counter()
    scale = {
        str(i): s
        for i, row in inst_sums.iterrows()
        if (s := _scale(row["n"], row["s_intake"], row["ss_intake"])) is not None
    }
    single = len(scale) == 1
    unit = f"{next(iter(scale))} points" if single else "intake SDs" if scale else "points"
    estimates: list[TherapistEstimate] = []
    pooled_episodes = 0
    if scale:
        design = engine.map(episodes, _design_columns, scale=scale, single=single)
        p = 2 + len(scale) - 1
        xs = [f"x{k}" for k in range(p)]
        column_sums = design.drop(columns=["therapist"]).sum()
        by_therapist = design[["therapist", "y", *xs]].groupby("therapist").sum()
        column_sums, by_therapist = engine.compute(column_sums, by_therapist)
        estimates = _therapists(column_sums, by_therapist, p, unit, min_episodes)
        pooled = by_therapist[by_therapist.index.str.endswith("/" + POOLED)]
        pooled_episodes = int(pooled["x0"].sum())
    seconds["therapists"] = time.perf_counter() - step

    # 3. The alliance-outcome correlation from sums; the mixed model on a fixed sample.
    step = time.perf_counter()
    n, r, p_value, _, assoc_unit = _association(inst_sums)
    reason = None
    lower = upper = None
    r_value: float | None = None
    if math.isnan(r):
        reason = (
            f"Only {int(n)} finished episodes with an early-alliance rating; at least 4 are "
            "needed, with some spread in both."
        )
        p_value = None
    else:
        r_value = r
        lower, upper = fisher_ci(r, int(n))
    allied_total = int(inst_sums["na"].sum())
    fraction = min(1.0, max_mixed_model_episodes / max(1, allied_total))
    allied = episodes[
        episodes["improvement"].notnull() & episodes["early_alliance_percent"].notnull()
    ]
    sampled = allied[_sample_key_for(engine, allied) < fraction]
    (sample_frame,) = engine.compute(sampled)
    association = alliance_outcome_association(_records(sample_frame))
    seconds["alliance"] = time.perf_counter() - step

    # 4. Expected recovery curves on a fixed sample of episodes per measure.
    step = time.perf_counter()
    curves = []
    finished_by_instrument = inst_sums["n"]
    keys_by_instrument: dict[str, list[str]] = {}
    usable = episodes[episodes["improvement"].notnull()][["episode", "primary_instrument"]]
    (usable_frame,) = engine.compute(usable)
    usable_frame = usable_frame.assign(key=_sample_key(usable_frame["episode"]))
    for instrument, group in usable_frame.groupby("primary_instrument"):
        available = int(finished_by_instrument.get(instrument, 0))
        share = min(1.0, max_curve_episodes / max(1, available))
        keys_by_instrument[str(instrument)] = sorted(group.loc[group["key"] < share, "episode"])
    wanted = sorted({e for keys in keys_by_instrument.values() for e in keys})
    ratings = engine.read(
        ["practice", "episode", "instrument", "rating_number", "score"],
        [("measure_role", "==", "outcome"), ("episode", "in", wanted or ["-"])],
    )
    (ratings_frame,) = engine.compute(ratings)
    long = pd.DataFrame(
        {
            "episode_id": ratings_frame["practice"] + "/" + ratings_frame["episode"],
            "session_number": ratings_frame["rating_number"].astype(int),
            "score": ratings_frame["score"].astype(float),
            "instrument": ratings_frame["instrument"],
        }
    )
    for instrument in sorted(keys_by_instrument):
        model = fit_expected_recovery(long, instrument, min_episodes=50)
        curves.append(
            RecoveryCurve(
                instrument=instrument,
                episodes_available=int(finished_by_instrument.get(instrument, 0)),
                episodes_sampled=len(keys_by_instrument[instrument]),
                model=model,
            )
        )
    seconds["curves"] = time.perf_counter() - step
    seconds["total"] = time.perf_counter() - started

    return NetworkResult(
        files=len(paths),
        practices=len(rate_sums),
        therapists=sum(1 for _, t in therapist_keys.index if t != POOLED),
        summary=summary,
        by_practice=by_practice,
        association=NetworkAssociation(
            n=int(n),
            r=r_value,
            ci_lower=lower,
            ci_upper=upper,
            p_value=p_value,
            unit=assoc_unit,
            reason=reason,
            mixed_model=association.mixed_model,
            mixed_model_reason=association.mixed_model_reason,
            mixed_model_sample=len(sample_frame),
        ),
        therapists_estimated=tuple(estimates),
        therapist_unit=unit,
        pooled_episodes=pooled_episodes,
        curves=tuple(curves),
        scheduler=engine.name,
        seconds={k: round(v, 2) for k, v in seconds.items()},
    )


def _sample_key_for(engine: Engine, frame: Any) -> Any:
    if engine.client is None:
        return _sample_key(frame["episode"])
    return frame["episode"].map_partitions(_sample_key, meta=("episode", "float64"))
