"""The synthetic people of the demo practice: a fixed staff cast, and names for clients.

Clients' names come from Faker (pinned in pyproject.toml) with a fixed seed, in locales that suit a
practice in England: mostly ``en_GB``, with Irish, Indian, Nigerian, Polish, Italian and Portuguese
names among the English-speaking clients, and a locale to match each other preferred language.
The staff are a fixed, documented cast with ordinary names, so that tests and docs can name them.
Every person is synthetic; a name that happens to match a real person's is a coincidence.
Usernames are ``first.last`` (staff) or the client's pseudonym in lower case (``c-0001``); every
e-mail address is at ``example.org``, a domain reserved for examples (RFC 2606).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Sequence

from faker import Faker

from bordin.demo.model import (
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
CLINICAL_LEAD_NAME = "Dr Helen Marsh"
PRACTICE_MANAGER_NAME = "Priya Shah"

# (display name, job title, profile). Order matters: with fewer therapists the first ones are
# kept, and the first two both work with couples. Full-time therapists see 20–24 clients a week
# over four days; part-time ones 10–12 over two or three.
THERAPIST_CAST: tuple[tuple[str, str, TherapistProfile], ...] = (
    (
        "Daniel Hughes",
        "Cognitive behavioural therapist",
        TherapistProfile(
            languages=("en",),
            modalities=("CBT",),
            specialties=("depression", "anxiety", "panic", "health anxiety"),
            works_with_couples=False,
            weekly_capacity=22,
            availability=(
                _block(MON, 9, 17),
                _block(TUE, 9, 17),
                _block(WED, 9, 17),
                _block(THU, 12, 20),
            ),
        ),
    ),
    (
        "Kasia Nowak",
        "Integrative counsellor and couples therapist",
        TherapistProfile(
            languages=("en", "pl"),
            modalities=("integrative", "EFT for couples"),
            specialties=("relationships", "anxiety", "work stress"),
            works_with_couples=True,
            weekly_capacity=20,
            availability=(
                _block(MON, 10, 18),
                _block(TUE, 10, 18),
                _block(WED, 10, 18),
                _block(FRI, 9, 17),
            ),
        ),
    ),
    (
        "Lucía Romero",
        "Couples therapist",
        TherapistProfile(
            languages=("en", "es"),
            modalities=("EFT for couples", "integrative"),
            specialties=("relationships", "trauma", "anxiety"),
            works_with_couples=True,
            weekly_capacity=20,
            availability=(
                _block(TUE, 10, 19),
                _block(WED, 10, 19),
                _block(THU, 10, 19),
                _block(SAT, 9, 14),
            ),
        ),
    ),
    (
        "Dr Noor Rahman",
        "Psychodynamic psychotherapist",
        TherapistProfile(
            languages=("en", "ur", "pa"),
            modalities=("psychodynamic",),
            specialties=("trauma", "depression", "grief"),
            works_with_couples=False,
            weekly_capacity=12,
            availability=(_block(TUE, 9, 17), _block(WED, 9, 17), _block(THU, 9, 13)),
            part_time=True,
        ),
    ),
    (
        "Rhys Llewellyn",
        "Person-centred counsellor",
        TherapistProfile(
            languages=("en", "cy"),
            modalities=("person-centred",),
            specialties=("grief", "depression", "low self-esteem"),
            works_with_couples=False,
            weekly_capacity=10,
            availability=(_block(MON, 9, 15), _block(TUE, 13, 20), _block(FRI, 9, 17)),
            part_time=True,
        ),
    ),
    (
        "Tom Bradley",
        "Cognitive behavioural therapist (EMDR trained)",
        TherapistProfile(
            languages=("en",),
            modalities=("CBT", "EMDR"),
            specialties=("trauma", "anxiety", "OCD", "panic"),
            works_with_couples=False,
            weekly_capacity=24,
            availability=(
                _block(MON, 8, 16),
                _block(TUE, 8, 16),
                _block(WED, 8, 16),
                _block(THU, 8, 16),
            ),
        ),
    ),
    (
        "Grace Mercier",
        "Counsellor",
        TherapistProfile(
            languages=("en", "fr"),
            modalities=("person-centred", "CBT"),
            specialties=("depression", "work stress", "low self-esteem"),
            works_with_couples=False,
            weekly_capacity=10,
            availability=(_block(WED, 12, 20), _block(THU, 12, 20), _block(FRI, 9, 13)),
            part_time=True,
        ),
    ),
    (
        "Ben Adeyemi",
        "Psychodynamic and couples psychotherapist",
        TherapistProfile(
            languages=("en",),
            modalities=("psychodynamic", "integrative"),
            specialties=("relationships", "anger", "depression"),
            works_with_couples=True,
            weekly_capacity=20,
            availability=(
                _block(MON, 12, 20),
                _block(TUE, 9, 17),
                _block(THU, 9, 17),
                _block(FRI, 12, 20),
            ),
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


# Faker locales for each preferred language, with weights. Clients who want therapy in English
# have names from the many backgrounds of a practice in England; Welsh speakers get British
# names (Faker has no Welsh locale), Urdu and Punjabi speakers South Asian ones.
NAME_LOCALES: dict[str, dict[str, float]] = {
    "en": {
        "en_GB": 0.72,
        "en_IE": 0.06,
        "en_IN": 0.07,
        "en_NG": 0.05,
        "pl_PL": 0.04,
        "it_IT": 0.03,
        "pt_PT": 0.03,
    },
    "pl": {"pl_PL": 1.0},
    "cy": {"en_GB": 1.0},
    "ur": {"en_IN": 1.0},
    "pa": {"en_IN": 1.0},
    "es": {"es_ES": 1.0},
    "fr": {"fr_FR": 1.0},
}

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
    """Hands out unique client names drawn by Faker, one seeded generator per locale.

    The same seed gives the same names in the same order (Faker is pinned; its generators are
    seeded with a string, which ``random.Random`` hashes the same way in every process). Names
    that clash with another client's or with a member of staff's surname are drawn again.
    """

    def __init__(self, rng: random.Random, seed: int) -> None:
        self._rng = rng
        self._seed = seed
        self._fakers: dict[str, Faker] = {}
        self._used: set[str] = set()

    def _faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            fake = Faker(locale)
            fake.seed_instance(f"bordin-demo:{self._seed}:names:{locale}")
            self._fakers[locale] = fake
        return self._fakers[locale]

    def name(self, language: str, surname: str | None = None) -> str:
        weights = NAME_LOCALES.get(language, NAME_LOCALES["en"])
        locale = self._rng.choices(list(weights), weights=list(weights.values()))[0]
        fake = self._faker(locale)
        female = self._rng.random() < 0.6  # most people in therapy are women
        for _ in range(200):
            first = fake.first_name_female() if female else fake.first_name_male()
            last = surname or fake.last_name()
            candidate = f"{first} {last}"
            if candidate not in self._used and last not in STAFF_SURNAMES:
                self._used.add(candidate)
                return candidate
        raise RuntimeError("ran out of names")  # pragma: no cover


def make_client(
    client_id: str,
    display_name: str,
    preferred_language: str,
    presenting_problem: str,
    *,
    offers_sign_in: bool = False,
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
        offers_sign_in=offers_sign_in,
    )
