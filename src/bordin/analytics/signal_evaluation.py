"""How well the signals find what was planted: precision and recall per signal type.

Two sources of ground truth:

- the hard synthetic cases of :mod:`bordin.testing.signal_cases` (noisy stable clients, slow
  declines, ceiling-bound clients, V-shapes, unrepaired ruptures, couples' splits,
  non-responders and deteriorators);
- the demo practice of :mod:`bordin.testing.demo_practice` and the patterns it planted.

Scoring. A planted pattern says: a signal of this type should be raised for this client (or
couple) in this window of sessions. A raised signal that matches an unmatched planted pattern is
a true positive. A raised signal that matches nothing is a false positive when the unit is
*judged* on that type (every client is judged on ruptures; couples on splits; clients with an
outcome trajectory on not-on-track and change), and is ignored otherwise. Unmatched patterns
are false negatives. The *false rupture alarm rate* is the share of stable episodes (no rupture
planted anywhere in the episode) with at least one rupture signal.

``python -m bordin.analytics.signal_evaluation --write docs/signals.md`` regenerates the doc;
a test fails when the committed doc is stale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from bordin.domain.alliance import SignalConfig, evaluate_episode
from bordin.domain.alliance.history import Attendance, EpisodeHistory, Rating, RiskFlag
from bordin.domain.alliance.recovery import DEFAULT_BASIS, DEFAULT_RECOVERY_MODELS
from bordin.domain.alliance.scale import registry_scale
from bordin.domain.alliance.signal import SIGNAL_TYPES, Signal
from bordin.testing.signal_cases import (
    OUTCOME_TYPES,
    CaseSet,
    Planted,
    Unit,
    generate_signal_cases,
)

CASES_SEED = 2024
CASES_PER_FAMILY = 40
DEMO_SEED = 7
DEMO_TODAY = dt.date(2025, 6, 1)
RUPTURE_RECALL_TARGET = 0.9
#: Types with a lifecycle: a second signal in the same window is a false alarm, not a repeat.
_STRICT = frozenset({"rupture", "rupture_repaired", "rupture_unrepaired"})
FALSE_ALARM_TARGET = 0.10


@dataclass(frozen=True)
class TypeScore:
    """Counts and rates for one signal type (``None`` where a rate has no denominator)."""

    type: str
    tp: int
    fp: int
    fn: int
    repeats: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass(frozen=True)
class Evaluation:
    """The scores of one run over one case set."""

    name: str
    episodes: int
    scores: tuple[TypeScore, ...]
    stable_episodes: int
    stable_with_rupture: int
    rupture_recall_by_family: Mapping[str, tuple[int, int]]
    false_alarms_by_family: Mapping[str, tuple[int, int]]
    false_positives_by_family: Mapping[str, Mapping[str, int]]

    @property
    def false_alarm_rate(self) -> float:
        return self.stable_with_rupture / self.stable_episodes if self.stable_episodes else 0.0

    def score(self, signal_type: str) -> TypeScore:
        for s in self.scores:
            if s.type == signal_type:
                return s
        return TypeScore(signal_type, 0, 0, 0)


def score_signals(
    name: str,
    signals: Iterable[Signal],
    planted: Sequence[Planted],
    units: Sequence[Unit],
    stable_episodes: Iterable[str],
    episodes: int,
) -> Evaluation:
    """Match raised signals to planted patterns (see the module docstring)."""
    judged = {(u.episode_id, u.client_id): u for u in units}
    family_of = {(u.episode_id, u.client_id): u.family for u in units}
    open_truth: dict[tuple[str, str, str | None], list[Planted]] = defaultdict(list)
    for p in planted:
        open_truth[(p.type, p.episode_id, p.client_id)].append(p)
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fp_family: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    repeats: dict[str, int] = defaultdict(int)
    matched: set[int] = set()
    rupture_episodes: set[str] = set()
    for s in sorted(signals, key=lambda s: (s.episode_id, s.session_number)):
        if s.type in ("rupture",):
            rupture_episodes.add(s.episode_id)
        candidates = [
            p
            for p in open_truth.get((s.type, s.episode_id, s.client_id), [])
            if id(p) not in matched
            and p.first <= s.session_number <= p.last
            and (p.instrument_id is None or p.instrument_id == s.instrument_id)
        ]
        if candidates:
            matched.add(id(candidates[0]))
            tp[s.type] += 1
            continue
        again = [
            p
            for p in open_truth.get((s.type, s.episode_id, s.client_id), [])
            if id(p) in matched and p.first <= s.session_number <= p.last
        ]
        if again and s.type not in _STRICT:
            repeats[s.type] += 1
            continue
        unit = judged.get((s.episode_id, s.client_id))
        if unit is not None and s.type in unit.judged:
            fp[s.type] += 1
            family = unit.family
            if s.type in OUTCOME_TYPES and unit.outcome_family:
                family = unit.outcome_family
            fp_family[s.type][family] += 1
    fn: dict[str, int] = defaultdict(int)
    recall_by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in planted:
        hit = id(p) in matched
        if not hit and p.required:
            fn[p.type] += 1
        if p.type == "rupture" and p.required:
            recall_by_family[p.family][0] += int(hit)
            recall_by_family[p.family][1] += 1
    stable = set(stable_episodes)
    alarms_by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (episode_id, _client_id), family in family_of.items():
        if episode_id in stable:
            alarms_by_family[family][0] += int(episode_id in rupture_episodes)
            alarms_by_family[family][1] += 1
    types = [t for t in SIGNAL_TYPES if tp[t] or fp[t] or fn[t] or repeats[t]]
    return Evaluation(
        name=name,
        episodes=episodes,
        scores=tuple(TypeScore(t, tp[t], fp[t], fn[t], repeats[t]) for t in types),
        stable_episodes=len(stable),
        stable_with_rupture=len(stable & rupture_episodes),
        rupture_recall_by_family={k: (v[0], v[1]) for k, v in sorted(recall_by_family.items())},
        false_alarms_by_family={k: (v[0], v[1]) for k, v in sorted(alarms_by_family.items())},
        false_positives_by_family={
            t: dict(sorted(v.items())) for t, v in sorted(fp_family.items())
        },
    )


def evaluate_cases(cases: CaseSet, name: str, config: SignalConfig | None = None) -> Evaluation:
    """Run :func:`evaluate_episode` on every history of a case set and score it."""
    signals: list[Signal] = []
    for history in cases.histories:
        signals.extend(
            evaluate_episode(history, now=cases.now_for(history.episode_id), config=config)
        )
    return score_signals(
        name, signals, cases.planted, cases.units, cases.stable_episodes, len(cases.histories)
    )


# ------------------------------------------------------------------------------------------
# The demo practice as a case set


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
    from bordin.testing.demo_practice import generate_demo_practice

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


# ------------------------------------------------------------------------------------------
# The generated document


#: Alternative settings whose cost and benefit the doc reports, with why they are interesting.
VARIANTS: tuple[tuple[str, dict[str, object]], ...] = (
    ("defaults", {}),
    ("1 SD rule off (2 SD only)", {"sensitive_sd": 2.0}),
    ("cut-off rule off", {"cutoff_rule": False}),
    ("ceiling drop of 1 point counts", {"ceiling_min_drop_fraction": 0.025}),
    ("minimum drop 3 points (0.075)", {"min_drop_fraction": 0.075}),
    ("item drop of 2 points counts (0.2)", {"item_drop_fraction": 0.2}),
    ("baseline after 2 sessions", {"min_prior_sessions": 2}),
)


def config_field_docs() -> dict[str, str]:
    """Each :class:`SignalConfig` field's description, read from the class docstring."""
    doc = SignalConfig.__doc__ or ""
    out: dict[str, str] = {}
    names: list[str] = []
    text: list[str] = []

    def flush() -> None:
        for name in names:
            out[name] = " ".join(text).strip()

    for line in doc.splitlines():
        if line.startswith("    ``"):
            flush()
            names = [part.strip().strip("`") for part in line.strip().split("/")]
            text = []
        elif line.startswith("        ") and names:
            text.append(line.strip())
        elif line.strip() and not line.startswith("        "):
            flush()
            names, text = [], []
    flush()
    return out


