"""The readable summary of everything held about a client: HTML, and PDF for printing or email.

It is written for the client (who may read it themselves) in plain words: measures by their
names, people by their names, dates in the practice's time, and no record ids. The archive
(data.json and the FHIR Bundle) holds the same records with every technical detail.

:func:`build_summary` turns the gathered records (``services/client_holdings.py``) into
sections of plain rows; the caller passes the names it needs, so this module reads nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"

ACTIONS = {
    "read": "Looked at",
    "create": "Added",
    "update": "Changed",
    "delete": "Removed",
    "export": "Exported",
}
CONTACT_LABELS = {"email": "Email", "sms": "Text message"}
PREFERENCE_LABELS = {
    "language": "Language",
    "modes": "How to meet",
    "location": "Where",
    "slots": "Times that suit",
    "funding": "Paying by",
    "therapist_gender": "Therapist's gender",
    "specialisms": "Help with",
}


class Records(Protocol):
    """The gathered records (``services.client_holdings.Holdings``), table by table."""

    @property
    def client_id(self) -> int: ...

    def rows(self, table: str) -> list[dict[str, Any]]: ...

    def one(self, table: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Section:
    """One heading of the summary: a sentence saying what it is, then a table (or nothing)."""

    title: str
    about: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    client_name: str
    practice_name: str
    exported_at: str
    sections: list[Section]


@dataclass(frozen=True)
class Names:
    """What the summary needs to say things in words: staff names, measure titles, consent
    wording, and the practice's time zone."""

    staff: Mapping[int, str]
    measures: Mapping[str, str]
    consents: Mapping[str, str]
    timezone: str = "Europe/London"


def build_summary(
    holdings: Records, *, practice_name: str, names: Names, exported_at: datetime
) -> Summary:
    zone = ZoneInfo(names.timezone)

    def when(value: object, *, with_time: bool = False) -> str:
        if not value:
            return ""
        text = str(value)
        if len(text) == 10:  # a date
            return datetime.fromisoformat(text).strftime("%d %b %Y")
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return moment.strftime("%d %b %Y %H:%M" if with_time else "%d %b %Y")

    def staff(user_id: object) -> str:
        return names.staff.get(int(str(user_id)), "A member of staff") if user_id else ""

    client = holdings.one("clients")
    sections = [
        Section(
            "About you",
            "Your name and contact details as the practice holds them.",
            ("", ""),
            [
                ("Name", client["display_name"]),
                ("Email", client["email"] or "none"),
                ("Phone", client["phone"] or "none"),
                ("Preferred language", client["preferred_language"]),
                ("With the practice since", when(client["created_at"])),
            ],
        ),
        Section(
            "Your choices",
            "What you agreed to, and when. Withdrawing a choice keeps the history.",
            ("Choice", "Agreed on", "Withdrawn on"),
            [
                (
                    names.consents.get(c["purpose"], _words(c["purpose"])),
                    when(c["granted_at"]),
                    when(c["revoked_at"]),
                )
                for c in holdings.rows("consents")
            ],
        ),
        _therapy(holdings, staff, when),
        Section(
            "Your sessions",
            "Every session booked for you, including cancelled ones.",
            ("Session", "When", "Status", "How"),
            [
                (
                    str(a["number"]),
                    when(a["starts_at"], with_time=True),
                    _words(a["status"]),
                    _words(a["mode"]),
                )
                for a in holdings.rows("appointments")
            ],
        ),
        Section(
            "Your answers to the questionnaires",
            "Each questionnaire you completed and its score. The archive holds every answer.",
            ("When", "Questionnaire", "Score", "Range"),
            [
                (
                    when(a["answered_at"]),
                    names.measures.get(a["instrument_id"], "A questionnaire no longer in use"),
                    _number(a["total"]),
                    a["band"] or "",
                )
                for a in holdings.rows("administrations")
            ],
        ),
        _words_section(holdings, when),
        _referral(holdings, when),
        _practice_notes(holdings, staff, when),
        Section(
            "Messages sent to you",
            "Reminders and links the practice sent, and channels you asked to stop.",
            ("When", "How", "Result"),
            [
                (
                    when(d["at"], with_time=True),
                    CONTACT_LABELS.get(d["channel"], d["channel"]),
                    _words(d["status"]),
                )
                for d in holdings.rows("deliveries")
            ]
            + [
                (
                    when(o["opted_out_at"]),
                    CONTACT_LABELS.get(o["channel"], o["channel"]),
                    "You asked us to stop",
                )
                for o in holdings.rows("contact_opt_outs")
            ],
        ),
        Section(
            "Who has looked at or changed your record",
            "Every time someone opened, changed or exported your record, from the audit trail.",
            ("When", "Who", "What"),
            [
                (
                    when(e["at"], with_time=True),
                    _who(e, holdings.client_id, staff),
                    f"{ACTIONS.get(e['action'], _words(e['action']))}: {_words(e['entity'])}",
                )
                for e in holdings.rows("audit_events")
            ],
        ),
    ]
    return Summary(
        client_name=client["display_name"],
        practice_name=practice_name,
        exported_at=exported_at.astimezone(zone).strftime("%d %B %Y at %H:%M"),
        sections=sections,
    )


Say = Callable[..., str]


def _therapy(holdings: Records, staff: Callable[[object], str], when: Say) -> Section:
    return Section(
        "Your therapy",
        "Each course of therapy (an episode): who with, and when.",
        ("Therapist", "Kind", "Started", "Ended", "Status"),
        [
            (
                staff(e["therapist_id"]),
                _words(e["kind"]),
                when(e["started_on"]),
                when(e["ended_on"]),
                _words(e["status"]),
            )
            for e in holdings.rows("episodes")
        ],
    )


