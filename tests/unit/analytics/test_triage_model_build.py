"""The triage model is rebuilt from the labelled texts as shipped (byte for byte on the machine
that made it, weight for weight elsewhere), and its held-out-author figures hold."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

from bordin.analytics.triage_evaluation import choose_thresholds, cross_validate, evaluate
from bordin.analytics.triage_model import OWN_AUTHOR, build, labelled_texts
from bordin.domain.triage.model import artifact_text, shipped_model

PAGE = Path(__file__).resolve().parents[3] / "docs" / "triage.md"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: How far a rebuilt weight may be from the shipped one: another CPU sums in another order.
TOLERANCE = 1e-5


def _differences(built: dict[str, Any], shipped: dict[str, Any]) -> list[str]:
    """Where the rebuilt model differs from the shipped one beyond floating-point noise."""
    found = [
        key
        for key in ("version", "classes", "thresholds", "data_sha256")
        if built[key] != shipped[key]
    ]
    numbers = [("intercept", built["intercept"], shipped["intercept"])]
    for name, block in shipped["blocks"].items():
        rebuilt = built["blocks"][name]
        if rebuilt["terms"] != block["terms"]:
            found.append(f"{name} terms")
            continue
        numbers.append((f"{name} idf", rebuilt["idf"], block["idf"]))
        flat = [w for row in rebuilt["coef"] for w in row]
        numbers.append((f"{name} weights", flat, [w for row in block["coef"] for w in row]))
    for label, ours, theirs in numbers:
        if len(ours) != len(theirs) or any(
            not math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
            for a, b in zip(ours, theirs, strict=False)
        ):
            found.append(label)
    return found


def test_rebuilding_the_model_from_the_labelled_texts_gives_the_shipped_model() -> None:
    built = build()
    if _digest(built) == _digest(artifact_text()):
        return  # the same bytes (on the machine that made it, always)
    assert _differences(json.loads(built), json.loads(artifact_text())) == [], (
        "stale: run `make triage-model`"
    )


def test_a_changed_weight_or_term_is_told_apart_from_rounding_noise() -> None:
    shipped = json.loads(artifact_text())
    noisy, changed = copy.deepcopy(shipped), copy.deepcopy(shipped)
    noisy["blocks"]["words"]["coef"][0][0] += 1e-9
    changed["blocks"]["words"]["coef"][0][0] += 0.01
    changed["blocks"]["chars"]["terms"][0] = "zzzz"
    assert _differences(noisy, shipped) == []
    assert _differences(changed, shipped) == ["chars terms", "words weights"]


def test_the_labelled_texts_keep_their_authors_and_come_from_five_writers() -> None:
    items = labelled_texts()

    assert len(items) == 2149 + 366
    assert {i.author for i in items} == {"a", "b", "c", "d", OWN_AUTHOR}
    assert len({i.id for i in items}) == len(items)


def test_the_shipped_thresholds_are_the_ones_cross_validation_chooses() -> None:
    model = shipped_model()

    assert choose_thresholds(cross_validate()) == (model.crisis_threshold, model.review_threshold)
    assert 0.0 < model.review_threshold <= model.crisis_threshold < 1.0


def test_held_out_author_crisis_reach_is_not_below_the_figure_in_the_docs() -> None:
    recorded = re.search(
        r"crisis reach on held-out authors: \*\*([0-9.]+)\*\*", PAGE.read_text(encoding="utf-8")
    )
    assert recorded is not None

    # The page rounds to three places; compare at that precision.
    reach = round(evaluate().pooled.crisis_reach, 3)

    assert reach >= float(recorded.group(1))


def test_each_writer_is_scored_by_one_model_of_its_own() -> None:
    scored = cross_validate()
    models = {s.item.author: id(s.model) for s in scored}

    assert len(scored) == len(labelled_texts())
    assert all(id(s.model) == models[s.item.author] for s in scored)
    assert len(set(models.values())) == 5
