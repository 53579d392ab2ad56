"""The Jinja2 environment shared by every page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from bordin.reports.csv_export import rows_to_csv

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


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters["when"] = _when
    env.filters["day"] = _day
    env.filters["number"] = _number
    env.filters["svg"] = _svg
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
