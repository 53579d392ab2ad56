"""Build the synthetic demo practice: ``generate_demo_practice(seed=..., today=...)``.

The steps, each drawing from its own seeded ``random.Random`` so that the same seed and the same
``today`` always give the same practice:

1. deal the patterns out to episodes (``plan.py``) and match each episode with a therapist
   (couples only with therapists who work with couples; the client's language always spoken;
   specialty preferred; caseloads kept even and within weekly capacity);
2. decide each episode's sessions and lay them on weekly dates inside the therapist's
   availability, without clashes (``schedule.py``); active episodes have their next session
   within 7 days after ``today``;
3. number episodes and clients in order of first appointment;
4. draw alliance and outcome series per client (``trajectories.py``), plant the risk
   endorsements and the free-text feedback, and turn totals into item answers (``answers.py``);
5. record the ground truth of every planted pattern (``ground_truth.py``).

Nothing here touches a database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bordin.demo import answers as ans
from bordin.demo import feedback as fb
from bordin.demo import ground_truth as gt
from bordin.demo import trajectories as tr
from bordin.demo.model import (
    ACTIVE,
    ATTENDED,
    BORDIN_SAC,
    CORE10,
    COUPLE,
    GAD7,
    PHQ9,
    SCHEDULED,
    THERAPIST,
    DemoAdministration,
    DemoClient,
    DemoEpisode,
    DemoFeedback,
    DemoPractice,
    DemoSession,
    DemoStaff,
    PlantedPattern,
    TherapistProfile,
)
from bordin.demo.params import DemoParams
from bordin.demo.people import (
    COUPLE_PROBLEMS,
    NameBook,
    make_client,
    pick_language,
    pick_problem,
    staff_cast,
)
from bordin.demo.plan import (
    DROPOUT,
    GROWTH,
    REPAIRED,
    SPLIT,
    STABLE,
    UNREPAIRED,
    EpisodePlan,
    plan_episodes,
    plan_sessions,
)
from bordin.demo.schedule import (
    WEEK,
    Diary,
    last_before,
    last_day_for,
    lay_out,
    next_open,
    weekly_slots,
)
from bordin.domain.errors import FieldError, InvalidInput

PRACTICE_LOCALE = "UK"
PRACTICE_TIMEZONE = "Europe/London"


def generate_demo_practice(
    *, seed: int = 7, today: dt.date, params: DemoParams | None = None
) -> DemoPractice:
    """The synthetic demo practice as it stands on ``today``.

    Deterministic: the same (seed, today, params) always give an equal practice.
    """
    params = params or DemoParams()
    params.check()
    staff = staff_cast(params.n_therapists)
    therapists = [s for s in staff if s.role == THERAPIST]
    if params.n_couples and not any(_profile(t).works_with_couples for t in therapists):
        raise InvalidInput(
            FieldError("n_therapists", "keep at least 2 therapists so that one works with couples")
        )

    rng = random.Random(f"bordin-demo:{seed}:plan")
    plans = plan_episodes(rng, params)
    _assign_therapists(rng, plans, therapists)

    diary = Diary()
    tz = ZoneInfo(PRACTICE_TIMEZONE)
    by_username = {t.username: t for t in therapists}
    drafts: list[_Draft] = []
    # Active episodes are pinned to `today`, completed ones can move: book the active ones first.
    order = sorted(range(len(plans)), key=lambda i: (plans[i].status != ACTIVE, i))
    for i in order:
        plan = plans[i]
        erng = random.Random(f"bordin-demo:{seed}:episode:{i}")
        plan_sessions(erng, params, plan)
        duration = (
            params.couple_session_minutes
            if plan.kind == COUPLE
            else params.individual_session_minutes
        )
        starts = _schedule(
            erng, params, plan, _profile(by_username[plan.therapist]), today, diary, duration, tz
        )
        drafts.append(_Draft(plan, erng, starts, duration))
    drafts.sort(key=lambda d: (d.starts[0], d.plan.therapist))

    names = NameBook(random.Random(f"bordin-demo:{seed}:names"), seed)
    clients: list[DemoClient] = []
    for number, draft in enumerate(drafts, start=1):
        draft.episode_id = f"E-{number:04d}"
        partners = 2 if draft.plan.kind == COUPLE else 1
        shared_surname: str | None = None
        for _ in range(partners):
            client_id = f"C-{len(clients) + 1:04d}"
            name = names.name(draft.plan.language, shared_surname)
            if partners == 2 and shared_surname is None and draft.rng.random() < 0.5:
                shared_surname = name.split()[-1]
            clients.append(make_client(client_id, name, draft.plan.language, draft.plan.problem))
            draft.client_ids.append(client_id)

    for draft in drafts:
        _draw_series(draft, params)
    texts = random.Random(f"bordin-demo:{seed}:feedback")
    _plant_risk(texts, params, drafts)
    _plant_feedback(texts, params, drafts)
    showcase = _sign_in_client(drafts)
    if showcase is not None:
        clients = [
            dataclasses.replace(c, offers_sign_in=True) if c.client_id == showcase else c
            for c in clients
        ]

    episodes = tuple(_episode(d, params) for d in drafts)
    patterns = tuple(p for d in drafts for p in _patterns(d))
    return DemoPractice(
        name=params.practice_name,
        locale=PRACTICE_LOCALE,
        timezone=PRACTICE_TIMEZONE,
        seed=seed,
        today=today,
        params=params,
        staff=staff,
        clients=tuple(clients),
        episodes=episodes,
        ground_truth=patterns,
    )


# --- internal working state ------------------------------------------------------------------


@dataclass(eq=False)
class _Voice:
    """One client's series within an episode, indexed by attended session (0-based)."""

    client_id: str
    sac: list[tr.Vector]
    outcomes: list[tr.OutcomePlan]
    outcome_kind: str
    tracks: dict[str, ans.ItemTrack]
    shape: str = STABLE  # for ground truth: stable / growth / rupture / split-lower / ...
    item9: dict[int, int] = field(default_factory=dict)
    crisis: bool = False
    feedback: dict[int, tuple[str, str]] = field(default_factory=dict)
    low_from: int | None = None  # attended index from which the alliance is low
    low_until: int | None = None  # exclusive; None means to the end


