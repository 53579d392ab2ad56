"""The supervision report: one therapist's caseload (or one client) over a chosen period, as
HTML and as a PDF for the supervision meeting.

It is written for a *developmental* conversation between a therapist and their supervisor:
what the clients' own ratings say, where the relationship strained and how it was repaired,
and what might be worth practising next (PRODUCT.md §4 item 7). It never compares the therapist
with colleagues and never ranks anyone. It is private to the therapist and their supervisor,
and says so on every page.

The caller (a service with access checks) builds :class:`SupervisionReportData`; this module
only renders. Charts are inline SVG so the PDF keeps them sharp and their text selectable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bordin.domain.errors import NotFound
from bordin.reports.charts import render_sparkline_svg, render_trajectory_svg
from bordin.reports.outcomes import OutcomeSummary
from bordin.reports.trajectory import (
    Series,
    Trajectory,
    describe_trajectory,
    trajectory_data_table,
)

TEMPLATES = Path(__file__).parent / "templates"
PRIVACY_NOTICE = "Private: for the therapist and their supervisor"

RuptureStatus = Literal["open", "repaired", "unrepaired"]


@dataclass(frozen=True)
class ReportSignal:
    """A signal raised in the period, as the signals module explained it."""

    date: dt.date
    type: str
    severity: str
    explanation: str


@dataclass(frozen=True)
class RuptureEntry:
    """One rupture from the rupture-and-repair log (detected, logged, or both, linked).

    ``source`` is "detected", "logged" or "detected and logged"; ``description`` holds the type
    and markers the therapist recorded; ``what_was_tried`` the resolution strategies.
    """

    session_number: int
    date: dt.date
    source: str
    status: RuptureStatus
    description: str = ""
    what_was_tried: str = ""
    repaired_at_session: int | None = None


@dataclass(frozen=True)
class ClientSection:
    """Everything the report says about one client (or one couple)."""

    client_key: str
    client_label: str
    trajectory: Trajectory
    signals: tuple[ReportSignal, ...] = ()
    ruptures: tuple[RuptureEntry, ...] = ()
    sessions_in_period: int | None = None
    status: str = ""


@dataclass(frozen=True)
class SupervisionReportData:
    """The whole report. ``generated_at`` is passed in (no clock is read here)."""

    therapist_name: str
    supervisor_name: str
    period_start: dt.date
    period_end: dt.date
    generated_at: dt.datetime
    clients: tuple[ClientSection, ...]
    outcomes: OutcomeSummary | None = None
    practice_name: str = ""
    deliberate_practice_goal: str = ""
    scope: Literal["therapist", "client"] = "therapist"


#: Signal levels summarised in one line on a client's page rather than listed (any case).
ROUTINE_LEVELS = ("routine", "Routine", "green", "Green")
#: Signal levels that give a client their own page in the report.
CONCERN_SEVERITIES = frozenset({"urgent", "high", "red", "amber"})


def is_of_concern(section: ClientSection) -> bool:
    """A client gets their own page when something in the period needs the conversation: an
    urgent or high signal, or a rupture that is still open or was not repaired. The rest
    (routine signals, repaired ruptures) appear in the caseload table only, with their counts."""
    return any(s.severity.lower() in CONCERN_SEVERITIES for s in section.signals) or any(
        r.status in ("open", "unrepaired") for r in section.ruptures
    )


def clients_of_concern(data: SupervisionReportData) -> tuple[ClientSection, ...]:
    """The clients who get their own page (in a one-client report, that client always)."""
    if data.scope == "client":
        return data.clients
    return tuple(c for c in data.clients if is_of_concern(c))


def long_date(day: dt.date) -> str:
    """The report's one date format: "2 November 2026"."""
    return f"{day.day} {day:%B %Y}"


def single_client_report(data: SupervisionReportData, client_key: str) -> SupervisionReportData:
    """The per-client variant: the same report narrowed to one client, without caseload rates."""
    chosen = tuple(c for c in data.clients if c.client_key == client_key)
    if not chosen:
        raise NotFound(f"client {client_key!r} is not in this report")
    return replace(data, clients=chosen, outcomes=None, scope="client")


# --- reflective prompts -----------------------------------------------------------------------


def client_prompts(section: ClientSection) -> list[str]:
    """Questions for the supervision conversation, chosen from what happened with this client.

    They invite reflection ("what was happening between you?"), never a verdict.
    """
    prompts: list[str] = []
    ruptures = sorted(section.ruptures, key=lambda r: r.session_number)
    if ruptures:
        prompts.append(
            "Which of these ruptures would be worth replaying in supervision? What was "
            "happening between you just before it?"
        )
    for rupture in ruptures:
        if rupture.status == "open":
            prompts.append(
                f"The rupture at session {rupture.session_number} is still open. How might you "
                "invite the client to say more about it, and what would make that easier for you?"
            )
        elif rupture.status == "unrepaired":
            prompts.append(
                f"The rupture at session {rupture.session_number} did not resolve. Looking back, "
                "what might you try differently with a similar moment?"
            )
    types = " ".join(s.type.lower() for s in section.signals)
    if "track" in types:
        prompts.append(
            "Progress is behind the expected curve. What does the client say about how the work "
            "is going, and is it time to review the goals or the approach together?"
        )
    if "split" in types or len(section.trajectory.client_labels) > 1:
        prompts.append(
            "The partners experience the alliance differently. Whose experience of the work is "
            "less heard in the room, and how might you strengthen that bond?"
        )
    if "deteriorat" in types:
        prompts.append(
            "Scores show reliable deterioration. What support or consultation would help you "
            "and the client now?"
        )
    if not prompts:
        prompts.append(
            "What do you notice in this client's ratings that you had not noticed in the room?"
        )
    return prompts


