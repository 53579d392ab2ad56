"""What the synthetic demo practice is made of: plain, frozen dataclasses.

The generator (``generator.py``) returns one :class:`DemoPractice`. Nothing here touches a
database: the loader in ``services`` reads these objects and stores them through the ordinary
use cases, so the demo exercises the same code paths as real data.

Shape of a practice::

    DemoPractice
    ├── staff: DemoStaff ...            clinical lead (supervisor), practice manager (admin),
    │                                   therapists (each with a TherapistProfile)
    ├── clients: DemoClient ...         pseudonymous id "C-0001", synthetic name, contact details
    ├── episodes: DemoEpisode ...       individual (one client) or couple (two clients)
    │   └── sessions: DemoSession ...   appointments in date order, numbered from 1
    │       ├── administrations          item-level answers, one per instrument per client
    │       └── feedback                 free text in the client's own words (sometimes)
    └── ground_truth: PlantedPattern ...  where each alliance/outcome pattern was planted

Every person in it is synthetic. Names come from the lists in ``people.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bordin.demo.params import DemoParams

# Instrument ids, as the instrument registry names them.
BORDIN_SAC = "bordin_sac"
"""Bordin session alliance check: goals, tasks, bond, overall; each 0–10 (Bordin's own items)."""
PHQ9 = "phq9"
GAD7 = "gad7"
CORE10 = "core10"

# Session statuses.
SCHEDULED = "scheduled"
ATTENDED = "attended"
CANCELLED = "cancelled"
NO_SHOW = "no_show"

# Episode statuses and kinds.
ACTIVE = "active"
COMPLETED = "completed"
DROPPED_OUT = "dropped_out"
INDIVIDUAL = "individual"
COUPLE = "couple"

# Staff roles.
THERAPIST = "therapist"
SUPERVISOR = "supervisor"
ADMIN = "admin"


@dataclass(frozen=True)
class Availability:
    """One weekly block when a therapist sees clients, in the practice's local time.

    ``weekday`` follows ``datetime.date.weekday()``: 0 is Monday, 6 is Sunday.
    A session fits the block when it starts at or after ``start`` and ends by ``end``.
    """

    weekday: int
    start: dt.time
    end: dt.time

    def contains(self, starts_at: dt.datetime, duration_minutes: int) -> bool:
        """True when a session starting at ``starts_at`` fits entirely inside this block."""
        if starts_at.weekday() != self.weekday:
            return False
        begin = starts_at.hour * 60 + starts_at.minute
        finish = begin + duration_minutes
        return self.start.hour * 60 + self.start.minute <= begin and finish <= (
            self.end.hour * 60 + self.end.minute
        )


@dataclass(frozen=True)
class TherapistProfile:
    """What matching needs to know about a therapist.

    Languages are ISO 639-1 codes ("en", "pl", "cy", ...). Modalities and specialties use the
    plain words a practice would put on its website ("CBT", "person-centred"; "depression").
    ``weekly_capacity`` is the most sessions a week the therapist wants to offer; the demo fills
    most of it, so it is also the size of their active caseload. ``part_time`` therapists work two
    or three days a week and carry a smaller caseload.
    """

    languages: tuple[str, ...]
    modalities: tuple[str, ...]
    specialties: tuple[str, ...]
    works_with_couples: bool
    weekly_capacity: int
    availability: tuple[Availability, ...]
    part_time: bool = False


@dataclass(frozen=True)
class DemoStaff:
    """A member of staff who signs in: therapist, supervisor (clinical lead) or admin.

    ``role`` is one of "therapist", "supervisor", "admin". ``is_clinical_lead`` marks the
    supervisor who leads the practice clinically. ``supervisor_username`` names the person who
    supervises a therapist (None for the lead and the admin). ``profile`` is set for everyone who
    carries a caseload (the therapists) and None otherwise.
    """

    username: str
    display_name: str
    email: str
    role: str
    job_title: str
    is_clinical_lead: bool = False
    supervisor_username: str | None = None
    profile: TherapistProfile | None = None


@dataclass(frozen=True)
class DemoClient:
    """A synthetic client. ``client_id`` is the pseudonym used everywhere ("C-0001").

    ``username`` lets the client sign in to rate sessions; ``locale`` is a BCP 47 tag for dates
    and numbers ("en-GB"); ``preferred_language`` is the ISO 639-1 code of the language they
    would like therapy in. ``presenting_problem`` is in the practice's own words ("grief").
    ``offers_sign_in`` marks the client whom demo mode offers on the sign-in page, so that the
    client's own pages (/me) can be tried with one click.
    """

    client_id: str
    username: str
    display_name: str
    email: str
    locale: str
    preferred_language: str
    presenting_problem: str
    offers_sign_in: bool = False


@dataclass(frozen=True)
class DemoAdministration:
    """One client's answers to one instrument after one session.

    ``answers`` are the raw item answers in the instrument's item order, exactly as the client
    gave them (reverse-keyed items are *not* reversed here); ``None`` marks a skipped item.
    """

    client_id: str
    instrument: str
    answers: tuple[int | None, ...]


@dataclass(frozen=True)
class DemoFeedback:
    """Free text a client wrote after a session ("anything you'd like your therapist to know?").

    ``category`` is the generator's ground truth for triage: "positive", "other",
    "misalignment", "conduct_concern" or "crisis". The texts were written for Bordin.
    """

    client_id: str
    text: str
    category: str


@dataclass(frozen=True)
class DemoSession:
    """One appointment. ``number`` is its place in the episode (1, 2, ...), counting every
    appointment, including cancelled ones and no-shows; ``attended_number`` counts attended
    sessions only and is None for the others.

    ``starts_at`` is timezone-aware, in the practice's time zone. Only attended sessions carry
    administrations and feedback.
    """

    number: int
    starts_at: dt.datetime
    duration_minutes: int
    status: str
    attended_number: int | None = None
    administrations: tuple[DemoAdministration, ...] = ()
    feedback: tuple[DemoFeedback, ...] = ()

    def answers(self, client_id: str, instrument: str) -> tuple[int | None, ...] | None:
        """The answers ``client_id`` gave to ``instrument`` at this session, if any."""
        for administration in self.administrations:
            if administration.client_id == client_id and administration.instrument == instrument:
                return administration.answers
        return None


@dataclass(frozen=True)
class DemoEpisode:
    """An episode of care: one therapist with one client (individual) or two (couple).

    ``status`` is "active", "completed" or "dropped_out". ``start_date`` is the date of the first
    appointment; ``end_date`` is the date of the last appointment for closed episodes and None
    for active ones. ``sessions`` are in date order.
    """

    episode_id: str
    kind: str
    therapist_username: str
    client_ids: tuple[str, ...]
    start_date: dt.date
    end_date: dt.date | None
    status: str
    sessions: tuple[DemoSession, ...]

    @property
    def attended(self) -> tuple[DemoSession, ...]:
        """The attended sessions, in order."""
        return tuple(s for s in self.sessions if s.status == ATTENDED)


@dataclass(frozen=True)
class PlantedPattern:
    """Ground truth: where the generator planted one pattern, so detection can be scored.

    ``kind`` is one of the names in ``ground_truth.PATTERN_KINDS``. ``sessions`` are session
    ``number``s (appointment numbers) the pattern is about: the rupture session, the sessions
    of a split, the first and last outcome administration, and so on. ``details`` holds the
    planted numbers (plain JSON-friendly values) and is described per kind in ``ground_truth``.
    """

    kind: str
    episode_id: str
    client_id: str
    sessions: tuple[int, ...]
    details: dict[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class DemoPractice:
    """The whole synthetic practice, as of ``today``."""

    name: str
    locale: str
    timezone: str
    seed: int
    today: dt.date
    params: DemoParams
    staff: tuple[DemoStaff, ...]
    clients: tuple[DemoClient, ...]
    episodes: tuple[DemoEpisode, ...]
    ground_truth: tuple[PlantedPattern, ...]

    @property
    def therapists(self) -> tuple[DemoStaff, ...]:
        return tuple(s for s in self.staff if s.role == THERAPIST)

    @property
    def clinical_lead(self) -> DemoStaff:
        return next(s for s in self.staff if s.is_clinical_lead)

    def staff_member(self, username: str) -> DemoStaff:
        return next(s for s in self.staff if s.username == username)

    def client(self, client_id: str) -> DemoClient:
        return next(c for c in self.clients if c.client_id == client_id)

    def episode(self, episode_id: str) -> DemoEpisode:
        return next(e for e in self.episodes if e.episode_id == episode_id)

    def patterns(self, kind: str) -> tuple[PlantedPattern, ...]:
        """The planted patterns of one kind, in episode order."""
        return tuple(p for p in self.ground_truth if p.kind == kind)