@dataclass(eq=False)
class _Draft:
    plan: EpisodePlan
    rng: random.Random
    starts: list[dt.datetime]
    duration: int
    episode_id: str = ""
    client_ids: list[str] = field(default_factory=list)
    voices: list[_Voice] = field(default_factory=list)
    rupture: tr.Rupture | None = None
    couple: tr.CouplePlan | None = None
    lower_partner: int = 1  # for split couples: index into voices of the less-allied partner

    @property
    def attended_numbers(self) -> list[int]:
        """Session number of each attended session, by attended index."""
        return [i + 1 for i, s in enumerate(self.plan.statuses) if s == ATTENDED]


def _profile(person: DemoStaff) -> TherapistProfile:
    assert person.profile is not None
    return person.profile


# --- step 1: therapists --------------------------------------------------------------------


def _assign_therapists(
    rng: random.Random, plans: list[EpisodePlan], therapists: list[DemoStaff]
) -> None:
    """Language and problem for each episode, then a therapist: the most constrained episodes
    (couples, then clients who want a language other than English) are matched first, so that
    the others can even out the caseloads."""
    pools: dict[int, list[DemoStaff]] = {}
    for number, plan in enumerate(plans):
        couple = plan.kind == COUPLE
        pool = [t for t in therapists if not couple or _profile(t).works_with_couples]
        offered = sorted({lang for t in pool for lang in _profile(t).languages})
        plan.language = pick_language(rng, offered)
        pools[number] = [t for t in pool if plan.language in _profile(t).languages]
        plan.problem = rng.choice(COUPLE_PROBLEMS) if couple else pick_problem(rng)
    load: Counter[str] = Counter()
    active: Counter[str] = Counter()
    order = sorted(
        range(len(plans)), key=lambda i: (plans[i].kind != COUPLE, plans[i].language == "en", i)
    )
    for number in order:
        plan = plans[number]
        pool = pools[number]
        if plan.status == ACTIVE:
            pool = [t for t in pool if active[t.username] < _profile(t).weekly_capacity] or pool
        # A specialty match counts double; caseloads are kept even (the weight falls with the
        # square of a therapist's episodes so far, active ones counting twice).
        weights = [
            (2.0 if plan.kind == COUPLE or plan.problem in _profile(t).specialties else 1.0)
            / (1 + load[t.username] + active[t.username]) ** 2
            for t in pool
        ]
        chosen = rng.choices(pool, weights)[0]
        plan.therapist = chosen.username
        load[chosen.username] += 1
        if plan.status == ACTIVE:
            active[chosen.username] += 1


