"""The generated part of docs/demo-practice.md: parameters, cast, counts and featured clients.

Regenerate after changing the generator::

    .venv/bin/python -m bordin.demo.doc docs/demo-practice.md

``tests/unit/demo/test_demo_doc.py`` fails when the committed page is out of date.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bordin.demo import ground_truth as gt
from bordin.demo.feedback import TEXTS_BY_CATEGORY
from bordin.demo.generator import generate_demo_practice
from bordin.demo.model import (
    ACTIVE,
    ATTENDED,
    CANCELLED,
    COMPLETED,
    COUPLE,
    DROPPED_OUT,
    INDIVIDUAL,
    NO_SHOW,
    SCHEDULED,
    DemoPractice,
)
from bordin.demo.params import parameter_rows

DOC_SEED = 7
DOC_TODAY = dt.date(2026, 3, 2)
BEGIN = "<!-- BEGIN GENERATED: python -m bordin.demo.doc docs/demo-practice.md -->"
END = "<!-- END GENERATED -->"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

FEATURED_KINDS = (
    gt.REPAIRED_RUPTURE,
    gt.UNREPAIRED_RUPTURE,
    gt.DROPOUT_AFTER_RUPTURE,
    gt.SPLIT_ALLIANCE,
    gt.DETERIORATION,
    gt.RECOVERY,
    gt.NON_RESPONDER,
    gt.RISK_ITEM,
    gt.CONDUCT_CONCERN_FEEDBACK,
)


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def render(practice: DemoPractice) -> str:
    """The Markdown between the BEGIN and END markers (markers excluded)."""
    out: list[str] = []
    out += ["### Parameters", ""]
    out += _table(
        ("parameter", "default", "meaning"),
        [(f"`{name}`", f"`{default}`", doc) for name, default, doc in parameter_rows()],
    )
    out += ["", "### Staff (sign-in usernames)", ""]
    staff_rows = []
    for person in practice.staff:
        profile = person.profile
        if profile is None:
            details = "no caseload"
        else:
            blocks = ", ".join(
                f"{WEEKDAYS[b.weekday]} {b.start:%H:%M}–{b.end:%H:%M}" for b in profile.availability
            )
            details = (
                f"{', '.join(profile.modalities)}; {', '.join(profile.specialties)}; "
                f"languages {', '.join(profile.languages)}; "
                f"{'couples and individuals' if profile.works_with_couples else 'individuals'}; "
                f"{'part-time' if profile.part_time else 'full-time'}, "
                f"{profile.weekly_capacity} sessions/week; {blocks}"
            )
        role = person.role + (" (clinical lead)" if person.is_clinical_lead else "")
        staff_rows.append(
            (f"`{person.username}`", person.display_name, role, person.job_title, details)
        )
    out += _table(("username", "name", "role", "job title", "profile"), staff_rows)

    episodes = practice.episodes
    sessions = [s for e in episodes for s in e.sessions]
    administrations = Counter(a.instrument for s in sessions for a in s.administrations)
    feedback = Counter(f.category for s in sessions for f in s.feedback)
    kinds = Counter(e.kind for e in episodes)
    statuses = Counter(e.status for e in episodes)
    session_statuses = Counter(s.status for s in sessions)
    lengths = [len(e.sessions) for e in episodes]
    caseload = Counter(e.therapist_username for e in episodes if e.status == ACTIVE)
    out += [
        "",
        f"### What seed {practice.seed} gives on {practice.today.isoformat()}",
        "",
    ]
    count_rows = [
        ("therapists", str(len(practice.therapists))),
        ("clients", str(len(practice.clients))),
        ("couples", str(kinds[COUPLE])),
        ("episodes", f"{len(episodes)} ({kinds[INDIVIDUAL]} individual, {kinds[COUPLE]} couple)"),
        (
            "episode status",
            f"{statuses[ACTIVE]} active, {statuses[COMPLETED]} completed, "
            f"{statuses[DROPPED_OUT]} dropped out",
        ),
        ("appointments per episode", f"{min(lengths)}–{max(lengths)}"),
        (
            "appointments",
            f"{len(sessions)}: {session_statuses[ATTENDED]} attended, "
            f"{session_statuses[CANCELLED]} cancelled, {session_statuses[NO_SHOW]} no-show, "
            f"{session_statuses[SCHEDULED]} scheduled",
        ),
        (
            "first appointment",
            min(e.start_date for e in episodes).isoformat(),
        ),
        (
            "active caseloads",
            ", ".join(f"{name} {count}" for name, count in sorted(caseload.items())),
        ),
        (
            "administrations",
            ", ".join(f"{name} {count}" for name, count in sorted(administrations.items())),
        ),
        (
            "feedback texts",
            ", ".join(f"{cat} {feedback[cat]}" for cat in TEXTS_BY_CATEGORY),
        ),
    ]
    out += _table(("", "count"), count_rows)
    out += ["", "Planted patterns (ground truth):", ""]
    pattern_counts = Counter(p.kind for p in practice.ground_truth)
    out += _table(
        ("kind", "count"), [(f"`{kind}`", str(pattern_counts[kind])) for kind in gt.PATTERN_KINDS]
    )
    out += ["", "### Clients worth signing in as", ""]
    featured_rows = []
    for kind in FEATURED_KINDS:
        patterns = practice.patterns(kind)
        if not patterns:
            continue
        chosen = next(
            (p for p in patterns if practice.episode(p.episode_id).status == ACTIVE), patterns[0]
        )
        episode = practice.episode(chosen.episode_id)
        client = practice.client(chosen.client_id)
        featured_rows.append(
            (
                f"`{kind}`",
                f"`{client.username}`",
                client.display_name,
                f"{episode.episode_id} ({episode.status})",
                f"`{episode.therapist_username}`",
                ", ".join(str(n) for n in chosen.sessions),
            )
        )
    out += _table(
        ("pattern", "client username", "name", "episode", "therapist", "sessions"), featured_rows
    )
    offered = [c for c in practice.clients if c.offers_sign_in]
    if offered:
        client = offered[0]
        episode = next(e for e in practice.episodes if client.client_id in e.client_ids)
        out += [
            "",
            f"The client offered for one-click sign-in (their own pages, /me) is "
            f"**{client.display_name}** (`{client.username}`, {episode.episode_id}, "
            f"{episode.status}, with `{episode.therapist_username}`).",
        ]
    return "\n".join(out) + "\n"


def current_section() -> str:
    return render(generate_demo_practice(seed=DOC_SEED, today=DOC_TODAY))


def replace_section(document: str, section: str) -> str:
    head, rest = document.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{section}{END}{tail}"


def extract_section(document: str) -> str:
    _, rest = document.split(BEGIN, 1)
    section, _ = rest.split(END, 1)
    return section.removeprefix("\n")


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "docs/demo-practice.md")
    path.write_text(
        replace_section(path.read_text(encoding="utf-8"), current_section()), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
