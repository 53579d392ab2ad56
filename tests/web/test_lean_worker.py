"""A web worker starts without the analytics libraries (issue 15): they load where they are used
(reports, fitting, bulk jobs), not at start-up; nor with the libraries of occasional requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("pandas", "scipy", "statsmodels", "matplotlib", "sklearn")
#: Libraries for one kind of request each (a subject access archive, a calendar, an SMS), loaded
#: by the first such request.
OCCASIONAL = ("fhir", "fhir_core", "icalendar", "httpx")

START_A_WORKER = """
import json, sys
from bordin.settings import Settings
from bordin.web.app import create_app

create_app(Settings(
    environment="test",
    data_dir=sys.argv[1],
    secret_key="lean-worker-test-secret-key",
    encryption_key="lean-worker-test-passphrase",
    notify_transport="memory",
))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The top-level packages a freshly started web worker has imported."""
    result = subprocess.run(
        [sys.executable, "-c", START_A_WORKER, str(tmp_path_factory.mktemp("worker"))],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=True,
        timeout=120,
    )
    modules = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "fastapi" in modules and "bordin" in modules
    return modules


def test_it_starts_a_web_worker_without_loading_the_analytics_libraries(loaded: set[str]) -> None:
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_it_starts_a_web_worker_without_the_libraries_of_occasional_requests(
    loaded: set[str],
) -> None:
    assert loaded.isdisjoint(OCCASIONAL), sorted(loaded & set(OCCASIONAL))
