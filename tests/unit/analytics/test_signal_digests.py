"""The digest of what each episode's signals are worked out from (no database)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import bordin
from bordin.analytics.signals import bulk_signals, frame_from_histories
from bordin.analytics.signals import digest as digests
from bordin.analytics.signals.digest import code_fingerprint, episode_digests
from tests.unit.analytics.test_bulk_signals import NOW, _random_histories


@pytest.fixture(scope="module")
def signals() -> pd.DataFrame:
    frame = bulk_signals(frame_from_histories(_random_histories(7, 120)), now=NOW, details=True)
    assert frame["episode_id"].nunique() > 40
    return frame


def test_an_episode_has_the_same_digest_alone_as_with_the_rest_of_the_practice(
    signals: pd.DataFrame,
) -> None:
    whole = episode_digests(signals)
    episodes = sorted(whole)
    first = signals["episode_id"].isin(episodes[: len(episodes) // 2])
    halves = {
        **episode_digests(signals[first].reset_index(drop=True)),
        **episode_digests(signals[~first].reset_index(drop=True)),
    }
    assert halves == whole
    assert sum(count for _, count in whole.values()) == len(signals)


def test_the_same_numbers_stored_as_integers_or_floats_and_empty_columns_do_not_matter(
    signals: pd.DataFrame,
) -> None:
    whole = episode_digests(signals)
    recast = signals.copy()
    recast["session_number"] = recast["session_number"].astype(float)
    recast["episode_id"] = recast["episode_id"].astype(object)
    recast["never_filled"] = float("nan")
    empty = [c for c in signals.columns if signals[c].isna().all()]
    assert episode_digests(recast) == whole
    assert episode_digests(signals.drop(columns=empty)) == whole


def test_one_changed_value_changes_only_its_episodes_digest(signals: pd.DataFrame) -> None:
    whole = episode_digests(signals)
    changed = signals.copy()
    position = changed.index[len(changed) // 2]
    changed.loc[position, "session_number"] += 1
    episode = changed.loc[position, "episode_id"]
    after = episode_digests(changed)
    assert {e for e in whole if after[e] != whole[e]} == {episode}


def test_the_order_of_an_episodes_signals_is_part_of_its_digest(signals: pd.DataFrame) -> None:
    counts = signals["episode_id"].value_counts()
    episode = counts.index[0]
    assert counts.iloc[0] >= 2
    rows = signals[signals["episode_id"] == episode]
    reversed_rows = rows.iloc[::-1].reset_index(drop=True)
    assert episode_digests(reversed_rows)[episode] != episode_digests(rows)[episode]


def test_a_change_to_the_code_changes_every_digest(
    signals: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = episode_digests(signals)
    monkeypatch.setattr(digests, "code_fingerprint", lambda: b"another version of the rules")
    after = episode_digests(signals)
    assert after.keys() == before.keys()
    assert all(after[e][0] != before[e][0] for e in before)


def test_the_code_fingerprint_reads_the_rules_and_the_words_they_are_explained_in() -> None:
    root = Path(bordin.__file__).parent
    read = {
        p.relative_to(root).as_posix()
        for p in digests._python_files(root / part for part in digests._CODE)
    }
    assert {
        "analytics/signals/explain.py",
        "analytics/signals/frame.py",
        "domain/alliance/__init__.py",
        "services/signals.py",
        "services/signals_bulk.py",
    } <= read
    assert len(code_fingerprint()) == 16


def test_a_column_filled_for_one_episode_alone_leaves_the_others_digests_as_they_were(
    signals: pd.DataFrame,
) -> None:
    whole = episode_digests(signals)
    episode = signals["episode_id"].iloc[0]
    extended = signals.assign(
        extra=[1.5 if e == episode else float("nan") for e in signals["episode_id"]]
    )
    after = episode_digests(extended)
    assert {e for e in whole if after[e] != whole[e]} == {episode}
