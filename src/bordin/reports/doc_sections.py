"""Parts of docs/reports.md that are generated from the code, so the docs cannot drift.

Each generated part sits between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``.
Refresh the file with ``python -m bordin.reports.doc_sections docs/reports.md``; a unit test
fails when the committed file differs from what the code would write.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from bordin.reports.charts import encoding_table
from bordin.reports.examples import example_outcome_records, example_trajectory
from bordin.reports.outcomes import CLASSIFICATIONS, summarise_outcomes
from bordin.reports.trajectory import describe_trajectory


def _rates_table() -> str:
    summary = summarise_outcomes(example_outcome_records())
    rows = ["| outcome | count | out of | rate | 95% CI (Wilson) |", "|---|---|---|---|---|"]
    for rate in summary.rates:
        assert rate.proportion is not None and rate.ci_lower is not None
        assert rate.ci_upper is not None
        rows.append(
            f"| {rate.label} | {rate.count} | {rate.denominator} {rate.denominator_label} | "
            f"{rate.proportion:.0%} | {rate.ci_lower:.0%} to {rate.ci_upper:.0%} |"
        )
    return "\n".join(rows) + "\n"


def sections() -> dict[str, str]:
    """Every generated part, by name."""
    return {
        "encoding": encoding_table(),
        "text-alternative": "> " + describe_trajectory(example_trajectory()) + "\n",
        "classifications": "".join(f"- `{c}`\n" for c in CLASSIFICATIONS),
        "example-rates": _rates_table(),
    }


def _replacement(body: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return match.group(1) + body + match.group(2)

    return replace


def update(text: str) -> str:
    """``text`` with every generated part replaced by what the code writes now."""
    for name, body in sections().items():
        pattern = re.compile(
            rf"(<!-- generated:{re.escape(name)} -->\n).*?(<!-- /generated:{re.escape(name)} -->)",
            re.DOTALL,
        )
        if not pattern.search(text):
            raise ValueError(f"docs/reports.md has no generated:{name} block")
        text = pattern.sub(_replacement(body), text)
    return text


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "docs/reports.md")
    path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
