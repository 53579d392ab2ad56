"""The client's own chart on ``/me``: one measure's scores over sessions, drawn for a phone.

A client sees their scores as a line, not as a table of sixteen rows. The chart is small
(3.6 inches wide, scaled to the screen), names its axes in plain words, shades the direction
that means "better" in its title, and marks the latest score with its number. Its accessible
name is the measure's title and its description the sentences the page says about the numbers,
so a screen reader hears the same reading; the table behind it stays one tap away.

The same styling rules as :mod:`bordin.reports.charts` apply: text stays text, the same input
gives the same bytes, and element ids carry a prefix of their own.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

from bordin.reports.charts import _RC, _RENDER_LOCK, OKABE_ITO, _accessible, _matplotlib

WIDTH_INCHES = 3.6
HEIGHT_INCHES = 2.1


def render_progress_svg(
    totals: Sequence[float],
    sessions: Sequence[int | None],
    *,
    title: str,
    score_min: float,
    score_max: float,
    higher_is_better: bool,
    description: str,
) -> str:
    """One measure's totals as a small line chart (x: session, or answer number if unknown)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    xs = [s if s is not None else i + 1 for i, s in enumerate(sessions)]
    key = repr((tuple(totals), tuple(xs), title, score_min, score_max, higher_is_better))
    salt = "bordin-me-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    with _RENDER_LOCK, _matplotlib().rc_context({**_RC, "svg.hashsalt": salt}):
        fig = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), layout="constrained")
        ax = fig.add_subplot()
        colour = OKABE_ITO["blue"]
        ax.plot(xs, list(totals), color=colour, marker="o", markersize=4, linewidth=1.8)
        ax.annotate(
            f"{totals[-1]:g}",
            (xs[-1], totals[-1]),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            fontweight="bold",
        )
        margin = (score_max - score_min) * 0.08
        ax.set_ylim(score_min - margin, score_max + margin * 2)
        if len(xs) > 1:
            ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.set_xlabel("Session")
        ax.set_ylabel("Score")
        ax.set_title(
            "Higher is better" if higher_is_better else "Lower is better",
            loc="left",
            fontsize=9,
            fontweight="normal",
        )
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "Bordin"})
        fig.clear()
    return _accessible(buffer.getvalue(), title=title, description=description, id_stem=salt)
