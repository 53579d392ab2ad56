"""The whole feedback loop in a real browser at phone width (390×844).

The client fills in the form and the therapist then sees it; the crisis path shows help first;
a conduct concern reaches the clinical lead and not the therapist; a used link cannot be reused.
Pages are also checked for what a phone needs: no sideways scrolling, touch targets of at
least 44 px, labelled fields, and text contrast of at least 4.5:1 (WCAG 2.1 AA).
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from bordin.services import feedback
from tests.browser.conftest import LiveServer, fits, screenshot, sign_in

#: Effective text and background colours of an element (walking up past transparent ones).
COLOURS_JS = """
(el) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const fg = parse(getComputedStyle(el).color);
  let node = el, bg = null;
  while (node && node.nodeType === 1) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) { bg = c; break; }
    node = node.parentElement;
  }
  return [fg.slice(0, 3), (bg || [255, 255, 255]).slice(0, 3)];
}
"""


def contrast(fg: list[float], bg: list[float]) -> float:
    def luminance(rgb: list[float]) -> float:
        channels = []
        for value in rgb:
            c = value / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def issue(server: LiveServer, *, couple: bool = False) -> dict[int, str]:
    cast = server.cast
    appointment = (cast.couple_sessions if couple else cast.ash_sessions)[3].id
    with server.sessions() as db:
        return {
            i.client_id: i.token
            for i in feedback.issue_links(db, server.runtime, appointment_id=appointment)
        }


def answer_sac(page: Page, goals: int, tasks: int, bond: int, overall: int) -> None:
    """Tap a number in each question, as a person would (by the question's label)."""
    for legend, value in (
        ("came here for", goals),
        ("suited me", tasks),
        ("respect", bond),
        ("worked for me", overall),
    ):
        group = page.get_by_role("group", name=legend)
        group.get_by_text(str(value), exact=True).click()


def assert_scales_on_one_row(page: Page) -> None:
    """Each 0–10 scale's eleven answers share one row, each at least 24 px wide (WCAG 2.2
    2.5.8) and 44 px tall."""
    for scale in page.locator(".scale-11").all():
        if not scale.is_visible():
            continue
        boxes = [label.bounding_box() for label in scale.locator("label").all()]
        assert len(boxes) == 11 and all(box is not None for box in boxes)
        tops = {round(box["y"]) for box in boxes if box}
        assert len(tops) == 1, f"the 0–10 scale wraps onto {len(tops)} rows"
        assert all(box["width"] >= 24 and box["height"] >= 44 for box in boxes if box)


def assert_phone_friendly(page: Page) -> None:
    """No sideways scrolling; every control is at least 44×44 px (the 0–10 scale's answers: one
    row, each at least 24 px wide); text contrast ≥ 4.5:1."""
    fits(page, 390)
    assert_scales_on_one_row(page)
    targets = page.locator(
        "button, a.button, .scale:not(.scale-11) label, .options label, "
        "textarea, input:not([type=hidden]):not([type=radio]), summary"
    )
    for index in range(targets.count()):
        target = targets.nth(index)
        if not target.is_visible():
            continue
        box = target.bounding_box()
        assert box is not None
        label = target.inner_text()[:30] or target.get_attribute("name")
        assert box["height"] >= 44 and box["width"] >= 44, f"small target {label!r}: {box}"
    texts = page.locator("h1, h2, legend, p, label, a, button, .field-error, summary, li")
    for index in range(min(texts.count(), 120)):
        element = texts.nth(index)
        if not element.is_visible() or not element.inner_text().strip():
            continue
        fg, bg = element.evaluate(COLOURS_JS)
        ratio = contrast(fg, bg)
        assert ratio >= 4.5, f"contrast {ratio:.2f} for {element.inner_text()[:40]!r}"


def test_the_client_fills_in_the_form_and_the_therapist_then_sees_it(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    cast = live_server.cast
    token = issue(live_server)[cast.ash.id]
    client = new_page()
    client.goto(live_server.url(f"/f/{token}"))
    expect(client.get_by_role("heading", name="How was your session?")).to_be_visible()
    expect(client.get_by_text("This is not an emergency service.")).to_be_visible()
    assert_phone_friendly(client)
    screenshot(client, "feedback-form-phone")

    answer_sac(client, 7, 6, 9, 7)
    client.get_by_label("Anything you'd like your therapist to know?").fill(
        "I didn't feel listened to when we talked about my sister, and we went too fast."
    )
    screenshot(client, "feedback-form-filled-phone")
    client.get_by_role("button", name="Send my feedback").click()
    expect(client.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_phone_friendly(client)
    screenshot(client, "feedback-thanks-phone")

    therapist = new_page()
    sign_in(therapist, live_server, "alice")
    therapist.goto(live_server.url("/caseload"))
    therapist.get_by_role(
        "link", name=cast.ash_sessions[4].starts_at.strftime("%a %d %b %Y")
    ).first.click()
    expect(therapist.get_by_text("we went too fast")).to_be_visible()
    expect(therapist.get_by_text("29 of 40")).to_be_visible()
    expect(therapist.get_by_text("said something did not land").first).to_be_visible()
    screenshot(therapist, "session-view-phone")
    therapist.get_by_role("button", name="Discussed with the client").first.click()
    expect(therapist.get_by_text("Recorded as discussed with the client.")).to_be_visible()
    expect(therapist.get_by_text("Discussed ", exact=False).first).to_be_visible()


def test_the_form_can_be_completed_with_the_keyboard_alone(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    token = issue(live_server)[live_server.cast.ash.id]
    page = new_page()
    page.goto(live_server.url(f"/f/{token}"))
    page.locator("#bordin_sac-goals-0").focus()
    page.keyboard.press("ArrowRight")
    focused = page.locator("label[for=bordin_sac-goals-1]")
    outline = focused.evaluate(
        "(el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineColor]"
    )
    assert outline == ["solid", "rgb(27, 31, 36)"]  # a visible focus ring, 16.6:1 on white
    screenshot(page, "keyboard-focus-phone")
    page.keyboard.press("ArrowLeft")
    for _ in range(4):  # four questions: move to 5 with the arrows, then on to the next group
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
    page.keyboard.type("Thank you, that helped.")
    page.locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()


def test_missing_answers_are_listed_at_the_top_with_links_to_each_question(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    token = issue(live_server)[live_server.cast.ash.id]
    page = new_page()
    page.goto(live_server.url(f"/f/{token}"))
    page.get_by_role("group", name="came here for").get_by_text("8", exact=True).click()
    page.get_by_role("button", name="Send my feedback").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please check 3 answers")
    assert_phone_friendly(page)
    screenshot(page, "feedback-errors-phone")
    summary.get_by_role("link").first.click()
    assert page.url.endswith("#bordin_sac-tasks-0")
    expect(page.locator("#bordin_sac-goals-8")).to_be_checked()  # the answer given is kept


def test_the_crisis_path_shows_help_first(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    token = issue(live_server)[live_server.cast.ash.id]
    page = new_page()
    page.goto(live_server.url(f"/f/{token}"))
    answer_sac(page, 5, 5, 5, 5)
    page.get_by_label("Anything you'd like your therapist to know?").fill(
        "Some days I think everyone would be better off if I killed myself."
    )
    page.get_by_role("button", name="Send my feedback").click()
    help_box = page.locator("#crisis-help")
    expect(help_box).to_contain_text("get help now")
    expect(help_box.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    expect(help_box.get_by_role("link", name="Call 116 123")).to_be_visible()
    heading = page.get_by_role("heading", name="Thank you")
    help_top = help_box.bounding_box()
    heading_top = heading.bounding_box()
    assert help_top and heading_top and help_top["y"] < heading_top["y"]
    assert help_top["y"] < 844  # visible without scrolling on the phone
    assert_phone_friendly(page)
    screenshot(page, "crisis-thanks-phone")
    recipients = {m.to for m in live_server.outbox.of_kind("urgent_alert")}
    assert recipients == {live_server.cast.alice.email, live_server.cast.sue.email}


def test_a_conduct_concern_is_seen_by_the_lead_and_not_by_the_therapist(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    cast = live_server.cast
    token = issue(live_server)[cast.ash.id]
    words = "My therapist told my sister what I said in our sessions."
    client = new_page()
    client.goto(live_server.url(f"/f/{token}"))
    answer_sac(client, 6, 6, 4, 5)
    client.get_by_label("Anything you'd like your therapist to know?").fill(words)
    client.get_by_role("button", name="Send my feedback").click()
    expect(client.get_by_text("not to your therapist")).to_be_visible()
    expect(client.get_by_text("BACP")).to_be_visible()
    screenshot(client, "conduct-thanks-phone")

    lead = new_page()
    sign_in(lead, live_server, "sue")
    lead.goto(live_server.url("/concerns"))
    expect(lead.get_by_text(words)).to_be_visible()
    screenshot(lead, "concerns-lead-phone")
    lead.get_by_role("button", name="Mark handled").click()
    expect(lead.get_by_text("Marked as handled.")).to_be_visible()

    therapist = new_page()
    sign_in(therapist, live_server, "alice")
    for path in (
        f"/sessions/{cast.ash_sessions[4].id}",
        f"/clients/{cast.ash.id}",
        "/alerts",
        "/caseload",
    ):
        therapist.goto(live_server.url(path))
        assert words not in therapist.content()
    response = therapist.goto(live_server.url("/concerns"))
    assert response is not None and response.status == 404


def test_a_used_link_cannot_be_reused(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    token = issue(live_server)[live_server.cast.ash.id]
    page = new_page()
    page.goto(live_server.url(f"/f/{token}"))
    answer_sac(page, 8, 8, 8, 8)
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    page.reload()  # the browser re-sends the form: the thank-you page again, stored once
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    other = new_page()
    response = other.goto(live_server.url(f"/f/{token}"))
    assert response is not None and response.status == 410
    expect(other.get_by_role("heading", name="You have already sent this feedback")).to_be_visible()
    expect(other.get_by_text("not an emergency service", exact=False).first).to_be_visible()
    screenshot(other, "used-link-phone")
