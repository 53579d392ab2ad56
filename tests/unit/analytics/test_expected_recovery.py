"""Fitting a practice's own expected recovery curve with statsmodels MixedLM."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bordin.analytics.expected_recovery import fit_expected_recovery


def _practice(episodes: int, seed: int = 0) -> pd.DataFrame:
    """Scores that follow intake + (1.2 - 0.4 * intake) * log(t) with known random effects."""
    rng = np.random.default_rng(seed)
    rows = []
    for e in range(episodes):
        intake = rng.uniform(8, 24)
        slope_noise = rng.normal(0, 0.8)
        offset = rng.normal(0, 1.5)
        for t in range(1, int(rng.integers(4, 14))):
            lt = math.log(t)
            score = intake
            if t > 1:
                score += (1.2 - 0.4 * intake) * lt + slope_noise * lt + offset + rng.normal(0, 1.5)
            rows.append(
                {"episode_id": f"e{e}", "session_number": t, "score": score, "instrument": "phq9"}
            )
    rows.append({"episode_id": "other", "session_number": 1, "score": 30.0, "instrument": "ors"})
    return pd.DataFrame(rows)


def test_it_recovers_the_curve_it_was_given_and_says_how_many_episodes_it_used() -> None:
    model = fit_expected_recovery(_practice(300), "phq9", 50)
    assert model is not None
    assert abs(model.b1 - (-0.4)) < 0.05
    assert abs(model.b0 - 1.2) < 0.8
    assert 0.2 < model.var_slope < 1.5
    assert 1.0 < model.var_residual < 4.0
    assert model.source == "fitted"
    assert model.label == "fitted on 300 practice episodes"
    assert model.expected(20, 8) < 20


def test_it_returns_nothing_until_enough_episodes_are_complete() -> None:
    assert fit_expected_recovery(_practice(30), "phq9", 50) is None


def test_it_ignores_other_instruments() -> None:
    assert fit_expected_recovery(_practice(60), "gad7", 10) is None
