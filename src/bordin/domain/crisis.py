"""Crisis lines shown on every client-facing page: the practice's own, or defaults by locale.

Bordin is not an emergency service, and every page a client sees says so and shows where to get
help at once. A practice configures its own numbers (``PracticeRow.crisis_lines``); until it
does, the defaults below are shown for its locale (UK, EU, US or AU). The emergency number comes
first, because when risk is immediate that is the one to call (clinical-facts §12, design note).

Sources (clinical-facts §12, checked on :data:`LAST_VERIFIED`): Samaritans 116 123, NHS 111
(mental health option), 999 and Shout 85258 [V]; EU 112 and the harmonised emotional-support
number 116 123 [V]; US 988 Suicide & Crisis Lifeline (call or text) and 911 [V]; Australia
Lifeline 13 11 14 [V] and 000 [M: not sourced in the dossier, but the national emergency number].

Pure Python: no framework, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bordin.domain.errors import FieldError, InvalidInput

Locale = Literal["UK", "EU", "US", "AU"]
How = Literal["call", "text", "call or text"]

LOCALES: tuple[Locale, ...] = ("UK", "EU", "US", "AU")
#: When the default numbers were last checked against the sources in clinical-facts §12.
LAST_VERIFIED = "2026-11"

_DIALABLE = re.compile(r"^[0-9+][0-9 ]{1,19}$")


@dataclass(frozen=True)
class CrisisLine:
    """One place to get help: who answers, the number, and whether to call or text it.

    ``emergency`` marks the emergency-services number (999, 112, 911, 000): shown first, and
    described as the number to use when a life is at risk now. ``text_body`` is what to text,
    for text lines such as Shout ("SHOUT").
    """

    name: str
    number: str
    how: How = "call"
    note: str = ""
    emergency: bool = False
    text_body: str | None = None

    @property
    def dial(self) -> str:
        """The number without spaces, for ``tel:`` and ``sms:`` links."""
        return self.number.replace(" ", "")

    @property
    def can_call(self) -> bool:
        return self.how in ("call", "call or text")

    @property
    def can_text(self) -> bool:
        return self.how in ("text", "call or text")

    @property
    def spoken(self) -> str:
        """A plain sentence for the line, e.g. "Samaritans: call 116 123"."""
        if self.how == "text":
            what = (
                f"text {self.text_body} to {self.number}"
                if self.text_body
                else (f"text {self.number}")
            )
        else:
            what = f"{self.how} {self.number}"
        return f"{self.name}: {what}"


DEFAULTS: Mapping[Locale, tuple[CrisisLine, ...]] = {
    "UK": (
        CrisisLine(
            "Emergency services",
            "999",
            emergency=True,
            note="If a life is at risk right now, or go to A&E.",
        ),
        CrisisLine("NHS 111", "111", note="Choose the mental health option. 24 hours."),
        CrisisLine("Samaritans", "116 123", note="Free, 24 hours, every day."),
        CrisisLine(
            "Shout", "85258", how="text", text_body="SHOUT", note="Free text support, 24 hours."
        ),
    ),
    "EU": (
        CrisisLine(
            "Emergency services",
            "112",
            emergency=True,
            note="If a life is at risk right now. Free, in every EU country.",
        ),
        CrisisLine(
            "Emotional support line", "116 123", note="Free. Who answers depends on the country."
        ),
    ),
    "US": (
        CrisisLine(
            "988 Suicide & Crisis Lifeline",
            "988",
            how="call or text",
            note="Free, confidential, 24 hours.",
        ),
        CrisisLine(
            "Emergency services", "911", emergency=True, note="If a life is at risk right now."
        ),
    ),
    "AU": (
        CrisisLine(
            "Emergency services", "000", emergency=True, note="If a life is at risk right now."
        ),
        CrisisLine("Lifeline", "13 11 14", note="24 hours. You can also text 0477 13 11 14."),
    ),
}


def default_lines(locale: str) -> tuple[CrisisLine, ...]:
    """The default lines for ``locale`` (UK, EU, US or AU; anything else gets the UK's)."""
    key = locale.upper() if locale.upper() in LOCALES else "UK"
    return _emergency_first(DEFAULTS[key])  # type: ignore[index]


def parse_configured(raw: Sequence[Mapping[str, Any]]) -> tuple[CrisisLine, ...]:
    """Turn a practice's configured lines (JSON objects) into :class:`CrisisLine` s.

    Each needs ``name`` and ``number``; ``how`` is call (default), text or "call or text";
    ``note``, ``emergency`` and ``text_body`` are optional. Every problem is reported, naming
    the line by its position (``crisis_lines[2].number``).
    """
    errors: list[FieldError] = []
    lines: list[CrisisLine] = []
    for index, entry in enumerate(raw):
        where = f"crisis_lines[{index}]"
        if not isinstance(entry, Mapping):
            errors.append(FieldError(where, "must be an object with a name and a number"))
            continue
        name = str(entry.get("name") or "").strip()
        number = str(entry.get("number") or "").strip()
        how = str(entry.get("how") or "call").strip()
        if not name:
            errors.append(FieldError(f"{where}.name", "is required"))
        if not _DIALABLE.match(number):
            errors.append(
                FieldError(f"{where}.number", "must be digits (spaces allowed), like 116 123")
            )
        if how not in ("call", "text", "call or text"):
            errors.append(FieldError(f"{where}.how", "must be call, text or 'call or text'"))
            continue
        text_body = entry.get("text_body")
        lines.append(
            CrisisLine(
                name=name,
                number=number,
                how=how,  # type: ignore[arg-type]
                note=str(entry.get("note") or "").strip(),
                emergency=bool(entry.get("emergency", False)),
                text_body=str(text_body).strip() if text_body else None,
            )
        )
    if errors:
        raise InvalidInput(errors)
    return tuple(lines)


def lines_for(
    configured: Sequence[Mapping[str, Any]] | None, locale: str, fallback_locale: str = "UK"
) -> tuple[CrisisLine, ...]:
    """What a client page shows: the practice's lines if it configured any, else the defaults.

    ``locale`` is the practice's; when it is not one Bordin has defaults for, the installation's
    ``fallback_locale`` is used. Configured lines that cannot be read are never allowed to leave
    a page without help: the defaults are shown instead.
    """
    if configured:
        try:
            parsed = parse_configured(configured)
        except InvalidInput:
            parsed = ()
        if parsed:
            return _emergency_first(parsed)
    chosen = locale if locale.upper() in LOCALES else fallback_locale
    return default_lines(chosen)


def _emergency_first(lines: Sequence[CrisisLine]) -> tuple[CrisisLine, ...]:
    return tuple(sorted(lines, key=lambda line: not line.emergency))
