"""What the feedback form asks, and checking what comes back before anything is stored.

The form holds the measures the practice chose for this kind of episode and due at this session
(``PracticeRow.measure_plan``, else ``feedback_measures``; by default Bordin's own Session
Alliance Check). Each item is labelled with, in order of preference:

1. wording the practice imported for that item (``ImportedWordingRow``), which it holds the
   licence for;
2. the instrument's own wording, which only Bordin's Session Alliance Check ships with;
3. a generic label, "Question 3 of 9". Bordin never ships licensed item wording.

Form fields are named ``<instrument>.<item>`` (``bordin_sac.goals``); the free text is ``text``
and the concern ``concern_text``. :func:`check_answers` reads raw form values, finds every
problem at once (one clear message per field) and returns the scores only if there are none.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from bordin.domain.errors import FieldError, InstrumentNotFound, InvalidResponses
from bordin.domain.instruments.base import Instrument, Item
from bordin.domain.instruments.registry import default_registry, get_instrument
from bordin.domain.instruments.scoring import Score, score
from bordin.domain.measure_plan import stored_plan
from bordin.domain.measurement_schedule import MeasurementPolicy
from bordin.domain.text import clean_text
from bordin.services.measurement_plan import MeasureDue, SessionSlot, plan_session
from bordin.storage.tables import ImportedWordingRow

log = logging.getLogger("bordin.feedback")

DEFAULT_MEASURES = ("bordin_sac",)
TEXT_FIELD = "text"
CONCERN_FIELD = "concern_text"
TEXT_MAX = 2000
CONCERN_MAX = 4000
TEXT_LABEL = "Anything you'd like your therapist to know?"

#: A short, plain introduction for each kind of measure.
INTROS = {
    "alliance": "How did today's session feel? 0 means not at all, 10 means completely.",
    "outcome": "How have things been for you lately?",
}


@dataclass(frozen=True)
class FormItem:
    """One question on the form: its field name, label and the answers it offers."""

    field: str
    dom_id: str
    label: str
    number: int
    of: int
    values: tuple[int | float, ...]
    value_labels: tuple[str, ...]
    anchors: tuple[str, str] | None
    min_value: int | float
    max_value: int | float
    step: int | float
    required: bool
    generic: bool

    @property
    def is_scale(self) -> bool:
        """A row of numbered buttons (up to 11 whole-number answers)."""
        return (
            len(self.values) > 0
            and len(self.values) <= 11
            and all(not label for label in self.value_labels)
        )

    @property
    def is_list(self) -> bool:
        """A list of worded answers (imported option labels)."""
        return len(self.values) > 0 and any(self.value_labels)

    @property
    def is_number(self) -> bool:
        """A number box (visual analogue lines measured to 0.1, or very long scales)."""
        return not self.is_scale and not self.is_list


@dataclass(frozen=True)
class FormMeasure:
    """One instrument on the form."""

    instrument_id: str
    title: str
    intro: str
    kind: str
    items: tuple[FormItem, ...]
    has_generic_labels: bool
    #: Only the measure's risk item(s), asked on their own in a session the schedule skips it
    #: (``services.measurement_plan``); answers are kept as risk screens, not scored.
    screen_only: bool = False


class MeasureSettings(Protocol):
    """What the form reads of a practice to choose its measures (``PracticeRow`` has all of
    it)."""

    @property
    def id(self) -> int: ...
    @property
    def feedback_measures(self) -> list[Any]: ...
    @property
    def measure_plan(self) -> dict[str, Any] | None: ...


class EpisodeKind(Protocol):
    """What the form reads of an episode (``EpisodeRow`` has all of it)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...


def configured_measures(
    practice: MeasureSettings, kind: str = "individual", session_number: int = 1
) -> tuple[Instrument, ...]:
    """The measures due at this session of this kind of episode, by the practice's plan
    (``domain/measure_plan.py``; without one, its listed measures at every session)."""
    found: list[Instrument] = []
    plan = stored_plan(
        practice.measure_plan,
        [str(m) for m in practice.feedback_measures or DEFAULT_MEASURES],
        known=default_registry().ids(),
    )
    for instrument_id in plan.due(kind, session_number):
        try:
            found.append(get_instrument(str(instrument_id)))
        except InstrumentNotFound:
            log.warning("practice %s lists unknown feedback measure; skipped", practice.id)
    if not found:
        found.append(get_instrument(DEFAULT_MEASURES[0]))
    return tuple(found)


