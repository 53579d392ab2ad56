"""Fit the triage model with scikit-learn and export it for pure-Python inference.

``make triage-model`` runs ``python -m bordin.analytics.triage_model --write``: it fits TF-IDF
(word 1-2-grams and character 2-5-grams of the canonical words, sentence by sentence) and a
multinomial logistic regression on every labelled text in the repository, chooses the crisis and
risk-review thresholds by cross-validation across authors
(:mod:`bordin.analytics.triage_evaluation`), and writes
``src/bordin/domain/triage/data/triage_model.json``. The same data give the same bytes: the
vocabulary is chosen and sorted in Python (not by NumPy's CPU-dependent sort), the solver runs on
one thread, and numbers are rounded before writing. On another CPU the last digits of a weight
may still differ (floating-point sums are done in another order), so the test compares the
rebuilt model with the shipped one term by term and weight by weight, to a tolerance.
``--check`` rebuilds and fails if the committed artifact differs.

The labelled texts: ``feedback_corpus.csv`` (2,149 texts by four writers, ``a`` to ``d``),
Bordin's own ``feedback_labelled.csv`` (366 texts by one writer, author ``p`` here) and
``feedback_further_writers.csv`` (20,170 texts by seventy further writers, ``e`` to
``n``, ``q`` to ``z``, ``ea`` to ``en``, ``sa`` to ``sd``, ``fa`` to ``fl``, ``ga`` to ``gh``,
``ua`` to ``ud`` and ``ha`` to ``hh``, held out together: see :data:`FURTHER_WRITERS`).
``feedback_sealed_writers.csv`` (2,000 texts by eight more writers, ``ta`` to ``td`` and ``va``
to ``vd``) is never fitted on: it is the test of the shipped triage on writers none of its
training data came from (:func:`sealed_texts`).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from bordin.domain.triage.model import (
    ARTIFACT,
    Model,
    analyse_chars,
    analyse_words,
    model_from_json,
    sentences,
)
from bordin.domain.triage.normalisation import canonical
from bordin.domain.triage.patterns import PRECEDENCE

#: Bump when the features, the estimator or its settings change.
MODEL_VERSION = "2026.12-14"
#: Estimator settings (chosen on held-out authors; see docs/triage.md).
REGULARISATION_C = 10.0
MIN_DF = 2
MAX_WORD_FEATURES = 12_000
MAX_CHAR_FEATURES = 30_000
OWN_AUTHOR = "p"
#: The further writers (every author of ``feedback_further_writers.csv``) were one kind of
#: writer, language-model helpers, each given the guidelines and its own brief; a model that has
#: read the others has in effect read each of them, so they are held out together, as one
#: writer with this name.
FURTHER_WRITERS = "further"
DIGITS = 8
#: Newton's method (with conjugate gradients) converges to the one optimum of this convex fit in
#: about a dozen steps, so the weights depend on the texts, not on the order a CPU adds numbers
#: in: the same texts in another order give weights within 1e-7 of each other (L-BFGS at a
#: tolerance of 1e-8 stopped 5e-5 short, which another CPU's rounding could tell apart), and in
#: less than half L-BFGS's time.
SOLVER = "newton-cg"
SOLVER_TOLERANCE = 1e-10
#: Weight of a single sentence of a non-crisis text beside a whole text (see training_set).
SENTENCE_WEIGHT = 1.0
#: Weigh the classes equally in the fit (see balanced_weights); chosen on held-out authors.
CLASS_BALANCED = True


@dataclass(frozen=True)
class LabelledText:
    """One labelled text and who wrote it."""

    id: str
    text: str
    label: str
    author: str
    subcategory: str = ""
    #: The writers this text is held out with, if not its author alone (:data:`FURTHER_WRITERS`).
    group: str = ""

    @property
    def fold(self) -> str:
        """Who this text is held out as, in cross-validation: its author, or its group."""
        return self.group or self.author


def _rows(name: str) -> list[dict[str, str]]:
    source = resources.files("bordin.domain.triage").joinpath(f"data/{name}")
    return list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))


def _checked(texts: list[LabelledText]) -> tuple[LabelledText, ...]:
    for item in texts:
        if item.label not in PRECEDENCE:
            raise ValueError(f"text {item.id}: unknown label {item.label!r}")
    return tuple(texts)


def labelled_texts() -> tuple[LabelledText, ...]:
    """Every labelled text to fit on: the multi-author corpus, Bordin's own set, and the
    further writers' texts."""
    texts = [
        LabelledText(r["id"], r["text"], r["label"], r["author"], r["subcategory"])
        for r in _rows("feedback_corpus.csv")
    ]
    texts.extend(
        LabelledText(r["id"], r["text"], r["label"], OWN_AUTHOR, r["subcategory"])
        for r in _rows("feedback_labelled.csv")
    )
    texts.extend(
        LabelledText(r["id"], r["text"], r["label"], r["author"], r["subcategory"], FURTHER_WRITERS)
        for r in _rows("feedback_further_writers.csv")
    )
    return _checked(texts)


