"""What the feedback form asks, and checking what comes back before anything is stored.

The form holds the measures the practice configured (``PracticeRow.feedback_measures``; by
default Bordin's own Session Alliance Check). Each item is labelled with, in order of preference:

1. wording the practice imported for that item (``ImportedWordingRow``), which it holds the
   licence for;
2. the instrument's own wording, which only Bordin's Session Alliance Check ships with;
3. a generic label, "Question 3 of 9". Bordin never ships licensed item wording.

Form fields are named ``<instrument>.<item>`` (``bordin_sac.goals``); the free text is ``text``
and the concern ``concern_text``. :func:`check_answers` reads raw form values, finds every
problem at once (one clear message per field) and returns the scores only if there are none.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import FieldError, InstrumentNotFound, InvalidResponses
from bordin.domain.instruments.base import Instrument, Item
from bordin.domain.instruments.registry import get_instrument
from bordin.domain.instruments.scoring import Score, score
from bordin.storage.tables import ImportedWordingRow, PracticeRow

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


def configured_measures(practice: PracticeRow) -> tuple[Instrument, ...]:
    """The practice's feedback measures that Bordin knows, in the configured order."""
    found: list[Instrument] = []
    for instrument_id in practice.feedback_measures or DEFAULT_MEASURES:
        try:
            found.append(get_instrument(str(instrument_id)))
        except InstrumentNotFound:
            log.warning("practice %s lists unknown feedback measure; skipped", practice.id)
    if not found:
        found.append(get_instrument(DEFAULT_MEASURES[0]))
    return tuple(found)


def build_measures(db: Session, practice: PracticeRow) -> tuple[FormMeasure, ...]:
    """The measures as the client will see them, labelled as the module docstring says."""
    measures = configured_measures(practice)
    wording: dict[tuple[str, str], str] = {
        (row.instrument_id, row.link_id): row.text
        for row in db.scalars(
            select(ImportedWordingRow).where(
                ImportedWordingRow.practice_id == practice.id,
                ImportedWordingRow.instrument_id.in_([m.id for m in measures]),
            )
        )
    }
    return tuple(_measure(instrument, wording) for instrument in measures)


def item_labels(db: Session, practice_id: int, instrument: Instrument) -> dict[str, str]:
    """Each item's label for staff pages, by the same rule as the form (never shipped wording
    of a licensed instrument: imported wording, the instrument's own, or "Question 3")."""
    imported = dict(
        db.execute(
            select(ImportedWordingRow.link_id, ImportedWordingRow.text).where(
                ImportedWordingRow.practice_id == practice_id,
                ImportedWordingRow.instrument_id == instrument.id,
            )
        ).all()
    )
    return {
        item.link_id: imported.get(item.link_id) or item.text or f"Question {item.number}"
        for item in instrument.items
    }


def _measure(instrument: Instrument, wording: Mapping[tuple[str, str], str]) -> FormMeasure:
    shown = [
        item
        for item in instrument.items
        if item.scored or item.required or (instrument.id, item.link_id) in wording or item.text
    ]
    items: list[FormItem] = []
    for item in shown:
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
                required=item.required,
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


def check_answers(measures: Sequence[FormMeasure], raw: Mapping[str, object]) -> CheckedAnswers:
    """Read each measure's answers from ``raw`` (form values keyed by field name) and score them.

    Every problem is reported, one message per field, in the order the fields appear; the
    messages speak to the client ("Please choose an answer from 0 to 10"), not to a developer.
    """
    errors: list[FieldError] = []
    scores: list[Score] = []
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
    return CheckedAnswers(scores=tuple(scores), errors=tuple(errors))


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
    """Trimmed text (``None`` if empty) and a problem if it is too long."""
    if value is None:
        return None, None
    text = value.replace("\r\n", "\n").strip()
    if not text:
        return None, None
    if len(text) > limit:
        return None, FieldError(
            field, f"Please keep this to {limit:,} characters (it has {len(text):,})."
        )
    return text, None


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
