"""How well the triage reads writers it has never read: leave one author out at a time.

For each author (``a`` to ``d`` of the shared corpus, ``p``, Bordin's own set, and the
further writers together, as one) the model is fitted on the other authors' texts
and run, with the rules, exactly as in production (pure-Python inference, per-sentence crisis
scoring, rules as a floor) on the held-out author's texts. Every text is thus scored by a
model that never saw its writer. From these out-of-fold scores:

* the **thresholds** are chosen (:func:`choose_thresholds`): the crisis threshold that gives
  the best crisis F1 (of those within :data:`F1_TOLERANCE` of it, the lowest), then the
  risk-review threshold that costs least when a missed crisis costs :data:`MISS_COST` times a
  needless review, at a real crisis rate of :data:`CRISIS_RATE` (of thresholds whose cost is
  within one standard error of the least, the lowest, safety first: :func:`cost_error`), and
  lowered further if need be until the crisis reach is at least :data:`MIN_CRISIS_REACH`
  (:func:`shipped_thresholds`);
* the **figures** in docs/triage.md are computed (:func:`evaluate`): per-class precision,
  recall and F1 per held-out author and pooled, the crisis reach (crisis or risk review) and the
  false-alarm rate (non-crisis texts sent to crisis or review).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bordin.analytics.triage_model import (
    FURTHER_WRITERS,
    LabelledText,
    fold_model,
    labelled_texts,
    sealed_texts,
)
from bordin.domain.triage.classifier import Triage, checked_canonical, decide, find_hits
from bordin.domain.triage.combination import combine
from bordin.domain.triage.model import Model, Scores, score, shipped_model
from bordin.domain.triage.normalisation import Canonical
from bordin.domain.triage.patterns import PRECEDENCE, Category

#: Share of real feedback texts that are a crisis (the corpus has far more, on purpose).
CRISIS_RATE = 0.02
#: A missed crisis costs as much as this many needless same-day risk reviews.
MISS_COST = 200.0
#: Crisis thresholds whose crisis F1 is within this of the best count as equally good; the
#: lowest of them (more texts go straight to crisis) is chosen. Without it, a difference in the
#: fourth decimal (another CPU's rounding) could move the threshold a whole step.
F1_TOLERANCE = 0.005
#: The shipped review threshold never reaches a smaller share of held-out crisis texts than
#: this: the pooled held-out crisis reach of model 2026.12-5 (544 of 551). A recipe that reads
#: better may send fewer texts for review, but not by missing more crises than the model it
#: replaced (issue 10 asks that this figure never drop; a practice model and the transformer
#: reader meet the same rule against the shipped model). It holds on every held-out text
#: pooled, and on the texts it was measured on: those of the writers held out one at a time
#: (:func:`floor_texts`).
MIN_CRISIS_REACH = 544 / 551
#: The author of a practice's corrections (see :func:`compare_practice_model`).
PRACTICE_AUTHOR = "practice"
CRISIS_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))
REVIEW_GRID = tuple(round(0.01 * i, 2) for i in range(1, 81))


@dataclass(frozen=True)
class Scored:
    """One labelled text as read by a model that never saw its author."""

    item: LabelledText
    canon: Canonical = field(repr=False)
    rules: Triage = field(repr=False)
    scores: Scores = field(repr=False)
    model: Model = field(repr=False)

    def decision(self, crisis: float, review: float) -> Triage:
        """The production decision at the given thresholds."""
        model = replace(self.model, crisis_threshold=crisis, review_threshold=review)
        return combine(self.canon, self.rules, self.scores, model)


def cross_validate(items: Sequence[LabelledText] | None = None) -> tuple[Scored, ...]:
    """Out-of-fold readings of every text, one author held out at a time."""
    chosen = tuple(items) if items is not None else labelled_texts()
    return _cross_validate(chosen)


@lru_cache(maxsize=2)
def _cross_validate(items: tuple[LabelledText, ...]) -> tuple[Scored, ...]:
    found: list[Scored] = []
    # A practice's corrections are always in the training part, never held out.
    for fold in sorted({i.fold for i in items} - {PRACTICE_AUTHOR}):
        train = [i for i in items if i.fold != fold]
        model = fold_model(train, crisis=1.0, review=1.0)
        found.extend(_read(item, model) for item in items if item.fold == fold)
    return tuple(found)


def _read(item: LabelledText, model: Model) -> Scored:
    """``item`` read by the rules and by ``model``, as a client's words are."""
    canon = checked_canonical(item.text)
    return Scored(item, canon, decide(find_hits(canon)), score(model, canon), model)