#: Seconds a client takes per rated question, for the estimate the form shows: reading a
#: question of about 12 words at 238 words a minute (Brysbaert 2019, the average silent
#: reading rate of adults) is 3 s, plus 5 s allowed for thinking and tapping. How the figure was
#: checked against the page is in docs/feedback.md ("How long the form takes").
SECONDS_PER_QUESTION = 8


@dataclass(frozen=True)
class Burden:
    """How many questions a form asks, and about how long it takes, in plain words."""

    questions: int
    seconds: int

    @property
    def wording(self) -> str:
        if self.seconds <= 60:
            return "under a minute"
        minutes = -(-self.seconds // 60)
        return f"about {minutes} minutes"


def burden(measures: Sequence[FormMeasure]) -> Burden:
    questions = sum(len(m.items) for m in measures)
    return Burden(questions, questions * SECONDS_PER_QUESTION)


def scheduled_measures(practice: MeasureSettings, kind: str) -> tuple[tuple[Instrument, int], ...]:
    """The practice's measures for this kind of episode, each with how often it comes round."""
    plan = stored_plan(
        practice.measure_plan,
        [str(m) for m in practice.feedback_measures or DEFAULT_MEASURES],
        known=default_registry().ids(),
    )
    found: list[tuple[Instrument, int]] = []
    for scheduled in plan.for_kind(kind):
        try:
            found.append((get_instrument(scheduled.instrument), scheduled.every))
        except InstrumentNotFound:
            log.warning("practice %s lists unknown feedback measure; skipped", practice.id)
    return tuple(found) or ((get_instrument(DEFAULT_MEASURES[0]), 1),)


def worded_items(db: Session, practice_id: int) -> set[tuple[str, str]]:
    """(instrument id, item link id) of every item whose wording the practice imported."""
    return set(practice_wording(db, practice_id))


def practice_wording(db: Session, practice_id: int) -> dict[tuple[str, str], str]:
    """The wording the practice imported, by (instrument id, item link id): one query."""
    return {
        (instrument_id, link_id): text
        for instrument_id, link_id, text in db.execute(
            _wording_query(), {"practice_id": practice_id}
        )
    }


@functools.cache
def _wording_query() -> Select[str, str, str]:
    """Built once: every feedback form and submission asks."""
    return select(
        ImportedWordingRow.instrument_id, ImportedWordingRow.link_id, ImportedWordingRow.text
    ).where(ImportedWordingRow.practice_id == bindparam("practice_id"))


def has_client_wording(instrument: Instrument, worded: Collection[tuple[str, str]]) -> bool:
    """Whether every scored item can be asked in words: the practice imported them, or the
    measure ships its own (only Bordin's measures do). A validated questionnaire is asked as
    published or not at all."""
    return all(
        item.text or (instrument.id, item.link_id) in worded for item in instrument.scored_items
    )


def askable(
    db: Session,
    practice_id: int,
    scheduled: Sequence[tuple[Instrument, int]],
    *,
    worded: Collection[tuple[str, str]] | None = None,
) -> tuple[tuple[Instrument, int], ...]:
    """The scheduled measures the client can be asked: those without wording are left off the
    form (the settings page says which, and how to import it). If none is left, Bordin's own
    Session Alliance Check stands in, so the client always has a form. ``worded``: the
    practice's imported items, when the caller has read them already."""
    if worded is None:
        worded = worded_items(db, practice_id)
    kept = tuple((i, every) for i, every in scheduled if has_client_wording(i, worded))
    return kept or ((get_instrument(DEFAULT_MEASURES[0]), 1),)


def measures_for_session(
    db: Session,
    practice: MeasureSettings,
    *,
    client_id: int,
    episode: EpisodeKind,
    appointment: SessionSlot,
    policy: MeasurementPolicy | None = None,
    wording: Mapping[tuple[str, str], str] | None = None,
) -> tuple[FormMeasure, ...]:
    """The measures due for this client after this session: the practice's measures for the
    kind of episode, by the measurement schedule (``services.measurement_plan``), with a
    one-item risk screen standing in for an outcome measure that is not due. ``policy`` and
    ``wording`` (:func:`practice_wording`): what the caller has read already."""
    if wording is None:
        wording = practice_wording(db, practice.id)
    scheduled = askable(
        db, practice.id, scheduled_measures(practice, episode.kind), worded=wording.keys()
    )
    due = plan_session(
        db,
        practice_id=practice.id,
        client_id=client_id,
        episode_id=episode.id,
        appointment=appointment,
        measures=scheduled,
        policy=policy,
    )
    chosen = [i for i, _ in scheduled if due[i.id].ask or due[i.id].screen_only]
    if not chosen:  # never an empty form: the first measure stands
        chosen = [scheduled[0][0]]
        due[chosen[0].id] = MeasureDue(chosen[0].id, True, False, "never an empty form")
    return _labelled(wording, tuple(chosen), due)


def _labelled(
    wording: Mapping[tuple[str, str], str],
    measures: tuple[Instrument, ...],
    due: Mapping[str, MeasureDue] | None,
) -> tuple[FormMeasure, ...]:
    built: list[FormMeasure] = []
    for instrument in measures:
        plan = due.get(instrument.id) if due is not None else None
        if plan is None or plan.ask:
            built.append(_measure(instrument, wording))
        elif plan.screen_only:
            built.append(_measure(instrument, wording, only=frozenset(instrument.risk_items)))
    return tuple(built)


def item_labels(db: Session, practice_id: int, instrument: Instrument) -> dict[str, str]:
    """Each item's label for staff pages: the wording the practice imported, the instrument's
    own (only Bordin's measures ship it), else the item's short topic in Bordin's own words
    ("sleep"); never a bare "Question 3"."""
    imported = dict(
        db.execute(
            select(ImportedWordingRow.link_id, ImportedWordingRow.text).where(
                ImportedWordingRow.practice_id == practice_id,
                ImportedWordingRow.instrument_id == instrument.id,
            )
        ).all()
    )
    return {
        item.link_id: imported.get(item.link_id) or item.text or staff_item_label(item)
        for item in instrument.items
    }


def staff_item_label(item: Item) -> str:
    """An item without imported wording, as staff see it: its topic ("Sleep (item 3)")."""
    if item.topic:
        return f"{item.topic[0].upper()}{item.topic[1:]} (item {item.number})"
    return f"Item {item.number}"


def _measure(
    instrument: Instrument,
    wording: Mapping[tuple[str, str], str],
    only: frozenset[str] | None = None,
) -> FormMeasure:
    shown = [
        item
        for item in instrument.items
        if item.scored or item.required or (instrument.id, item.link_id) in wording or item.text
    ]
    items: list[FormItem] = []
    for item in shown:
        if only is not None and item.link_id not in only:
            continue
        label = wording.get((instrument.id, item.link_id)) or item.text
        generic = label is None
        if label is None:
            label = f"Question {item.number} of {len(shown)}"
        values = _values(item)
        value_labels = (
            tuple((option.label or "") for option in item.options)
            if item.options and len(item.options) == len(values)
            else tuple("" for _ in values)
        )
        items.append(
            FormItem(
                field=f"{instrument.id}.{item.link_id}",
                dom_id=f"{instrument.id}-{item.link_id}",
                label=label,
                number=item.number,
                of=len(shown),
                values=values,
                value_labels=value_labels,
                anchors=item.anchors,
                min_value=item.min_value,
                max_value=item.max_value,
                step=item.step,
                required=item.required or only is not None,
                generic=generic,
            )
        )
    return FormMeasure(
        instrument_id=instrument.id,
        title=instrument.short_title or instrument.title,
        intro=INTROS.get(instrument.kind, ""),
        kind=instrument.kind,
        items=tuple(items),
        has_generic_labels=any(i.generic for i in items),
        screen_only=only is not None,
    )


def _values(item: Item) -> tuple[int | float, ...]:
    if item.options:
        return tuple(_plain(o.value) for o in item.options)
    if item.whole_numbers and item.max_value - item.min_value <= 10:
        return tuple(range(int(item.min_value), int(item.max_value) + 1))
    return ()


def _plain(value: int | float) -> int | float:
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class CheckedAnswers:
    """The outcome of :func:`check_answers`: scores when all is well, else the problems."""

    scores: tuple[Score, ...]
    errors: tuple[FieldError, ...]
    #: One-item risk screens: (instrument id, item link id, answer).
    screens: tuple[tuple[str, str, float], ...] = ()


def check_answers(measures: Sequence[FormMeasure], raw: Mapping[str, object]) -> CheckedAnswers:
    """Read each measure's answers from ``raw`` (form values keyed by field name) and score them.

    Every problem is reported, one message per field, in the order the fields appear; the
    messages speak to the client ("Please choose an answer from 0 to 10"), not to a developer.
    """
    errors: list[FieldError] = []
    scores: list[Score] = []
    screens: list[tuple[str, str, float]] = []
    for measure in measures:
        instrument = get_instrument(measure.instrument_id)
        answers: dict[str, int | float | None] = {}
        measure_errors: list[FieldError] = []
        for form_item in measure.items:
            link_id = form_item.field.split(".", 1)[1]
            value, problem = _read(form_item, raw.get(form_item.field))
            if problem:
                measure_errors.append(FieldError(form_item.field, problem))
            answers[link_id] = value
        if measure_errors:
            errors.extend(measure_errors)
            continue
        if measure.screen_only:
            screens.extend(
                (measure.instrument_id, link_id, float(value))
                for link_id, value in answers.items()
                if value is not None
            )
            continue
        try:
            scores.append(score(instrument, answers))
        except InvalidResponses as refused:
            for refusal in refused.errors:
                field = (
                    f"{measure.instrument_id}.{refusal.field}"
                    if refusal.field in instrument.link_ids
                    else measure.instrument_id
                )
                errors.append(FieldError(field, _friendly(refusal.message)))
    return CheckedAnswers(scores=tuple(scores), errors=tuple(errors), screens=tuple(screens))


def _read(item: FormItem, raw: object) -> tuple[int | float | None, str | None]:
    """(value, problem) for one raw form value."""
    span = f"from {_fmt(item.min_value)} to {_fmt(item.max_value)}"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if item.required:
            return None, f"Please choose an answer {span}."
        return None, None
    if isinstance(raw, bool):
        return None, f"Please choose one of the answers {span}."
    if isinstance(raw, int | float):
        value: float = float(raw)
    else:
        try:
            value = float(str(raw).strip().replace(",", "."))
        except ValueError:
            return None, f"Please choose one of the answers {span}."
    if not math.isfinite(value) or value < item.min_value or value > item.max_value:
        return None, f"Please choose an answer {span}."
    if item.values and not any(math.isclose(value, v) for v in item.values):
        return None, f"Please choose one of the answers {span}."
    if not item.values:
        steps = (value - float(item.min_value)) / float(item.step)
        if abs(steps - round(steps)) > 1e-6:
            return None, f"Please give a number {span} in steps of {_fmt(item.step)}."
    return (int(value) if value.is_integer() and float(item.step).is_integer() else value), None


def _friendly(message: str) -> str:
    text = message[0].upper() + message[1:] if message else message
    return text if text.endswith(".") else text + "."


def check_text(
    field: str, value: str | None, *, limit: int
) -> tuple[str | None, FieldError | None]:
    """Cleaned, trimmed text (``None`` if empty) and a problem if it is too long.

    Cleaning (``domain.text``) drops control characters such as NUL, so words that hold one
    are still stored, triaged and routed like any others.
    """
    if value is None:
        return None, None
    text = clean_text(value).strip()
    if not text:
        return None, None
    if len(text) > limit:
        return None, FieldError(
            field, f"Please keep this to {limit:,} characters (it has {len(text):,})."
        )
    return text, None


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
