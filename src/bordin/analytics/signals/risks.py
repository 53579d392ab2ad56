"""Endorsed risk items, for every rating at once (always urgent).

The vectorised twin of :func:`bordin.domain.alliance.risk.item_risk_signals`: a risk item
(PHQ-9 item 9, CORE-10 item 6) answered above 0. Crisis feedback is not in the ratings table;
the per-episode function handles it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from bordin.domain.alliance.scale import ScaleFacts


def risk_signals(
    frame: pd.DataFrame,
    facts: Mapping[str, ScaleFacts],
    item_cols: Sequence[str],
    *,
    details: bool,
) -> list[pd.DataFrame]:
    """One ``risk`` row per endorsed risk item; ``score`` is the item's value."""
    out: list[pd.DataFrame] = []
    for instrument_id in frame["instrument"].unique():
        f = facts[str(instrument_id)]
        for position, link in enumerate(f.item_ids, start=1):
            if link not in f.risk_items:
                continue
            col = f"item_{position}"
            if col not in item_cols:
                continue
            sub = frame[(frame["instrument"] == instrument_id) & (frame[col] > 0)]
            if sub.empty:
                continue
            sessions = sub["session_number"].to_numpy(dtype=np.int64)
            part = pd.DataFrame(
                {
                    "episode_id": sub["episode_id"].to_numpy(dtype=object),
                    "client_id": sub["client_id"].to_numpy(dtype=object),
                    "instrument_id": instrument_id,
                    "session_number": sessions,
                    "type": "risk",
                    "severity": "urgent",
                    "status": "open",
                    "rule": "risk.item_endorsed",
                    "score": sub[col].to_numpy(dtype=np.float64),
                    "baseline_mean": np.nan,
                    "z": np.nan,
                    "detail": f"item {position}",
                }
            )
            if details:
                part["sessions"] = pd.Series([(s,) for s in sessions.tolist()], dtype=object)
                part["position"] = position
                part["link_id"] = link
            out.append(part)
    return out
