"""The practice overview: outcomes, the alliance–outcome link and therapists, from what is stored.

One :class:`~bordin.reports.outcomes.OutcomeRecord` is built per **client in an ended episode**
(status ``completed`` or ``dropped_out``). An individual episode gives one record; a couple
episode gives one per partner, because each partner rates their own outcome and their own
alliance (their own voice). Counts on the page therefore say "clients".

For each record:

* **Primary outcome measure**: the outcome instrument this client answered most often in the
  episode; ties go to the first in :data:`PRIMARY_PREFERENCE`, then alphabetical order.
* **Intake** is the first score on it and **final** the last (none when there is only one).
* **Classification** comes from the Measures rules
  (:func:`bordin.domain.instruments.classify_change`: reliable change and clinically
  significant change, Jacobson & Truax 1991). An intake on the healthy side of the
  instrument's clinical threshold (criterion c where norms exist, else the cut-off) is
  ``not_case``; no final score, or an instrument without a reliable-change value, is
  ``insufficient_data``.
* **Dropped out** is the episode's status ``dropped_out``.
* **Early alliance** is the mean of the client's first three alliance totals, each converted
  to percent of its scale's range, ``100 × (total − min) ÷ (max − min)``, so the Session
  Alliance Check (0–40), the SRS (0–40) and the WAI-SR (12–60) share one scale. When a client
  used more than one alliance measure, the one they answered most often is used.

The statistics themselves are in :mod:`bordin.reports.outcomes`. This module only reads.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import fmean

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bordin.domain.errors import InstrumentNotFound, InvalidInput
from bordin.domain.instruments import classify_change, clinical_threshold, get_instrument
from bordin.domain.instruments.base import Instrument
from bordin.reports.outcomes import (
    INSUFFICIENT_DATA,
    NOT_CASE,
    Association,
    OutcomeRecord,
    OutcomeSummary,
    TherapistEstimate,
    alliance_outcome_association,
    summarise_outcomes,
    therapist_comparison,
)
from bordin.storage.tables import (
    AdministrationRow,
    AppointmentRow,
    ClientRow,
    EpisodeRow,
    ParticipantRow,
    PracticeRow,
    SubmissionRow,
    UserRow,
)

ENDED_STATUSES = ("completed", "dropped_out")
PRIMARY_PREFERENCE = ("phq9", "core10", "ors", "gad7")
EARLY_ALLIANCE_SESSIONS = 3
#: The feedback completion rate looks back this many days from today.
COMPLETION_WINDOW_DAYS = 84


@dataclass(frozen=True)
class FeedbackCompletion:
    """How often clients gave feedback after the sessions they attended, in a recent window.

    ``expected`` counts each client at each attended session in the window (a couple's
    session counts twice: each partner rates it); ``completed`` those with any answer the
    client gave for that session (a feedback form sent, or a measure recorded for it).
    """

    completed: int
    expected: int
    since: date
    until: date

    @property
    def rate(self) -> float | None:
        return self.completed / self.expected if self.expected else None


@dataclass(frozen=True)
class EpisodeOutcome:
    """One record with what the research export needs besides the statistics' input."""

    record: OutcomeRecord
    episode_id: int
    client_id: int
    pseudonym: str
    therapist_id: int
    kind: str
    status: str
    outcome_scores: int
    alliance_instrument: str | None
    ended_on: date | None = None


@dataclass(frozen=True)
class IntervalRow:
    """One therapist's estimate placed on the chart (x in pixels); the name sits above the bar
    (at ``label_y``), so the bars can use the full width of a phone screen."""

    name: str
    label_y: float
    y: float
    point: float
    lower: float
    upper: float
    overlaps: bool
    text: str


