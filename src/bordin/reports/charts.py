"""Charts as SVG, drawn on the server so they work without JavaScript and inside the PDF.

:func:`render_trajectory_svg` draws a client's alliance and outcome over sessions with
matplotlib. Choices that matter to readers:

- **Colour is never the only cue.** Colours come from the Okabe & Ito (2008) palette, which
  stays distinguishable with the common colour-vision deficiencies; every alliance dimension
  also has its own point shape, each partner in a couple their own line style and point fill,
  and each kind of event its own symbol and vertical-line pattern. See :data:`ENCODING`.
- **Text stays text** (``svg.fonttype = none``), so screen readers, search and copy-paste work
  and the PDF stays sharp. Every SVG carries ``role="img"``, an ``aria-label``, a ``<title>``
  and a ``<desc>`` holding :func:`~bordin.reports.trajectory.describe_trajectory`.
- **Same input, same bytes.** No date metadata, and element ids come from a salt derived from
  the trajectory itself, so two charts on one page never share ids by accident.

:func:`render_sparkline_svg` is a hand-written polyline for caseload rows (no matplotlib).

matplotlib is imported on the first chart, not with this module, so a web worker that never
draws one never loads it; drawn charts are kept (:data:`CACHED_CHARTS`), keyed by a digest of
everything they show, so a page shown again costs no drawing and a new rating draws afresh.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from types import ModuleType
from typing import TYPE_CHECKING, Any

from bordin.reports.trajectory import (
    MARKER_NAMES,
    Dimension,
    MarkerKind,
    Series,
    Trajectory,
    describe_trajectory,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

# --- visual encoding --------------------------------------------------------------------------

#: Okabe & Ito (2008) colour-universal-design palette.
OKABE_ITO: Mapping[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}


@dataclass(frozen=True)
class Style:
    """How one thing is drawn; ``description`` says it in words for the docs."""

    colour: str
    marker: str
    description: str
    linestyle: Any = "-"
    linewidth: float = 1.6


#: Alliance dimensions: colour AND point shape differ.
DIMENSION_STYLES: Mapping[Dimension, Style] = {
    "goals": Style(OKABE_ITO["blue"], "o", "blue line, circles"),
    "tasks": Style(OKABE_ITO["orange"], "s", "orange line, squares"),
    "bond": Style(OKABE_ITO["bluish green"], "^", "bluish-green line, triangles"),
    "overall": Style(OKABE_ITO["black"], "D", "thick black line, diamonds", linewidth=2.4),
    "total": Style(OKABE_ITO["reddish purple"], "v", "reddish-purple line, down-triangles"),
}

#: Outcome measures, in order of appearance: colour AND point shape AND line style differ.
OUTCOME_STYLES: tuple[Style, ...] = (
    Style(OKABE_ITO["vermillion"], "o", "vermillion solid line, circles"),
    Style(OKABE_ITO["blue"], "s", "blue dashed line, squares", linestyle=(0, (5, 2))),
    Style(OKABE_ITO["reddish purple"], "^", "purple dotted line, triangles", linestyle=":"),
    Style(OKABE_ITO["bluish green"], "D", "green dash-dot line, diamonds", linestyle="-."),
    Style(OKABE_ITO["black"], "v", "black solid line, down-triangles"),
)

#: Couples: each partner's alliance lines get a line style and a point fill.
PARTNER_STYLES: tuple[tuple[Any, bool, str], ...] = (
    ("-", True, "solid lines, filled points"),
    ((0, (5, 2)), False, "dashed lines, hollow points"),
    (":", True, "dotted lines, filled points"),
    ("-.", False, "dash-dot lines, hollow points"),
)

#: Events: symbol, vertical-line pattern and colour all differ.
MARKER_STYLES: Mapping[MarkerKind, Style] = {
    "rupture_detected": Style(
        OKABE_ITO["vermillion"],
        "v",
        "filled down-triangle with a dashed vertical line",
        linestyle=(0, (4, 2)),
        linewidth=1.3,
    ),
    "rupture_logged": Style(
        OKABE_ITO["black"],
        "s",
        "hollow square with a dotted vertical line",
        linestyle=":",
        linewidth=1.2,
    ),
    "repair": Style(
        OKABE_ITO["bluish green"],
        "^",
        "filled up-triangle with a dash-dot vertical line",
        linestyle="-.",
        linewidth=1.3,
    ),
}

CUTOFF_STYLE = Style("#555555", "", "grey long-dashed horizontal line, labelled", (0, (7, 3)), 1.1)
BAND_STYLE = Style(OKABE_ITO["sky blue"], "", "light-blue shaded band, labelled in the legend")

_RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "figure.dpi": 100,
}

# rcParams are process-global; the lock keeps concurrent requests from seeing each other's salt.
_RENDER_LOCK = threading.Lock()
#: How many drawn trajectory charts a process keeps (each is some tens of kilobytes).
CACHED_CHARTS = 128
_DRAWN: OrderedDict[str, str] = OrderedDict()


def _matplotlib() -> ModuleType:
    """matplotlib, imported on first use with the file-only backend."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


