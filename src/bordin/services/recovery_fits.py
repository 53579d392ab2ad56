"""Fitting a practice's expected-recovery models (pandas and statsmodels), kept apart from
:mod:`bordin.services.signals` so the per-submission recompute never loads them.

The whole-practice recompute (:mod:`bordin.services.signals_bulk`) calls
:func:`refresh_recovery_models`; the per-episode recompute only reads the stored models
(:func:`bordin.services.signals.load_recovery_models`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.analytics.expected_recovery import (
    DEFAULT_MAX_EPISODES,
    DEFAULT_MIN_EPISODES,
    fit_expected_recovery,
)
from bordin.domain.alliance import ExpectedRecoveryModel, registry_scale
from bordin.services.signals import model_from_row
from bordin.storage.tables.signals import RecoveryModelRow

#: Completed episodes a measure needs before the practice's own expected-recovery model replaces
#: the default one, and the most recent completed episodes a fit uses (see
#: :mod:`bordin.analytics.expected_recovery`, where both are documented).
FIT_MIN_EPISODES = DEFAULT_MIN_EPISODES
FIT_MAX_EPISODES = DEFAULT_MAX_EPISODES


def fit_samples(
    ratings: pd.DataFrame, completed: pd.DataFrame, *, max_episodes: int = FIT_MAX_EPISODES
) -> dict[str, pd.DataFrame]:
    """Each outcome measure's fitting sample: its ratings in the most recent completed episodes.

    ``completed`` lists the completed episodes (``episode_id``, ``ended_on``).
    """
    if ratings.empty or "completed" not in ratings.columns:
        return {}
    done = ratings[ratings["completed"] == 1]
    if done.empty:
        return {}
    finished = completed[completed["episode_id"].isin(done["episode_id"].unique())]
    finished = finished.assign(order=finished["ended_on"].fillna("").astype(str))
    recent = finished.sort_values(["order", "episode_id"], ascending=False)["episode_id"]
    done = done[done["episode_id"].isin(recent.head(max_episodes))]
    samples: dict[str, pd.DataFrame] = {}
    for instrument_id in sorted(str(i) for i in done["instrument"].unique()):
        if registry_scale(instrument_id).kind == "outcome":
            sample = done[done["instrument"] == instrument_id]
            samples[instrument_id] = sample[["episode_id", "client_id", "session_number", "score"]]
    return samples


def sample_key(sample: pd.DataFrame, min_episodes: int) -> str:
    """A fingerprint of a fitting sample (and the threshold), to refit only when it changes."""
    ordered = sample.sort_values(["episode_id", "client_id", "session_number"], kind="stable")
    hashed = pd.util.hash_pandas_object(ordered.reset_index(drop=True), index=False)
    digest = hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()[:40]
    return f"{len(ordered)}:{min_episodes}:{digest}"


def refresh_recovery_models(
    db: Session,
    *,
    practice_id: int,
    ratings: pd.DataFrame,
    completed: pd.DataFrame,
    now: datetime,
    min_episodes: int = FIT_MIN_EPISODES,
) -> tuple[dict[str, ExpectedRecoveryModel], list[str]]:
    """The practice's fitted models, refitting only the measures whose sample changed.

    ``ratings`` is the whole-practice ratings table (with a ``completed`` column) and
    ``completed`` the completed episodes (``episode_id``, ``ended_on``). Returns the models to
    use and the measures that were (re)fitted now. A measure whose sample is too small (or whose
    fit fails) has no stored model: the default applies.
    """
    stored = {
        row.instrument_id: row
        for row in db.scalars(
            select(RecoveryModelRow).where(RecoveryModelRow.practice_id == practice_id)
        )
    }
    samples = fit_samples(ratings, completed)
    models: dict[str, ExpectedRecoveryModel] = {}
    refitted: list[str] = []
    for instrument_id, sample in samples.items():
        key = sample_key(sample, min_episodes)
        row = stored.pop(instrument_id, None)
        if row is not None and row.sample_key == key:
            models[instrument_id] = model_from_row(row)
            continue
        if row is not None:
            db.delete(row)
        refitted.append(instrument_id)
        model = fit_expected_recovery(sample, instrument_id, min_episodes)
        if model is None:
            continue
        models[instrument_id] = model
        db.add(
            RecoveryModelRow(
                practice_id=practice_id,
                instrument_id=instrument_id,
                b0=model.b0,
                b1=model.b1,
                var_intercept=model.var_intercept,
                var_slope=model.var_slope,
                cov_intercept_slope=model.cov_intercept_slope,
                var_residual=model.var_residual,
                max_session=model.max_session,
                n_episodes=model.n_episodes,
                label=model.label[:120],
                basis=model.basis[:300],
                sample_key=key,
                fitted_at=now,
            )
        )
    for row in stored.values():  # measures with no completed episodes any more
        db.delete(row)
    db.flush()
    return models, refitted