@dataclass(frozen=True)
class IntervalChart:
    """A dot-and-interval chart of therapists' adjusted differences, in alphabetical order."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    zero_x: float
    rows: tuple[IntervalRow, ...]
    ticks: tuple[tuple[float, str], ...]
    unit: str


@dataclass(frozen=True)
class PracticeOverview:
    practice_name: str
    episodes: int
    active_episodes: int
    ended_episodes: int
    records: tuple[EpisodeOutcome, ...]
    summary: OutcomeSummary
    association: Association
    therapists: tuple[TherapistEstimate, ...]
    chart: IntervalChart | None
    min_episodes: int
    completion: FeedbackCompletion | None = None


def _instrument(instrument_id: str) -> Instrument | None:
    try:
        return get_instrument(instrument_id)
    except InstrumentNotFound:
        return None


def _primary(totals: dict[str, list[float]]) -> str:
    def key(instrument_id: str) -> tuple[int, int, str]:
        preference = (
            PRIMARY_PREFERENCE.index(instrument_id)
            if instrument_id in PRIMARY_PREFERENCE
            else len(PRIMARY_PREFERENCE)
        )
        return (-len(totals[instrument_id]), preference, instrument_id)

    return min(totals, key=key)


def classify(instrument: Instrument, intake: float, final: float | None) -> str:
    """The outcome class of one episode on ``instrument`` (see the module docstring)."""
    if final is None:
        return INSUFFICIENT_DATA
    threshold = clinical_threshold(instrument)
    if threshold is not None and not instrument.on_clinical_side(intake, threshold[0]):
        return NOT_CASE
    try:
        return classify_change(instrument, intake, final).classification
    except InvalidInput:
        return INSUFFICIENT_DATA


def percent_of_scale(instrument: Instrument, total: float) -> float:
    span = float(instrument.score_max) - float(instrument.score_min)
    return 100.0 * (total - float(instrument.score_min)) / span if span > 0 else 0.0


def outcome_records(
    db: Session,
    *,
    practice_id: int,
    therapist_id: int | None = None,
    ended_between: tuple[date, date] | None = None,
) -> list[EpisodeOutcome]:
    """One record per client in each ended episode that has an outcome score.

    ``therapist_id`` keeps one therapist's episodes; ``ended_between`` (inclusive) those that
    ended in a period.
    """
    query = select(EpisodeRow).where(
        EpisodeRow.practice_id == practice_id, EpisodeRow.status.in_(ENDED_STATUSES)
    )
    if therapist_id is not None:
        query = query.where(EpisodeRow.therapist_id == therapist_id)
    if ended_between is not None:
        query = query.where(EpisodeRow.ended_on.between(*ended_between))
    episodes = {e.id: e for e in db.scalars(query)}
    if not episodes:
        return []
    participants: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for episode_id, client_id, pseudonym in db.execute(
        select(ParticipantRow.episode_id, ClientRow.id, ClientRow.pseudonym)
        .join(ClientRow, ClientRow.id == ParticipantRow.client_id)
        .where(ParticipantRow.episode_id.in_(list(episodes)))
        .order_by(ParticipantRow.id)
    ):
        participants[episode_id].append((client_id, pseudonym))
    outcome: dict[tuple[int, int], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    alliance: dict[tuple[int, int], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for episode_id, client_id, instrument_id, total in db.execute(
        select(
            AdministrationRow.episode_id,
            AdministrationRow.client_id,
            AdministrationRow.instrument_id,
            AdministrationRow.total,
        )
        .where(
            AdministrationRow.episode_id.in_(list(episodes)),
            AdministrationRow.total.is_not(None),
        )
        .order_by(AdministrationRow.answered_at, AdministrationRow.id)
    ):
        instrument = _instrument(instrument_id)
        if instrument is None:
            continue
        if instrument.kind not in ("alliance", "outcome"):
            continue  # e.g. the Cultural Responsiveness Check: neither alliance nor outcome
        target = alliance if instrument.kind == "alliance" else outcome
        target[(episode_id, client_id)][instrument_id].append(float(total or 0.0))

    results: list[EpisodeOutcome] = []
    for episode_id, episode in sorted(episodes.items()):
        for client_id, pseudonym in participants[episode_id]:
            totals = outcome.get((episode_id, client_id))
            if not totals:
                continue
            primary = _primary(totals)
            instrument = get_instrument(primary)
            scores = totals[primary]
            intake = scores[0]
            final = scores[-1] if len(scores) > 1 else None
            early: float | None = None
            alliance_id: str | None = None
            rated = alliance.get((episode_id, client_id))
            if rated:
                alliance_id = max(rated, key=lambda i: (len(rated[i]), i))
                scale = get_instrument(alliance_id)
                first = rated[alliance_id][:EARLY_ALLIANCE_SESSIONS]
                early = fmean(percent_of_scale(scale, v) for v in first)
            record = OutcomeRecord(
                episode_id=f"{episode_id}:{client_id}",
                therapist_id=str(episode.therapist_id),
                client_id=str(client_id),
                instrument_id=primary,
                intake=intake,
                final=final,
                classification=classify(instrument, intake, final),
                dropped_out=episode.status == "dropped_out",
                early_alliance=early,
                higher_is_better=instrument.direction == "higher_is_better",
            )
            results.append(
                EpisodeOutcome(
                    record=record,
                    episode_id=episode_id,
                    client_id=client_id,
                    pseudonym=pseudonym,
                    therapist_id=episode.therapist_id,
                    kind=episode.kind,
                    status=episode.status,
                    outcome_scores=len(scores),
                    alliance_instrument=alliance_id,
                    ended_on=episode.ended_on,
                )
            )
    return results


def _nice_step(span: float) -> float:
    raw = span / 5 if span > 0 else 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def interval_chart(
    estimates: Sequence[TherapistEstimate],
    *,
    width: int = 520,
    margin: int = 14,
    row_height: int = 46,
) -> IntervalChart | None:
    """Geometry for a dot-and-interval chart, rows in the order given (alphabetical).

    Only therapists with an estimate are drawn; the zero line is the practice mean.
    """
    shown = [e for e in estimates if e.adjusted_difference is not None]
    if not shown:
        return None
    lows = [e.ci_lower for e in shown if e.ci_lower is not None]
    highs = [e.ci_upper for e in shown if e.ci_upper is not None]
    reach = max([abs(v) for v in lows + highs] + [1e-9])
    step = _nice_step(2 * reach)
    limit = step * (int(reach / step) + 1)
    left, right = margin, width - margin
    top = 4

    def x(value: float) -> float:
        return left + (value + limit) / (2 * limit) * (right - left)

    rows = []
    for i, e in enumerate(shown):
        assert e.adjusted_difference is not None
        lo = e.ci_lower if e.ci_lower is not None else e.adjusted_difference
        hi = e.ci_upper if e.ci_upper is not None else e.adjusted_difference
        rows.append(
            IntervalRow(
                name=e.display_name,
                label_y=top + row_height * i + 17,
                y=top + row_height * i + 32,
                point=x(e.adjusted_difference),
                lower=x(lo),
                upper=x(hi),
                overlaps=bool(e.overlaps_practice_mean),
                text=(
                    f"{e.display_name}: {e.adjusted_difference:+.2f} {e.unit} "
                    f"(95% CI {lo:+.2f} to {hi:+.2f}), {e.n} episodes"
                ),
            )
        )
    ticks = []
    value = -limit
    while value <= limit + 1e-9:
        ticks.append((x(value), f"{value:+g}" if value else "0"))
        value += step
    height = top + row_height * len(rows) + 52
    return IntervalChart(
        width, height, left, right, x(0.0), tuple(rows), tuple(ticks), shown[0].unit
    )


def feedback_completion(
    db: Session, *, practice_id: int, today: date, days: int = COMPLETION_WINDOW_DAYS
) -> FeedbackCompletion:
    """The practice's feedback completion rate over attended sessions in the last ``days``."""
    since = today - timedelta(days=days)
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=UTC)
    answered = exists().where(
        AdministrationRow.appointment_id == AppointmentRow.id,
        AdministrationRow.client_id == ParticipantRow.client_id,
    )
    submitted = exists().where(
        SubmissionRow.appointment_id == AppointmentRow.id,
        SubmissionRow.client_id == ParticipantRow.client_id,
    )
    scope = (
        EpisodeRow.practice_id == practice_id,
        AppointmentRow.status == "attended",
        AppointmentRow.starts_at >= start,
        AppointmentRow.starts_at < end,
    )
    base = (
        select(func.count())
        .select_from(AppointmentRow)
        .join(EpisodeRow, EpisodeRow.id == AppointmentRow.episode_id)
        .join(ParticipantRow, ParticipantRow.episode_id == EpisodeRow.id)
    )
    expected = db.scalar(base.where(*scope)) or 0
    completed = db.scalar(base.where(*scope, answered | submitted)) or 0
    return FeedbackCompletion(int(completed), int(expected), since, today)