def encoding_table() -> str:
    """The visual encoding as a Markdown table (rendered into docs/reports.md)."""
    rows = ["| element | drawn as |", "|---|---|"]
    for dimension, style in DIMENSION_STYLES.items():
        rows.append(f"| alliance: {dimension} | {style.description} |")
    for i, style in enumerate(OUTCOME_STYLES, start=1):
        rows.append(f"| outcome measure {i} | {style.description} |")
    for i, (_, _, description) in enumerate(PARTNER_STYLES, start=1):
        rows.append(f"| couples: partner {i} | {description} |")
    for kind, style in MARKER_STYLES.items():
        rows.append(f"| {MARKER_NAMES[kind]} | {style.description} |")
    rows.append(f"| cut-off | {CUTOFF_STYLE.description} |")
    rows.append(f"| expected recovery band | {BAND_STYLE.description} |")
    return "\n".join(rows) + "\n"


# --- trajectory chart -------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _panel_limits(series: Sequence[Series], extra: Sequence[float]) -> tuple[float, float]:
    lows = [s.scale[0] for s in series if s.scale is not None]
    highs = [s.scale[1] for s in series if s.scale is not None]
    values = [p.value for s in series for p in s.points] + list(extra)
    low = min(lows + values) if lows or values else 0.0
    high = max(highs + values) if highs or values else 1.0
    if low == high:
        low, high = low - 1, high + 1
    return low, high


def _draw_series(
    ax: Axes, series: Series, style: Style, linestyle: Any, filled: bool, zorder: float
) -> None:
    points = sorted(series.points, key=lambda p: p.session_number)
    ax.plot(
        [p.session_number for p in points],
        [p.value for p in points],
        color=style.colour,
        linestyle=linestyle,
        linewidth=style.linewidth,
        marker=style.marker,
        markersize=5,
        markerfacecolor=style.colour if filled else "white",
        markeredgecolor=style.colour,
        label=series.display_label,
        zorder=zorder,
    )


def _cutoff_applies(cutoff: float, series: Sequence[Series]) -> bool:
    """A cut-off is drawn beside its instrument's lines, unless it lies off their scale."""
    scales = [s.scale for s in series if s.scale is not None]
    if not scales:
        return True
    return any(lo <= cutoff <= hi for lo, hi in scales)


def _draw_cutoffs(ax: Axes, trajectory: Trajectory, panel: Sequence[Series]) -> list[float]:
    drawn: list[float] = []
    for instrument_id, cutoff in sorted(trajectory.cutoffs.items()):
        mine = [s for s in panel if s.instrument_id == instrument_id]
        if not mine or not _cutoff_applies(cutoff, mine):
            continue
        name = trajectory.instrument_label(instrument_id)
        ax.axhline(
            cutoff,
            color=CUTOFF_STYLE.colour,
            linestyle=CUTOFF_STYLE.linestyle,
            linewidth=CUTOFF_STYLE.linewidth,
            zorder=2.2,
        )
        ax.text(
            0.995,
            cutoff,
            f"{name} cut-off ({_fmt(cutoff)})",
            transform=_blended(ax.transAxes, ax.transData),
            ha="right",
            va="bottom",
            fontsize=7.5,
            color=CUTOFF_STYLE.colour,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.0},
            zorder=5,
        )
        drawn.append(cutoff)
    return drawn


