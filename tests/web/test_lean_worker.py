"""A web worker starts without the analytics libraries (issue 15): they load where they are used
(reports, fitting, bulk jobs), not at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "scipy", "statsmodels", "matplotlib", "sklearn")

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


def test_it_starts_a_web_worker_without_loading_the_analytics_libraries(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", START_A_WORKER, str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=True,
        timeout=120,
    )
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "fastapi" in loaded and "bordin" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
