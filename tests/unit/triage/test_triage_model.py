"""The learned model: pure-Python inference equals scikit-learn's, and it joins the rules safely."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from bordin.domain.triage import CLINICAL_LEAD, THERAPIST, rules_triage, triage
from bordin.domain.triage.classifier import decide, find_hits
from bordin.domain.triage.combination import combine
from bordin.domain.triage.model import (
    Scores,
    Sentence,
    analyse_chars,
    analyse_words,
    artifact_text,
    char_features,
    sentences,
    shipped_model,
    word_features,
)
from bordin.domain.triage.normalisation import Canonical, canonical
from bordin.domain.triage.patterns import PRECEDENCE, Category


def test_the_model_is_read_once_per_process() -> None:
    assert shipped_model() is shipped_model()
    assert shipped_model().classes == PRECEDENCE


def test_pure_inference_equals_scikit_learn_predict_proba_within_1e_9() -> None:
    numpy = pytest.importorskip("numpy")
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from bordin.analytics.triage_model import labelled_texts

    model = shipped_model()
    artifact = json.loads(artifact_text())
    texts = [item.text for item in labelled_texts()]
    matrices = []
    for name, analyser in (("words", analyse_words), ("chars", analyse_chars)):
        block = artifact["blocks"][name]
        vectoriser = TfidfVectorizer(
            analyzer=analyser, vocabulary=block["terms"], sublinear_tf=True
        )
        vectoriser.fit(texts[:10])
        vectoriser.idf_ = numpy.array(block["idf"])
        matrices.append(vectoriser.transform(texts))
    regression = LogisticRegression()
    regression.classes_ = numpy.arange(len(PRECEDENCE))
    coef = artifact["blocks"]["words"]["coef"] + artifact["blocks"]["chars"]["coef"]
    regression.coef_ = numpy.array(coef).T
    regression.intercept_ = numpy.array(artifact["intercept"])
    expected = regression.predict_proba(hstack(matrices).tocsr())

    worst = 0.0
    for row, text in zip(expected, texts, strict=True):
        canon = canonical(text)
        words: Counter[str] = Counter()
        chars: Counter[str] = Counter()
        for sentence in sentences(canon):
            words.update(word_features(sentence.words))
            chars.update(char_features(sentence.words))
        got = model.probabilities(words, chars)
        worst = max(worst, *(abs(got[c] - row[k]) for k, c in enumerate(PRECEDENCE)))
    assert worst < 1e-9


def test_the_web_side_of_the_triage_imports_neither_scikit_learn_nor_numpy() -> None:
    code = (
        "import sys\n"
        "from bordin.domain.triage import triage\n"
        "triage('I have the pills saved up and I keep looking at them.')\n"
        "heavy = sorted(m for m in ('numpy', 'sklearn', 'scipy', 'torch') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert completed.stdout.strip() == ""


def test_sentences_split_at_full_stops_and_line_breaks() -> None:
    canon = canonical("Great session, thanks!\nbtw I keep looking at the pills. See you")

    found = [" ".join(s.words) for s in sentences(canon)]

    assert found == ["great session thanks", "btw i keep looking at the pills", "see you"]


def test_a_cheerful_frame_cannot_hide_one_crisis_sentence() -> None:
    framed = (
        "Great session today, thank you so much, I really liked the new exercise. "
        "I have the pills saved up and I keep looking at them. "
        "Anyway see you next Tuesday, same time!"
    )

    result = triage(framed)

    assert result.category == "crisis" or result.risk_review
    assert result.shows_crisis_help
    assert CLINICAL_LEAD in result.route


@pytest.mark.parametrize(
    "text",
    [
        "I want to die.",
        "I've been thinking about killing myself.",
        "been cuttin again. pls dont tell my mom",
    ],
)
def test_the_rules_are_a_floor_the_model_cannot_remove_a_crisis(text: str) -> None:
    strict = replace(shipped_model(), crisis_threshold=1.01, review_threshold=1.01)

    assert rules_triage(text).category == "crisis"
    assert triage(text, model=strict).category == "crisis"


def test_a_risk_review_goes_to_the_lead_too_and_shows_the_client_crisis_help() -> None:
    everything = replace(shipped_model(), crisis_threshold=1.01, review_threshold=0.0)

    result = triage("I felt rushed at the end.", model=everything)

    assert result.category != "crisis"
    assert result.risk_review is True
    assert result.route == (THERAPIST, CLINICAL_LEAD)
    assert result.shows_crisis_help is True
    assert "crisis numbers" in result.client_message
    assert result.severity == "high"


def test_a_risk_review_of_a_conduct_text_still_never_reaches_the_therapist() -> None:
    everything = replace(shipped_model(), crisis_threshold=1.01, review_threshold=0.0)

    result = triage("He asked me out for a drink after the session.", model=everything)

    assert result.category == "conduct"
    assert result.risk_review is True
    assert result.route == (CLINICAL_LEAD,)
    assert "not to your therapist" in result.client_message


def _scores_of(text: str, *, sentence: float, neighbours: float) -> tuple[Canonical, Scores]:
    """Made-up scores: the middle sentence alone at ``sentence``, all else at ``neighbours``."""
    canon = canonical(text)
    parts = sentences(canon)
    assert len(parts) == 3

    def crisis_at(value: float) -> dict[Category, float]:
        return {c: (value if c == "crisis" else (1.0 - value) / 4) for c in PRECEDENCE}

    rest = crisis_at(neighbours)
    alone = (rest, crisis_at(sentence), rest)
    return canon, Scores(rest, tuple(zip(parts, alone, strict=True)), (rest, rest))


TEXT_OF_THREE = "We talked about the holiday. Then the thing with my brother. See you soon."


def test_risk_review_weighs_a_sentence_alone_and_read_with_its_neighbours() -> None:
    model = replace(shipped_model(), crisis_threshold=0.6, review_threshold=0.1)
    canon, noisy = _scores_of(TEXT_OF_THREE, sentence=0.15, neighbours=0.02)
    _, worrying = _scores_of(TEXT_OF_THREE, sentence=0.3, neighbours=0.02)
    _, in_context = _scores_of(TEXT_OF_THREE, sentence=0.02, neighbours=0.3)
    rules = decide(find_hits(canon))

    assert rules.category != "crisis" and not rules.warning_signs
    # Alone over the review threshold, but calm read with its neighbours: (0.15 + 0.02) / 2.
    assert noisy.review == pytest.approx(0.085)
    assert combine(canon, rules, noisy, model).risk_review is False
    assert combine(canon, rules, worrying, model).risk_review is True
    assert combine(canon, rules, in_context, model).risk_review is True


def test_one_sentence_over_the_crisis_threshold_is_a_crisis_whatever_its_neighbours() -> None:
    model = replace(shipped_model(), crisis_threshold=0.6, review_threshold=0.1)
    canon, scores = _scores_of(TEXT_OF_THREE, sentence=0.7, neighbours=0.02)

    result = combine(canon, decide(find_hits(canon)), scores, model)

    assert result.category == "crisis"
    assert result.confidence == 0.7


def test_when_the_model_alone_decides_the_evidence_is_the_sentence_that_drove_it() -> None:
    text = "Lovely to see you. Started writing letters to people, just in case. Bye for now."
    model = replace(shipped_model(), crisis_threshold=0.0, review_threshold=0.0)

    result = triage(text, model=model)

    assert result.category == "crisis"
    assert result.decided_by in ("model", "rules and model")
    for phrase in result.evidence:
        assert phrase in text
    if result.decided_by == "model":
        assert result.evidence == ("Started writing letters to people, just in case",)


def test_confidence_is_a_probability_and_probabilities_sum_to_one() -> None:
    result = triage("I'm not sure this is working, we keep going round in circles.")

    assert 0.0 <= result.confidence <= 1.0
    assert sum(p for _, p in result.probabilities) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "text",
    [
        "Not sure I'll still be here by the next appointment.",
        "I have the pills saved up and I keep looking at them.",
        "started writing letters to people. just in case.",
    ],
)
def test_the_indirect_crisis_messages_the_rules_missed_now_reach_the_clinical_lead(
    text: str,
) -> None:
    result = triage(text)

    assert result.category == "crisis" or result.risk_review
    assert CLINICAL_LEAD in result.route
    assert result.shows_crisis_help


def test_a_conduct_concern_written_to_the_therapist_goes_to_the_clinical_lead_only() -> None:
    result = triage("you asked me to lend you 200 quid last week and I didn't know what to say")

    assert result.category == "conduct"
    assert result.route == (CLINICAL_LEAD,)


def _labelled_sentences(keep: Callable[[int], bool]) -> Iterator[tuple[Canonical, list[Sentence]]]:
    """Each labelled text's canonical form and sentences, for the texts whose number of
    sentences ``keep`` accepts."""
    from bordin.analytics.triage_model import labelled_texts

    for item in labelled_texts():
        canon = canonical(item.text)
        parts = list(sentences(canon))
        if keep(len(parts)):
            yield canon, parts


def test_scoring_each_sentence_from_shared_sums_equals_scoring_each_bag_on_its_own() -> None:
    from bordin.domain.triage.model import score

    model = shipped_model()
    worst = 0.0
    checked = paired = 0
    for canon, parts in _labelled_sentences(lambda count: count >= 2):
        checked += 1
        words = [word_features(s.words) for s in parts]
        chars = [char_features(s.words) for s in parts]
        got = score(model, canon)
        whole = model.probabilities(
            Counter(w for ws in words for w in ws), Counter(c for cs in chars for c in cs)
        )
        worst = max(worst, *(abs(got.text[c] - whole[c]) for c in PRECEDENCE))
        for (_, mine), w, c in zip(got.sentences, words, chars, strict=True):
            alone = model.probabilities(Counter(w), Counter(c))
            worst = max(worst, *(abs(mine[k] - alone[k]) for k in PRECEDENCE))
        assert len(got.neighbours) == (len(parts) - 1 if len(parts) > 2 else 0)
        for i, together in enumerate(got.neighbours):
            pair = model.probabilities(
                Counter(words[i] + words[i + 1]), Counter(chars[i] + chars[i + 1])
            )
            worst = max(worst, *(abs(together[k] - pair[k]) for k in PRECEDENCE))
            paired += 1

    assert checked > 1000
    assert paired > 1000
    assert worst < 1e-12


def test_a_one_sentence_text_scores_as_its_bag_of_features() -> None:
    from bordin.domain.triage.model import score

    model = shipped_model()
    worst = 0.0
    checked = 0
    for canon, parts in _labelled_sentences(lambda count: count == 1):
        checked += 1
        got = score(model, canon)
        alone = model.probabilities(
            Counter(word_features(parts[0].words)), Counter(char_features(parts[0].words))
        )
        assert got.sentences[0][1] is got.text
        worst = max(worst, *(abs(got.text[c] - alone[c]) for c in PRECEDENCE))

    assert checked > 500
    assert worst < 1e-12


def test_a_block_keeps_at_most_so_many_words_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    from bordin.domain.triage import model as module

    block = module.Block("chars", dict(shipped_model().chars.weights))
    monkeypatch.setattr(module, "WORD_PARTS", 3)
    for word in ("one", "two", "three", "four", "five", "one"):
        part = block.word_part(word)
        assert len(block._parts) <= 3
        assert part.grams == tuple(char_features([word]))
