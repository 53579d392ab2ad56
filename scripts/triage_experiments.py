"""The experiments behind the variant rows of 7 December 2026 in docs/triage.md (afternoon).

Not part of the product: it needs the development extra (scikit-learn, NumPy, SciPy) and, for
``other-source``, the shared AnnoMI transcripts. Each experiment scores every labelled text by a
model fitted without its writer (one writer held out at a time, as docs/triage.md does), with
the rules as a floor, and chooses the thresholds by the page's rule from the pooled scores.

Run from the repository root, one experiment at a time, for example::

    .venv/bin/python scripts/triage_experiments.py review-windows
    .venv/bin/python scripts/triage_experiments.py learning-curve

The model here is refitted with scikit-learn and read with ``predict_proba``; each sentence,
or each run of neighbouring sentences, is scored as its own text. The shipped recipe goes
through the same arithmetic in pure Python (a test checks the two agree to 1e-9).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy
from scipy.sparse import hstack
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from threadpoolctl import threadpool_limits

from bordin.analytics import triage_evaluation as te
from bordin.analytics import triage_model as tm
from bordin.domain.triage.classifier import Triage, checked_canonical, decide, find_hits
from bordin.domain.triage.model import (
    Scores,
    analyse_chars,
    analyse_words,
    sentences,
    shipped_model,
)
from bordin.domain.triage.patterns import PRECEDENCE

ANNOMI = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi"
Analyser = Callable[[str], list[str]]
#: (analyser, most features kept, scale of the block), as the shipped recipe.
Blk = tuple[Analyser, int, float]
BLOCKS: tuple[Blk, ...] = (
    (analyse_words, tm.MAX_WORD_FEATURES, 1.0),
    (analyse_chars, tm.MAX_CHAR_FEATURES, 1.0),
)


class Fitted:
    """TF-IDF blocks and a class-balanced logistic regression, as ``make triage-model`` fits
    them, with optional extra blocks and a vocabulary limited to terms several writers used."""

    def __init__(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        weights: Sequence[float],
        *,
        blocks: Sequence[tuple[Analyser, int, float]] = BLOCKS,
        writers: Sequence[str] = (),
        fewest_writers: int = 1,
        balance: bool = True,
        regularisation: float = tm.REGULARISATION_C,
    ) -> None:
        self.blocks = []
        matrices = []
        for analyser, limit, scale in blocks:
            counter = CountVectorizer(analyzer=analyser, min_df=tm.MIN_DF, dtype=numpy.int64)
            counts = counter.fit_transform(texts).tocsc()
            names = [str(t) for t in counter.get_feature_names_out()]
            totals = numpy.asarray(counts.sum(axis=0)).ravel().tolist()
            allowed = range(len(names))
            if fewest_writers > 1:
                used = numpy.zeros(len(names), dtype=int)
                for writer in set(writers):
                    rows = numpy.array([w == writer for w in writers])
                    used += (numpy.asarray(counts[rows].sum(axis=0)).ravel() > 0).astype(int)
                allowed = [i for i in allowed if used[i] >= fewest_writers]
            kept = sorted(sorted(allowed, key=lambda i: (-totals[i], names[i]))[:limit])
            weighting = TfidfTransformer(sublinear_tf=True)
            matrices.append(weighting.fit_transform(counts[:, kept].astype(float)) * scale)
            vocabulary = {names[i]: j for j, i in enumerate(kept)}
            reader = CountVectorizer(analyzer=analyser, vocabulary=vocabulary)
            self.blocks.append((reader, weighting, scale))
        targets = [PRECEDENCE.index(label) for label in labels]
        balanced = tm.balanced_weights(labels, weights) if balance else list(weights)
        with threadpool_limits(limits=1):
            self.regression = tm.estimator(regularisation)
            self.regression.fit(hstack(matrices).tocsr(), targets, sample_weight=balanced)

    def probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        matrix = hstack(
            [w.transform(r.transform(texts).astype(float)) * s for r, w, s in self.blocks]
        ).tocsr()
        classes = [PRECEDENCE[k] for k in self.regression.classes_]
        return [
            {**dict.fromkeys(PRECEDENCE, 0.0), **dict(zip(classes, row.tolist(), strict=True))}
            for row in self.regression.predict_proba(matrix)
        ]


@dataclass(frozen=True)
class Reading:
    """One held-out text: the rules' answer and the model's crisis probabilities."""

    scored: te.Scored
    sentences: tuple[float, ...]
    windows: dict[int, tuple[float, ...]]

    @property
    def text(self) -> float:
        return self.scored.scores.text["crisis"]


def read(fitted: Fitted, items: Sequence[tm.LabelledText]) -> list[Reading]:
    """Score each text, each sentence, and each run of two and three neighbouring sentences."""
    found = []
    for item in items:
        canon = checked_canonical(item.text)
        parts = sentences(canon)
        spans = [(p.start, p.end) for p in parts] if len(parts) > 1 else []
        runs = {
            size: [(parts[i].start, parts[i + size - 1].end) for i in range(len(parts) - size + 1)]
            if len(parts) > size
            else []
            for size in (2, 3)
        }
        pieces = [item.text] + [canon.original[a:b] for a, b in spans]
        for size in (2, 3):
            pieces += [canon.original[a:b] for a, b in runs[size]]
        probabilities = fitted.probabilities(pieces)
        whole, rest = probabilities[0], probabilities[1:]
        each = rest[: len(spans)]
        rest = rest[len(spans) :]
        windows = {}
        neighbours: tuple[dict[str, float], ...] = ()
        for size in (2, 3):
            these = tuple(rest[: len(runs[size])])
            windows[size] = tuple(p["crisis"] for p in these)
            neighbours = these if size == 2 else neighbours
            rest = rest[len(runs[size]) :]
        per_sentence = tuple(zip(parts, each, strict=True)) if each else ((p, whole) for p in parts)
        scores = Scores(whole, tuple(per_sentence), neighbours)  # type: ignore[arg-type]
        rules = decide(find_hits(canon))
        scored = te.Scored(item, canon, rules, scores, shipped_model())
        found.append(Reading(scored, tuple(p["crisis"] for p in each), windows))
    return found


def held_out(
    items: Sequence[tm.LabelledText],
    fit: Callable[[list[tm.LabelledText]], Fitted] | None = None,
) -> list[Reading]:
    """Every text read by a model fitted without its writer."""
    found: list[Reading] = []
    for writer in sorted({i.fold for i in items}):
        train = [i for i in items if i.fold != writer]
        fitted = fit(train) if fit else Fitted(*tm.training_set(train))
        found += read(fitted, [i for i in items if i.fold == writer])
    return found


CrisisScore = Callable[[Reading], float]


def max_sentence(r: Reading) -> float:
    """The shipped crisis score: the whole text or any one sentence."""
    return max([r.text, *r.sentences])


def windows_of(size: int) -> CrisisScore:
    def score(r: Reading) -> float:
        return max([r.text, *r.windows[size]])

    return score


@dataclass(frozen=True)
class Outcome:
    name: str
    crisis: float
    review: float
    pairs: tuple[tuple[te.Scored, Triage], ...]
    #: False alarms at the review threshold that first reaches 97% of crisis texts.
    alarms_at_97: float

    def line(self) -> str:
        pooled = te.figures("all", self.pairs)
        writers = sorted({s.item.fold for s, _ in self.pairs})
        each = [te.figures(w, [p for p in self.pairs if p[0].item.fold == w]) for w in writers]
        return (
            f"{self.name}: thresholds {self.crisis:.2f}/{self.review:.2f}, macro-F1 "
            f"{pooled.macro_f1:.3f}, crisis reach {pooled.crisis_reach:.3f}, false alarms "
            f"{pooled.false_alarms:.3f}, conduct recall {pooled.score('conduct').recall:.3f}, "
            f"alarms at 0.97 {self.alarms_at_97:.3f} | "
            + " ".join(f"{f.author} {f.macro_f1:.2f}/{f.false_alarms:.3f}" for f in each)
        )


@dataclass(frozen=True)
class GivenReview(Scores):
    """Scores whose review score is given (a variant's), not worked out as the shipped one."""

    given_review: float = 0.0

    @property
    def review(self) -> float:
        return self.given_review


def outcome(
    name: str,
    readings: Sequence[Reading],
    review_of: CrisisScore = max_sentence,
    *,
    crisis_from_text: bool = False,
) -> Outcome:
    """Thresholds chosen by docs/triage.md's rule and the decisions as production makes them
    (:mod:`bordin.analytics.triage_evaluation`), with the review score from ``review_of`` and
    the crisis score from each sentence (or the whole text only)."""
    scored = []
    for r in readings:
        scores = r.scored.scores
        given = GivenReview(
            scores.text,
            () if crisis_from_text else scores.sentences,
            scores.neighbours,
            given_review=review_of(r),
        )
        scored.append(replace(r.scored, scores=given))
    crisis, review = te.choose_thresholds(scored)
    pairs = tuple((s, s.decision(crisis, review)) for s in scored)
    at_97 = next(
        (
            alarms
            for reach, alarms in (
                te.reach_and_alarms(scored, t / 1000, crisis=crisis) for t in range(999, 0, -1)
            )
            if reach >= 0.97 - 1e-12
        ),
        1.0,
    )
    return Outcome(name, crisis, review, pairs, at_97)


def review_windows(items: Sequence[tm.LabelledText]) -> None:
    readings = held_out(items)
    print(outcome("shipped before: review from the crisis score", readings).line())
    print(
        outcome("review from two neighbouring sentences", readings, review_of=windows_of(2)).line()
    )
    print(
        outcome(
            "review from three neighbouring sentences", readings, review_of=windows_of(3)
        ).line()
    )
    print(
        outcome(
            "review from the mean of the crisis score and two neighbours",
            readings,
            review_of=lambda r: (max_sentence(r) + windows_of(2)(r)) / 2,
        ).line()
    )
    print(
        outcome(
            "crisis and review from the whole text",
            readings,
            lambda r: r.text,
            crisis_from_text=True,
        ).line()
    )


def _rule_words(text: str) -> list[str]:
    """The rules' verdicts on a text as words: rule, class as written and as counted."""
    found = []
    for hit in find_hits(checked_canonical(text)):
        found.append(f"rule:{hit.rule}:{hit.status}:{hit.polarity}")
        found.append(f"kind:{hit.rule.split('.')[0]}:{hit.status}:{hit.polarity}")
        found.append(f"counts:{hit.category}:{hit.subcategory}")
    return found


def rules_as_features(items: Sequence[tm.LabelledText]) -> None:
    for scale in (1.0, 0.5):
        blocks = (*BLOCKS, (_rule_words, 5000, scale))

        def fit(train: list[tm.LabelledText], blocks: Sequence[Blk] = blocks) -> Fitted:
            return Fitted(*tm.training_set(train), blocks=blocks)

        readings = held_out(items, fit)
        print(outcome(f"the rules' verdicts as a third block, scaled {scale}", readings).line())


def _with_writers(
    train: Sequence[tm.LabelledText],
) -> tuple[list[str], list[str], list[float], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    writers: list[str] = []
    for item in train:
        t, lab, w = tm.training_set([item])
        texts += t
        labels += lab
        weights += w
        writers += [item.author] * len(t)
    return texts, labels, weights, writers


def writer_vocabulary(items: Sequence[tm.LabelledText]) -> None:
    for fewest in (2, 3):

        def fit(train: list[tm.LabelledText], fewest: int = fewest) -> Fitted:
            texts, labels, weights, writers = _with_writers(train)
            return Fitted(texts, labels, weights, writers=writers, fewest_writers=fewest)

        print(
            outcome(
                f"only terms used by at least {fewest} training writers", held_out(items, fit)
            ).line()
        )


def crisis_sentences(items: Sequence[tm.LabelledText]) -> None:
    """Each training crisis text's most crisis-like sentence also taught as a crisis."""
    for weight in (1.0, 0.5):

        def fit(train: list[tm.LabelledText], weight: float = weight) -> Fitted:
            texts, labels, weights = tm.training_set(train)
            first = Fitted(texts, labels, weights)
            extra = []
            for item in train:
                canon = checked_canonical(item.text)
                parts = sentences(canon)
                if item.label != "crisis" or len(parts) < 2:
                    continue
                pieces = [canon.original[p.start : p.end] for p in parts]
                scores = [p["crisis"] for p in first.probabilities(pieces)]
                extra.append(pieces[scores.index(max(scores))])
            return Fitted(
                texts + extra, labels + ["crisis"] * len(extra), weights + [weight] * len(extra)
            )

        print(
            outcome(
                f"most crisis-like sentence of a crisis text taught, weight {weight}",
                held_out(items, fit),
            ).line()
        )


def other_source(items: Sequence[tm.LabelledText]) -> None:
    """Clients' words from recorded counselling sessions (AnnoMI) taught as ``other``."""
    path = ANNOMI / "annomi_simple_trainval.csv"
    if not path.exists():
        sys.exit(f"needs the shared AnnoMI transcripts at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    said = [
        r["utterance_text"]
        for r in rows
        if r["interlocutor"] == "client" and len(r["utterance_text"].split()) >= 6
    ]
    # Anything the rules read as a crisis or a warning sign is left out, not taught as "other".
    kept = [
        t
        for t in said
        if not (lambda d: d.category == "crisis" or d.risk_review)(
            decide(find_hits(checked_canonical(t)))
        )
    ]
    print(f"AnnoMI client turns of six words or more: {len(said)}; kept {len(kept)}")
    for weight in (0.3, 1.0):

        def fit(train: list[tm.LabelledText], weight: float = weight) -> Fitted:
            texts, labels, weights = tm.training_set(train)
            return Fitted(
                texts + kept, labels + ["other"] * len(kept), weights + [weight] * len(kept)
            )

        print(
            outcome(
                f"AnnoMI client turns taught as other, weight {weight}", held_out(items, fit)
            ).line()
        )


def learning_curve(items: Sequence[tm.LabelledText]) -> None:
    """Each writer held out, read by models fitted on every set of k of the other writers."""
    writers = sorted({i.fold for i in items})
    for k in range(1, len(writers)):
        readings: list[tuple[str, list[Reading]]] = []
        for writer in writers:
            others = [w for w in writers if w != writer]
            for chosen in itertools.combinations(others, k):
                train = [i for i in items if i.fold in chosen]
                fitted = Fitted(*tm.training_set(train))
                readings.append((writer, read(fitted, [i for i in items if i.fold == writer])))
        flat = [r for _, group in readings for r in group]
        pooled = outcome(f"{k}", flat, review_of=windows_of(2))
        crisis, review = pooled.crisis, pooled.review
        per_fit = []
        start = 0
        for writer, group in readings:
            per_fit.append(te.figures(writer, pooled.pairs[start : start + len(group)]))
            start += len(group)
        print(
            f"{k} training writer(s), {len(readings)} fits, thresholds {crisis:.2f}/{review:.2f}: "
            f"mean macro-F1 {statistics.mean(f.macro_f1 for f in per_fit):.3f}, "
            f"mean crisis reach {statistics.mean(f.crisis_reach for f in per_fit):.3f}, "
            f"mean false alarms {statistics.mean(f.false_alarms for f in per_fit):.3f}",
            flush=True,
        )


def feature_blocks(items: Sequence[tm.LabelledText]) -> None:
    """The word and character blocks alone, and each at half the other's weight."""
    words, chars = BLOCKS
    choices = {
        "words alone": (words,),
        "characters alone": (chars,),
        "characters at half weight": (words, (chars[0], chars[1], 0.5)),
        "words at half weight": ((words[0], words[1], 0.5), chars),
    }
    for name, blocks in choices.items():

        def fit(train: list[tm.LabelledText], blocks: Sequence[Blk] = blocks) -> Fitted:
            return Fitted(*tm.training_set(train), blocks=blocks)

        print(outcome(name, held_out(items, fit), review_of=windows_of(2)).line(), flush=True)


def sentence_weight(items: Sequence[tm.LabelledText]) -> None:
    """Each non-crisis text's sentences taught at less than a whole text's weight, or not at
    all. Crisis rows are whole texts and the other classes' rows are mostly single sentences,
    so words found in any longer text (I, my, the, and) lean towards crisis."""
    shipped = tm.SENTENCE_WEIGHT
    try:
        for weight in (0.5, 0.25, 0.0):
            tm.SENTENCE_WEIGHT = weight
            readings = held_out(items)
            print(
                outcome(f"sentences at weight {weight}", readings, review_of=windows_of(2)).line(),
                flush=True,
            )
    finally:
        tm.SENTENCE_WEIGHT = shipped


def _texts_balanced(
    train: Sequence[tm.LabelledText], split: bool
) -> tuple[list[str], list[str], list[float]]:
    """Whole texts weighed so that every class's texts weigh the same in total; each
    non-crisis text's sentences added at its class's weight (``split``: shared among them, so
    that together they weigh as much as the text)."""
    per_class: dict[str, int] = {}
    for item in train:
        per_class[item.label] = per_class.get(item.label, 0) + 1
    scale = {label: len(train) / (len(per_class) * n) for label, n in per_class.items()}
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    for item in train:
        rows, _, _ = tm.training_set([item])
        texts += rows
        labels += [item.label] * len(rows)
        each = 1.0 / (len(rows) - 1) if split and len(rows) > 1 else 1.0
        weights += [scale[item.label]] + [scale[item.label] * each] * (len(rows) - 1)
    return texts, labels, weights


def balance_texts(items: Sequence[tm.LabelledText]) -> None:
    """Crisis rows are whole texts; the other classes' rows are texts and their sentences.
    Balancing all rows gives crisis the largest share of whole-text rows, so what any longer
    text has (I, my, the, and) leans towards crisis. Here the whole texts are balanced."""
    for split in (False, True):

        def fit(train: list[tm.LabelledText], split: bool = split) -> Fitted:
            return Fitted(*_texts_balanced(train, split), balance=False)

        name = "texts balanced, " + (
            "sentences share their text's weight" if split else "each sentence at its text's weight"
        )
        print(outcome(name, held_out(items, fit), review_of=windows_of(2)).line(), flush=True)


def _without_function_words(both: bool) -> Analyser:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    kept = {"not", "no", "nor", "never", "nothing", "none", "nobody", "cannot", "without"}
    function = frozenset(ENGLISH_STOP_WORDS) - kept

    def analyse(text: str) -> list[str]:
        found = []
        for gram in analyse_words(text):
            words = gram.split(" ")
            if len(words) == 1 and words[0] in function:
                continue
            if both and len(words) == 2 and all(w in function for w in words):
                continue
            found.append(gram)
        return found

    return analyse


def function_words(items: Sequence[tm.LabelledText]) -> None:
    """Function words (scikit-learn's English stop words, less the negations) left out of the
    word block: alone, then also pairs of two function words."""
    words, chars = BLOCKS
    for both in (False, True):
        blocks = ((_without_function_words(both), words[1], words[2]), chars)

        def fit(train: list[tm.LabelledText], blocks: Sequence[Blk] = blocks) -> Fitted:
            return Fitted(*tm.training_set(train), blocks=blocks)

        name = "function words left out" + (", and pairs of them" if both else "")
        print(outcome(name, held_out(items, fit), review_of=windows_of(2)).line(), flush=True)


def nested_c(items: Sequence[tm.LabelledText]) -> None:
    """C chosen for each held-out writer by its own inner leave-one-writer-out on the other
    writers (pooled macro-F1 at the thresholds the rule chooses there), then fitted on them."""
    grid = (3.0, 10.0, 30.0)
    readings: list[Reading] = []
    for writer in sorted({i.fold for i in items}):
        train = [i for i in items if i.fold != writer]
        scores = {}
        for c in grid:

            def fit(inner: list[tm.LabelledText], c: float = c) -> Fitted:
                return Fitted(*tm.training_set(inner), regularisation=c)

            inner = outcome(f"C {c}", held_out(train, fit), review_of=review_score)
            scores[c] = te.figures("all", inner.pairs).macro_f1
        best = max(grid, key=lambda c: (scores[c], -abs(c - tm.REGULARISATION_C)))
        print(f"writer {writer} held out: inner macro-F1 {scores}, C = {best}", flush=True)
        fitted = Fitted(*tm.training_set(train), regularisation=best)
        readings += read(fitted, [i for i in items if i.fold == writer])
    print(outcome("C chosen by nested cross-validation", readings, review_of=review_score).line())


def with_further_writers(
    items: Sequence[tm.LabelledText],
    regularisation: float = tm.REGULARISATION_C,
    blocks: Sequence[tuple[Analyser, int, float]] = BLOCKS,
) -> list[Reading]:
    """Every writer but the further ones held out in turn, the further writers in every fit."""
    extra = [i for i in items if i.group == tm.FURTHER_WRITERS]
    before = [i for i in items if i.group != tm.FURTHER_WRITERS]
    found: list[Reading] = []
    for writer in sorted({i.fold for i in before}):
        train = [i for i in before if i.fold != writer] + extra
        fitted = Fitted(*tm.training_set(train), regularisation=regularisation, blocks=blocks)
        found += read(fitted, [i for i in before if i.fold == writer])
    return found


def more_writers(items: Sequence[tm.LabelledText]) -> None:
    """The further writers' texts added to every fit, the other writers held out as before,
    beside the recipe without them; then every writer held out, the further writers as one."""
    before = [i for i in items if i.group != tm.FURTHER_WRITERS]
    print(outcome("without the further writers", held_out(before), review_of=review_score).line())
    found = with_further_writers(items)
    print(outcome("with the further writers", found, review_of=review_score).line(), flush=True)
    print(outcome("every writer held out", held_out(items), review_of=review_score).line())


def further_c(items: Sequence[tm.LabelledText]) -> None:
    """C = 3, 10 and 30 with the further writers in every fit, the others held out as before."""
    for c in (3.0, 10.0, 30.0):
        found = with_further_writers(items, regularisation=c)
        print(outcome(f"C = {c:g}", found, review_of=review_score).line(), flush=True)


def further_vocabulary(items: Sequence[tm.LabelledText]) -> None:
    """Half the character block, and twice both blocks, with the further writers in every
    fit."""
    for words, chars in ((12_000, 15_000), (24_000, 60_000)):
        blocks = ((analyse_words, words, 1.0), (analyse_chars, chars, 1.0))
        found = with_further_writers(items, blocks=blocks)
        print(outcome(f"words {words}, characters {chars}", found, review_of=review_score).line())


def review_score(r: Reading) -> float:
    """The shipped review score (model 2026.12-5): the mean of the crisis score and the
    two-neighbour reading."""
    return (max_sentence(r) + windows_of(2)(r)) / 2


EXPERIMENTS: dict[str, Callable[[Sequence[tm.LabelledText]], None]] = {
    "more-writers": more_writers,
    "further-c": further_c,
    "further-vocabulary": further_vocabulary,
    "nested-c": nested_c,
    "function-words": function_words,
    "balance-texts": balance_texts,
    "sentence-weight": sentence_weight,
    "feature-blocks": feature_blocks,
    "review-windows": review_windows,
    "rules-as-features": rules_as_features,
    "writer-vocabulary": writer_vocabulary,
    "crisis-sentences": crisis_sentences,
    "other-source": other_source,
    "learning-curve": learning_curve,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment", choices=sorted(EXPERIMENTS))
    args = parser.parse_args()
    EXPERIMENTS[args.experiment](tm.labelled_texts())


if __name__ == "__main__":
    main()
