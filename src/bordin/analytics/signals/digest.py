"""A digest of what each episode's signals are worked out from, to know when nothing changed.

The whole-practice recompute words every signal (an explanation, a summary, JSON), which costs
more than finding the signals. An episode's words are a function of its rows in the frame that
:func:`bordin.analytics.signals.bulk_signals` returns (``details=True``), in order, and of the
code that words them. :func:`episode_digests` digests both, per episode: when the digest stored
with an episode's signals matches, the recompute need not word them again.

Equal inputs give equal digests in any process and on any run: each value is hashed by what it
is (an integer and the same number as a float alike, text as UTF-8, a missing value as nothing
at all), so neither the columns a part of the frame happens to have nor their dtypes matter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import bordin

#: The code whose change can change what a signal says: the rules and their explanations, and
#: the services that store them. Every Python file under these paths is read once a process.
_CODE = ("domain", "analytics", "services/signals.py", "services/signals_bulk.py")

_NUMBERS = {"integer", "floating", "mixed-integer-float", "boolean", "decimal"}


@cache
def code_fingerprint() -> bytes:
    """An MD5 digest of the code that works out and words signals, and of the versions of the
    libraries that compute with it."""
    root = Path(bordin.__file__).parent
    digest = hashlib.md5(usedforsecurity=False)
    for path in _python_files(root / part for part in _CODE):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(f"numpy {np.__version__} pandas {pd.__version__}".encode())
    return digest.digest()


def _python_files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return found


def _values(column: pd.Series) -> np.ndarray:
    """A column's values in a form whose hash depends only on what they are: numbers as floats,
    anything else as the text of its ``repr`` (a tuple of sessions, say)."""
    values: np.ndarray
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    elif (kind := pd.api.types.infer_dtype(column, skipna=True)) in _NUMBERS:
        values = pd.to_numeric(column.astype(object)).to_numpy(dtype=np.float64, na_value=np.nan)
    elif kind == "string":
        values = column.to_numpy(dtype=object, na_value="")
    else:
        values = column.map(repr, na_action="ignore").to_numpy(dtype=object, na_value="")
    return values


def _name_key(name: str) -> np.uint64:
    return np.uint64(int.from_bytes(hashlib.md5(name.encode()).digest()[:8], "little"))


def row_hashes(signals: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row of ``signals``, over its non-missing values and their columns'
    names (a missing value adds nothing, so a column absent and a column empty are alike)."""
    combined = np.zeros(len(signals), dtype=np.uint64)
    for name in sorted(map(str, signals.columns)):
        column = signals[name]
        present = column.notna().to_numpy()
        if not present.any():
            continue
        hashed = pd.util.hash_array(_values(column), categorize=False)
        mixed = pd.util.hash_array(hashed ^ _name_key(name), categorize=False)
        combined += np.where(present, mixed, np.uint64(0))  # wraps around, as intended
    return combined


def episode_digests(signals: pd.DataFrame) -> dict[Any, tuple[str, int]]:
    """Episode id -> (hexadecimal digest of its rows in order and of the code, number of rows),
    for every episode with a row in ``signals``."""
    if signals.empty:
        return {}
    hashes = row_hashes(signals)
    codes, episodes = pd.factorize(signals["episode_id"])
    order = np.argsort(codes, kind="stable")
    codes, hashes = codes[order], hashes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    code = code_fingerprint()
    out: dict[Any, tuple[str, int]] = {}
    for episode, start, end in zip(
        episodes.take(codes[starts]).tolist(), starts, ends, strict=True
    ):
        digest = hashlib.md5(code, usedforsecurity=False)
        digest.update(hashes[start:end].tobytes())
        out[episode] = (digest.hexdigest(), int(end - start))
    return out
