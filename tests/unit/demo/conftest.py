"""Fixtures for the demo-practice tests: the default practice, built once per module."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.unit.demo.demo_checks import TODAY

from bordin.demo import DemoPractice, generate_demo_practice


@pytest.fixture(scope="package")
def practice() -> DemoPractice:
    return generate_demo_practice(seed=7, today=TODAY)


# Other seeds and dates (one just before Christmas, one the Friday before a bank holiday)
# to show that the guarantees do not depend on one lucky draw.
OTHER_DRAWS = [
    (11, dt.date(2025, 12, 19)),
    (2024, dt.date(2026, 5, 1)),
    (123, dt.date(2027, 1, 6)),
]


@pytest.fixture(scope="package", params=[(7, TODAY), *OTHER_DRAWS], ids=lambda p: f"seed{p[0]}")
def any_practice(request: pytest.FixtureRequest) -> DemoPractice:
    seed, today = request.param
    return generate_demo_practice(seed=seed, today=today)
