"""One client's course of therapy as data: alliance and outcome over sessions, with events.

A *trajectory* is what the trajectory chart draws and what its text alternative and data table
describe. It is built by a read model (from stored administrations, signals and the rupture log)
and handed to :mod:`bordin.reports.charts`; nothing here touches the database.

Vocabulary:

- a **series** is one line on the chart: one instrument, one dimension, one person. The alliance
  dimensions follow Bordin (1979): agreement on *goals*, agreement on *tasks*, and the *bond*,
  plus an *overall* rating; outcome measures are drawn as their *total* score.
- in couples work each partner rates the alliance separately, so each partner has their own
  alliance series, told apart by ``client_label`` ("Partner A", "Partner B").
- a **marker** is an event at a session: a possible rupture the system *detected* from the
  client's ratings, a rupture the therapist *logged*, or a *repair*.
- the **expected band** is the range of outcome scores expected at each session for clients who
  started at this client's severity (the not-on-track model; Finch, Lambert & Schaalje 2001).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bordin.domain.errors import FieldError, InvalidInput

SeriesKind = Literal["alliance", "outcome"]
Dimension = Literal["goals", "tasks", "bond", "overall", "total"]
MarkerKind = Literal["rupture_detected", "rupture_logged", "repair"]

DIMENSIONS: tuple[Dimension, ...] = ("goals", "tasks", "bond", "overall", "total")
MARKER_KINDS: tuple[MarkerKind, ...] = ("rupture_detected", "rupture_logged", "repair")

#: How each marker kind is named in legends, text alternatives and tables.
MARKER_NAMES: Mapping[MarkerKind, str] = {
    "rupture_detected": "possible rupture (detected from ratings)",
    "rupture_logged": "rupture logged by the therapist",
    "repair": "repair",
}


@dataclass(frozen=True)
class TrajectoryPoint:
    """One score at one session."""

    session_number: int
    date: dt.date
    value: float


@dataclass(frozen=True)
class Series:
    """One line on the chart.

    ``label`` names the line the way a reader sees it ("Goals", "PHQ-9"). ``scale`` is the
    measure's possible range (minimum, maximum) when known; it fixes the axis and decides whether
    a cut-off belongs on this line's panel (an SRS item scored 0-10 cannot show the total's 36).
    """

    label: str
    instrument_id: str
    kind: SeriesKind
    dimension: Dimension
    points: tuple[TrajectoryPoint, ...]
    client_label: str | None = None
    scale: tuple[float, float] | None = None

    @property
    def display_label(self) -> str:
        """The label with the person it belongs to, for couples: "Partner A: Goals"."""
        return f"{self.client_label}: {self.label}" if self.client_label else self.label


@dataclass(frozen=True)
class Marker:
    """An event at a session: a detected or logged rupture, or a repair.

    ``client_label`` says whose rating the event belongs to in couples work (None: the client).
    """

    session_number: int
    kind: MarkerKind
    label: str = ""
    client_label: str | None = None

    @property
    def display_label(self) -> str:
        name = MARKER_NAMES[self.kind]
        who = f" ({self.client_label})" if self.client_label else ""
        detail = f": {self.label}" if self.label else ""
        return f"{name}{who}{detail}"


@dataclass(frozen=True)
class Band:
    """The expected-recovery range of an outcome measure, session by session."""

    session_numbers: tuple[int, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    label: str = "expected recovery (default model)"
    instrument_id: str | None = None


@dataclass(frozen=True)
class Trajectory:
    """Everything the trajectory chart shows for one client (or one couple)."""

    title: str
    series: tuple[Series, ...]
    cutoffs: Mapping[str, float] = field(default_factory=dict)
    expected_band: Band | None = None
    markers: tuple[Marker, ...] = ()
    instrument_names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        validate_trajectory(self)

    @property
    def alliance_series(self) -> tuple[Series, ...]:
        return tuple(s for s in self.series if s.kind == "alliance")

    @property
    def outcome_series(self) -> tuple[Series, ...]:
        return tuple(s for s in self.series if s.kind == "outcome")

    @property
    def client_labels(self) -> tuple[str, ...]:
        """The people whose ratings appear, in order of first appearance (couples: two)."""
        seen: dict[str, None] = {}
        for s in self.series:
            if s.client_label:
                seen.setdefault(s.client_label, None)
        return tuple(seen)

    @property
    def session_numbers(self) -> tuple[int, ...]:
        numbers = {p.session_number for s in self.series for p in s.points}
        numbers.update(m.session_number for m in self.markers)
        if self.expected_band is not None:
            numbers.update(self.expected_band.session_numbers)
        return tuple(sorted(numbers))

    def instrument_label(self, instrument_id: str) -> str:
        """The name readers know an instrument by: ``instrument_names``, else the label its total
        line(s) share, else the id."""
        if instrument_id in self.instrument_names:
            return self.instrument_names[instrument_id]
        labels = {
            s.label
            for s in self.series
            if s.instrument_id == instrument_id and s.dimension == "total"
        }
        return labels.pop() if len(labels) == 1 else instrument_id


def validate_trajectory(trajectory: Trajectory) -> None:
    """Refuse a trajectory the chart could not draw honestly; name each bad field."""
    errors: list[FieldError] = []
    for i, s in enumerate(trajectory.series):
        where = f"series[{i}] ({s.display_label})"
        if s.kind not in ("alliance", "outcome"):
            errors.append(
                FieldError(f"{where}.kind", f"must be alliance or outcome, not {s.kind!r}")
            )
        if s.dimension not in DIMENSIONS:
            errors.append(
                FieldError(f"{where}.dimension", f"must be one of {', '.join(DIMENSIONS)}")
            )
        numbers = [p.session_number for p in s.points]
        if len(set(numbers)) != len(numbers):
            errors.append(FieldError(f"{where}.points", "has two scores for the same session"))
        if s.scale is not None and s.scale[0] >= s.scale[1]:
            errors.append(FieldError(f"{where}.scale", "minimum must be below maximum"))
    for i, m in enumerate(trajectory.markers):
        if m.kind not in MARKER_KINDS:
            errors.append(
                FieldError(f"markers[{i}].kind", f"must be one of {', '.join(MARKER_KINDS)}")
            )
    band = trajectory.expected_band
    if band is not None:
        n = len(band.session_numbers)
        if len(band.lower) != n or len(band.upper) != n:
            errors.append(
                FieldError("expected_band", "needs one lower and one upper value per session")
            )
        elif any(lo > hi for lo, hi in zip(band.lower, band.upper, strict=True)):
            errors.append(FieldError("expected_band", "lower is above upper at some session"))
    if errors:
        raise InvalidInput(errors)


# --- text alternative -------------------------------------------------------------------------


def _fmt(value: float) -> str:
    """Scores as people write them: 9, not 9.0; 7.5 stays 7.5."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _sessions(numbers: Sequence[int]) -> str:
    words = [str(n) for n in numbers]
    if len(words) == 1:
        return f"session {words[0]}"
    return "sessions " + ", ".join(words[:-1]) + " and " + words[-1]