# --- step 2: dates ---------------------------------------------------------------------------


def _schedule(
    rng: random.Random,
    params: DemoParams,
    plan: EpisodePlan,
    profile: TherapistProfile,
    today: dt.date,
    diary: Diary,
    duration: int,
    tz: ZoneInfo,
) -> list[dt.datetime]:
    slots = weekly_slots(profile, duration)
    rng.shuffle(slots)
    n_future = plan.statuses.count(SCHEDULED)
    n_past = len(plan.statuses) - n_future
    candidates: list[tuple[dt.time, list[dt.date]]] = []
    if plan.status == ACTIVE:
        # Slots whose next session falls within 7 days come first; over the Christmas closure
        # there may be none, and the next session is simply the first one after it.
        soon = [s for s in slots if s.weekday != today.weekday()]
        soon.sort(key=lambda s: next_open(today, s.weekday) > today + WEEK)
        for slot in soon + [s for s in slots if s.weekday == today.weekday()]:
            days = lay_out(
                rng,
                last_past=last_before(today, slot.weekday),
                n_past=n_past,
                first_future=next_open(today, slot.weekday),
                n_future=n_future,
                gap_rate=params.holiday_gap_rate,
            )
            candidates.append((slot.start, days))
    else:
        span = math.ceil(n_past * (1 + params.holiday_gap_rate)) + 3
        weeks_ago = rng.randint(0, max(0, params.history_weeks - span))
        # The first free slot near the drawn start: within 8 weeks either way, then further
        # (a busy practice has few free slots; no therapist is ever double-booked).
        shifts = [0] + [s for k in range(1, 27) for s in (-k, k)]
        for shift in shifts:
            if weeks_ago + shift < 0:
                continue
            for slot in slots:
                days = lay_out(
                    rng,
                    last_past=last_day_for(today, weeks_ago + shift, slot.weekday),
                    n_past=n_past,
                    first_future=None,
                    n_future=0,
                    gap_rate=params.holiday_gap_rate,
                )
                candidates.append((slot.start, days))
    for start, days in candidates:
        if diary.is_free(plan.therapist, days, start, duration):
            break
    else:  # pragma: no cover - only with far more clients than the therapists' time allows
        start, days = candidates[0]
    diary.book(plan.therapist, days, start, duration)
    return [dt.datetime.combine(day, start, tzinfo=tz) for day in days]


# --- step 4: series --------------------------------------------------------------------------


def _draw_series(draft: _Draft, params: DemoParams) -> None:
    plan, rng, n = draft.plan, draft.rng, draft.plan.attended
    if plan.kind == COUPLE:
        _draw_couple(draft, params)
        return
    ceiling_share = params.ceiling_rater_share * tr.CEILING_SHARE_BY_OUTCOME.get(plan.outcome, 1)
    usual = tr.usual_alliance(rng, ceiling=rng.random() < ceiling_share, outcome=plan.outcome)
    voice_shape = plan.alliance
    low_from: int | None = None
    low_until: int | None = None
    if plan.alliance == GROWTH:
        sac = tr.growth_series(rng, usual, n)
    elif plan.alliance in (REPAIRED, UNREPAIRED, DROPOUT):
        assert plan.rupture_index is not None
        drop = rng.randint(params.rupture_drop_min, params.rupture_drop_max)
        if plan.alliance == REPAIRED:
            sac, draft.rupture = tr.repaired_series(
                rng, usual, n, plan.rupture_index, plan.repair_sessions, drop
            )
            low_until = plan.rupture_index + plan.repair_sessions
        else:
            sac, draft.rupture = tr.unrepaired_series(rng, usual, n, plan.rupture_index, drop)
        low_from = plan.rupture_index
    else:
        sac = tr.stable_series(rng, usual, n)
    outcomes = tr.outcome_plans(rng, plan.outcome, n)
    draft.voices.append(
        _Voice(
            client_id=draft.client_ids[0],
            sac=sac,
            outcomes=outcomes,
            outcome_kind=plan.outcome,
            tracks={PHQ9: ans.phq9_track(rng), GAD7: ans.gad7_track(rng)},
            shape=voice_shape,
            low_from=low_from,
            low_until=low_until,
        )
    )


