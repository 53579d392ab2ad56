"""The demo practice as a case set: its episodes as histories, its planted patterns as truth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bordin.analytics.signals.evaluation.cases import CaseSet, Planted, Unit
from bordin.analytics.signals.evaluation.scoring import DEMO_SEED, DEMO_TODAY
from bordin.domain.alliance.history import Attendance, EpisodeHistory, Rating, RiskFlag
from bordin.domain.alliance.scale import registry_scale

_DEMO_RUPTURE_KINDS = {"repaired_rupture", "unrepaired_rupture", "dropout_after_rupture"}


def demo_case_set(seed: int = DEMO_SEED, today: dt.date = DEMO_TODAY) -> CaseSet:
    """The demo practice's episodes as histories, and its planted patterns as ground truth.

    Mapping: ``repaired_rupture`` -> rupture (its first session or the next) and
    rupture_repaired (within the planted repair sessions + 1); ``unrepaired_rupture`` and
    ``dropout_after_rupture`` -> rupture and rupture_unrepaired; ``split_alliance`` ->
    split_alliance for the couple; ``deterioration`` -> reliable_deterioration;
    ``reliable_improvement`` and ``recovery`` -> reliable_improvement (and recovery);
    ``risk_item`` and ``crisis_feedback`` -> risk. Every alliance client is judged on ruptures,
    couples on splits, and clients with an outcome pattern on change.
    """
    from bordin.demo import generate_demo_practice

    practice = generate_demo_practice(seed=seed, today=today)
    histories: list[EpisodeHistory] = []
    nows: dict[str, dt.date] = {}
    for episode in practice.episodes:
        ratings: list[Rating] = []
        flags: list[RiskFlag] = []
        for session in episode.sessions:
            date = session.starts_at.date()
            for admin in session.administrations:
                facts = registry_scale(admin.instrument)
                items = {
                    link: float(v)
                    for link, v in zip(facts.item_ids, admin.answers, strict=False)
                    if v is not None
                }
                if len(items) < len([a for a in admin.answers]):
                    continue
                total = _total(admin.instrument, admin.answers)
                ratings.append(
                    Rating(admin.client_id, session.number, date, admin.instrument, total, items)
                )
            for feedback in session.feedback:
                if feedback.category == "crisis":
                    flags.append(
                        RiskFlag(
                            feedback.client_id,
                            session.number,
                            date,
                            "crisis_feedback",
                            "triage: crisis",
                        )
                    )
        attendance = tuple(
            Attendance(s.number, s.starts_at.date(), s.status)  # type: ignore[arg-type]
            for s in episode.sessions
            if s.status in ("attended", "cancelled", "no_show")
        )
        histories.append(
            EpisodeHistory(
                episode_id=episode.episode_id,
                kind="couple" if episode.kind == "couple" else "individual",
                client_ids=tuple(episode.client_ids),
                ratings=tuple(ratings),
                attendance=attendance,
                risk_flags=tuple(flags),
                ended=episode.status != "active",
                dropped_out=episode.status == "dropped_out",
                ended_on=episode.end_date,
            )
        )
        nows[episode.episode_id] = today
    planted: list[Planted] = []
    units: list[Unit] = []
    stable: set[str] = {e.episode_id for e in practice.episodes}
    last_session = {e.episode_id: max(s.number for s in e.sessions) for e in practice.episodes}
    for g in practice.ground_truth:
        end = last_session[g.episode_id]
        first = g.sessions[0] if g.sessions else 1
        if g.kind in _DEMO_RUPTURE_KINDS:
            stable.discard(g.episode_id)
            planted.append(Planted("rupture", g.episode_id, g.client_id, first, first + 1, g.kind))
            if g.kind == "repaired_rupture":
                planted.append(
                    Planted(
                        "rupture_repaired",
                        g.episode_id,
                        g.client_id,
                        first + 1,
                        g.sessions[-1] + 1,
                        g.kind,
                    )
                )
            else:
                # A client who drops out straight after the drop gets the verdict at that session.
                planted.append(
                    Planted("rupture_unrepaired", g.episode_id, g.client_id, first, end, g.kind)
                )
        if g.kind in ("stable_alliance", *_DEMO_RUPTURE_KINDS, "dropout_without_rupture"):
            units.append(
                Unit(
                    g.episode_id,
                    g.client_id,
                    g.kind,
                    frozenset({"rupture", "rupture_repaired", "rupture_unrepaired"}),
                )
            )
        elif g.kind == "split_alliance":
            # The demo builds a split by lowering one partner's ratings partway through, which
            # the rupture rules see as a drop: such episodes are not counted as stable.
            stable.discard(g.episode_id)
            planted.append(Planted("split_alliance", g.episode_id, None, first, end, g.kind))
            units.append(Unit(g.episode_id, None, g.kind, frozenset({"split_alliance"})))
        elif g.kind == "balanced_couple":
            units.append(Unit(g.episode_id, None, g.kind, frozenset({"split_alliance"})))
        elif g.kind in ("recovery", "reliable_improvement", "deterioration", "non_responder"):
            units.append(
                Unit(
                    g.episode_id,
                    g.client_id,
                    f"outcome:{g.kind}",
                    frozenset({"reliable_deterioration", "reliable_improvement", "recovery"}),
                )
            )
            measure = str(g.details.get("measure", ""))
            if g.kind == "deterioration":
                planted.append(
                    Planted("reliable_deterioration", g.episode_id, g.client_id, 2, end, g.kind)
                )
            if g.kind in ("recovery", "reliable_improvement"):
                planted.append(
                    Planted("reliable_improvement", g.episode_id, g.client_id, 2, end, g.kind)
                )
            if g.kind == "recovery":
                planted.append(Planted("recovery", g.episode_id, g.client_id, 2, end, g.kind))
            del measure
        elif g.kind in ("risk_item", "crisis_feedback"):
            for s in g.sessions:
                planted.append(Planted("risk", g.episode_id, g.client_id, s, s, g.kind))
    for history in histories:
        for client_id in history.client_ids:
            units.append(Unit(history.episode_id, client_id, "unlabelled", frozenset({"risk"})))
    return CaseSet(
        histories=tuple(histories),
        planted=tuple(planted),
        units=_merge_units(units),
        nows=nows,
        stable_episodes=frozenset(stable),
    )


def _merge_units(units: Sequence[Unit]) -> tuple[Unit, ...]:
    """One unit per client: alliance family as the family, outcome pattern as outcome family."""
    merged: dict[tuple[str, str | None], Unit] = {}
    for u in units:
        key = (u.episode_id, u.client_id)
        old = merged.get(key)
        if old is None:
            old = Unit(u.episode_id, u.client_id, "unlabelled", frozenset())
        family, outcome = old.family, old.outcome_family
        if u.family.startswith("outcome:"):
            outcome = u.family.removeprefix("outcome:")
        elif u.family != "unlabelled":
            family = u.family
        merged[key] = Unit(u.episode_id, u.client_id, family, old.judged | u.judged, outcome)
    return tuple(merged.values())


def _total(instrument_id: str, answers: Sequence[int | None]) -> float:
    from bordin.domain.instruments import get_instrument, score

    return float(score(get_instrument(instrument_id), list(answers)).total or 0.0)