CASELOAD_PROMPTS: tuple[str, ...] = (
    "Which client would you most like to think about together today, and why that one?",
    "Where did the clients' ratings surprise you, in either direction?",
)

PRACTICE_PROMPTS: tuple[str, ...] = (
    "What is one specific skill you want to practise before the next supervision?",
    "How will you practise it (role-play, reviewing a recording, rehearsing a repair), "
    "and how will you know it is making a difference to your clients?",
)


# --- rendering --------------------------------------------------------------------------------


def _headline_values(trajectory: Trajectory, kind: str) -> tuple[Series | None, list[float]]:
    ordered = [s for s in trajectory.series if s.kind == kind and s.points]
    preferred = [s for s in ordered if s.dimension in ("overall", "total")] or ordered
    if not preferred:
        return None, []
    series = preferred[0]
    points = sorted(series.points, key=lambda p: p.session_number)
    return series, [p.value for p in points]


SPARK_COLOURS = {"alliance": "#0072B2", "outcome": "#D55E00"}


def _sparkline(trajectory: Trajectory, kind: str) -> Markup:
    series, values = _headline_values(trajectory, kind)
    if series is None:
        return Markup("<span class='muted'>none</span>")
    low, high = series.scale if series.scale else (min(values), max(values))
    if high <= low:
        low, high = low - 1, high + 1
    numbers = ", ".join(f"{v:g}" for v in values[-8:])
    label = f"{series.display_label}, last sessions: {numbers}"
    return Markup(
        render_sparkline_svg(
            values[-8:],
            minimum=low,
            maximum=high,
            label=label,
            width=96,
            colour=SPARK_COLOURS[kind],
        )
    )


@dataclass(frozen=True)
class _RenderedClient:
    section: ClientSection
    chart: Markup
    description: str
    columns: list[str]
    rows: list[dict[str, object]]
    prompts: list[str]
    alliance_sparkline: Markup
    outcome_sparkline: Markup
    rupture_summary: str
    #: Has its own page (a client of concern); otherwise a row in the caseload table only.
    detailed: bool = True


def _rupture_summary(ruptures: Sequence[RuptureEntry]) -> str:
    if not ruptures:
        return "none"
    words = {"repaired": "repaired", "open": "open", "unrepaired": "not repaired"}
    parts = []
    for status, word in words.items():
        count = sum(r.status == status for r in ruptures)
        if count:
            parts.append(f"{count} {word}")
    return ", ".join(parts)


def _render_client(section: ClientSection) -> _RenderedClient:
    table = trajectory_data_table(section.trajectory, day=long_date)
    return _RenderedClient(
        section=section,
        chart=Markup(render_trajectory_svg(section.trajectory)),
        description=describe_trajectory(section.trajectory),
        columns=list(table.headers),
        rows=[dict(zip(table.headers, row, strict=True)) for row in table.rows],
        prompts=client_prompts(section),
        alliance_sparkline=_sparkline(section.trajectory, "alliance"),
        outcome_sparkline=_sparkline(section.trajectory, "outcome"),
        rupture_summary=_rupture_summary(section.ruptures),
    )


def _listed_client(section: ClientSection) -> _RenderedClient:
    """A client with nothing to discuss in the period: the caseload row only (no chart drawn)."""
    return _RenderedClient(
        section=section,
        chart=Markup(""),
        description="",
        columns=[],
        rows=[],
        prompts=[],
        alliance_sparkline=_sparkline(section.trajectory, "alliance"),
        outcome_sparkline=_sparkline(section.trajectory, "outcome"),
        rupture_summary=_rupture_summary(section.ruptures),
        detailed=False,
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.1f}"
    return str(value)


def _css_string(value: object) -> Markup:
    """Text safe inside a quoted CSS string (the @page header and footer): HTML escaping does
    not apply inside <style>, so everything but plain characters becomes a CSS escape."""
    out = []
    for ch in str(value):
        if ch.isalnum() or ch in " .,:;-_()/·":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return Markup("".join(out))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = _cell
    env.filters["cssstr"] = _css_string
    env.filters["longdate"] = long_date
    env.filters["longtime"] = lambda t: f"{long_date(t.date())}, {t:%H:%M}"
    return env


def render_supervision_report_html(data: SupervisionReportData) -> str:
    """The report as a standalone HTML document (print CSS included)."""
    concern = {id(c) for c in clients_of_concern(data)}
    clients: Sequence[_RenderedClient] = [
        _render_client(c) if id(c) in concern else _listed_client(c) for c in data.clients
    ]
    template = _environment().get_template("supervision_report.html")
    return template.render(
        data=data,
        clients=clients,
        detailed=[c for c in clients if c.detailed],
        privacy_notice=PRIVACY_NOTICE,
        caseload_prompts=CASELOAD_PROMPTS,
        routine_levels=ROUTINE_LEVELS,
        practice_prompts=PRACTICE_PROMPTS,
    )


def render_supervision_report_pdf(data: SupervisionReportData) -> bytes:
    """The report as PDF bytes (WeasyPrint), A4, with page numbers and the privacy header."""
    from weasyprint import HTML  # imported here: WeasyPrint loads Pango, which takes a moment

    pdf: bytes = HTML(
        string=render_supervision_report_html(data), base_url=str(TEMPLATES)
    ).write_pdf()
    return pdf