def sealed_texts() -> tuple[LabelledText, ...]:
    """The sealed writers' texts: never fitted on, nor used to choose anything; read only to
    test the shipped triage on writers none of its training data came from."""
    return _checked(
        [
            LabelledText(r["id"], r["text"], r["label"], r["author"], r["subcategory"])
            for r in _rows("feedback_sealed_writers.csv")
        ]
    )


def _round(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def training_set(items: Sequence[LabelledText]) -> tuple[list[str], list[str], list[float]]:
    """Texts, labels and weights to fit on: every text, and each sentence of a non-crisis text.

    A sentence of a text that is not a crisis is not a crisis either (the guidelines label a
    text by its most serious sentence), so those sentences teach the model what ordinary single
    sentences look like; without them, per-sentence crisis scores run high. Sentences of crisis
    texts are left out: which one carries the danger is not labelled.
    """
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    for item in items:
        texts.append(item.text)
        labels.append(item.label)
        weights.append(1.0)
        if item.label == "crisis" or SENTENCE_WEIGHT <= 0:
            continue
        canon = canonical(item.text)
        parts = sentences(canon)
        if len(parts) < 2:
            continue
        for part in parts:
            texts.append(canon.original[part.start : part.end])
            labels.append(item.label)
            weights.append(SENTENCE_WEIGHT)
    return texts, labels, weights


def balanced_weights(labels: Sequence[str], weights: Sequence[float]) -> list[float]:
    """Sample weights scaled so that every class weighs the same in the fit, in total.

    The classes are unevenly represented once each non-crisis text's sentences are added
    (crisis texts add none), and unevenly across writers; without this, the fit leans
    towards the classes with the most rows. Measured on held-out writers, the balanced fit
    ranks crisis texts better (fewer false alarms at the same crisis reach) and recalls more
    conduct concerns (the log of variants is in docs/triage.md).
    """
    totals = {label: 0.0 for label in labels}
    for label, weight in zip(labels, weights, strict=True):
        totals[label] += weight
    whole = sum(totals.values())
    scale = {label: whole / (len(totals) * total) for label, total in totals.items()}
    return [weight * scale[label] for label, weight in zip(labels, weights, strict=True)]


def most_frequent(terms: Sequence[str], totals: Sequence[int], limit: int) -> list[int]:
    """Positions of the ``limit`` terms used most often (ties go to the term first in
    alphabetical order), in the terms' own (alphabetical) order.

    This is what scikit-learn's ``max_features`` does, except for ties: it sorts the counts with
    NumPy, whose order among equal counts depends on the CPU's vector instructions, so the same
    texts gave a different vocabulary, and a different model, on another machine.
    """
    ranked = sorted(range(len(terms)), key=lambda i: (-totals[i], terms[i]))
    return sorted(ranked[:limit])


def fit(
    texts: Sequence[str], labels: Sequence[str], weights: Sequence[float] | None = None
) -> dict[str, Any]:
    """Fit the vectorisers and the regression; return the artifact's content (no thresholds)."""
    import numpy
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    blocks: dict[str, Any] = {}
    matrices = []
    settings = (
        ("words", analyse_words, MAX_WORD_FEATURES),
        ("chars", analyse_chars, MAX_CHAR_FEATURES),
    )
    for name, analyser, limit in settings:
        counter = CountVectorizer(analyzer=analyser, min_df=MIN_DF, dtype=numpy.int64)
        counts = counter.fit_transform(texts).tocsc()
        found = [str(t) for t in counter.get_feature_names_out()]
        kept = most_frequent(found, numpy.asarray(counts.sum(axis=0)).ravel().tolist(), limit)
        weighting = TfidfTransformer(sublinear_tf=True)
        matrices.append(weighting.fit_transform(counts[:, kept].astype(numpy.float64)))
        terms = [found[i] for i in kept]
        blocks[name] = {"terms": terms, "idf": [_round(v) for v in weighting.idf_]}
    from scipy.sparse import hstack

    matrix = hstack(matrices).tocsr()
    targets = [PRECEDENCE.index(label) for label in labels]
    if CLASS_BALANCED:
        weights = balanced_weights(labels, weights if weights is not None else [1.0] * len(labels))
    with threadpool_limits(limits=1):
        regression = estimator(REGULARISATION_C)
        regression.fit(matrix, targets, sample_weight=weights)
    coefficients = regression.coef_.T
    offset = 0
    for name in ("words", "chars"):
        size = len(blocks[name]["terms"])
        blocks[name]["coef"] = [
            [_round(v) for v in row] for row in coefficients[offset : offset + size].tolist()
        ]
        offset += size
    return {
        "version": MODEL_VERSION,
        "classes": list(PRECEDENCE),
        "intercept": [_round(v) for v in regression.intercept_.tolist()],
        "blocks": blocks,
    }


def estimator(regularisation: float) -> Any:
    """The logistic regression the triage is fitted with (see :data:`SOLVER`), unfitted."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=regularisation, solver=SOLVER, max_iter=1000, tol=SOLVER_TOLERANCE)


def dump(content: dict[str, Any], *, crisis: float, review: float, data: str) -> str:
    """The artifact as text: thresholds and a digest of the training data added, keys sorted."""
    full = {**content, "thresholds": {"crisis": crisis, "review": review}, "data_sha256": data}
    return json.dumps(full, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def data_digest(items: Sequence[LabelledText]) -> str:
    """A digest of the training texts and labels (recorded in the artifact)."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{item.id}\t{item.label}\t{item.author}\t{item.text}\n".encode())
    return digest.hexdigest()


def build(items: Sequence[LabelledText] | None = None) -> str:
    """Fit on ``items`` (default: every labelled text), choose thresholds, return the artifact."""
    from bordin.analytics.triage_evaluation import cross_validate, shipped_thresholds

    chosen = tuple(items) if items is not None else labelled_texts()
    crisis, review = shipped_thresholds(cross_validate(chosen))
    content = fit(*training_set(chosen))
    return dump(content, crisis=crisis, review=review, data=data_digest(chosen))


def fold_model(train: Sequence[LabelledText], *, crisis: float, review: float) -> Model:
    """A model fitted on ``train`` with the given thresholds (for cross-validation)."""
    content = fit(*training_set(train))
    return model_from_json(dump(content, crisis=crisis, review=review, data=""))


def artifact_path() -> Path:
    """Where the shipped artifact lives in a source checkout."""
    return Path(__file__).resolve().parents[1] / "domain" / "triage" / ARTIFACT


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the artifact")
    parser.add_argument("--check", action="store_true", help="fail if the artifact is stale")
    args = parser.parse_args(argv)
    text = build()
    path = artifact_path()
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is stale: run `make triage-model`", file=sys.stderr)
            return 1
        return 0
    if args.write:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(text.encode()) // 1024} KiB)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