def _words_section(holdings: Records, when: Say) -> Section:
    rows: list[tuple[str, ...]] = []
    for s in holdings.rows("feedback_submissions"):
        if s["text"]:
            rows.append((when(s["received_at"]), "Feedback after a session", s["text"]))
    for c in holdings.rows("concerns"):
        rows.append((when(c["received_at"]), "A concern you raised", c["text"] or ""))
    for i in holdings.rows("intake_referrals"):
        if i["concerns"]:
            rows.append((when(i["received_at"]), "Your referral", i["concerns"]))
    for f in holdings.rows("fit_checks"):
        if f["note"]:
            rows.append((when(f["answered_at"]), "Is your therapist right for you?", f["note"]))
    for p in holdings.rows("client_preferences"):
        if p["identity_notes"]:
            rows.append((when(p["updated_at"]), "What matters to you", p["identity_notes"]))
    return Section(
        "What you wrote",
        "Your own words, as you sent them. They are stored encrypted.",
        ("When", "Where", "Your words"),
        rows,
    )


def _referral(holdings: Records, when: Say) -> Section:
    rows: list[tuple[str, ...]] = []
    for i in holdings.rows("intake_referrals"):
        areas = ", ".join(_words(a) for a in i["concern_areas"]) or "none given"
        rows.append((when(i["received_at"]), "Referral", f"Areas: {areas}; {_words(i['status'])}"))
    for p in holdings.rows("client_preferences"):
        for key, label in PREFERENCE_LABELS.items():
            value = p.get(key)
            if value:
                shown = ", ".join(map(_words, value)) if isinstance(value, list) else str(value)
                rows.append((when(p["updated_at"]), "What you asked for", f"{label}: {shown}"))
    return Section(
        "Your referral and what you asked for",
        "How you came to the practice and what you asked for in a therapist.",
        ("When", "What", "Details"),
        rows,
    )


def _practice_notes(holdings: Records, staff: Callable[[object], str], when: Say) -> Section:
    rows: list[tuple[str, ...]] = []
    for m in holdings.rows("matches"):
        rows.append((when(m["confirmed_at"]), "Matched with a therapist", staff(m["therapist_id"])))
    for x in holdings.rows("therapist_exclusions"):
        note = f" ({x['note']})" if x["note"] else ""
        rows.append(
            (when(x["created_at"]), "Not to be offered", f"{staff(x['therapist_id'])}{note}")
        )
    for f in holdings.rows("fit_checks"):
        rows.append((when(f["answered_at"]), "Your answer on the fit check", _words(f["answer"])))
    for s in holdings.rows("feedback_submissions"):
        if s["triage_category"]:
            rows.append(
                (
                    when(s["received_at"]),
                    "How your feedback was sorted",
                    f"{_words(s['triage_category'])} ({_words(s['triage_severity'] or '')})",
                )
            )
    for t in holdings.rows("triage_corrections"):
        rows.append(
            (when(t["corrected_at"]), "Sorting corrected", f"to {_words(t['correct_class'])}")
        )
    for c in holdings.rows("concerns"):
        rows.append((when(c["received_at"]), "Your concern", _words(c["status"])))
    for r in holdings.rows("rupture_logs"):
        note = f": {r['note']}" if r["note"] else ""
        rows.append(
            (
                when(r["logged_at"]),
                "A strain in the relationship your therapist noted",
                f"{_words(r['rupture_type'])}, resolved: {_words(r['resolved'])}{note}",
            )
        )
        if r.get("repair_logged_at"):
            repair_note = f": {r['repair_note']}" if r.get("repair_note") else ""
            rows.append(
                (
                    when(r["repair_logged_at"]),
                    "Your therapist noted that the strain was worked through",
                    f"resolved: {_words(r['resolved'])}{repair_note}",
                )
            )
    for s in holdings.rows("signals"):
        rows.append((when(s["computed_at"]), "Something Bordin noticed", s["summary"]))
    for a in holdings.rows("alerts"):
        rows.append(
            (
                when(a["created_at"]),
                f"A notice to {staff(a['recipient_user_id'])}",
                a["summary"] or "",
            )
        )
    for x in holdings.rows("erasure_requests"):
        rows.append(
            (when(x["requested_at"]), "A request to erase your record", _words(x["status"]))
        )
    for r in holdings.rows("risk_screens"):
        rows.append(
            (
                when(r["answered_at"]),
                "A one-question safety check",
                "yes" if r["endorsed"] else "no",
            )
        )
    rows.sort(key=lambda row: datetime.strptime(row[0], "%d %b %Y") if row[0] else datetime.min)
    return Section(
        "What the practice noted",
        "What your therapist, the practice or Bordin recorded about your care.",
        ("When", "What", "Details"),
        rows,
    )


def _who(event: Mapping[str, Any], client_id: int, staff: Callable[[object], str]) -> str:
    if event["actor_client_id"] == client_id:
        return "You"
    if event["actor_user_id"]:
        return staff(event["actor_user_id"])
    if event["origin"] == "cli":
        return "The practice (command line)"
    return "Bordin, automatically"


def _words(value: object) -> str:
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _number(value: object) -> str:
    if value is None:
        return ""
    number = float(str(value))
    return str(int(number)) if number.is_integer() else f"{number:.1f}"


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_summary_html(summary: Summary) -> str:
    """The summary as a standalone HTML document (print CSS included)."""
    return _environment().get_template("subject_access.html").render(summary=summary)


def render_summary_pdf(summary: Summary) -> bytes:
    """The summary as PDF bytes (WeasyPrint), A4, with page numbers."""
    from weasyprint import HTML  # imported here: WeasyPrint loads Pango, which takes a moment

    pdf: bytes = HTML(string=render_summary_html(summary), base_url=str(TEMPLATES)).write_pdf()
    return pdf
