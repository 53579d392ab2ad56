"""docs/signals.md is generated from the code and must be current and complete."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from bordin.analytics.signal_evaluation import config_field_docs, render_doc
from bordin.domain.alliance import SIGNAL_TYPES, SignalConfig

DOC = Path(__file__).resolve().parents[2] / "docs" / "signals.md"


def test_the_committed_signals_doc_is_current() -> None:
    command = "python -m bordin.analytics.signal_evaluation --write docs/signals.md"
    current = DOC.read_text(encoding="utf-8") == render_doc()
    assert current, f"docs/signals.md is stale: run `{command}`"


def test_every_setting_is_documented() -> None:
    documented = config_field_docs()
    missing = [f.name for f in fields(SignalConfig) if not documented.get(f.name)]
    assert missing == []


def test_every_signal_type_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [t for t in SIGNAL_TYPES if f"`{t}`" not in text] == []


def test_the_doc_reports_precision_and_recall_and_the_targets() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "| precision | recall |" in text
    assert "Rupture recall" in text and "false rupture alarm" in text
    assert "Demo practice" in text
