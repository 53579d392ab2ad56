"""How well the signals find what was planted, and docs/signals.md (kept for existing imports).

The code lives in :mod:`bordin.analytics.signals.evaluation`; see its docstring.
``python -m bordin.analytics.signal_evaluation --write docs/signals.md`` regenerates the doc.
"""

from bordin.analytics.signals.evaluation import (
    CASES_PER_FAMILY,
    CASES_SEED,
    DEMO_SEED,
    DEMO_TODAY,
    FALSE_ALARM_TARGET,
    RUPTURE_RECALL_TARGET,
    TYPE_ROWS,
    VARIANTS,
    Evaluation,
    TypeScore,
    config_field_docs,
    demo_case_set,
    evaluate_cases,
    main,
    render_doc,
    score_signals,
)

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

if __name__ == "__main__":
    raise SystemExit(main())
