"""The settings and CLI references are generated; the committed pages must be current."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordin.docgen import PAGES, ROOT, cli_markdown, configuration_markdown
from bordin.settings import Settings


@pytest.mark.parametrize("relative", sorted(PAGES))
def test_the_committed_page_matches_the_code(relative: str) -> None:
    committed = (ROOT / relative).read_text()
    assert committed == PAGES[relative](), f"{relative} is stale: run python -m bordin.docgen"


def test_every_setting_is_documented_with_a_description() -> None:
    page = configuration_markdown()
    for name, field in Settings.model_fields.items():
        assert f"BORDIN_{name.upper()}" in page
        assert field.description, f"setting {name} has no description"


def test_every_cli_command_appears_in_the_cli_reference() -> None:
    page = cli_markdown()
    for command in (
        "bordin serve",
        "bordin demo",
        "bordin db upgrade",
        "bordin user add",
        "bordin score",
        "bordin change",
        "bordin instruments list",
        "bordin triage",
        "bordin signals",
        "bordin match",
        "bordin retention run",
    ):
        assert f"## `{command}`" in page


def test_the_readme_gives_exactly_the_two_quick_start_commands() -> None:
    readme = (Path(ROOT) / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in quick.splitlines() if line.strip()]
    assert [c for c in commands if c and c != "sh"] == ["make run", "make test"]