def reach_and_alarms(
    scored: Sequence[Scored], review: float, *, crisis: float
) -> tuple[float, float]:
    """Crisis reach and false-alarm rate when crisis starts at ``crisis`` and review at
    ``review`` (rules floor kept, and the rules' warning signs, which send a text for review
    whatever its score)."""
    flagged = [
        s.rules.category == "crisis"
        or s.rules.risk_review
        or s.scores.crisis >= crisis
        or s.scores.review >= review
        for s in scored
    ]
    crises = [f for s, f in zip(scored, flagged, strict=True) if s.item.label == "crisis"]
    other = [f for s, f in zip(scored, flagged, strict=True) if s.item.label != "crisis"]
    return (sum(crises) / len(crises) if crises else 1.0, sum(other) / len(other) if other else 0.0)


def review_cost(reach: float, alarms: float) -> float:
    """Expected cost per text, in needless reviews, at the real crisis rate."""
    return CRISIS_RATE * MISS_COST * (1.0 - reach) + (1.0 - CRISIS_RATE) * alarms


def cost_error(scored: Sequence[Scored], review: float, *, crisis: float) -> float:
    """The standard error of :func:`review_cost` at ``review``, from the binomial variances of
    the crisis reach and the false-alarm rate over the texts behind them.

    Review thresholds whose cost is within one standard error of the least are equally good as
    far as these texts can tell (the "one standard error" rule of Breiman, Friedman, Olshen and
    Stone, *Classification and Regression Trees*, 1984); the lowest of them is chosen.
    """
    reach, alarms = reach_and_alarms(scored, review, crisis=crisis)
    crises = sum(s.item.label == "crisis" for s in scored)
    other = len(scored) - crises
    variance = 0.0
    if crises:
        variance += (CRISIS_RATE * MISS_COST) ** 2 * reach * (1.0 - reach) / crises
    if other:
        variance += (1.0 - CRISIS_RATE) ** 2 * alarms * (1.0 - alarms) / other
    return float(variance**0.5)


def choose_thresholds(scored: Sequence[Scored]) -> tuple[float, float]:
    """The crisis threshold (best crisis F1) and the review threshold (least cost), each the
    lowest of the near-equal choices."""
    truth = [s.item.label == "crisis" for s in scored]
    f1s = []
    for threshold in CRISIS_GRID:
        said = [s.rules.category == "crisis" or s.scores.crisis >= threshold for s in scored]
        hits = sum(a and b for a, b in zip(said, truth, strict=True))
        f1s.append((threshold, 2 * hits / (sum(said) + sum(truth)) if said or truth else 0.0))
    best_f1 = max(f1 for _, f1 in f1s)
    # Safety first among near-equals: the lowest threshold whose F1 is within F1_TOLERANCE.
    best_crisis = min(t for t, f1 in f1s if f1 >= best_f1 - F1_TOLERANCE - 1e-12)
    costs = [
        (threshold, review_cost(*reach_and_alarms(scored, threshold, crisis=best_crisis)))
        for threshold in REVIEW_GRID
        if threshold <= best_crisis
    ]
    if not costs:
        return best_crisis, best_crisis
    cheapest, least = min(costs, key=lambda pair: (pair[1], pair[0]))
    # Safety first among near-equals: the lowest threshold (the highest reach) whose cost is
    # within one standard error of the least.
    bound = least + cost_error(scored, cheapest, crisis=best_crisis) + 1e-12
    best_review = min(t for t, cost in costs if cost <= bound)
    return best_crisis, best_review


