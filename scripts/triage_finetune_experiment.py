"""The fine-tuning experiment behind the MiniLM rows of docs/triage.md (7 December 2026).

Not part of the product: the product's build of the same reader is
``bordin.analytics.triage_transformer_build`` (``make triage-transformer``), whose fine-tuning this
script shares. It fine-tunes the whole small transformer as a
five-class triage classifier, one writer held out at a time, and scores the held-out texts
exactly as docs/triage.md scores the shipped model: each text, each sentence and each two
neighbouring sentences, with the rules as a floor and the thresholds chosen by the page's rule
(``triage_experiments.outcome``). It prints the transformer alone and averaged with the shipped
TF-IDF model.

It runs in the build's environment (``make test-triage-transformer`` makes it:
PyTorch's CPU build, transformers and the starting weights). From the repository root, the two
settings of docs/triage.md::

    PYTHONPATH=scripts HF_HUB_OFFLINE=1 .venv-transformer-build/bin/python \
        scripts/triage_finetune_experiment.py --epochs 3 --rate 5e-5 --seed 1
    PYTHONPATH=scripts HF_HUB_OFFLINE=1 .venv-transformer-build/bin/python \
        scripts/triage_finetune_experiment.py --epochs 4 --rate 8e-5 --seed 1

and ``--speed`` to time the model under onnxruntime, ``--int8`` to compare each fit read in
PyTorch with the same fit as 8-bit ONNX. A run of the first setting took 17
minutes on two cores, of the second 27 (five fits of three to six minutes each); the same seed
on the same machine gave the same losses and figures. ``--seed 1 --seed 2`` averages two
fits per held-out writer (twice as long).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import triage_experiments as tx

from bordin.analytics import triage_model as tm
from bordin.analytics import triage_transformer_build as build
from bordin.analytics.triage_transformer import read, tokenizer_from
from bordin.domain.triage.model import Scores, sentences
from bordin.domain.triage.normalisation import canonical

Probabilities = dict[str, float]


def recipe(epochs: int, rate: float, batch: int, seed: int) -> build.Recipe:
    return build.Recipe(epochs=epochs, rate=rate, batch=batch, seed=seed)


class Quantised:
    """A fit exported to ONNX with 8-bit weights and read by onnxruntime and tokenizers, as
    an opt-in reader would be run (ADR 0017)."""

    def __init__(self, fitted: build.FineTuned, folder: Path) -> None:
        import onnxruntime

        _, small = export(fitted.model, folder)
        self.session = onnxruntime.InferenceSession(str(small), providers=["CPUExecutionProvider"])
        self.tokenizer = onnx_tokenizer()

    def probabilities(self, texts: Sequence[str]) -> list[Probabilities]:
        return read(  # type: ignore[return-value]
            self.session, self.tokenizer, texts
        )


def export(model: Any, folder: Path) -> tuple[Path, Path]:
    """``model`` written to ``folder`` as ONNX, as it is and with 8-bit weights."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    plain, small = build.export(model, folder / "minilm.onnx"), folder / "minilm-int8.onnx"
    quantize_dynamic(str(plain), str(small), weight_type=QuantType.QInt8)
    return plain, small


def onnx_tokenizer() -> Any:
    """The model's own tokenizer, from ``tokenizers`` alone (no transformers at run time)."""
    return tokenizer_from(build.weights_folder() / "tokenizer.json")


class Averaged:
    """The mean of several fits' probabilities (one fit: its own)."""

    def __init__(self, fits: Sequence[build.FineTuned]) -> None:
        self.fits = fits

    def probabilities(self, texts: Sequence[str]) -> list[Probabilities]:
        readings = [fit.probabilities(texts) for fit in self.fits]
        return [
            {k: sum(r[i][k] for r in readings) / len(readings) for k in readings[0][i]}
            for i in range(len(texts))
        ]


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

    plain, small = export(build.classifier(build.weights_folder(), 0.1).eval(), folder)
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
            read(session, tokenizer, texts)

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

    def fit(train: list[tm.LabelledText]) -> build.FineTuned:
        fitted = build.FineTuned(train, recipe(epochs, rate, batch, seed))
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
    items = tm.labelled_texts()
    seeds = args.seed or [1]

    def fit(train: list[tm.LabelledText]) -> Averaged:
        return Averaged(
            [
                build.FineTuned(train, recipe(args.epochs, args.rate, args.batch, seed))
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
