"""The whole matching journey in a real browser, on a fresh (non-demo) database.

A client refers themselves on a phone; the clinical lead finds them a therapist and books the
first session; after each session the client sends feedback on their phone; after the third, the
client privately asks for a change at the fit check (answering the Cultural Responsiveness Check
too); the lead re-matches, and the first therapist is no longer proposed. The client's pages
are checked at phone width (390×844): no sideways scrolling.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from bordin.services import feedback
from bordin.services import practice as practice_service
from bordin.services import users as user_service
from bordin.storage.tables import AppointmentRow, EpisodeRow, MatchRow, UserRow
from tests.browser.conftest import LiveServer, fits, screenshot, sign_in
from tests.integration.services.test_matching import therapist

DESKTOP = {"width": 1280, "height": 900}


def add_therapists(server: LiveServer) -> dict[str, int]:
    """Two Polish-speaking women therapists, free on Monday evenings, online, taking insurance."""
    with server.sessions() as db:
        return {
            name: therapist(db, server.runtime, server.cast, name, specialties=needs).id
            for name, needs in (("olga", ["anxiety"]), ("maja", ["anxiety", "work"]))
        }


def refer_myself(page: Page, server: LiveServer) -> None:
    page.goto(server.url("/self-referral"))
    fits(page, 390)
    page.fill("#display_name", "Elm Sample")
    page.fill("#email", "elm@example.org")
    page.check("input[name=contact_by][value=email]")
    page.check("input[name=episode_kind][value=individual]")
    page.check("input[name=concern_areas][value=anxiety]")
    page.check("input[name=concern_areas][value=work]")
    page.check("input[name=risk_now][value=no]")
    page.check("input[name=risk_recent][value=no]")
    page.fill("#language", "Polish")
    page.check("input[name=modes][value=remote]")
    page.check("input[name=slots][value=mon_evening]")
    page.check("input[name=funding][value=insurer]")
    page.check("input[name=therapist_gender][value=woman]")
    page.check("input[name=gender_required]")
    page.check("input[name=consent_to_store]")
    page.check("input[name=consent_feedback]")
    page.check("input[name=consent_progress]")
    screenshot(page, "journey-self-referral-phone")
    page.get_by_role("button", name="Send to the practice").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()


def attend_and_give_feedback(server: LiveServer, phone: Page, episode_id: int, n: int) -> None:
    """Session ``n`` happens (the therapist records it) and the client sends feedback."""
    with server.sessions() as db:
        appointment = db.scalar(
            select(AppointmentRow).where(
                AppointmentRow.episode_id == episode_id, AppointmentRow.number == n
            )
        )
        if appointment is None:
            first = db.scalar(
                select(AppointmentRow.starts_at).where(
                    AppointmentRow.episode_id == episode_id, AppointmentRow.number == 1
                )
            )
            assert first is not None
            appointment = practice_service.schedule_appointment(
                db,
                server.runtime,
                episode_id=episode_id,
                starts_at=first + timedelta(weeks=n - 1),
            )
        server.clock.set(appointment.starts_at + timedelta(hours=1))
        episode = db.get(EpisodeRow, episode_id)
        assert episode is not None
        therapist = user_service.actor_for_user(db.get(UserRow, episode.therapist_id))
        practice_service.set_attendance(
            db, server.runtime, actor=therapist, appointment_id=appointment.id, status="attended"
        )
        token = feedback.issue_links(db, server.runtime, appointment_id=appointment.id)[0].token
    phone.goto(server.url(f"/f/{token}"))
    expect(phone.get_by_role("heading", name="How was your session?")).to_be_visible()
    fits(phone, 390)
    for legend in ("came here for", "suited me", "respect", "worked for me"):
        phone.get_by_role("group", name=legend).get_by_text("7", exact=True).click()
    phone.get_by_role("button", name="Send my feedback").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()


def test_intake_to_match_to_fit_check_to_rematch(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    server = live_server
    therapists = add_therapists(server)

    phone = new_page()
    refer_myself(phone, server)

    lead = new_page(**DESKTOP)
    sign_in(lead, server, "sue")
    lead.goto(server.url("/waiting-list"))
    lead.get_by_role("link", name="Elm Sample").click()
    lead.get_by_role("link", name="Find a therapist").click()
    expect(lead.get_by_role("heading", name="Find a therapist for Elm Sample")).to_be_visible()
    proposals = lead.locator("ol.proposals > li h2")
    expect(proposals).to_have_text(["Maja Therapist", "Olga Therapist"])
    expect(lead.get_by_text("Works with anxiety and work").first).to_be_visible()
    screenshot(lead, "journey-matching-page")

    olga = lead.locator("ol.proposals > li").filter(has_text="Olga Therapist")
    first_session = server.clock().replace(microsecond=0) + timedelta(days=2)
    olga.get_by_label("First session").fill(first_session.strftime("%Y-%m-%dT%H:%M"))
    olga.get_by_role("button", name="Confirm Olga Therapist").click()
    expect(lead.get_by_text("Elm Sample will see Olga Therapist")).to_be_visible()

    with server.sessions() as db:
        match = db.scalar(select(MatchRow))
        assert match is not None and match.therapist_id == therapists["olga"]
        episode_id = match.episode_id

    for n in (1, 2, 3):
        attend_and_give_feedback(server, phone, episode_id, n)
    phone.get_by_role("button", name="See my progress and choices").click()
    expect(phone.get_by_role("heading", name="Is Olga Therapist right for you?")).to_be_visible()
    fits(phone, 390)
    phone.get_by_role("link", name="Answer the question").click()
    fits(phone, 390)
    phone.get_by_label("I'd like the practice to find me a different therapist").check()
    for link_id, value in (
        ("understood", 2),
        ("safe", 1),
        ("checked", 2),
        ("fitted", 2),
        ("welcome", 3),
    ):
        phone.check(f"input[name='bordin_crc.{link_id}'][value='{value}']")
    screenshot(phone, "journey-fit-check-phone")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Your therapist is not told unless you agreed above")).to_be_visible()
    fits(phone, 390)

    olga_page = new_page(**DESKTOP)
    sign_in(olga_page, server, "olga")
    olga_page.goto(server.url("/alerts"))
    expect(olga_page.get_by_text("different therapist")).to_have_count(0)

    sign_in(lead, server, "sue")  # three weeks on, the lead's sign-in has long expired
    lead.goto(server.url("/fit-checks"))
    expect(lead.get_by_text("their therapist has not been told")).to_be_visible()
    lead.get_by_role("button", name="Find Elm Sample a different therapist").click()
    expect(lead.get_by_role("heading", name="Find a therapist for Elm Sample")).to_be_visible()
    expect(lead.locator("ol.proposals > li h2")).to_have_text(["Maja Therapist"])
    expect(
        lead.get_by_text("Olga Therapist: The client asked to change from this therapist")
    ).to_be_visible()
    screenshot(lead, "journey-rematch")
    with server.sessions() as db:
        episode = db.get(EpisodeRow, episode_id)
        assert episode is not None and episode.status == "transferred"