def _movement(series: Series) -> str:
    points = sorted(series.points, key=lambda p: p.session_number)
    first, last = points[0], points[-1]
    name = series.display_label
    if len(points) == 1:
        return f"{name} was {_fmt(first.value)} at session {first.session_number}"
    if last.value > first.value:
        verb = "rose"
    elif last.value < first.value:
        verb = "fell"
    else:
        return (
            f"{name} was {_fmt(first.value)} at session {first.session_number} and the same "
            f"at session {last.session_number}"
        )
    low = min(points, key=lambda p: (p.value, p.session_number))
    dip = ""
    if low.value < min(first.value, last.value) and series.kind == "alliance":
        dip = f", dipping to {_fmt(low.value)} at session {low.session_number}"
    return (
        f"{name} {verb} from {_fmt(first.value)} at session {first.session_number} "
        f"to {_fmt(last.value)} at session {last.session_number}{dip}"
    )


def _cutoff_sentence(trajectory: Trajectory, series: Series) -> str:
    cutoff = trajectory.cutoffs.get(series.instrument_id)
    if cutoff is None or series.dimension != "total" or not series.points:
        return ""
    last = max(series.points, key=lambda p: p.session_number)
    where = "at" if last.value == cutoff else "above" if last.value > cutoff else "below"
    return f" The last {series.display_label} score is {where} the cut-off of {_fmt(cutoff)}."


