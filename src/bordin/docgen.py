"""Generated documentation: the settings and CLI references, and the API's OpenAPI document.

``python -m bordin.docgen`` rewrites them; tests in ``tests/docs/`` fail when the committed
pages differ from what this module generates, so the docs cannot fall behind the code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer.main

from bordin.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def configuration_markdown() -> str:
    lines = [
        "# Configuration",
        "",
        "Bordin reads its settings from environment variables prefixed `BORDIN_`, into one typed",
        "object (`bordin.settings.Settings`) that is passed to the app factory. Nothing is read",
        "at import time. A bad value stops start-up with a message naming the variable.",
        "Secrets can also come from files "
        "(`BORDIN_SECRET_KEY_FILE`, `BORDIN_ENCRYPTION_KEY_FILE`).",
        "",
        "This page is generated from the code (`python -m bordin.docgen`); "
        "a test keeps it complete.",
        "",
        "| Variable | Default | Meaning |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "(unset)" if default is None else f"`{default}`"
        lines.append(f"| `BORDIN_{name.upper()}` | {shown} | {field.description or ''} |")
    return "\n".join(lines) + "\n"


def _walk(command: Any, path: list[str]) -> list[tuple[str, Any]]:
    found = [(" ".join(path), command)]
    if hasattr(command, "commands"):
        for name in sorted(command.commands):
            found += _walk(command.commands[name], [*path, name])
    return found


def cli_markdown() -> str:
    from bordin.cli.app import app

    root = typer.main.get_command(app)
    lines = [
        "# Command line",
        "",
        "Every `bordin` command and its `--help`, generated from the code "
        "(`python -m bordin.docgen`); a test keeps this page complete.",
        "",
    ]
    for path, command in _walk(root, ["bordin"]):
        context = command.context_class(command, info_name=path)
        lines += [f"## `{path}`", "", "```text", command.get_help(context).rstrip(), "```", ""]
    return "\n".join(lines)


def api_openapi_json() -> str:
    """The REST API's OpenAPI document, published beside docs/api.md."""
    from bordin.web.api import openapi_document

    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def research_dictionary() -> str:
    from bordin.domain.research import dictionary_markdown

    return dictionary_markdown()


PAGES = {
    "docs/configuration.md": configuration_markdown,
    "docs/cli.md": cli_markdown,
    "docs/api-openapi.json": api_openapi_json,
    "docs/research-export.md": research_dictionary,
}


def main() -> None:
    for relative, make in PAGES.items():
        (ROOT / relative).write_text(make())
        print(f"wrote {relative}", file=sys.stderr)


if __name__ == "__main__":
    main()