def _draw_couple(draft: _Draft, params: DemoParams) -> None:
    plan, rng, n = draft.plan, draft.rng, draft.plan.attended
    ceiling = params.ceiling_rater_share
    if plan.alliance == SPLIT:
        assert plan.split_onset is not None
        couple = tr.split_couple(
            rng, n, plan.split_onset, widening=plan.widening, ceiling_higher=rng.random() < ceiling
        )
        draft.lower_partner = rng.choice([0, 1])
    else:
        couple = tr.balanced_couple(
            rng, n, ceiling_a=rng.random() < ceiling, ceiling_b=rng.random() < ceiling
        )
    draft.couple = couple
    higher_outcome, lower_outcome = plan.partner_outcomes
    for position, client_id in enumerate(draft.client_ids):
        is_lower = position == draft.lower_partner
        split_lower = plan.alliance == SPLIT and is_lower
        draft.voices.append(
            _Voice(
                client_id=client_id,
                sac=couple.lower if is_lower else couple.higher,
                outcomes=[
                    tr.couple_outcome_plan(rng, lower_outcome if is_lower else higher_outcome, n)
                ],
                outcome_kind=lower_outcome if is_lower else higher_outcome,
                tracks={CORE10: ans.core10_track(rng)},
                shape=SPLIT if split_lower else STABLE,
                low_from=plan.split_onset if split_lower else None,
            )
        )


def _plant_risk(rng: random.Random, params: DemoParams, drafts: list[_Draft]) -> None:
    """PHQ-9 item 9 above 0 for ``risk_clients`` clients; the first ``crisis_texts`` of them
    answer 2 at their latest session and write a crisis message with it."""
    individual = [d for d in drafts if d.plan.kind != COUPLE]
    rng.shuffle(individual)
    preferred = sorted(
        individual,
        key=lambda d: (
            d.plan.outcome not in (gt.DETERIORATION, gt.NON_RESPONDER),
            d.plan.status != ACTIVE,
            d.plan.outcome != gt.DETERIORATION,
        ),
    )
    for number, draft in enumerate(preferred[: params.risk_clients]):
        voice = draft.voices[0]
        n = draft.plan.attended
        if number < params.crisis_texts:
            index, value = n - 1, 2
            voice.crisis = True
            voice.feedback[index] = (fb.CRISIS, fb.CRISIS_TEXTS[number % len(fb.CRISIS_TEXTS)])
        else:
            index, value = draft.rng.randint(1, n - 2), 1
        voice.item9[index] = value


def _plant_feedback(rng: random.Random, params: DemoParams, drafts: list[_Draft]) -> None:
    picker = fb.TextPicker(rng)
    # Misalignment where the alliance drops: the rupture session, or a split's first session.
    for draft in drafts:
        for voice in draft.voices:
            if voice.low_from is None or rng.random() >= params.misalignment_at_rupture_rate:
                continue
            if voice.low_from not in voice.feedback:
                text = picker.misalignment(voice.client_id, couple=draft.plan.kind == COUPLE)
                voice.feedback[voice.low_from] = (fb.MISALIGNMENT, text)
    # Conduct concerns: most often where a rupture went unrepaired.
    worrying = [d for d in drafts if d.plan.alliance in (UNREPAIRED, DROPOUT)]
    others = [d for d in drafts if d.plan.kind != COUPLE and d not in worrying]
    rng.shuffle(worrying)
    rng.shuffle(others)
    conduct = list(fb.CONDUCT_CONCERN_TEXTS)
    rng.shuffle(conduct)
    for number, draft in enumerate((worrying + others)[: params.conduct_concerns]):
        voice = draft.voices[0]
        start = voice.low_from if voice.low_from is not None else 1
        free = [i for i in range(start, draft.plan.attended) if i not in voice.feedback] or [
            i for i in range(1, draft.plan.attended) if i not in voice.feedback
        ]
        if free:
            voice.feedback[free[0]] = (fb.CONDUCT_CONCERN, conduct[number % len(conduct)])
    # Misalignment named in words while the ratings stay high.
    quiet = [
        d
        for d in drafts
        if d.plan.alliance == STABLE and d.plan.kind != COUPLE and not d.plan.quiet_dropout
    ]
    rng.shuffle(quiet)
    for draft in quiet[: params.misalignment_without_rupture]:
        voice = draft.voices[0]
        free = [i for i in range(1, draft.plan.attended) if i not in voice.feedback]
        if free:
            voice.feedback[rng.choice(free)] = (
                fb.MISALIGNMENT,
                picker.misalignment(voice.client_id, couple=False),
            )
    # Everyday comments.
    for draft in drafts:
        for voice in draft.voices:
            for index in range(draft.plan.attended):
                if index in voice.feedback or rng.random() >= params.feedback_rate:
                    continue
                low = (
                    voice.low_from is not None
                    and voice.low_from <= index
                    and (voice.low_until is None or index < voice.low_until)
                )
                voice.feedback[index] = picker.everyday(
                    voice.client_id, couple=draft.plan.kind == COUPLE, low_alliance=low
                )


