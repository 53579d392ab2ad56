"""Build the trajectory chart's data for one episode from what is stored.

Alliance: one line per dimension (goals, tasks, bond, overall) per client; outcome: one line
per measure per client. Markers come from the stored signals (detected ruptures and repairs)
and the therapist's rupture log. The expected-recovery band comes from the same analysis the
not-on-track signal uses, so chart and signal cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.alliance import analyse_episode, registry_scale
from bordin.domain.alliance.history import Rating
from bordin.domain.alliance.series import dimension_scores
from bordin.domain.errors import InstrumentNotFound
from bordin.domain.instruments import get_instrument
from bordin.reports.trajectory import Band, Marker, Series, Trajectory, TrajectoryPoint
from bordin.services.runtime import Runtime
from bordin.services.signals import load_history
from bordin.storage.tables import (
    AppointmentRow,
    ParticipantRow,
    RuptureLogRow,
    SignalRow,
)

#: Which outcome measure's expected range the chart shows when there are several.
PRIMARY_OUTCOME = ("phq9", "core10", "ors", "gad7")

DIMENSION_LABELS = {"goals": "Goals", "tasks": "Tasks", "bond": "Bond", "overall": "Overall"}


def episode_trajectory(db: Session, rt: Runtime, *, episode_id: int, title: str) -> Trajectory:
    history = load_history(db, episode_id, now=rt.now())
    conn = db.connection()  # Core rows of the columns used: the session's transaction
    labels = {
        str(client_id): label
        for client_id, label in conn.execute(
            select(ParticipantRow.client_id, ParticipantRow.label).where(
                ParticipantRow.episode_id == episode_id
            )
        ).all()
    }
    couple = history.kind == "couple"
    grouped: dict[tuple[str, str], list[Rating]] = defaultdict(list)
    for rating in history.ratings:
        grouped[(rating.client_id, rating.instrument_id)].append(rating)
    series: list[Series] = []
    cutoffs: dict[str, float] = {}
    names: dict[str, str] = {}
    for (client_id, instrument_id), ratings in sorted(grouped.items()):
        try:
            instrument = get_instrument(instrument_id)
            facts = registry_scale(instrument_id)
        except InstrumentNotFound:
            continue
        names[instrument_id] = instrument.short_title
        ratings.sort(key=lambda r: r.session_number)
        who = labels.get(client_id) if couple else None
        if instrument.kind == "alliance":
            for dimension, label in DIMENSION_LABELS.items():
                if dimension not in facts.dimensions:
                    continue
                points = []
                for rating in ratings:
                    value = dimension_scores(rating, facts).get(dimension)
                    if value is not None:
                        points.append(TrajectoryPoint(rating.session_number, rating.date, value))
                if points:
                    series.append(
                        Series(
                            label=label,
                            instrument_id=instrument_id,
                            kind="alliance",
                            dimension=dimension,  # type: ignore[arg-type]
                            points=tuple(points),
                            client_label=who,
                            scale=facts.dimension_ranges.get(dimension),
                        )
                    )
        else:
            points = [TrajectoryPoint(r.session_number, r.date, r.total) for r in ratings]
            series.append(
                Series(
                    label=instrument.short_title,
                    instrument_id=instrument_id,
                    kind="outcome",
                    dimension="total",
                    points=tuple(points),
                    client_label=who,
                    scale=(float(instrument.score_min), float(instrument.score_max)),
                )
            )
            if instrument.cutoff is not None:
                cutoffs[instrument_id] = float(instrument.cutoff)

    markers: list[Marker] = []
    for signal in conn.execute(
        select(
            SignalRow.client_id, SignalRow.type, SignalRow.session_number, SignalRow.explanation
        ).where(SignalRow.episode_id == episode_id)
    ).all():
        who = labels.get(str(signal.client_id)) if couple and signal.client_id else None
        if signal.type == "rupture" and signal.session_number:
            markers.append(Marker(signal.session_number, "rupture_detected", client_label=who))
        elif signal.type == "rupture_repaired":
            sessions = signal.explanation.get("sessions") or [signal.session_number]
            markers.append(Marker(int(sessions[-1]), "repair", client_label=who))
    numbers = dict(
        conn.execute(
            select(AppointmentRow.id, AppointmentRow.number).where(
                AppointmentRow.episode_id == episode_id
            )
        ).all()
    )
    for log in conn.execute(
        select(RuptureLogRow.appointment_id, RuptureLogRow.rupture_type).where(
            RuptureLogRow.episode_id == episode_id
        )
    ).all():
        if log.appointment_id in numbers:
            markers.append(
                Marker(numbers[log.appointment_id], "rupture_logged", label=log.rupture_type)
            )

    band = None
    analysis = analyse_episode(history, now=rt.now())
    # One band per chart: the primary outcome measure's (the first client's, in a couple).
    ranked = sorted(
        analysis.trajectories.items(),
        key=lambda kv: (
            PRIMARY_OUTCOME.index(kv[0][1]) if kv[0][1] in PRIMARY_OUTCOME else 99,
            kv[0],
        ),
    )
    for (_client, instrument_id), levels in ranked:
        if not levels:
            continue
        model = analysis.models.get(instrument_id)
        fitted = model is not None and model.source != "default"
        basis = "fitted to this practice" if fitted else "default model"
        spread = [abs(level.amber_bound - level.expected) for level in levels]
        band = Band(
            session_numbers=tuple(level.session_number for level in levels),
            lower=tuple(level.expected - s for level, s in zip(levels, spread, strict=True)),
            upper=tuple(level.expected + s for level, s in zip(levels, spread, strict=True)),
            label=f"expected range, {names.get(instrument_id, instrument_id)} ({basis})",
            instrument_id=instrument_id,
        )
        break
    return Trajectory(
        title=title,
        series=tuple(series),
        cutoffs=cutoffs,
        expected_band=band,
        markers=tuple(sorted(markers, key=lambda m: m.session_number)),
        instrument_names=names,
    )