def _rate(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _score_table(ev: Evaluation) -> list[str]:
    lines = [
        "| signal type | planted | true positives | false positives | missed | repeats "
        "| precision | recall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in ev.scores:
        planted = s.tp + s.fn
        lines.append(
            f"| `{s.type}` | {planted} | {s.tp} | {s.fp} | {s.fn} | {s.repeats} | "
            f"{_rate(s.precision)} | {_rate(s.recall)} |"
        )
    return lines


def _family_tables(ev: Evaluation) -> list[str]:
    lines = ["| family | planted ruptures | found | recall |", "|---|---|---|---|"]
    for family, (hit, total) in ev.rupture_recall_by_family.items():
        lines.append(f"| {family} | {total} | {hit} | {_rate(hit / total if total else None)} |")
    lines += [
        "",
        "| stable family (clients) | with a false rupture alarm | share |",
        "|---|---|---|",
    ]
    for family, (hit, total) in ev.false_alarms_by_family.items():
        lines.append(f"| {family} | {hit} of {total} | {_rate(hit / total if total else None)} |")
    return lines


def _fp_lines(ev: Evaluation) -> list[str]:
    lines: list[str] = []
    for kind, families in ev.false_positives_by_family.items():
        parts = ", ".join(f"{family} {count}" for family, count in families.items())
        lines.append(f"- `{kind}`: {parts}")
    return lines


def _targets(ev: Evaluation) -> list[str]:
    recall = ev.score("rupture").recall or 0.0
    fa = ev.false_alarm_rate
    ok_r = "met" if recall >= RUPTURE_RECALL_TARGET else "NOT met"
    ok_f = "met" if fa <= FALSE_ALARM_TARGET else "NOT met"
    return [
        f"- Rupture recall {recall:.3f} (target ≥ {RUPTURE_RECALL_TARGET}): **{ok_r}**.",
        f"- Stable episodes with a false rupture alarm: {ev.stable_with_rupture} of "
        f"{ev.stable_episodes} = {fa:.3f} (target ≤ {FALSE_ALARM_TARGET}): **{ok_f}**.",
    ]


def _model_lines() -> list[str]:
    lines = [
        "| measure | b0 | b1 | var intercept | var slope | var residual | built from |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, model in DEFAULT_RECOVERY_MODELS.items():
        lines.append(
            f"| {key} | {model.b0:.3f} | {model.b1:.4f} | {model.var_intercept:.2f} | "
            f"{model.var_slope:.2f} | {model.var_residual:.2f} | {DEFAULT_BASIS[key].source} |"
        )
    lines += [
        "",
        "Bands at a typical intake (expected score; amber and red bounds, in the direction "
        "of worse):",
        "",
        "| measure | intake | session 2 | session 4 | session 8 | session 12 |",
        "|---|---|---|---|---|---|",
    ]
    config = SignalConfig()
    for key, model in DEFAULT_RECOVERY_MODELS.items():
        basis = DEFAULT_BASIS[key]
        intake = basis.typical_intake
        sign = 1.0 if key != "ors" else -1.0
        cells = []
        for t in (2, 4, 8, 12):
            e = model.expected(intake, t)
            sd = model.predictive_sd(t)
            amber = e + sign * config.amber_sd * sd
            red = e + sign * config.red_sd * sd
            cells.append(f"{e:.1f}; {amber:.1f}; {red:.1f}")
        lines.append(f"| {key} | {intake:g} | " + " | ".join(cells) + " |")
    return lines


def _variant_lines(cases: CaseSet, demo: CaseSet) -> list[str]:
    lines = [
        "| setting | cases: rupture recall | cases: precision | cases: stable with alarm | "
        "demo: rupture recall | demo: precision | demo: stable with alarm |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, changes in VARIANTS:
        config = SignalConfig(**changes)  # type: ignore[arg-type]
        a = evaluate_cases(cases, "cases", config)
        b = evaluate_cases(demo, "demo", config)
        ra, rb = a.score("rupture"), b.score("rupture")
        lines.append(
            f"| {name} | {_rate(ra.recall)} | {_rate(ra.precision)} | {a.false_alarm_rate:.3f} | "
            f"{_rate(rb.recall)} | {_rate(rb.precision)} | {b.false_alarm_rate:.3f} |"
        )
    return lines


#: (type, severity, status values, meaning) for the signal-types table.
TYPE_ROWS: tuple[tuple[str, str, str, str], ...] = (
    (
        "rupture",
        "high at 2 SD, else routine",
        "open / repaired / unrepaired",
        "a possible alliance rupture (detected from ratings, or logged by the therapist)",
    ),
    ("rupture_repaired", "routine", "repaired", "back to the pre-drop level within the window"),
    (
        "rupture_unrepaired",
        "high",
        "unrepaired",
        "not back within the window, or the episode ended first",
    ),
    (
        "low_alliance",
        "routine",
        "active / resolved",
        "below the alliance cut-off from the first rating (no drop to speak of)",
    ),
    (
        "not_on_track",
        "high if red, else routine",
        "active / resolved",
        "outcome worse than expected for the intake severity (amber or red)",
    ),
    (
        "reliable_deterioration",
        "high",
        "active",
        "worse than intake by at least the reliable-change value",
    ),
    (
        "reliable_improvement",
        "routine",
        "active",
        "better than intake by at least the reliable-change value",
    ),
    ("recovery", "routine", "active", "reliable improvement and out of the clinical range"),
    (
        "split_alliance",
        "high if the gap is twice the threshold, else routine",
        "active / resolved",
        "partners rate the alliance differently",
    ),
    ("split_widening", "routine", "active / resolved", "the partners' gap is growing"),
    ("disengagement", "high", "active", "missed or cancelled sessions with a falling alliance"),
    ("risk", "urgent", "open", "an endorsed risk item or crisis feedback"),
)


def _types_table() -> str:
    lines = ["| type | severity | status | meaning |", "|---|---|---|---|"]
    lines += [f"| `{t}` | {sev} | {st} | {meaning} |" for t, sev, st, meaning in TYPE_ROWS]
    return "\n".join(lines)


def render_doc() -> str:
    """docs/signals.md, computed from the code, the default settings and both evaluations."""
    from bordin.domain.alliance import citations
    from bordin.domain.alliance.repair import MARKERS, STRATEGIES

    config = SignalConfig()
    cases = generate_signal_cases(CASES_SEED, CASES_PER_FAMILY)
    demo = demo_case_set()
    ev_cases = evaluate_cases(cases, "synthetic cases")
    ev_demo = evaluate_cases(demo, "demo practice")
    docs = config_field_docs()
    out: list[str] = []
    add = out.append
    template = _TEMPLATE.format(
        types_table=_types_table(),
        min_prior=config.min_prior_sessions,
        sensitive=config.sensitive_sd,
        specific=config.specific_sd,
        floor=config.sd_floor_fraction * 40,
        min_drop=config.min_drop_fraction * 40,
        ceiling_run=config.ceiling_run,
        ceiling_drop=config.ceiling_min_drop_fraction * 40,
        item_drop=config.item_drop_fraction * 10,
        cutoff_sd=config.cutoff_requires_sd,
        window=config.repair_window,
        tolerance=config.repair_tolerance_sd,
        amber=config.amber_sd,
        red=config.red_sd,
        min_outcome=config.min_outcome_ratings,
        split_fallback=config.split_fallback_fraction * 40,
        split_sd=config.split_min_within_sd,
        split_item=config.split_item_fraction * 10,
        split_min=config.split_min_sessions,
        widen_min=config.widening_min_sessions,
        widen_min_2=2 * config.widening_min_sessions,
        widen_slope=config.widening_slope_fraction * 40,
        widen_inc=config.widening_min_increase_fraction * 40,
        dis_window=config.disengagement_window,
        dis_missed=config.disengagement_min_missed,
        dis_days=config.disengagement_gap_days,
        dis_sd=config.disengagement_drop_sd,
        c_sd=citations.RUPTURE_SD,
        c_ceiling=citations.RUPTURE_CEILING,
        c_item=citations.RUPTURE_ITEM,
        c_cutoff=citations.RUPTURE_CUTOFF,
        c_repair=citations.REPAIR,
        c_not=citations.NOT_ON_TRACK,
        c_change=citations.CHANGE,
        c_split=citations.SPLIT,
        c_widening=citations.SPLIT_WIDENING,
        c_dis=citations.DISENGAGEMENT,
        c_risk=citations.RISK,
        c_logged=citations.RUPTURE_LOGGED,
    )
    add(template)
    add("\n### Default expected recovery models\n")
    out.extend(_model_lines())
    add("\n### Rupture and repair log: 3RS vocabulary\n")
    add(
        "The two rupture types and the immediate/exploratory strategy families are confirmed; "
        "**the individual marker and strategy names are unconfirmed** (recalled from the 3RS "
        "manual; only its section headings were checked; clinical-facts §6.4 and §14). "
        "Verify them against the manual before relying on them. The keys are stable.\n"
    )
    add("| key | marker | rupture type |")
    add("|---|---|---|")
    for m in MARKERS:
        add(f"| `{m.key}` | {m.label} | {m.rupture_type} |")
    add("")
    add("| key | strategy | family |")
    add("|---|---|---|")
    for st in STRATEGIES:
        add(f"| `{st.key}` | {st.label} | {st.family} |")
    add("\n## Every threshold\n")
    add("All in `bordin.domain.alliance.SignalConfig`; defaults shown.\n")
    add("| setting | default | meaning |")
    add("|---|---|---|")
    for f in fields(SignalConfig):
        add(f"| `{f.name}` | {getattr(config, f.name)} | {docs.get(f.name, '')} |")
    add("\n## How well the signals find what was planted\n")
    add(
        _EVAL_INTRO.format(per_family=CASES_PER_FAMILY, seed=CASES_SEED, episodes=ev_cases.episodes)
    )
    add(f"\n### Synthetic cases ({ev_cases.episodes} episodes, seed {CASES_SEED})\n")
    out.extend(_targets(ev_cases))
    add("")
    out.extend(_score_table(ev_cases))
    add("")
    out.extend(_family_tables(ev_cases))
    add("\nWhere the false positives are (by family):\n")
    out.extend(_fp_lines(ev_cases))
    add(
        f"\n### Demo practice ({ev_demo.episodes} episodes, seed {DEMO_SEED}, as of {DEMO_TODAY})\n"
    )
    add(_DEMO_INTRO)
    add("")
    out.extend(_targets(ev_demo))
    add("")
    out.extend(_score_table(ev_demo))
    add("")
    out.extend(_family_tables(ev_demo))
    add("\nWhere the false positives are (by family):\n")
    out.extend(_fp_lines(ev_demo) or ["- none"])
    add("\n### What each rule costs and buys\n")
    add(
        "The same two case sets under alternative settings (one change at a time). "
        '"Stable with alarm" is the share of stable episodes with any rupture signal.\n'
    )
    out.extend(_variant_lines(cases, demo))
    add(_LIMITS)
    return "\n".join(out).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bordin.analytics.signal_evaluation [--write PATH]``."""
    parser = argparse.ArgumentParser(description="Evaluate the signals and render docs/signals.md.")
    parser.add_argument("--write", type=Path, help="write the document to this path")
    args = parser.parse_args(argv)
    text = render_doc()
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


_TEMPLATE = """# Alliance and outcome signals

<!-- Generated by `python -m bordin.analytics.signal_evaluation --write docs/signals.md`.
     tests/docs/test_signals_docs.py fails when this file is out of date: do not edit by hand. -->

Alliance ratings sit near the ceiling and therapists rarely see a rupture coming, so Bordin reads
each client's ratings against **their own baseline**, follows every possible rupture until it is
repaired or not, and explains every signal: the rule, the numbers, the sessions, a suggested
next step and the source. This page documents each rule with its thresholds and sources, and
reports how well the rules find patterns planted in synthetic data — including where they fail.

Signals are *prompts for a conversation*, never verdicts: a rupture signal means "the ratings
dropped; ask about it", and every threshold below is configurable.

## Where the code is

- `bordin.domain.alliance.evaluate_episode(history, *, now, config=SignalConfig())` — pure; one
  episode in, a list of `Signal` out. Called after every submission. `analyse_episode` returns
  the same signals plus the expected-recovery bands and rupture courses for charts.
- `bordin.analytics.bulk_signals.bulk_signals(frame)` — the same rules vectorised with NumPy for
  a whole practice (ruptures and their course, low alliance, not on track, change, splits, risk
  items, and disengagement when attendance is given); a test checks it gives identical signals
  to the pure function on random histories.
- `bordin.analytics.expected_recovery.fit_expected_recovery(df, instrument_id, min_episodes)` —
  fits a practice's own expected recovery curve with statsmodels (MixedLM).
- `bordin signals --from-csv FILE` — the stable CLI contract for offline analysis (see
  `bordin signals --help`); one JSON line per signal.
- `python bench/bench_signals.py` — times the whole-practice recompute (100,000 episodes,
  1,000,000 ratings) and the per-episode evaluation.

## Signal types

{types_table}

## The rules

### Possible rupture

Per client and alliance measure, at every rated session, against the **baseline**: the mean and
SD of all the client's earlier ratings on that measure. Values below are for a 0-40 scale (the
Session Alliance Check, SRS); the settings are fractions of the range, so they scale to others.

1. **Drop from the client's own baseline.** At least {sensitive:g} SD below the baseline
   mean (sensitive) and at least {min_drop:g} points; at {specific:g} SD (specific) the
   rupture is `high`.
   The SD is never taken below {floor:g} points, so a client with SD ≈ 0 is not flagged for a tiny
   wobble. Needs {min_prior} earlier ratings. *{c_sd}*
2. **Drop from the ceiling.** The last {ceiling_run} ratings were at the scale maximum and
   this one is at least {ceiling_drop:g} points below it: half of clients rate every item at
   the maximum, so their SD tells nothing and any clear drop counts. *{c_ceiling}*
3. **Item-level drop.** Goals, tasks or bond at least {item_drop:g} points (on a 0-10 item)
   below its own baseline mean, even when the total hides it. Needs {min_prior} earlier
   ratings. *{c_item}*
4. **Below the cut-off.** The rating falls below the measure's alliance cut-off (SRS < 36) from a
   baseline at or above it, with a drop of at least {cutoff_sd:g} SD. Needs {min_prior}
   earlier ratings. *{c_cutoff}*

### Rupture lifecycle

The first flagged session opens a rupture; its **pre-drop level** is the baseline mean before
it. It is **repaired** when, within {window} later ratings, the alliance is back within
{tolerance:g} SD of that level (and a dimension that dropped is back within half the item
threshold of its own level); **unrepaired** when {window} later ratings pass without that, or
the episode ends (or the client drops out) first; otherwise **open**. Further drops while it is
open belong to it; a new rupture can open only once the alliance has come back. The explanation
names the **shape** (Gumz et al. 2012): a *V-shape* (one session down, then back), a *prolonged
dip* (more than one session down, then back), or a *prolonged decline* (more than one session
down, not back), and whether the onset was *abrupt* or *gradual* (the session before was already
below the level: a slow slide). *{c_repair}*

**Logged ruptures.** A rupture the therapist records (withdrawal or confrontation, 3RS markers,
strategies tried, resolved or not) is linked to the detected rupture of the same client in the
same or an adjacent session, and the detected rupture's explanation says so. Either way, the
client's **next rating closes the loop**: back to the level before the logged session (confirmed
repaired), still below it (not confirmed), or not yet given (awaiting). A logged rupture that the
ratings did not show becomes a `rupture` signal of its own (rule `rupture.therapist_log`) and is
followed the same way. *{c_logged}*

**Low alliance.** A client whose first ratings are already below the cut-off has not dropped;
`low_alliance` says so instead of a rupture.

### Not on track

Following Finch, Lambert & Schaalje 2001, the expected score at session t (t = 1 at intake) is
`intake + (b0 + b1 × intake) × log(t)` (t capped at 20), with a predictive SD from a mixed model
(random intercept and slope on log t, plus residual error). A rating at least {amber:g} SD worse
than expected is **amber**, at least {red:g} SD (the one-sided 90% tolerance bound) **red**; not
on track means amber or red. Each signal shows the expected score and both bounds, and names the
model: a practice's **fitted** model ("fitted on N practice episodes") once it has enough
completed episodes, otherwise the **default** model, labelled as such. Needs {min_outcome}
ratings. *{c_not}*

The default models are **not fitted to any data**. They are built from published facts — the
general-population mean, a typical intake score and the reliable-change value of each measure —
and one design assumption: by session 12 the expected score has closed half the gap between
intake and the population mean (in line with Hansen, Lambert & Forman 2002: 13-18 sessions for
half of clients to improve). Measurement error (SEM = RCI / (1.96 × √2)) enters at intake and at
each session; individual rates of change vary with SD = half the mean rate at a typical intake.
Replace them with a fitted model as soon as the practice can.

### Change

From intake to the latest rating, with the instrument registry's reliable-change value and
cut-off (Jacobson & Truax 1991): **reliable improvement** / **reliable deterioration** when the
change is at least the reliable-change value; **recovery** when it is a reliable improvement and
the client moved from the clinical range (intake) out of it (latest). Each is raised while the
latest rating meets it, at the first session of that run. Measures without a reliable-change
value (SRS, WAI-SR, the Session Alliance Check) raise none. *{c_change}*

### Split alliance (couples)

At each session both partners rated on the same alliance measure, the gap between their totals
is compared with a threshold: the measure's reliable-change value where it has one, otherwise
{split_fallback:g} points on a 0-40 scale; and never less than {split_sd:g} pooled
within-partner SD of the couple's earlier ratings (so partners whose ratings jump about are not
called split on noise). A bond gap of {split_item:g} points on a 0-10 item is a split too. A
split starts after {split_min} consecutive joint sessions meet the rule and ends after
{split_min} do not. *{c_split}*

**Widening.** Over the last {widen_min} to {widen_min_2} joint sessions, a least-squares
slope of the gap of at least {widen_slope:g} points per session, with the latest gap at least
{widen_inc:g} points above the first. *{c_widening}*

### Disengagement

At least {dis_missed} cancelled or missed appointments among the last {dis_window} (or no
attended session for {dis_days} days while the episode is open), **and** a falling alliance: the
latest rating at least {dis_sd:g} SD below the mean of the earlier ones. Needs attendance, which
the CSV contract does not carry; the bulk recompute runs this rule per episode for the few
episodes with missed appointments or a long silence when its table has an `attendance` column.
*{c_dis}*

### Risk

An endorsed risk item (PHQ-9 item 9 > 0, CORE-10 item 6 > 0) or feedback that triage classed as
crisis is **always urgent**, whatever else the ratings show. *{c_risk}*
"""

_EVAL_INTRO = """Every figure below is computed when this page is generated.

A planted pattern says "a signal of this type should be raised for this client (or couple)
within these sessions". A raised signal that matches an unmatched pattern is a true positive; a
signal that matches nothing is a false positive if the client is judged on that type (every
client on ruptures; couples on splits; clients with an outcome trajectory on not-on-track and
change; only `low_start` clients on `low_alliance`), and is ignored otherwise. A second signal of
a non-rupture type inside an already matched window (a not-on-track run that pauses and
resumes; a second measure that also improved) is counted as a *repeat*, not as a false positive.
Some patterns are optional (an unrepaired verdict needs three ratings after a late drop): found,
they count; missed, they do not. *Stable episodes* are those with no rupture planted anywhere.

The synthetic cases (`bordin.testing.signal_cases`, {per_family} episodes of each family, seed
{seed}) are built to be hard: noisy stable clients (some near the ceiling, a third on the SRS
with its cut-off of 36), clients at the maximum every session, clients below the cut-off
throughout, V-shapes and prolonged dips of 5-10 points, unrepaired drops, slow slides of 0.8-1.5
points a session, ruptures that hide in one item, small drops from the ceiling (2-4 points),
disengaging clients, balanced, split and slowly diverging couples, and outcome trajectories that
improve, stall or worsen, with risk items and crisis feedback sprinkled in."""

_DEMO_INTRO = """The demo practice (`bordin.testing.demo_practice`) plants its own patterns
(repaired and unrepaired ruptures, dropouts after a rupture, split couples, outcome
trajectories, risk items and crisis feedback). Change signals are matched per client (a second
measure that also changed is a repeat). The demo builds a split couple by lowering one partner's
ratings partway through; the rupture rules see that drop, so split couples are not counted as
stable and their ruptures are neither hits nor false alarms. The demo is small: one case moves
these rates by several points."""

_LIMITS = """
## What these figures do and do not show

- Both evaluations use synthetic data whose generators were written with the rules in mind; they
  show the rules do what they are meant to on the patterns we thought of, not that they predict
  anything in real practice. The thresholds were tuned on the synthetic cases and the demo
  practice (notably the ceiling rule's 2-point drop and the 4-point minimum drop), so these are
  in-sample figures.
- No published operational definition of a rupture from session ratings was available (the
  exact criteria of Stiles 2004 and Strauss 2006 are unconfirmed); the 1 SD / 2 SD thresholds
  follow Gumz et al. 2012's summary, the rest are design choices documented above.
- Missed ruptures are mostly small planted drops that noise and rounding shrank below the
  4-point minimum, drops absorbed by a noise-triggered rupture opened one session earlier, and
  slow slides whose running baseline follows them down. False alarms in stable clients come
  mostly from genuine large wobbles and from clients hovering at the SRS cut-off of 36.
- `not_on_track` uses the **default** recovery models here; their numbers are a documented
  assumption, not an estimate. Improvers still go amber now and then on noise.
- The rupture-log vocabulary (3RS marker and strategy names) is unconfirmed.
- Ratings with no baseline (the first {min_prior} sessions) can only raise ceiling drops and
  low alliance, so very early ruptures are missed by design.
""".replace("{min_prior}", str(SignalConfig().min_prior_sessions))


if __name__ == "__main__":
    raise SystemExit(main())