def _blended(x_transform: Any, y_transform: Any) -> Any:
    from matplotlib.transforms import blended_transform_factory

    return blended_transform_factory(x_transform, y_transform)


def _draw_markers(axes: Sequence[Axes], trajectory: Trajectory) -> list[Line2D]:
    from matplotlib.lines import Line2D

    """Events as vertical lines across every panel, and symbols in a strip atop the first."""
    handles: list[Line2D] = []
    kinds_at: dict[int, list[MarkerKind]] = {}
    whose: dict[tuple[int, MarkerKind], list[str]] = {}
    for m in trajectory.markers:
        kinds = kinds_at.setdefault(m.session_number, [])
        if m.kind not in kinds:
            kinds.append(m.kind)
        people = whose.setdefault((m.session_number, m.kind), [])
        if m.client_label and m.client_label not in people:
            people.append(m.client_label)
    top = axes[0]
    strip = _blended(top.transData, top.transAxes)
    for kind, style in MARKER_STYLES.items():
        xs: list[float] = []
        for session, kinds in sorted(kinds_at.items()):
            if kind not in kinds:
                continue
            # Events at the same session sit side by side, so none hides another.
            offset = (kinds.index(kind) - (len(kinds) - 1) / 2) * 0.18
            xs.append(session + offset)
            people = whose.get((session, kind), [])
            if people:
                # Couples: say whose rating the event belongs to, next to the symbol.
                top.text(
                    session + offset + 0.1,
                    0.93,
                    ", ".join(people),
                    transform=strip,
                    fontsize=7,
                    va="center",
                    ha="left",
                    color=style.colour,
                    zorder=6,
                )
        if not xs:
            continue
        for ax in axes:
            for x in xs:
                ax.axvline(
                    x,
                    color=style.colour,
                    linestyle=style.linestyle,
                    linewidth=style.linewidth,
                    alpha=0.9,
                    zorder=2,
                )
        top.plot(
            xs,
            [0.93] * len(xs),
            linestyle="none",
            marker=style.marker,
            markersize=8,
            markerfacecolor="white" if kind == "rupture_logged" else style.colour,
            markeredgecolor=style.colour,
            markeredgewidth=1.4,
            transform=strip,
            clip_on=False,
            zorder=6,
        )
        handles.append(
            Line2D(
                [],
                [],
                color=style.colour,
                linestyle=style.linestyle,
                linewidth=style.linewidth,
                marker=style.marker,
                markersize=7,
                markerfacecolor="white" if kind == "rupture_logged" else style.colour,
                markeredgecolor=style.colour,
                label=MARKER_NAMES[kind],
            )
        )
    return handles


def _ticks_within(ax: Axes, low: float, high: float) -> None:
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(nbins=6, steps=[1, 2, 5, 10]).tick_values(low, high)
    ax.set_yticks([t for t in ticks if low - 1e-9 <= t <= high + 1e-9])


def _alliance_panel(ax: Axes, trajectory: Trajectory) -> None:
    series = trajectory.alliance_series
    partners = {label: i for i, label in enumerate(trajectory.client_labels)}
    for s in series:
        linestyle, filled = "-", True
        if s.client_label in partners:
            linestyle, filled, _ = PARTNER_STYLES[partners[s.client_label] % len(PARTNER_STYLES)]
        style = DIMENSION_STYLES[s.dimension]
        _draw_series(ax, s, style, linestyle, filled, zorder=3)
    cutoffs = _draw_cutoffs(ax, trajectory, series)
    low, high = _panel_limits(series, cutoffs)
    span = high - low
    # Head-room above the scale maximum holds the event strip; ticks stop at the scale.
    ax.set_ylim(low - 0.05 * span, high + 0.22 * span)
    _ticks_within(ax, low, high)
    title = "Alliance (higher = stronger)"
    if len(partners) > 1:
        title += ": " + " and ".join(partners)
    ax.set_title(title, loc="left")
    ax.set_ylabel("Alliance rating")


