"""The burden of the client's feedback form, measured in a real browser (tests and bench).

``seed_burden_case`` builds a small practice through the services (not the demo) with the
practice's usual measures (the Session Alliance Check, PHQ-9 and GAD-7) and one therapist: a new
client after their first session gets the **intake** form (every measure in full); a settled
client after their fourth weekly session, whose PHQ-9 and GAD-7 after the first three were
stable, gets the **usual** form (the alliance check and the PHQ-9's one-item risk screen).

``fill_in`` answers a form as a client would, by tapping an answer in every question (the
middle one), and sends it; ``page_burden`` reads the page's own burden: questions, height and
words a client reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from playwright.sync_api import Page
from sqlalchemy.orm import Session

from bordin.services import feedback
from bordin.services import practice as practice_service
from bordin.services import users as user_service
from bordin.services.instruments import import_questionnaire
from bordin.services.measures import record_administration
from bordin.services.runtime import Runtime
from bordin.storage.tables import AppointmentRow, UserRow

MEASURES = ["bordin_sac", "phq9", "gad7"]
PHQ9 = ((2, 1, 1, 2, 1, 1, 2, 2, 0), (1, 1, 1, 2, 1, 1, 2, 2, 0), (2, 1, 1, 2, 1, 1, 2, 1, 0))
GAD7 = ((1, 1, 2, 1, 1, 1, 1), (1, 1, 1, 1, 1, 1, 1), (1, 1, 2, 1, 1, 1, 0))

#: Words a client reads on the form: headings, hints, question labels, answer labels.
WORDS_JS = """
() => Array.from(document.querySelectorAll('#feedback h2, #feedback .hint, #feedback legend,'
  + ' #feedback .options label, #feedback .scale-ends'))
  .map(e => e.innerText).join(' ').split(/\\s+/).filter(w => /[A-Za-z]/.test(w)).length
"""


#: Rated questions: the distinct measure fields (named ``<instrument>.<item>``).
QUESTIONS_JS = """
() => new Set(Array.from(document.querySelectorAll('#feedback input'))
  .map(e => e.name).filter(n => n.includes('.'))).size
"""


@dataclass(frozen=True)
class BurdenCase:
    intake_token: str
    usual_token: str


#: The FHIR Questionnaires the burden case imports its PHQ-9 and GAD-7 wording from (in the
#: shared external data folder): a questionnaire is asked in its published wording or not at
#: all, and Bordin ships neither's.
WORDING_FILES = ("lforms__R4__phq9.json", "pco__Questionnaire-GAD7.json")


def seed_burden_case(
    db: Session, rt: Runtime, tag: str = "", *, wording: Sequence[bytes] = ()
) -> BurdenCase:
    """The case above; ``tag`` keeps usernames apart when seeding several in one database.
    ``wording`` holds the FHIR Questionnaires (``WORDING_FILES``) the practice imports; without
    them its PHQ-9 and GAD-7 are left off the form."""
    practice = practice_service.create_practice(db, rt, name="Burden Test Practice")
    for data in wording:
        import_questionnaire(db, rt, practice_id=practice.id, data=data)

    def staff(name: str, role: str) -> UserRow:
        return user_service.add_user(
            db,
            rt,
            practice_id=practice.id,
            username=f"burden-{name}{tag}",
            email=f"burden-{name}{tag}@example.org",
            display_name=f"Burden {name.title()}",
            role=role,
            password="correct horse battery",
        )

    admin = staff("admin", "admin")
    practice_service.configure_feedback_measures(
        db,
        rt,
        actor=user_service.actor_for_user(admin),
        practice_id=practice.id,
        measures=MEASURES,
    )
    therapist = staff("therapist", "therapist")
    start = rt.now() - timedelta(days=28)

    def episode_with(name: str, sessions: int) -> tuple[int, int, list[AppointmentRow]]:
        client = practice_service.add_client(
            db, rt, practice_id=practice.id, display_name=name, email=None
        )
        episode = practice_service.open_episode(
            db,
            rt,
            therapist_id=therapist.id,
            client_ids=[client.id],
            kind="individual",
            started_on=start.date(),
        )
        made = [
            practice_service.schedule_appointment(
                db,
                rt,
                episode_id=episode.id,
                starts_at=start + timedelta(days=7 * n),
                status="attended",
            )
            for n in range(sessions)
        ]
        return client.id, episode.id, made

    _, _, first = episode_with("New Client", 1)
    client_id, episode_id, settled = episode_with("Settled Client", 4)
    for number, (phq9, gad7) in enumerate(zip(PHQ9, GAD7, strict=True)):
        for instrument_id, answers in (("phq9", phq9), ("gad7", gad7)):
            record_administration(
                db,
                rt,
                client_id=client_id,
                episode_id=episode_id,
                instrument_id=instrument_id,
                answers={f"q{n}": v for n, v in enumerate(answers, start=1)},
                answered_at=settled[number].starts_at + timedelta(hours=1),
                appointment_id=settled[number].id,
            )
    tokens = [
        feedback.issue_links(db, rt, appointment_id=appointment.id)[0].token
        for appointment in (first[0], settled[3])
    ]
    return BurdenCase(intake_token=tokens[0], usual_token=tokens[1])


@dataclass(frozen=True)
class PageBurden:
    questions: int
    height_px: int
    words: int


def page_burden(page: Page) -> PageBurden:
    questions = int(page.evaluate(QUESTIONS_JS))
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    return PageBurden(questions, height, int(page.evaluate(WORDS_JS)))


def fill_in(page: Page) -> int:
    """Tap the middle answer of every question, then send; returns the number answered."""
    questions = page.locator(".measure fieldset.question")
    answered = questions.count()
    for index in range(answered):
        options = questions.nth(index).locator("label")
        options.nth(options.count() // 2).click()
    page.get_by_role("button", name="Send my feedback").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    return answered