def _sign_in_client(drafts: list[_Draft]) -> str | None:
    """The client offered for one-click sign-in: someone whose own pages (/me) show a therapy
    going well after a hiccup. An active individual client with the most sessions so far whose
    rupture was repaired (or, failing that, whose alliance grew or held) and who is recovering,
    with no risk item, crisis text or conduct concern."""
    alliance_rank = {REPAIRED: 0, GROWTH: 1, STABLE: 2}
    outcome_rank = {gt.RECOVERY: 0, gt.RELIABLE_IMPROVEMENT: 1}
    fitting = [
        d
        for d in drafts
        if d.plan.kind != COUPLE
        and d.plan.status == ACTIVE
        and d.plan.alliance in alliance_rank
        and d.plan.outcome in outcome_rank
        and not d.voices[0].item9
        and all(c in (fb.POSITIVE, fb.OTHER) for c, _ in d.voices[0].feedback.values())
    ]
    if not fitting:
        return None
    best = min(
        fitting,
        key=lambda d: (
            alliance_rank[d.plan.alliance],
            outcome_rank[d.plan.outcome],
            -d.plan.attended,
            d.episode_id,
        ),
    )
    return best.client_ids[0]


# --- assembling the frozen result ------------------------------------------------------------


def _episode(draft: _Draft, params: DemoParams) -> DemoEpisode:
    plan = draft.plan
    sessions: list[DemoSession] = []
    attended = 0
    for position, (status, starts_at) in enumerate(zip(plan.statuses, draft.starts, strict=True)):
        if status != ATTENDED:
            sessions.append(DemoSession(position + 1, starts_at, draft.duration, status))
            continue
        index = attended
        attended += 1
        administrations: list[DemoAdministration] = []
        notes: list[DemoFeedback] = []
        for voice in draft.voices:
            administrations.append(
                DemoAdministration(voice.client_id, BORDIN_SAC, tuple(voice.sac[index]))
            )
            for outcome in voice.outcomes:
                administrations.append(
                    DemoAdministration(
                        voice.client_id,
                        outcome.measure,
                        _outcome_answers(draft, voice, outcome, index, params),
                    )
                )
            if index in voice.feedback:
                category, text = voice.feedback[index]
                notes.append(DemoFeedback(voice.client_id, text, category))
        sessions.append(
            DemoSession(
                number=position + 1,
                starts_at=starts_at,
                duration_minutes=draft.duration,
                status=ATTENDED,
                attended_number=attended,
                administrations=tuple(administrations),
                feedback=tuple(notes),
            )
        )
    return DemoEpisode(
        episode_id=draft.episode_id,
        kind=plan.kind,
        therapist_username=plan.therapist,
        client_ids=tuple(draft.client_ids),
        start_date=draft.starts[0].date(),
        end_date=None if plan.status == ACTIVE else draft.starts[-1].date(),
        status=plan.status,
        sessions=tuple(sessions),
    )


def _outcome_answers(
    draft: _Draft, voice: _Voice, outcome: tr.OutcomePlan, index: int, params: DemoParams
) -> tuple[int | None, ...]:
    rng = draft.rng
    total = outcome.totals[index]
    track = voice.tracks[outcome.measure]
    protected: tuple[int, ...] = ()
    answers: tuple[int, ...]
    if outcome.measure == PHQ9:
        item9 = voice.item9.get(index, 0)
        fixed = {ans.PHQ9_RISK_INDEX: item9} if item9 else {}
        answers = tuple(track.scores(max(total, item9), fixed))
        protected = (ans.PHQ9_RISK_INDEX,)
    elif outcome.measure == GAD7:
        answers = tuple(track.scores(total))
    else:
        answers = ans.core10_raw(track.scores(total))
        protected = (ans.CORE10_RISK_INDEX,)
    middle = 0 < index < draft.plan.attended - 1
    # Only the CORE-10 may be scored with an item missing (prorated); an incomplete PHQ-9 or
    # GAD-7 cannot be scored, and the feedback form does not accept one.
    if (
        outcome.measure == CORE10
        and middle
        and index not in voice.item9
        and rng.random() < params.item_skip_rate
    ):
        return ans.skip_one(rng, answers, protected)
    return answers


