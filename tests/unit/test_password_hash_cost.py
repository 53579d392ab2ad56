"""The product hashes passwords at argon2's full recommended cost.

The test suite swaps in a cheap hasher (tests/conftest.py), so this check runs in a fresh
interpreter that has not seen the suite's configuration.
"""

from __future__ import annotations

import json
import subprocess
import sys

from argon2 import Parameters, extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY

SCRIPT = """
import json
from bordin.services.users import hash_password
print(json.dumps(hash_password("a long private passphrase")))
"""


def test_a_password_is_hashed_with_argon2id_at_the_rfc_9106_low_memory_cost() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    stored = json.loads(done.stdout)
    used: Parameters = extract_parameters(stored)
    assert stored.startswith("$argon2id$")
    assert used.time_cost >= RFC_9106_LOW_MEMORY.time_cost
    assert used.memory_cost >= RFC_9106_LOW_MEMORY.memory_cost
    assert used.parallelism == RFC_9106_LOW_MEMORY.parallelism
