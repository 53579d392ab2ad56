"""The knobs of the synthetic demo practice, each with its default and what it means.

Every field carries its own documentation in ``metadata["doc"]``; ``docs/demo-practice.md`` is
generated from it, so the table there cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from bordin.domain.errors import FieldError, InvalidInput

T = TypeVar("T")


def _param(default: T, doc: str) -> T:
    result: T = field(default=default, metadata={"doc": doc})
    return result


@dataclass(frozen=True)
class DemoParams:
    """Parameters of ``generate_demo_practice``. The defaults give the documented demo."""

    practice_name: str = _param(
        "Willowbank Counselling (demo)", "Name of the practice; says it is a demo."
    )
    n_therapists: int = _param(
        8, "Therapists with a caseload, taken in order from the fixed cast in people.py (1–8)."
    )
    n_individual_clients: int = _param(
        250, "Clients seen on their own; each has one individual episode."
    )
    n_couples: int = _param(24, "Couples; each couple is two clients sharing one couple episode.")
    min_sessions: int = _param(
        6, "Fewest appointments in an episode (cancelled and no-shows included); at least 6."
    )
    max_sessions: int = _param(24, "Most appointments in an episode.")
    typical_sessions: int = _param(
        10,
        "Most common episode length in appointments (mode of a triangular distribution "
        "between min_sessions and max_sessions).",
    )
    history_weeks: int = _param(
        52, "How far back episodes may start, in weeks before `today` (the date span)."
    )
    active_share: float = _param(
        0.5, "Share of episodes (other than drop-outs) still in progress on `today`."
    )
    upcoming_sessions: int = _param(
        2,
        "Scheduled sessions per active episode: the first within 7 days after `today`, "
        "then weekly.",
    )
    cancellation_rate: float = _param(
        0.05, "Chance that a past weekly appointment was cancelled (it stays on record)."
    )
    no_show_rate: float = _param(0.03, "Chance that a past weekly appointment was a no-show.")
    holiday_gap_rate: float = _param(
        0.05,
        "Chance of a week without an appointment (client's holiday). Bank holidays in England "
        "and the practice's Christmas closure are always skipped.",
    )
    individual_session_minutes: int = _param(50, "Length of an individual session.")
    couple_session_minutes: int = _param(75, "Length of a couple session.")
    stable_share: float = _param(
        0.60, "Individual episodes whose alliance stays flat near the ceiling (no rupture)."
    )
    growth_share: float = _param(
        0.15, "Individual episodes whose alliance starts lower and climbs steadily (no rupture)."
    )
    repaired_share: float = _param(
        0.12, "Individual episodes with a rupture that is repaired within 1–2 sessions (V-shape)."
    )
    unrepaired_share: float = _param(
        0.08, "Individual episodes with a rupture after which the alliance stays down."
    )
    dropout_share: float = _param(
        0.05, "Individual episodes that end in drop-out 1–2 appointments after a rupture."
    )
    quiet_dropouts: int = _param(
        6, "Stable-alliance episodes that end in drop-out anyway, with no rupture to warn of it."
    )
    ceiling_rater_share: float = _param(
        0.35, "Clients whose usual alliance answer is 10 on every item."
    )
    rupture_drop_min: int = _param(
        4, "Smallest planted rupture: fall of the alliance total below the client's baseline."
    )
    rupture_drop_max: int = _param(9, "Largest planted rupture (points on the 0–40 total).")
    split_couples: int = _param(
        8, "Couples in which one partner's alliance total runs 6 or more points below the other's."
    )
    widening_splits: int = _param(3, "Of the split couples, how many see the gap widen.")
    split_dropouts: int = _param(2, "Of the split couples, how many drop out.")
    recovery_share: float = _param(
        0.45,
        "Individual episodes (drop-outs aside) that recover: above caseness at intake, below it "
        "at the end, with reliable improvement.",
    )
    improvement_share: float = _param(
        0.15, "Individual episodes that improve reliably but stay above caseness."
    )
    non_responder_share: float = _param(
        0.30, "Individual episodes whose outcome scores stay flat (drop-outs are added to these)."
    )
    deterioration_share: float = _param(
        0.10, "Individual episodes that reliably deteriorate (PHQ-9 up 6 points or more)."
    )
    risk_clients: int = _param(
        4, "Clients who endorse the PHQ-9 risk item (item 9 above 0) at one session."
    )
    crisis_texts: int = _param(
        2,
        "Of those, how many also write a crisis message after that session (at most risk_clients).",
    )
    conduct_concerns: int = _param(4, "Feedback texts describing a possible conduct concern.")
    feedback_rate: float = _param(
        0.12, "Chance that a client writes an everyday comment after an attended session."
    )
    misalignment_at_rupture_rate: float = _param(
        0.6, "Chance that a client names what did not fit in the session where a rupture occurs."
    )
    misalignment_without_rupture: int = _param(
        8, "Misalignment comments written in sessions with no alliance drop."
    )
    item_skip_rate: float = _param(
        0.02,
        "Chance that a middle outcome administration has one skipped item (never the first, "
        "the last or a risk item; alliance checks are always complete).",
    )

    def problems(self) -> list[FieldError]:
        """Everything wrong with these parameters, one FieldError per field."""
        errors: list[FieldError] = []

        def need(ok: bool, name: str, message: str) -> None:
            if not ok:
                errors.append(FieldError(name, message))

        need(1 <= self.n_therapists <= 8, "n_therapists", "must be between 1 and 8")
        need(self.n_individual_clients >= 0, "n_individual_clients", "must be 0 or more")
        need(self.n_couples >= 0, "n_couples", "must be 0 or more")
        need(self.min_sessions >= 6, "min_sessions", "must be at least 6")
        need(self.max_sessions >= self.min_sessions, "max_sessions", "must be ≥ min_sessions")
        need(self.max_sessions >= 12, "max_sessions", "must be at least 12")
        need(
            self.min_sessions <= self.typical_sessions <= self.max_sessions,
            "typical_sessions",
            "must lie between min_sessions and max_sessions",
        )
        need(
            self.history_weeks >= self.max_sessions * 2,
            "history_weeks",
            "must be ≥ 2 × max_sessions",
        )
        need(1 <= self.upcoming_sessions <= 4, "upcoming_sessions", "must be between 1 and 4")
        for name in (
            "active_share",
            "cancellation_rate",
            "no_show_rate",
            "holiday_gap_rate",
            "ceiling_rater_share",
            "feedback_rate",
            "misalignment_at_rupture_rate",
            "item_skip_rate",
        ):
            value = getattr(self, name)
            need(0.0 <= value <= 1.0, name, "must be between 0 and 1")
        need(
            self.cancellation_rate + self.no_show_rate + self.holiday_gap_rate < 0.5,
            "cancellation_rate",
            "cancellations, no-shows and gaps together must stay below 0.5",
        )
        alliance = (
            self.stable_share,
            self.growth_share,
            self.repaired_share,
            self.unrepaired_share,
            self.dropout_share,
        )
        need(all(x >= 0 for x in alliance), "stable_share", "alliance shares must be 0 or more")
        need(
            abs(sum(alliance) - 1.0) < 1e-6,
            "stable_share",
            "stable, growth, repaired, unrepaired and dropout shares must add up to 1",
        )
        outcome = (
            self.recovery_share,
            self.improvement_share,
            self.non_responder_share,
            self.deterioration_share,
        )
        need(all(x >= 0 for x in outcome), "recovery_share", "outcome shares must be 0 or more")
        need(
            abs(sum(outcome) - 1.0) < 1e-6,
            "recovery_share",
            "recovery, improvement, non-responder and deterioration shares must add up to 1",
        )
        need(self.quiet_dropouts >= 0, "quiet_dropouts", "must be 0 or more")
        need(
            1 <= self.rupture_drop_min <= self.rupture_drop_max <= 16,
            "rupture_drop_min",
            "need 1 ≤ rupture_drop_min ≤ rupture_drop_max ≤ 16",
        )
        need(self.rupture_drop_min >= 3, "rupture_drop_min", "must be at least 3 to be visible")
        need(
            0 <= self.split_couples <= self.n_couples,
            "split_couples",
            "must be between 0 and n_couples",
        )
        need(
            0 <= self.widening_splits <= self.split_couples,
            "widening_splits",
            "must be between 0 and split_couples",
        )
        need(
            0 <= self.split_dropouts <= self.split_couples,
            "split_dropouts",
            "must be between 0 and split_couples",
        )
        need(0 <= self.risk_clients <= 5, "risk_clients", "must be between 0 and 5")
        need(
            0 <= self.crisis_texts <= self.risk_clients,
            "crisis_texts",
            "must be between 0 and risk_clients",
        )
        need(0 <= self.conduct_concerns <= 5, "conduct_concerns", "must be between 0 and 5")
        need(
            0 <= self.misalignment_without_rupture <= 10,
            "misalignment_without_rupture",
            "must be between 0 and 10",
        )
        need(
            self.individual_session_minutes in range(30, 121),
            "individual_session_minutes",
            "must be between 30 and 120",
        )
        need(
            self.couple_session_minutes in range(30, 121),
            "couple_session_minutes",
            "must be between 30 and 120",
        )
        return errors

    def check(self) -> None:
        """Raise ``InvalidInput`` naming every bad field, or return quietly."""
        errors = self.problems()
        if errors:
            raise InvalidInput(errors)


def parameter_rows() -> list[tuple[str, str, str]]:
    """(name, default, meaning) for every parameter, in declaration order, for the docs."""
    defaults = DemoParams()
    rows: list[tuple[str, str, str]] = []
    for f in fields(DemoParams):
        value: Any = getattr(defaults, f.name)
        rows.append((f.name, repr(value), str(f.metadata["doc"])))
    return rows