def _outcome_panel(ax: Axes, trajectory: Trajectory, *, event_strip: bool) -> None:
    series = trajectory.outcome_series
    for i, s in enumerate(series):
        style = OUTCOME_STYLES[i % len(OUTCOME_STYLES)]
        _draw_series(ax, s, style, style.linestyle, True, zorder=3)
    band = trajectory.expected_band
    extra: list[float] = []
    if band is not None and band.session_numbers:
        ax.fill_between(
            band.session_numbers,
            band.lower,
            band.upper,
            color=BAND_STYLE.colour,
            alpha=0.28,
            linewidth=0,
            label=band.label,
            zorder=0.5,
        )
        extra = [*band.lower, *band.upper]
    extra.extend(_draw_cutoffs(ax, trajectory, series))
    low, high = _panel_limits(series, extra)
    span = high - low
    ax.set_ylim(low - 0.06 * span, high + (0.22 if event_strip else 0.1) * span)
    _ticks_within(ax, low, high)
    ax.set_title("Outcome measures", loc="left")
    ax.set_ylabel("Score")


#: Figure widths in inches at 100 dpi: the wide chart for desktops and the PDF, the narrow one
#: drawn for phones (390 px screens) so that its text stays legible without scrolling sideways.
WIDE_INCHES = 8.2
NARROW_INCHES = 3.7


def _legend_rows(handles: int, columns: int) -> int:
    return max(1, math.ceil(handles / columns))


def _build_figure(trajectory: Trajectory, *, narrow: bool = False) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    has_alliance = bool(trajectory.alliance_series)
    has_outcome = bool(trajectory.outcome_series) or trajectory.expected_band is not None
    panels = int(has_alliance) + int(has_outcome)
    width = NARROW_INCHES if narrow else WIDE_INCHES
    panel_height = 1.9 if narrow else 2.2
    fig = Figure(figsize=(width, 1.5 + panel_height * max(panels, 1)), layout="constrained")
    fig.suptitle(
        textwrap.fill(trajectory.title, 40) if narrow else trajectory.title,
        x=0.01,
        ha="left",
        fontsize=10 if narrow else 11,
        fontweight="bold",
    )
    if panels == 0:
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No ratings recorded yet.", ha="center", va="center", fontsize=11)
        return fig
    axes = list(fig.subplots(panels, 1, sharex=True, squeeze=False)[:, 0])
    if has_alliance:
        _alliance_panel(axes[0], trajectory)
    if has_outcome:
        _outcome_panel(axes[-1], trajectory, event_strip=not has_alliance)
    if narrow:
        for ax in axes:
            ax.set_title(textwrap.fill(ax.get_title(loc="left"), 34), loc="left")
    marker_handles = _draw_markers(axes, trajectory)
    sessions = trajectory.session_numbers
    if sessions:
        axes[-1].set_xlim(min(sessions) - 0.5, max(sessions) + 0.5)
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6 if narrow else 12))
    axes[-1].set_xlabel("Session")
    # One legend under the panels (never beside them, where it would take a phone's width).
    handles: list[Any] = []
    seen: set[str] = set()
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in seen:
                seen.add(label)
                handles.append(handle)
    handles.extend(marker_handles)
    if handles:
        columns = 2 if narrow else 3
        rows = _legend_rows(len(handles), columns)
        fig.set_figheight(fig.get_figheight() + 0.2 * rows)
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=columns,
            frameon=False,
            handlelength=2.2 if narrow else 2.6,
            fontsize=7 if narrow else 8,
        )
    return fig


def _salt(trajectory: Trajectory) -> str:
    digest = hashlib.sha256(repr(trajectory).encode("utf-8")).hexdigest()
    return f"bordin-{digest[:16]}"


_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)


_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^")]+)')


def _prefix_ids(svg: str, stem: str) -> str:
    """Give every element id (and every reference to it) the chart's own prefix, so several
    charts inlined in one page never share an id (matplotlib numbers groups from 1 each time)."""
    svg = _ID.sub(lambda m: f'id="{stem}-{m.group(1)}"', svg)
    return _REFERENCE.sub(lambda m: f"{m.group(1)}{stem}-{m.group(2)}", svg)