def practice_overview(
    db: Session, *, practice_id: int, min_episodes: int = 5, today: date | None = None
) -> PracticeOverview:
    """Everything on the practice overview page; aggregate numbers only, no client content."""
    practice = db.get(PracticeRow, practice_id)
    counts = dict(
        db.execute(
            select(EpisodeRow.status, func.count())
            .where(EpisodeRow.practice_id == practice_id)
            .group_by(EpisodeRow.status)
        ).all()
    )
    outcomes = outcome_records(db, practice_id=practice_id)
    records = [o.record for o in outcomes]
    names = {
        str(i): n
        for i, n in db.execute(
            select(UserRow.id, UserRow.display_name).where(UserRow.practice_id == practice_id)
        )
    }
    estimates = therapist_comparison(records, display_names=names, min_episodes=min_episodes)
    return PracticeOverview(
        practice_name=practice.name if practice else "",
        episodes=int(sum(counts.values())),
        active_episodes=int(counts.get("active", 0)),
        ended_episodes=int(sum(counts.get(s, 0) for s in ENDED_STATUSES)),
        records=tuple(outcomes),
        summary=summarise_outcomes(records),
        association=alliance_outcome_association(records),
        therapists=tuple(estimates),
        chart=interval_chart(estimates),
        min_episodes=min_episodes,
        completion=(
            feedback_completion(db, practice_id=practice_id, today=today)
            if today is not None
            else None
        ),
    )
