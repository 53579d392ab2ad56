"""The synthetic people of the demo practice: a fixed staff cast and lists for client names.

Every name here was made up for Bordin. Surnames are built from words such as *test*, *sample*,
*mock*, *demo*, *draft* and *fixture*, so nobody can mistake a demo person for a real one, while
first names are ordinary so that screens still read naturally. Usernames are
``first.last`` (staff) or the client's pseudonym in lower case (``c-0001``); every e-mail address
is at ``example.org``, a domain reserved for examples (RFC 2606).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Sequence

from bordin.testing.demo.model import (
    ADMIN,
    SUPERVISOR,
    THERAPIST,
    Availability,
    DemoClient,
    DemoStaff,
    TherapistProfile,
)

EMAIL_DOMAIN = "example.org"

MON, TUE, WED, THU, FRI, SAT = range(6)


def _block(weekday: int, start: int, end: int) -> Availability:
    return Availability(weekday, dt.time(start), dt.time(end))


def username_for(display_name: str) -> str:
    """``"Dr Lucía Fixture"`` → ``"lucia.fixture"`` (title dropped, accents folded)."""
    words = [w for w in display_name.split() if w not in {"Dr", "Dr."}]
    folded = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode()
    return ".".join(folded.lower().split())


def email_for(username: str) -> str:
    return f"{username}@{EMAIL_DOMAIN}"


# The clinical lead supervises every therapist; she carries no caseload of her own, so that
# signing in as her shows the supervisor's view and nothing else.
CLINICAL_LEAD_NAME = "Dr Ada Testwell"
PRACTICE_MANAGER_NAME = "Pat Placeholder"

# (display name, job title, profile). Order matters: with fewer therapists the first ones are
# kept, and the first two both work with couples.
THERAPIST_CAST: tuple[tuple[str, str, TherapistProfile], ...] = (
    (
        "Sam Example",
        "Cognitive behavioural therapist",
        TherapistProfile(
            languages=("en",),
            modalities=("CBT",),
            specialties=("depression", "anxiety", "panic", "health anxiety"),
            works_with_couples=False,
            weekly_capacity=20,
            availability=(_block(MON, 9, 17), _block(TUE, 9, 17), _block(THU, 12, 20)),
        ),
    ),
    (
        "Kasia Mockley",
        "Integrative counsellor and couples therapist",
        TherapistProfile(
            languages=("en", "pl"),
            modalities=("integrative", "EFT for couples"),
            specialties=("relationships", "anxiety", "work stress"),
            works_with_couples=True,
            weekly_capacity=18,
            availability=(_block(MON, 10, 18), _block(WED, 10, 18), _block(FRI, 9, 15)),
        ),
    ),
    (
        "Lucía Fixture",
        "Couples therapist",
        TherapistProfile(
            languages=("en", "es"),
            modalities=("EFT for couples", "integrative"),
            specialties=("relationships", "trauma", "anxiety"),
            works_with_couples=True,
            weekly_capacity=18,
            availability=(_block(TUE, 10, 19), _block(THU, 10, 19), _block(SAT, 9, 13)),
        ),
    ),
    (
        "Dr Noor Sampleton",
        "Psychodynamic psychotherapist",
        TherapistProfile(
            languages=("en", "ur", "pa"),
            modalities=("psychodynamic",),
            specialties=("trauma", "depression", "grief"),
            works_with_couples=False,
            weekly_capacity=16,
            availability=(_block(TUE, 9, 17), _block(WED, 9, 17), _block(THU, 9, 13)),
        ),
    ),
    (
        "Rhys Demoson",
        "Person-centred counsellor",
        TherapistProfile(
            languages=("en", "cy"),
            modalities=("person-centred",),
            specialties=("grief", "depression", "low self-esteem"),
            works_with_couples=False,
            weekly_capacity=15,
            availability=(_block(MON, 9, 15), _block(TUE, 13, 20), _block(FRI, 9, 17)),
        ),
    ),
    (
        "Tom Trialworth",
        "Cognitive behavioural therapist (EMDR trained)",
        TherapistProfile(
            languages=("en",),
            modalities=("CBT", "EMDR"),
            specialties=("trauma", "anxiety", "OCD", "panic"),
            works_with_couples=False,
            weekly_capacity=22,
            availability=(_block(MON, 8, 16), _block(WED, 8, 16), _block(THU, 8, 16)),
        ),
    ),
    (
        "Grace Specimen",
        "Counsellor",
        TherapistProfile(
            languages=("en", "fr"),
            modalities=("person-centred", "CBT"),
            specialties=("depression", "work stress", "low self-esteem"),
            works_with_couples=False,
            weekly_capacity=14,
            availability=(_block(WED, 12, 20), _block(THU, 12, 20), _block(FRI, 9, 13)),
        ),
    ),
    (
        "Ben Draftwood",
        "Psychodynamic and couples psychotherapist",
        TherapistProfile(
            languages=("en",),
            modalities=("psychodynamic", "integrative"),
            specialties=("relationships", "anger", "depression"),
            works_with_couples=True,
            weekly_capacity=16,
            availability=(_block(MON, 12, 20), _block(TUE, 9, 15), _block(FRI, 12, 18)),
        ),
    ),
)


def staff_cast(n_therapists: int) -> tuple[DemoStaff, ...]:
    """Clinical lead, practice manager, then the first ``n_therapists`` therapists."""
    lead_username = username_for(CLINICAL_LEAD_NAME)
    manager_username = username_for(PRACTICE_MANAGER_NAME)
    people = [
        DemoStaff(
            username=lead_username,
            display_name=CLINICAL_LEAD_NAME,
            email=email_for(lead_username),
            role=SUPERVISOR,
            job_title="Clinical lead and supervisor",
            is_clinical_lead=True,
        ),
        DemoStaff(
            username=manager_username,
            display_name=PRACTICE_MANAGER_NAME,
            email=email_for(manager_username),
            role=ADMIN,
            job_title="Practice manager",
        ),
    ]
    for name, title, profile in THERAPIST_CAST[:n_therapists]:
        username = username_for(name)
        people.append(
            DemoStaff(
                username=username,
                display_name=name,
                email=email_for(username),
                role=THERAPIST,
                job_title=title,
                supervisor_username=lead_username,
                profile=profile,
            )
        )
    return tuple(people)


# First names by preferred language, so that a Welsh-speaking client is plausibly called Ffion.
FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "Alex",
        "Amara",
        "Bea",
        "Callum",
        "Chloe",
        "Dev",
        "Dylan",
        "Efe",
        "Erin",
        "Finn",
        "Hana",
        "Harvey",
        "Isla",
        "Jess",
        "Kai",
        "Layla",
        "Leon",
        "Marcus",
        "Megan",
        "Mo",
        "Oliver",
        "Priya",
        "Robin",
        "Ruby",
        "Sanjay",
        "Theo",
        "Una",
        "Zara",
        "Jordan",
        "Kemi",
        "Lewis",
        "Niamh",
        "Poppy",
        "Reece",
        "Tara",
        "Will",
    ),
    "pl": ("Jakub", "Maja", "Tomasz", "Wiktoria", "Agnieszka", "Piotr"),
    "cy": ("Ffion", "Gwen", "Owen", "Nia", "Dafydd", "Cerys"),
    "ur": ("Imran", "Aisha", "Zainab", "Yusuf", "Bilal", "Samina"),
    "pa": ("Harpreet", "Gurdeep", "Simran", "Jaspal"),
    "es": ("Elena", "Rosa", "Diego", "Lucas", "Carmen", "Pablo"),
    "fr": ("Camille", "Hugo", "Léa", "Julien"),
}

# Surnames for clients: coined words that are plainly not real family names.
CLIENT_SURNAMES: tuple[str, ...] = (
    "Testington",
    "Samplewood",
    "Mockbridge",
    "Exampleton",
    "Demoford",
    "Fixturly",
    "Placeford",
    "Stubworth",
    "Dummington",
    "Pretendale",
    "Fauxbury",
    "Madeupson",
    "Fictionby",
    "Notreal",
    "Specimore",
    "Trialby",
    "Draftley",
    "Prototon",
    "Mockett",
    "Seedwell",
    "Synthwick",
    "Loremby",
    "Ipsumford",
    "Makebelieve",
    "Imaginary",
    "Sketchwell",
    "Pseudonym",
    "Standinley",
    "Mockingham",
    "Samplesby",
    "Testcombe",
    "Exemplar",
    "Dummyfield",
    "Inventwell",
    "Notaperson",
    "Fabricotti",
)

STAFF_SURNAMES: tuple[str, ...] = tuple(
    name.split()[-1] for name in (CLINICAL_LEAD_NAME, PRACTICE_MANAGER_NAME)
) + tuple(name.split()[-1] for name, _, _ in THERAPIST_CAST)

# How often clients prefer each language (the practice is in England; most want English).
LANGUAGE_WEIGHTS: dict[str, float] = {
    "en": 0.80,
    "pl": 0.06,
    "cy": 0.04,
    "ur": 0.03,
    "pa": 0.02,
    "es": 0.03,
    "fr": 0.02,
}

# Presenting problems, in the same words as therapists' specialties, with how often they occur.
INDIVIDUAL_PROBLEMS: dict[str, float] = {
    "depression": 0.22,
    "anxiety": 0.20,
    "panic": 0.06,
    "trauma": 0.10,
    "grief": 0.09,
    "work stress": 0.09,
    "low self-esteem": 0.08,
    "relationships": 0.06,
    "OCD": 0.03,
    "health anxiety": 0.04,
    "anger": 0.03,
}

COUPLE_PROBLEMS: tuple[str, ...] = (
    "relationship distress",
    "communication difficulties",
    "after an affair",
    "conflict over parenting",
)


def pick_language(rng: random.Random, offered: Sequence[str]) -> str:
    """A preferred language, among those at least one eligible therapist speaks."""
    choices = [lang for lang in LANGUAGE_WEIGHTS if lang in offered]
    return rng.choices(choices, weights=[LANGUAGE_WEIGHTS[c] for c in choices])[0]


def pick_problem(rng: random.Random) -> str:
    problems = list(INDIVIDUAL_PROBLEMS)
    return rng.choices(problems, weights=[INDIVIDUAL_PROBLEMS[p] for p in problems])[0]


class NameBook:
    """Hands out unique synthetic names: a first name for the language, a coined surname."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def name(self, language: str, surname: str | None = None) -> str:
        firsts = FIRST_NAMES.get(language, FIRST_NAMES["en"])
        for _ in range(200):
            first = self._rng.choice(firsts)
            last = surname or self._rng.choice(CLIENT_SURNAMES)
            candidate = f"{first} {last}"
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate
        # Every pair for this language is taken: fall back to the English first names.
        for first in FIRST_NAMES["en"]:
            for last in CLIENT_SURNAMES:
                candidate = f"{first} {last}"
                if candidate not in self._used:
                    self._used.add(candidate)
                    return candidate
        raise RuntimeError("ran out of synthetic names")  # pragma: no cover


def make_client(
    client_id: str, display_name: str, preferred_language: str, presenting_problem: str
) -> DemoClient:
    username = client_id.lower()
    return DemoClient(
        client_id=client_id,
        username=username,
        display_name=display_name,
        email=email_for(username),
        locale="en-GB",
        preferred_language=preferred_language,
        presenting_problem=presenting_problem,
    )