def _accessible(svg: str, *, title: str, description: str, id_stem: str) -> str:
    """Drop the XML prolog (so the SVG can be inlined in HTML) and add the accessible name."""
    svg = _prefix_ids(_PROLOG.sub("", svg, count=1), id_stem)
    head_end = svg.index(">", svg.index("<svg")) + 1
    head = svg[:head_end]
    title_id, desc_id = f"{id_stem}-title", f"{id_stem}-desc"
    attributes = (
        f' role="img" aria-label="{escape(title, quote=True)}"'
        f' aria-describedby="{desc_id}" class="bordin-chart"'
    )
    head = head[:-1] + attributes + ">"
    children = (
        f'\n <title id="{title_id}">{escape(title, quote=False)}</title>'
        f'\n <desc id="{desc_id}">{escape(description, quote=False)}</desc>'
    )
    return head + children + svg[head_end:]


def render_trajectory_svg(trajectory: Trajectory, *, narrow: bool = False) -> str:
    """The trajectory chart as an SVG string, ready to inline in HTML or the PDF.

    ``narrow`` draws it for a phone: the same content on a figure 3.7 inches wide (370 px),
    fewer session ticks, the legend in two columns under the panels.

    Alliance lines (goals, tasks, bond, overall; each partner's in couples work) sit on the top
    panel with the rupture and repair events; outcome measures, their cut-offs and the expected
    recovery band on the bottom panel. The same trajectory always gives the same bytes.
    """
    salt = _salt(trajectory) + ("-narrow" if narrow else "")
    with _RENDER_LOCK:
        drawn = _DRAWN.get(salt)
        if drawn is not None:
            _DRAWN.move_to_end(salt)
            return drawn
        with _matplotlib().rc_context({**_RC, "svg.hashsalt": salt}):
            fig = _build_figure(trajectory, narrow=narrow)
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "Bordin"})
            fig.clear()
        drawn = _accessible(
            buffer.getvalue(),
            title=trajectory.title,
            description=describe_trajectory(trajectory),
            id_stem=salt,
        )
        _DRAWN[salt] = drawn
        while len(_DRAWN) > CACHED_CHARTS:
            _DRAWN.popitem(last=False)
    return drawn


def render_trajectory_png(trajectory: Trajectory, *, dpi: int = 110, narrow: bool = False) -> bytes:
    """The same chart as PNG (for previews and e-mail; the SVG is the accessible original)."""
    with _RENDER_LOCK, _matplotlib().rc_context(_RC):
        fig = _build_figure(trajectory, narrow=narrow)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        fig.clear()
    return buffer.getvalue()


# --- sparkline --------------------------------------------------------------------------------


def render_sparkline_svg(
    values: Sequence[float | None],
    *,
    width: int = 120,
    height: int = 28,
    minimum: float,
    maximum: float,
    label: str,
    colour: str = "currentColor",
) -> str:
    """A tiny line of recent scores for a caseload row.

    Values outside ``minimum``..``maximum`` are drawn at the edge (clamped) so one odd score
    cannot flatten the rest; ``None`` (not rated that session) leaves a gap. The last score is
    a dot. ``label`` is the accessible name and should say the numbers ("Alliance 34, 36, 31").
    ``colour`` defaults to ``currentColor`` so the page's CSS decides it (WeasyPrint needs an
    explicit colour).
    """
    if not maximum > minimum:
        raise ValueError(f"sparkline maximum ({maximum}) must be above minimum ({minimum})")
    pad = 3.0
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    n = len(values)
    step = inner_w / (n - 1) if n > 1 else 0.0

    def y_of(value: float) -> float:
        clamped = min(max(value, minimum), maximum)
        return pad + (maximum - clamped) / (maximum - minimum) * inner_h

    commands: list[str] = []
    pen_down = False
    last: tuple[float, float] | None = None
    for i, value in enumerate(values):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            pen_down = False
            continue
        x = pad + i * step if n > 1 else width / 2
        y = y_of(float(value))
        commands.append(f"{'L' if pen_down else 'M'}{x:.1f} {y:.1f}")
        pen_down = True
        last = (x, y)
    name = escape(label, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{name}" class="bordin-sparkline">',
        f"<title>{escape(label, quote=False)}</title>",
    ]
    if commands:
        parts.append(
            f'<path d="{" ".join(commands)}" fill="none" stroke="{escape(colour, quote=True)}" '
            'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    if last is not None:
        parts.append(
            f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.2" '
            f'fill="{escape(colour, quote=True)}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
