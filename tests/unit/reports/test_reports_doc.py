"""docs/reports.md stays complete: its generated parts match what the code writes now."""

from __future__ import annotations

from pathlib import Path

from bordin.reports import doc_sections

DOC = Path(__file__).resolve().parents[3] / "docs" / "reports.md"


def test_the_committed_reports_doc_matches_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert doc_sections.update(text) == text, (
        "docs/reports.md is out of date: run "
        "`.venv/bin/python -m bordin.reports.doc_sections docs/reports.md`"
    )


def test_the_reports_doc_documents_every_public_function() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in (
        "render_trajectory_svg",
        "describe_trajectory",
        "trajectory_table",
        "render_sparkline_svg",
        "summarise_outcomes",
        "alliance_outcome_association",
        "therapist_comparison",
        "render_supervision_report_pdf",
        "single_client_report",
        "rows_to_csv",
    ):
        assert f"`{name}" in text, name


def test_the_reports_doc_states_the_no_league_table_principle() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "Never a league table" in text
    assert "[o6]" in text and "[u18]" in text
