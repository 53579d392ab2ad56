"""The Jinja2 environment shared by every page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from bordin.domain.alliance.explanations import measure_name
from bordin.domain.alliance.repair import marker_words, strategy_words
from bordin.domain.intake import slot_label
from bordin.reports.csv_export import rows_to_csv
from bordin.reports.read.signal_display import grouped, signal_heading

TEMPLATES = Path(__file__).parent / "templates"


def _when(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    return "" if value is None else value.strftime(fmt)


def _day(value: Any) -> str:
    return "" if value is None else value.strftime("%d %b %Y")


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def _svg(value: str | None) -> Markup:
    """Charts are rendered on the server by our own code; mark them safe to embed."""
    return Markup(value or "")


def _labels(values: Sequence[str] | None, names: Mapping[str, str]) -> list[str]:
    """Stored keys (``in_person``) as the words a page shows (``In person``)."""
    return [names.get(v, v) for v in values or ()]


@cache
def make_templates() -> Jinja2Templates:
    """The app's templates and their filters, made once per process: a template is compiled the
    first time any app renders it (a test run makes an app per test; a server makes one)."""
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.auto_reload = False  # templates ship with the release: no file checks on every page
    env.filters["when"] = _when
    env.filters["signal_groups"] = grouped
    env.filters["signal_heading"] = signal_heading
    env.filters["measure_name"] = measure_name
    env.filters["marker_words"] = marker_words
    env.filters["strategy_words"] = strategy_words
    env.filters["day"] = _day
    env.filters["number"] = _number
    env.filters["svg"] = _svg
    env.filters["labels"] = _labels
    env.filters["slots"] = lambda slots: [slot_label(str(s)) for s in slots or ()]
    env.globals["app_name"] = "Bordin"
    return templates


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """Render a page with the app's templates."""
    templates: Jinja2Templates = request.app.state.templates
    response: Response = templates.TemplateResponse(request, name, context, status_code=status_code)
    return response


def csv_download(
    rows: Sequence[Mapping[str, object]], columns: Sequence[str], filename: str
) -> Response:
    """The table behind a view as a CSV download (cells guarded against formula injection)."""
    return Response(
        rows_to_csv(rows, columns),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
