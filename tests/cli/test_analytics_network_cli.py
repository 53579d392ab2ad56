"""``bordin analytics network`` on a small synthetic network, with a real Dask LocalCluster
(two worker processes), checked against the practice overview's own functions run with pandas
on the same files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bordin.analytics.expected_recovery import fit_expected_recovery
from bordin.analytics.network import episode_records
from bordin.reports.outcomes import (
    alliance_outcome_association,
    summarise_outcomes,
    therapist_comparison,
)

ROOT = Path(__file__).resolve().parents[2]
BORDIN = [sys.executable, "-m", "bordin.cli"]


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, env=os.environ.copy(), timeout=900, check=False
    )


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], str]:
    folder = tmp_path_factory.mktemp("network")
    files = folder / "exports"
    made = run(
        [sys.executable, str(ROOT / "bench" / "network_data.py"), "--rows", "8000",
         "--practices", "4", "--seed", "7", "--out", str(files)]
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    report, figures = folder / "report.md", folder / "figures.json"
    done = run(
        [*BORDIN, "analytics", "network", str(files), "--out", str(report), "--json",
         str(figures), "--workers", "2"]
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return files, json.loads(figures.read_text()), report.read_text()


def test_it_runs_on_a_local_dask_cluster_and_says_so(
    network: tuple[Path, dict[str, Any], str],
) -> None:
    _, figures, report = network
    assert figures["scheduler"] == "Dask, 2 workers"
    assert figures["files"] == 4 and figures["practices"] == 4
    assert "This is not a league table" in report
    assert "clients recovered" in report


def test_the_rates_equal_the_practice_overview_functions_on_the_same_data(
    network: tuple[Path, dict[str, Any], str],
) -> None:
    files, figures, _ = network
    expected = summarise_outcomes(episode_records(files))
    assert figures["summary"]["episodes"] == expected.episodes > 300
    for got, want in zip(figures["summary"]["rates"], expected.rates, strict=True):
        assert (got["count"], got["denominator"]) == (want.count, want.denominator)
        assert got["ci_lower"] == pytest.approx(want.ci_lower, abs=1e-12)
        assert got["ci_upper"] == pytest.approx(want.ci_upper, abs=1e-12)


def test_the_alliance_outcome_link_equals_the_practice_overview_function(
    network: tuple[Path, dict[str, Any], str],
) -> None:
    files, figures, _ = network
    expected = alliance_outcome_association(episode_records(files))
    got = figures["association"]
    assert got["n"] == expected.n
    assert got["r"] == pytest.approx(expected.r, abs=1e-9)
    assert got["ci_lower"] == pytest.approx(expected.ci_lower, abs=1e-9)
    assert got["p_value"] == pytest.approx(expected.p_value, rel=1e-6)
    assert expected.mixed_model is not None  # every episode is in the sample at this size
    assert got["mixed_model"]["alliance_coefficient"] == pytest.approx(
        expected.mixed_model.alliance_coefficient, rel=1e-6
    )


def test_therapist_effects_equal_the_practice_overview_regression(
    network: tuple[Path, dict[str, Any], str],
) -> None:
    files, figures, _ = network
    expected = {e.therapist_id: e for e in therapist_comparison(episode_records(files))}
    got = [e for e in figures["therapists_estimated"] if e["adjusted_difference"] is not None]
    assert len(got) >= 10
    for estimate in got:
        want = expected[estimate["therapist_id"]]
        assert estimate["n"] == want.n
        assert estimate["adjusted_difference"] == pytest.approx(want.adjusted_difference, abs=1e-9)
        assert estimate["ci_lower"] == pytest.approx(want.ci_lower, abs=1e-9)
        assert estimate["overlaps_practice_mean"] == want.overlaps_practice_mean
    ids = [e["therapist_id"] for e in figures["therapists_estimated"]]
    assert ids == sorted(ids)  # alphabetical by pseudonym, never by effect


def test_the_recovery_curves_equal_a_fit_on_the_same_ratings(
    network: tuple[Path, dict[str, Any], str],
) -> None:
    files, figures, _ = network
    ratings = pd.read_parquet(files, filters=[("measure_role", "==", "outcome")])
    long = pd.DataFrame(
        {
            "episode_id": ratings["practice"] + "/" + ratings["episode"],
            "session_number": ratings["rating_number"],
            "score": ratings["score"],
            "instrument": ratings["instrument"],
        }
    )
    for curve in figures["curves"]:
        assert curve["episodes_sampled"] == curve["episodes_available"]  # small: all of them
        want = fit_expected_recovery(long, curve["instrument"], min_episodes=50)
        assert want is not None and curve["model"] is not None
        assert curve["model"]["b0"] == pytest.approx(want.b0, rel=1e-6)
        assert curve["model"]["b1"] == pytest.approx(want.b1, rel=1e-6)


def test_a_folder_without_parquet_files_is_refused_naming_it(tmp_path: Path) -> None:
    done = run([*BORDIN, "analytics", "network", str(tmp_path), "--out", str(tmp_path / "r.md")])
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: SOURCE: no Parquet files at {tmp_path}"
    assert not (tmp_path / "r.md").exists()