def shipped_thresholds(scored: Sequence[Scored]) -> tuple[float, float]:
    """The thresholds a shipped (or practice) model gets: :func:`choose_thresholds`, with the
    review threshold lowered until the crisis reach is at least :data:`MIN_CRISIS_REACH`, both
    over every text and over :func:`floor_texts`."""
    crisis, _, review = _thresholds(scored)
    return crisis, review


def floor_texts(scored: Sequence[Scored]) -> list[Scored]:
    """The texts :data:`MIN_CRISIS_REACH` was measured on: those of the writers held out one at
    a time (the shared corpus's and Bordin's own), not the further writers held out as one.

    The further writers' fold is read by a model that learnt from far fewer texts than any
    other fold's, and it holds most of the texts, so the pooled reach is mostly its reach: a
    model can keep the pooled share while missing crisis texts of the writers the floor counts.
    """
    return [s for s in scored if s.item.fold != FURTHER_WRITERS]


def _thresholds(scored: Sequence[Scored]) -> tuple[float, float, float]:
    """The crisis threshold, the review threshold by cost alone, and the shipped one."""
    crisis, by_cost = choose_thresholds(scored)
    review = by_cost
    for texts in (scored, floor_texts(scored)):
        review = review_reaching(texts, crisis=crisis, review=review, reach=MIN_CRISIS_REACH)
    return crisis, by_cost, review


def review_reaching(
    scored: Sequence[Scored], *, crisis: float, review: float, reach: float
) -> float:
    """``review``, or the highest lower review threshold of the grid at which the crisis reach
    is at least ``reach``: a second reader must reach at least as many crisis texts as the light
    model alone (as a practice model must to be switched to), whatever it saves in false alarms.
    The lowest threshold of the grid if none does."""
    for threshold in (review, *sorted((t for t in REVIEW_GRID if t < review), reverse=True)):
        if reach_and_alarms(scored, threshold, crisis=crisis)[0] >= reach - 1e-12:
            return threshold
    return REVIEW_GRID[0]


@dataclass(frozen=True)
class ClassFigures:
    category: Category
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Figures:
    """Scores of one held-out author (or all of them pooled)."""

    author: str
    size: int
    classes: tuple[ClassFigures, ...]
    macro_f1: float
    accuracy: float
    crisis_reach: float
    false_alarms: float
    mistakes: tuple[tuple[Scored, Triage], ...] = field(repr=False)

    def score(self, category: Category) -> ClassFigures:
        return next(c for c in self.classes if c.category == category)


def figures(author: str, pairs: Sequence[tuple[Scored, Triage]]) -> Figures:
    """Per-class figures; macro-F1 is over the classes this author wrote."""
    classes: list[ClassFigures] = []
    for category in PRECEDENCE:
        truth = sum(s.item.label == category for s, _ in pairs)
        said = sum(t.category == category for _, t in pairs)
        both = sum(s.item.label == category and t.category == category for s, t in pairs)
        precision = both / said if said else 0.0
        recall = both / truth if truth else 0.0
        f1 = 2 * both / (said + truth) if said + truth else 0.0
        classes.append(ClassFigures(category, precision, recall, f1, truth))
    present = [c for c in classes if c.support]
    crisis = [t for s, t in pairs if s.item.label == "crisis"]
    other = [t for s, t in pairs if s.item.label != "crisis"]
    return Figures(
        author=author,
        size=len(pairs),
        classes=tuple(classes),
        macro_f1=sum(c.f1 for c in present) / len(present) if present else 0.0,
        accuracy=sum(s.item.label == t.category for s, t in pairs) / len(pairs),
        crisis_reach=_share(crisis),
        false_alarms=_share(other),
        mistakes=tuple((s, t) for s, t in pairs if s.item.label != t.category),
    )


def _share(decisions: Sequence[Triage]) -> float:
    flagged = sum(t.category == "crisis" or t.risk_review for t in decisions)
    return flagged / len(decisions) if decisions else 0.0