def _band_sentence(trajectory: Trajectory) -> str:
    band = trajectory.expected_band
    if band is None or not band.session_numbers:
        return ""
    text = f"The shaded band shows {band.label}."
    target = [
        s
        for s in trajectory.outcome_series
        if band.instrument_id is None or s.instrument_id == band.instrument_id
    ]
    if not target or not target[0].points:
        return " " + text
    series = target[0]
    expected = dict(
        zip(band.session_numbers, zip(band.lower, band.upper, strict=True), strict=True)
    )
    inside = [p for p in series.points if p.session_number in expected]
    if not inside:
        return " " + text
    last = max(inside, key=lambda p: p.session_number)
    lo, hi = expected[last.session_number]
    where = "inside" if lo <= last.value <= hi else "above" if last.value > hi else "below"
    return (
        f" {text} At session {last.session_number} the {series.label} score of "
        f"{_fmt(last.value)} was {where} the expected range of {_fmt(lo)} to {_fmt(hi)}."
    )


def _marker_sentence(trajectory: Trajectory) -> str:
    if not trajectory.markers:
        return " No ruptures were detected or logged."
    parts: list[str] = []
    for kind in MARKER_KINDS:
        chosen = sorted(
            (m for m in trajectory.markers if m.kind == kind), key=lambda m: m.session_number
        )
        if not chosen:
            continue
        whose = sorted({m.client_label for m in chosen if m.client_label})
        who = f" ({', '.join(whose)})" if whose else ""
        name = MARKER_NAMES[kind]
        plural = name if len(chosen) == 1 else name.replace("rupture", "ruptures", 1)
        if kind == "repair" and len(chosen) > 1:
            plural = "repairs"
        parts.append(f"{plural}{who} at {_sessions([m.session_number for m in chosen])}")
    text = "; ".join(parts)
    return f" Events: {text[0].upper()}{text[1:]}."


def describe_trajectory(trajectory: Trajectory) -> str:
    """A few plain sentences saying what the chart shows: trends, ruptures, last values.

    This is the chart's text alternative (WCAG 1.1.1): someone who cannot see the chart should
    learn what a sighted reader would take from it at a glance.
    """
    sentences: list[str] = []
    if not any(s.points for s in trajectory.series):
        return f"{trajectory.title}: no ratings recorded yet."
    alliance = _headline_alliance([s for s in trajectory.alliance_series if s.points])
    outcome = [s for s in trajectory.outcome_series if s.points]
    if alliance:
        sentences.append("Alliance: " + "; ".join(_movement(s) for s in alliance) + ".")
    if outcome:
        text = "Outcome: " + "; ".join(_movement(s) for s in outcome) + "."
        text += "".join(_cutoff_sentence(trajectory, s) for s in outcome)
        sentences.append(text)
    band = _band_sentence(trajectory).strip()
    if band:
        sentences.append(band)
    sentences.append(_marker_sentence(trajectory).strip())
    last_values = _last_values(trajectory)
    if last_values:
        sentences.append(last_values)
    return f"{trajectory.title}. " + " ".join(sentences)


def _headline_alliance(series: list[Series]) -> list[Series]:
    """The overall (or total) line of each person stands for their alliance in the summary; the
    other dimensions are read out in the last values and the data table."""
    headline = [s for s in series if s.dimension in ("overall", "total")]
    people_with_headline = {s.client_label for s in headline}
    rest = [s for s in series if s.client_label not in people_with_headline]
    return headline + rest


