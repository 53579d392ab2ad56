"""docs/instruments/ is generated from the definitions and the spec tables; it must be current.

Regenerate with:
    BORDIN_REGENERATE_DOCS=1 .venv/bin/python -m pytest tests/docs/test_instrument_docs.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bordin.domain.instruments import builtin_registry
from bordin.domain.instruments.docs import render_pages, write_pages
from bordin.domain.instruments.specs import load_specs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "instruments"
SPECS, CHANGE_SPEC = load_specs(ROOT / "tests" / "spec" / "instruments")
PAGES = render_pages(builtin_registry(), SPECS, CHANGE_SPEC)

if os.environ.get("BORDIN_REGENERATE_DOCS"):
    write_pages(DOCS, PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_committed_instrument_page_matches_the_code(name):
    committed = DOCS / name
    assert committed.exists(), f"docs/instruments/{name} is missing: regenerate the docs"
    assert committed.read_text(encoding="utf-8") == PAGES[name], (
        f"docs/instruments/{name} is stale: BORDIN_REGENERATE_DOCS=1 pytest {__file__}"
    )


def test_every_built_in_instrument_has_a_page_with_its_spec_table():
    # Custom measures a practice imports at run time are not documented in the repository.
    for instrument in builtin_registry().all():
        page = DOCS / f"{instrument.id}.md"
        assert page.exists(), instrument.id
        text = page.read_text(encoding="utf-8")
        assert "## Scoring rules, by example" in text, instrument.id
        assert f"[`{instrument.id}`]({instrument.id}.md)" in PAGES["README.md"]


def test_no_page_is_left_over_from_a_removed_instrument():
    on_disk = {path.name for path in DOCS.glob("*.md")}
    assert on_disk <= set(PAGES), on_disk - set(PAGES)


def test_the_session_alliance_check_page_says_it_is_unvalidated_and_names_the_alternatives():
    text = PAGES["bordin_sac.md"]
    assert "not yet been validated" in text or "not validated" in text.lower()
    assert "WAI-SR" in text and "SRS" in text


def test_pages_of_licensed_instruments_carry_no_wording():
    for name in ("phq9.md", "gad7.md", "core10.md", "wai_sr.md", "srs.md", "ors.md"):
        assert "| wording |" not in PAGES[name].split("## Items", 1)[1].split("\n\n")[1]