@dataclass(frozen=True)
class Evaluation:
    """Leave-one-author-out figures at the chosen thresholds."""

    crisis_threshold: float
    review_threshold: float
    #: The review threshold the cost rule alone chose (before :data:`MIN_CRISIS_REACH`).
    review_by_cost: float
    per_author: tuple[Figures, ...] = field(repr=False)
    pooled: Figures = field(repr=False)
    curve: tuple[tuple[float, float, float], ...]


@lru_cache(maxsize=1)
def evaluate() -> Evaluation:
    """The figures for docs/triage.md (the thresholds as the shipped build chooses them)."""
    scored = cross_validate()
    crisis, by_cost, review = _thresholds(scored)
    pairs = [(s, s.decision(crisis, review)) for s in scored]
    curve = tuple(
        (t, *reach_and_alarms(scored, t, crisis=crisis))
        for t in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
    )
    per_fold = _grouped(pairs, lambda item: item.fold)
    return Evaluation(crisis, review, by_cost, per_fold, figures("all", pairs), curve)


def _grouped(
    pairs: Sequence[tuple[Scored, Triage]], key: Callable[[LabelledText], str]
) -> tuple[Figures, ...]:
    """The figures of each group of texts, by ``key`` (a writer, or writers held out as one)."""
    groups = sorted({key(s.item) for s, _ in pairs})
    return tuple(figures(g, [p for p in pairs if key(p[0].item) == g]) for g in groups)


@dataclass(frozen=True)
class Sealed:
    """The shipped triage on the sealed writers' texts, which nothing was fitted on."""

    per_author: tuple[Figures, ...] = field(repr=False)
    pooled: Figures = field(repr=False)
    #: Each set of sealed writers written at one time (:func:`sealed_set`), pooled.
    per_set: tuple[Figures, ...] = field(default=(), repr=False)


def sealed_set(author: str) -> str:
    """The set a sealed writer belongs to: the writers written at one time, to the same briefs,
    share their name but its last letter (``ta`` to ``td`` are set ``t``)."""
    return author[:-1]


@lru_cache(maxsize=1)
def sealed() -> Sealed:
    """The shipped model and thresholds, with the rules, read the sealed writers' texts as they
    would a client's (the figures for docs/triage.md)."""
    model = shipped_model()
    read = [_read(item, model) for item in sealed_texts()]
    pairs = [(s, s.decision(model.crisis_threshold, model.review_threshold)) for s in read]
    return Sealed(
        _grouped(pairs, lambda item: item.author),
        figures("all", pairs),
        _grouped(pairs, lambda item: sealed_set(item.author)),
    )


@dataclass(frozen=True)
class Comparison:
    """A practice model beside the shipped one, on the same held-out writers' texts."""

    artifact: str
    corrections: int
    crisis_reach: float
    false_alarms: float
    shipped_crisis_reach: float
    shipped_false_alarms: float

    @property
    def no_worse(self) -> bool:
        """Switch only if the practice model reaches at least as many crisis texts."""
        return self.crisis_reach >= self.shipped_crisis_reach


def compare_practice_model(corrections: Sequence[tuple[str, str]]) -> Comparison:
    """Fit a model on every labelled text plus a practice's corrections and compare it.

    Both models are judged the same way: one writer of the shipped texts held out at a time,
    the practice's corrections always in the training part, thresholds chosen by the same
    rule; the figures are over the shipped writers' texts only.
    """
    from bordin.analytics.triage_model import build

    extra = tuple(
        LabelledText(f"correction-{n}", text, label, PRACTICE_AUTHOR)
        for n, (text, label) in enumerate(corrections, start=1)
    )
    items = labelled_texts() + extra
    scored = cross_validate(items)
    crisis, review = shipped_thresholds(scored)
    pairs = [(s, s.decision(crisis, review)) for s in scored]
    mine = figures("all", pairs)
    shipped = evaluate().pooled
    return Comparison(
        artifact=build(items),
        corrections=len(extra),
        crisis_reach=mine.crisis_reach,
        false_alarms=mine.false_alarms,
        shipped_crisis_reach=shipped.crisis_reach,
        shipped_false_alarms=shipped.false_alarms,
    )