def _last_values(trajectory: Trajectory) -> str:
    parts = []
    for s in trajectory.series:
        if s.points:
            last = max(s.points, key=lambda p: p.session_number)
            parts.append(f"{s.display_label} {_fmt(last.value)} (session {last.session_number})")
    return "Last values: " + ", ".join(parts) + "." if parts else ""


# --- data table -------------------------------------------------------------------------------


def trajectory_columns(trajectory: Trajectory) -> list[str]:
    """Column names of :func:`trajectory_table`, in order (use them for the CSV header too)."""
    columns = ["session", "date"]
    columns.extend(s.display_label for s in trajectory.series)
    if trajectory.expected_band is not None:
        columns.extend(["expected_lower", "expected_upper"])
    columns.append("events")
    return columns


def trajectory_table(trajectory: Trajectory) -> list[dict[str, object]]:
    """One row per session: the date, every series' score (None where not rated), the expected
    range where a band exists, and the events at that session in words.

    This is the data table shown under the chart for screen-reader users and exported as CSV.
    """
    dates: dict[int, dt.date] = {}
    values: dict[tuple[int, str], float] = {}
    for s in trajectory.series:
        for p in s.points:
            known = dates.get(p.session_number)
            dates[p.session_number] = p.date if known is None else min(known, p.date)
            values[(p.session_number, s.display_label)] = p.value
    band = trajectory.expected_band
    band_at: dict[int, tuple[float, float]] = {}
    if band is not None:
        band_at = dict(
            zip(band.session_numbers, zip(band.lower, band.upper, strict=True), strict=True)
        )
    rows: list[dict[str, object]] = []
    for number in trajectory.session_numbers:
        date = dates.get(number)
        row: dict[str, object] = {
            "session": number,
            "date": date.isoformat() if date else None,
        }
        for s in trajectory.series:
            row[s.display_label] = values.get((number, s.display_label))
        if band is not None:
            lo_hi = band_at.get(number)
            row["expected_lower"] = round(lo_hi[0], 1) if lo_hi else None
            row["expected_upper"] = round(lo_hi[1], 1) if lo_hi else None
        events = [m.display_label for m in trajectory.markers if m.session_number == number]
        row["events"] = "; ".join(events)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class DataTable:
    """The data table as people read it: plain headings and numbers as the measures give them.

    :func:`trajectory_table` keeps the machine columns (``expected_lower``, ISO dates) for the
    CSV; this is what the page and the PDF show beside the chart.
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def trajectory_data_table(
    trajectory: Trajectory, *, day: Callable[[dt.date], str] | None = None
) -> DataTable:
    """Headings in words ("Session", "Date", each measure's name, "Expected range", "What
    happened"), dates as "06 Jan 2025" (or as ``day`` writes them), scores as the measure
    reports them (9, or 7.5: never more than one decimal), the expected range as "16–22",
    blanks where nothing was rated."""
    raw = trajectory_table(trajectory)
    labels = [s.display_label for s in trajectory.series]
    band = trajectory.expected_band is not None
    headers = ["Session", "Date", *labels]
    if band:
        headers.append("Expected range")
    headers.append("What happened")
    rows: list[tuple[str, ...]] = []
    for row in raw:
        date = row["date"]
        written = ""
        if isinstance(date, str):
            when = dt.date.fromisoformat(date)
            written = day(when) if day else when.strftime("%d %b %Y")
        cells = [str(row["session"]), written]
        cells.extend(_cell(row[label]) for label in labels)
        if band:
            lower, upper = row["expected_lower"], row["expected_upper"]
            known = lower is not None and upper is not None
            cells.append(f"{_cell(lower)}–{_cell(upper)}" if known else "")
        cells.append(str(row["events"] or ""))
        rows.append(tuple(cells))
    return DataTable(tuple(headers), tuple(rows))


def _cell(value: object) -> str:
    return _fmt(float(value)) if isinstance(value, (int, float)) else ""
