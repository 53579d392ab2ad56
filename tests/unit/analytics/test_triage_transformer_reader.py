"""The transformer reader runs a built folder under onnxruntime, and refuses one it cannot
trust with a message that says what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bordin.analytics.triage_transformer import (
    BATCH,
    MANIFEST,
    MODEL_FILE,
    ReaderUnavailable,
    load,
)
from bordin.domain.triage import triage
from bordin.domain.triage.model import shipped_model
from bordin.services.triage_reader import second_reader
from bordin.settings import Settings
from tests.fixtures.tiny_transformer import write_reader

LIGHT = shipped_model().version


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_reader(tmp_path / "reader")


def test_each_piece_gets_its_own_reading_in_the_order_given(folder: Path) -> None:
    reader = load(folder, light_model=LIGHT)
    texts = ["a zorblax", "quimbly", "Flarnish!", "nothing known here"] * (BATCH // 2)

    found = reader.probabilities(texts)

    assert len(found) == len(texts)
    assert [max(p, key=p.__getitem__) for p in found[:3]] == ["crisis", "conduct", "positive"]
    assert found[3]["other"] == pytest.approx(0.2)
    assert found[-4]["crisis"] > 0.99
    assert sum(found[0].values()) == pytest.approx(1.0)


def test_the_manifest_gives_the_share_and_thresholds(folder: Path) -> None:
    reader = load(folder, light_model=LIGHT)

    assert (reader.share, reader.crisis_threshold, reader.review_threshold) == (0.5, 0.45, 0.3)
    assert reader.version == "test-tiny"


def test_with_the_reader_a_text_only_it_understands_becomes_a_crisis(folder: Path) -> None:
    text = "The zorblax again, all week."
    reader = load(folder, light_model=LIGHT)

    assert triage(text).category != "crisis"
    assert triage(text, reader=reader).category == "crisis"


def test_a_missing_folder_says_to_build_the_reader(tmp_path: Path) -> None:
    with pytest.raises(ReaderUnavailable, match="make triage-transformer"):
        load(tmp_path / "nowhere", light_model=LIGHT)


def test_a_model_changed_since_it_was_built_is_refused(folder: Path) -> None:
    with (folder / MODEL_FILE).open("ab") as model:
        model.write(b"\0")

    with pytest.raises(ReaderUnavailable, match=r"model\.onnx is missing or changed"):
        load(folder, light_model=LIGHT)


def test_a_reader_built_beside_another_light_model_is_refused(folder: Path) -> None:
    with pytest.raises(ReaderUnavailable, match="built beside light model"):
        load(folder, light_model="1999.01-1")


@pytest.mark.parametrize(
    "change",
    [
        {"format": 99},
        {"classes": ["crisis", "other"]},
        {"share": 2},
        {"thresholds": {"crisis": "high", "review": 0.3}},
    ],
)
def test_a_manifest_bordin_did_not_write_is_refused(
    folder: Path, change: dict[str, object]
) -> None:
    path = folder / MANIFEST
    path.write_text(json.dumps({**json.loads(path.read_text()), **change}))

    with pytest.raises(ReaderUnavailable):
        load(folder, light_model=LIGHT)


def test_the_setting_chooses_the_reader(folder: Path) -> None:
    light = Settings(environment="test", triage_reader="light", triage_transformer_dir=folder)
    transformer = light.model_copy(update={"triage_reader": "transformer"})

    assert second_reader(light) is None
    chosen = second_reader(transformer)
    assert chosen is not None and chosen.version == "test-tiny"


def test_the_transformer_folder_defaults_to_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path)

    assert settings.triage_transformer_folder == tmp_path / "triage-transformer"
