"""Every threshold the alliance signals use, in one documented object.

Nothing in the signal rules is a hidden constant: each number lives here, with the reason for its
default. Thresholds that depend on a scale's length are given as a *fraction of the scale's
range*, so one setting works for the Session Alliance Check and the SRS (both 0-40), the WAI-SR
(12-60) and a single 0-10 item; the comment beside each gives its value in points on a 0-40 scale.

Where a default is a design choice rather than a published figure, the comment says so. The
published anchors are:

- 1 SD (sensitive) and 2 SD (specific) drops from the client's own baseline: Strauss et al. 2006
  used 1 SD, Stiles et al. 2004 the stricter 2 SD, and Gumz et al. 2012 recommend looking at both
  (clinical-facts §6.2).
- any drop from a perfect score is informative, because about half of clients rate every alliance
  item at the maximum (psychoutcomes.org, clinical-facts §6.2, [S]).
- SRS below 36 signals dissatisfaction with the session (OpenFIT; clinical-facts §2.2).
- not on track: Finch, Lambert & Schaalje 2001 expected recovery curves with tolerance intervals
  (clinical-facts §3.2).
- split alliance: no validated threshold exists; the design note in clinical-facts §8.3 proposes
  the measure's reliable-change value or at least one within-couple SD, and watching the trend.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from bordin.domain.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class SignalConfig:
    """Thresholds for :func:`bordin.domain.alliance.evaluate_episode`.

    Alliance ruptures (per client, per alliance measure):

    ``min_prior_sessions``
        Rated sessions needed before the baseline (running mean and SD of all the client's prior
        ratings) is trusted for the SD rules. Bordin's design choice: 3.
    ``sensitive_sd`` / ``specific_sd``
        A drop of at least this many baseline SDs below the baseline mean is a possible rupture
        (1 SD, Strauss 2006) or a likely one (2 SD, Stiles 2004); the 2 SD level raises severity to
        ``high``.
    ``sd_floor_fraction``
        The baseline SD is never taken as smaller than this fraction of the scale range, so a
        client who has always rated 40 (SD 0) is not flagged for a 0.1-point wobble by the SD
        rules. 0.05 = 2 points on 0-40 (design choice).
    ``min_drop_fraction``
        The SD rules also need a drop of at least this fraction of the range, so tiny but
        "many-SD" drops of very steady raters are left to the ceiling rule. 0.1 = 4 points on
        0-40 (design choice, tuned on the synthetic cases in docs/signals.md).
    ``ceiling_run``
        The ceiling rule applies when the client's last ``ceiling_run`` ratings were all at the
        scale maximum.
    ``ceiling_min_drop_fraction``
        ...and the new rating is below the maximum by at least this fraction of the range.
        0.05 = 2 points on 0-40 (design choice): clients near the ceiling often wobble between
        39 and 40, and with a 1-point threshold most of the demo practice's stable clients
        raised false ruptures (see docs/signals.md).
    ``item_drop_fraction``
        Item-level rule: a goals, tasks or bond score that falls this fraction of its own range
        below its baseline mean (mean of the prior ratings of that dimension). 0.3 = 3 points on a
        0-10 item. Needs ``min_prior_sessions`` earlier ratings, like the SD rules.
    ``cutoff_rule``
        Whether the instrument's alliance cut-off (SRS < 36) raises a possible rupture when a
        rating falls below it from a baseline at or above it.
    ``cutoff_requires_sd``
        The cut-off crossing counts only if the drop from the baseline mean is also at least this
        many baseline SDs (0 turns the guard off). Without it, a client who steadily rates 36-37
        "crosses" the cut-off on ordinary noise. 1.0 = the sensitive threshold.

    Rupture lifecycle:

    ``repair_window``
        A rupture is *repaired* when a later rating, within this many subsequent ratings, is back
        to the pre-drop level; otherwise *unrepaired*. 3 (design choice; Gumz et al. 2012 saw
        declines lasting up to 6 sessions, so this is configurable).
    ``repair_tolerance_sd``
        "Back to the pre-drop level" means within this many baseline SDs (floored) of the
        pre-drop baseline mean.

    Not on track (outcome measures):

    ``amber_sd`` / ``red_sd``
        Distance from the expected score, in the model's predictive SD at that session, in the
        direction of *worse*. Below ``amber_sd``: green. Between: amber. At or beyond ``red_sd``:
        red. 1.0 and 1.645 (the one-sided 90% tolerance bound; design choice after Finch et al.
        2001). Not on track = amber or red.
    ``min_outcome_ratings``
        Ratings of the measure needed before a level is given (OpenFIT: grey with one rating).

    Split alliance (couples):

    ``split_points``
        A fixed threshold for the partners' gap in points. ``None`` = the measure's
        reliable-change value where it has one, otherwise ``split_fallback_fraction`` of the
        range; either way never less than ``split_min_within_sd`` within-partner SDs.
    ``split_fallback_fraction``
        The gap threshold for measures without a reliable-change value (SRS, WAI-SR, the Session
        Alliance Check): 0.1 = 4 points on 0-40 (design choice; no validated value exists).
    ``split_min_within_sd``
        The threshold is never below this many pooled within-partner SDs (each partner's own
        session-to-session spread over the couple's earlier joint sessions): 1.0, Bordin's
        design choice (no validated threshold exists).
    ``split_item_fraction``
        A gap on the bond dimension of at least this fraction of its range is a split too
        (the dimension the SRS calls the relationship). 0.3 = 3 points on 0-10.
    ``split_min_sessions``
        A split (and a widening) starts only after this many consecutive jointly rated sessions
        meet the rule, and ends only after this many consecutive sessions do not; shorter runs are
        bridged. A single session's gap did not predict ending (Gangamma et al.), and partners'
        ratings wobble. 2 (design choice).
    ``widening_min_sessions`` / ``widening_slope_fraction`` / ``widening_min_increase_fraction``
        The gap is *widening* when, over at least ``widening_min_sessions`` jointly rated
        sessions, its least-squares slope is at least ``widening_slope_fraction`` of the range per
        session (0.0125 = 0.5 points per session on 0-40) and the latest gap is at least
        ``widening_min_increase_fraction`` of the range above the first (0.075 = 3 points).

    Disengagement:

    ``disengagement_window`` / ``disengagement_min_missed``
        At least ``disengagement_min_missed`` cancelled or missed appointments among the last
        ``disengagement_window`` appointments up to ``now``...
    ``disengagement_gap_days``
        ...or no attended session for this many days while the episode is open...
    ``disengagement_drop_sd``
        ...together with a falling alliance: the latest rating at least this many baseline SDs
        (floored) below the mean of the earlier ratings.
    """

    min_prior_sessions: int = 3
    sensitive_sd: float = 1.0
    specific_sd: float = 2.0
    sd_floor_fraction: float = 0.05
    min_drop_fraction: float = 0.1
    ceiling_run: int = 2
    ceiling_min_drop_fraction: float = 0.05
    item_drop_fraction: float = 0.3
    cutoff_rule: bool = True
    cutoff_requires_sd: float = 1.0

    repair_window: int = 3
    repair_tolerance_sd: float = 0.5

    amber_sd: float = 1.0
    red_sd: float = 1.645
    min_outcome_ratings: int = 2

    split_points: float | None = None
    split_fallback_fraction: float = 0.1
    split_min_within_sd: float = 1.0
    split_item_fraction: float = 0.3
    split_min_sessions: int = 2
    widening_min_sessions: int = 4
    widening_slope_fraction: float = 0.0125
    widening_min_increase_fraction: float = 0.075

    disengagement_window: int = 4
    disengagement_min_missed: int = 2
    disengagement_gap_days: int = 28
    disengagement_drop_sd: float = 1.0

    def __post_init__(self) -> None:
        problems: list[FieldError] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or value is None:
                continue
            if value < 0:
                problems.append(FieldError(f.name, "must not be negative"))
        if self.min_prior_sessions < 2:
            problems.append(FieldError("min_prior_sessions", "needs at least 2 to have an SD"))
        if self.specific_sd < self.sensitive_sd:
            problems.append(FieldError("specific_sd", "must be at least sensitive_sd"))
        if self.red_sd < self.amber_sd:
            problems.append(FieldError("red_sd", "must be at least amber_sd"))
        for name in ("ceiling_run", "repair_window", "widening_min_sessions", "split_min_sessions"):
            if getattr(self, name) < 1:
                problems.append(FieldError(name, "must be at least 1"))
        if self.widening_min_sessions < 3:
            problems.append(FieldError("widening_min_sessions", "needs at least 3 for a trend"))
        if problems:
            raise InvalidInput(problems)
