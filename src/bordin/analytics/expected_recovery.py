"""Fit a practice's own expected recovery curve (Finch, Lambert & Schaalje 2001) with statsmodels.

The model is the one :class:`~bordin.domain.alliance.recovery.ExpectedRecoveryModel` evaluates::

    score(t) - intake = (b0 + b1 * intake) * log(t) + u0 + u1 * log(t) + e

with t = 1 at intake (capped at ``max_session``), a random intercept ``u0`` and a random slope
``u1`` per client (their variances and covariance), and residual error ``e``. It is fitted by
REML with :class:`statsmodels.regression.mixed_linear_model.MixedLM` on the ratings after intake
of *completed* episodes. Until a practice has ``min_episodes`` of them, ``None`` is returned and
the documented default model applies (:data:`bordin.domain.alliance.DEFAULT_RECOVERY_MODELS`).

If the random slope cannot be estimated (too little data per client, or a singular fit), a
random-intercept model is tried; if that fails too, ``None`` is returned.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from bordin.domain.alliance.recovery import ExpectedRecoveryModel

#: Completed episodes (with a rating after intake) a measure needs before a practice's own model
#: replaces the default one (design choice: the least that gave stable fixed effects on our
#: synthetic practices; Finch et al. 2001 fitted thousands).
DEFAULT_MIN_EPISODES = 50
#: At most this many completed episodes (the most recently ended) enter a practice's fit, which
#: keeps the mixed-model fit to about 3 seconds per measure however large the practice.
DEFAULT_MAX_EPISODES = 1000
MAX_SESSION = 20


def _prepare(df: pd.DataFrame, instrument_id: str, max_session: int) -> pd.DataFrame:
    data = df
    if "instrument" in data.columns:
        data = data[data["instrument"] == instrument_id]
    data = data[data["score"].notna()]
    keys = ["episode_id", "client_id"] if "client_id" in data.columns else ["episode_id"]
    data = data.sort_values([*keys, "session_number"], kind="stable")
    group = data.groupby(keys, sort=False)
    first_session = group["session_number"].transform("first")
    intake = group["score"].transform("first")
    t = (data["session_number"] - first_session + 1).clip(lower=1, upper=max_session)
    prepared = pd.DataFrame(
        {
            "series": group.ngroup().to_numpy(),
            "intake": intake.to_numpy(dtype=float),
            "change": (data["score"] - intake).to_numpy(dtype=float),
            "logt": np.log(t.to_numpy(dtype=float)),
        }
    )
    prepared = prepared[prepared["logt"] > 0.0]
    prepared["intake_logt"] = prepared["intake"] * prepared["logt"]
    return prepared


def fit_expected_recovery(
    df: pd.DataFrame,
    instrument_id: str,
    min_episodes: int = DEFAULT_MIN_EPISODES,
    *,
    max_session: int = MAX_SESSION,
) -> ExpectedRecoveryModel | None:
    """Fit the expected recovery model for one measure from completed episodes.

    ``df`` is a long table with ``episode_id``, ``session_number``, ``score`` and optionally
    ``client_id`` and ``instrument`` (rows of other instruments are ignored). Returns ``None``
    when fewer than ``min_episodes`` episodes have a rating after intake, or the fit fails.
    """
    from statsmodels.regression.mixed_linear_model import MixedLM

    data = _prepare(df, instrument_id, max_session)
    n_series = int(data["series"].nunique()) if not data.empty else 0
    if n_series < max(min_episodes, 2):
        return None
    exog = data[["logt", "intake_logt"]].to_numpy()
    endog = data["change"].to_numpy()
    groups = data["series"].to_numpy()
    attempts = (data[["logt"]].assign(one=1.0)[["one", "logt"]].to_numpy(), np.ones((len(data), 1)))
    for exog_re in attempts:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = MixedLM(endog, exog, groups=groups, exog_re=exog_re).fit(reml=True)
        except (np.linalg.LinAlgError, ValueError):
            continue
        cov = np.asarray(result.cov_re, dtype=float)
        scale = float(result.scale)
        params = np.asarray(result.fe_params, dtype=float)
        if not (np.all(np.isfinite(cov)) and math.isfinite(scale) and np.all(np.isfinite(params))):
            continue
        var_intercept = float(cov[0, 0])
        var_slope = float(cov[1, 1]) if cov.shape[0] > 1 else 0.0
        covariance = float(cov[0, 1]) if cov.shape[0] > 1 else 0.0
        if var_intercept < 0 or var_slope < 0 or scale <= 0:
            continue
        structure = "random intercept and slope" if cov.shape[0] > 1 else "random intercept"
        return ExpectedRecoveryModel(
            instrument_id=instrument_id,
            b0=float(params[0]),
            b1=float(params[1]),
            var_intercept=var_intercept,
            var_slope=var_slope,
            cov_intercept_slope=covariance,
            var_residual=scale,
            source="fitted",
            label=f"fitted on {n_series} practice episodes",
            n_episodes=n_series,
            max_session=max_session,
            basis=f"statsmodels MixedLM (REML), {structure}, {len(data)} ratings after intake",
        )
    return None
