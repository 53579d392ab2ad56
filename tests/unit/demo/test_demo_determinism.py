"""The demo practice is a pure function of (seed, today, params)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys

from bordin.demo import DemoParams, DemoPractice, generate_demo_practice

TODAY = dt.date(2026, 3, 2)


# ``practice`` (conftest.py) is ``generate_demo_practice(seed=7, today=TODAY)``, built once for
# the package; each test below builds one more practice and compares.


def test_it_gives_the_same_practice_for_the_same_seed_and_day(practice: DemoPractice) -> None:
    assert generate_demo_practice(seed=7, today=TODAY) == practice


def test_it_gives_a_different_practice_for_a_different_seed(practice: DemoPractice) -> None:
    second = generate_demo_practice(seed=8, today=TODAY)
    assert practice.clients != second.clients
    assert practice.episodes != second.episodes


def test_it_uses_seven_as_the_default_seed(practice: DemoPractice) -> None:
    assert generate_demo_practice(today=TODAY) == practice


def test_explicit_default_params_change_nothing(practice: DemoPractice) -> None:
    assert generate_demo_practice(today=TODAY, params=DemoParams()) == practice


_DIGEST = (
    "import datetime, hashlib;"
    "from bordin.demo import generate_demo_practice;"
    "p = generate_demo_practice(seed=7, today=datetime.date(2026, 3, 2));"
    "print(hashlib.sha256(repr(p).encode()).hexdigest())"
)


def test_it_does_not_depend_on_the_interpreters_hash_seed(practice: DemoPractice) -> None:
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True
        )
        digests.add(result.stdout.strip())
    here = hashlib.sha256(repr(practice).encode()).hexdigest()
    assert digests == {here}
