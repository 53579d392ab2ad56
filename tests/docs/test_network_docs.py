"""docs/network-analytics.md names every option of ``bordin analytics network``."""

from __future__ import annotations

import typer.main

from bordin.cli.app import app
from bordin.docgen import ROOT


def test_every_option_of_the_network_command_is_in_its_page() -> None:
    page = (ROOT / "docs" / "network-analytics.md").read_text()
    group = typer.main.get_command(app).commands["analytics"]  # type: ignore[attr-defined]
    command = group.commands["network"]
    options = [o for p in command.params for o in p.opts if o.startswith("--")]
    assert "--out" in options and "--scheduler" in options
    for option in options:
        assert f"{option}" in page, f"{option} is missing from docs/network-analytics.md"
