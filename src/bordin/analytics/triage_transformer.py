"""The opt-in transformer reader of the triage (ADR 0017), run by onnxruntime and tokenizers.

A practice that wants it installs the extra (``pip install "bordin[transformer]"``), builds the
reader once (``make triage-transformer``, which writes a folder; see
:mod:`bordin.analytics.triage_transformer_build`) and turns it on
(``BORDIN_TRIAGE_READER=transformer``; the folder is ``DATA_DIR/triage-transformer`` unless
``BORDIN_TRIAGE_TRANSFORMER_DIR`` says otherwise). The reader then reads every text beside the
light model, and the decision uses the average
(:mod:`bordin.domain.triage.second_reader`).

:func:`load` refuses, with a message that says what to do, a folder that is missing, a file
whose digest is not the manifest's, a reader built beside another light model than the one
this Bordin ships (its thresholds were chosen for that one), or a missing runtime. Nothing here
imports PyTorch.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bordin.domain.triage.patterns import PRECEDENCE, Category

#: The manifest's format; a reader written in another format is refused.
FORMAT = 1
MANIFEST = "manifest.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
#: Tokens read of one piece of text; the labelled texts average 19 and the longest has 130.
MAX_TOKENS = 128
#: Pieces of text run through the model together.
BATCH = 32


class ReaderUnavailable(Exception):
    """The transformer reader cannot be used; the message says why and what to do."""


def file_digest(path: Path) -> str:
    """The sha256 of a file, as hex."""
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


@dataclass(frozen=True)
class TransformerReader:
    """A built reader: the ONNX model, its tokenizer and what its manifest says."""

    folder: Path
    version: str
    share: float
    crisis_threshold: float
    review_threshold: float
    manifest: dict[str, Any] = field(repr=False)
    _session: Any = field(repr=False, compare=False)
    _tokenizer: Any = field(repr=False, compare=False)

    def probabilities(self, pieces: Sequence[str]) -> list[dict[Category, float]]:
        """Each piece's probability per class (see :func:`read`)."""
        return read(self._session, self._tokenizer, pieces)

    @property
    def held_out(self) -> dict[str, dict[str, float]]:
        """The figures on held-out writers recorded when it was built."""
        figures: dict[str, dict[str, float]] = self.manifest.get("held_out", {})
        return figures


def read(session: Any, tokenizer: Any, pieces: Sequence[str]) -> list[dict[Category, float]]:
    """Each piece's probability per class from an ONNX session (inputs ``ids`` and ``mask``,
    output ``logits``) and its tokenizer, pieces of about the same length batched."""
    import numpy

    found: dict[int, dict[Category, float]] = {}
    order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
    for start in range(0, len(order), BATCH):
        chosen = order[start : start + BATCH]
        encoded = tokenizer.encode_batch([pieces[i] for i in chosen])
        inputs = {
            "ids": numpy.array([e.ids for e in encoded], dtype=numpy.int64),
            "mask": numpy.array([e.attention_mask for e in encoded], dtype=numpy.int64),
        }
        logits = session.run(["logits"], inputs)[0].astype(numpy.float64)
        exps = numpy.exp(logits - logits.max(axis=1, keepdims=True))
        rows = (exps / exps.sum(axis=1, keepdims=True)).tolist()
        for i, row in zip(chosen, rows, strict=True):
            found[i] = dict(zip(PRECEDENCE, row, strict=True))
    return [found[i] for i in range(len(pieces))]


def tokenizer_from(path: Path, max_tokens: int = MAX_TOKENS) -> Any:
    """The model's tokenizer from its ``tokenizer.json``, truncating and padding as the model
    reads (needs ``tokenizers``)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding()
    return tokenizer


def load(folder: Path, *, light_model: str, threads: int = 1) -> TransformerReader:
    """The reader in ``folder``, checked against its manifest; see the module docstring."""
    manifest = _manifest(folder)
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file() or file_digest(path) != digest:
            raise ReaderUnavailable(
                f"the triage transformer's {name} is missing or changed since it was built: "
                "run `make triage-transformer` again"
            )
    if manifest["light_model"] != light_model:
        raise ReaderUnavailable(
            f"the triage transformer was built beside light model {manifest['light_model']}, "
            f"and this Bordin ships {light_model}: run `make triage-transformer` again"
        )
    try:
        import onnxruntime
        import tokenizers  # noqa: F401  (checked here, used by tokenizer_from)
    except ImportError as missing:
        raise ReaderUnavailable(
            f"the triage transformer needs {missing.name}: "
            'install Bordin with `pip install "bordin[transformer]"`'
        ) from missing
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
    )
    tokenizer = tokenizer_from(folder / TOKENIZER_FILE, int(manifest.get("max_tokens", MAX_TOKENS)))
    thresholds = manifest["thresholds"]
    return TransformerReader(
        folder=folder,
        version=str(manifest["version"]),
        share=float(manifest["share"]),
        crisis_threshold=float(thresholds["crisis"]),
        review_threshold=float(thresholds["review"]),
        manifest=manifest,
        _session=session,
        _tokenizer=tokenizer,
    )


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise ReaderUnavailable(
            f"no triage transformer has been built in {folder}: run `make triage-transformer`"
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReaderUnavailable(
            f"the triage transformer's manifest cannot be read: {error}"
        ) from None
    if manifest.get("format") != FORMAT:
        raise ReaderUnavailable(
            "the triage transformer was built by another version of Bordin: "
            "run `make triage-transformer` again"
        )
    share = manifest.get("share")
    if (
        manifest.get("classes") != list(PRECEDENCE)
        or not isinstance(share, int | float)
        or not 0.0 <= share <= 1.0
        or not all(
            isinstance(v, int | float) and math.isfinite(v)
            for v in manifest.get("thresholds", {}).values()
        )
        or set(manifest.get("thresholds", {})) != {"crisis", "review"}
    ):
        raise ReaderUnavailable("the triage transformer's manifest is not one Bordin wrote")
    return manifest


@lru_cache(maxsize=4)
def cached(folder: Path, light_model: str) -> TransformerReader:
    """:func:`load`, once per process for each folder (a web worker reads the model once)."""
    return load(folder, light_model=light_model)