def _patterns(draft: _Draft) -> list[PlantedPattern]:
    plan, numbers = draft.plan, draft.attended_numbers
    episode_id = draft.episode_id
    found: list[PlantedPattern] = []

    def add(kind: str, client_id: str, sessions: list[int], **details: object) -> None:
        found.append(PlantedPattern(kind, episode_id, client_id, tuple(sessions), dict(details)))

    after_last = [i + 1 for i in range(numbers[-1], len(plan.statuses))]
    tail = [n for n in after_last if plan.statuses[n - 1] != SCHEDULED]
    for position, voice in enumerate(draft.voices):
        cid = voice.client_id
        totals = [sum(v) for v in voice.sac]
        if voice.shape in (STABLE, GROWTH):
            add(
                gt.STABLE_ALLIANCE,
                cid,
                numbers,
                shape="growth" if voice.shape == GROWTH else "flat",
                usual_total=max(totals, key=totals.count),
            )
        if draft.rupture is not None:
            r = draft.rupture
            k = r.index
            common: dict[str, object] = {
                "baseline": r.baseline,
                "rupture_total": r.total,
                "drop": round(r.baseline - r.total, 2),
                "item_drops": dict(r.item_drops),
                "focus": r.focus,
            }
            if plan.alliance == REPAIRED:
                add(
                    gt.REPAIRED_RUPTURE,
                    cid,
                    numbers[k : k + r.repair_sessions + 1],
                    **common,
                    repair_sessions=r.repair_sessions,
                    repair_total=totals[k + r.repair_sessions],
                )
            elif plan.alliance == UNREPAIRED:
                add(
                    gt.UNREPAIRED_RUPTURE,
                    cid,
                    numbers[k:],
                    **common,
                    later_totals=totals[k + 1 :],
                )
            else:
                add(
                    gt.DROPOUT_AFTER_RUPTURE,
                    cid,
                    [n for n in range(numbers[k], len(plan.statuses) + 1)],
                    **common,
                    no_shows=len(tail),
                )
        if plan.quiet_dropout:
            add(
                gt.DROPOUT_WITHOUT_RUPTURE, cid, tail, last_attended=numbers[-1], no_shows=len(tail)
            )
        if plan.kind == COUPLE and draft.couple is not None and position == draft.lower_partner:
            other = draft.voices[1 - position].client_id
            couple = draft.couple
            if couple.split_from is not None:
                add(
                    gt.SPLIT_ALLIANCE,
                    cid,
                    numbers[couple.split_from :],
                    higher_partner=other,
                    gaps=list(couple.gaps),
                    widening=plan.widening,
                    dropped_out=plan.dropped_out,
                )
            else:
                add(
                    gt.BALANCED_COUPLE,
                    draft.client_ids[0],
                    numbers,
                    partners=list(draft.client_ids),
                    max_gap=max(couple.gaps),
                )
        outcome_details: dict[str, object] = {"measure": voice.outcomes[0].measure}
        for outcome in voice.outcomes:
            outcome_details[f"{outcome.measure}_intake"] = outcome.intake
            outcome_details[f"{outcome.measure}_final"] = outcome.final
        add(voice.outcome_kind, cid, [numbers[0], numbers[-1]], **outcome_details)
        for index, value in sorted(voice.item9.items()):
            add(
                gt.RISK_ITEM,
                cid,
                [numbers[index]],
                item9=value,
                with_crisis_text=voice.crisis,
            )
        for index, (category, text) in sorted(voice.feedback.items()):
            kind = {
                fb.CRISIS: gt.CRISIS_FEEDBACK,
                fb.CONDUCT_CONCERN: gt.CONDUCT_CONCERN_FEEDBACK,
                fb.MISALIGNMENT: gt.MISALIGNMENT_FEEDBACK,
            }.get(category)
            if kind is None:
                continue
            extra: dict[str, object] = {"text": text}
            if category == fb.MISALIGNMENT:
                extra["with_alliance_drop"] = voice.low_from == index
            add(kind, cid, [numbers[index]], **extra)
    found.sort(key=lambda p: gt.PATTERN_KINDS.index(p.kind))
    return found
