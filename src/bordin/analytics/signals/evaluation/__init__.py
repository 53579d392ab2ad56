"""How well the signals find what was planted: precision and recall per signal type.

Two sources of ground truth:

- the hard synthetic cases of :mod:`.cases` (noisy stable clients, slow declines,
  ceiling-bound clients, V-shapes, unrepaired ruptures, couples' splits, non-responders and
  deteriorators);
- the demo practice of :mod:`bordin.demo` and the patterns it planted (:mod:`.demo`).

:mod:`.scoring` matches signals to planted patterns; :mod:`.tables`, :mod:`.template` and
:mod:`.document` render docs/signals.md
(``python -m bordin.analytics.signal_evaluation --write docs/signals.md``).
"""

from bordin.analytics.signals.evaluation.demo import demo_case_set
from bordin.analytics.signals.evaluation.document import main, render_doc
from bordin.analytics.signals.evaluation.scoring import (
    CASES_PER_FAMILY,
    CASES_SEED,
    DEMO_SEED,
    DEMO_TODAY,
    FALSE_ALARM_TARGET,
    RUPTURE_RECALL_TARGET,
    Evaluation,
    TypeScore,
    evaluate_cases,
    score_signals,
)
from bordin.analytics.signals.evaluation.tables import TYPE_ROWS, VARIANTS, config_field_docs

__all__ = [
    "CASES_PER_FAMILY",
    "CASES_SEED",
    "DEMO_SEED",
    "DEMO_TODAY",
    "FALSE_ALARM_TARGET",
    "RUPTURE_RECALL_TARGET",
    "TYPE_ROWS",
    "VARIANTS",
    "Evaluation",
    "TypeScore",
    "config_field_docs",
    "demo_case_set",
    "evaluate_cases",
    "main",
    "render_doc",
    "score_signals",
]
