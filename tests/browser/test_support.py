"""In Chromium: a buyer requests support and books a slot with the keyboard only; staff triage, keep their
availability and follow sessions up; the feedback page. axe-core (WCAG 2.1 A/AA) on every page of support."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.commits]


@pytest.mark.parametrize("page", [1280, 375], indirect=True)
def test_buyer_requests_support_and_books_with_the_keyboard_only(app, page, people, make_request, working_week):
    granted = make_request(title="Laddstolpar", granted=True)
    log_in(page, "buyer@example.org")
    page.goto("/stod/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Begär stöd").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Skicka förfrågan").click()
    assert "Välj minst en stödform." in page.locator(".error-summary").inner_text()
    assert axe_violations(page) == []  # errors shown
    page.get_by_label("Upphandlingsprojektets namn").fill("Skolskjuts med elbuss")
    page.get_by_label("Beskrivning").fill("Vi behöver hjälp med marknadsdialogen.")
    page.get_by_label("Marknadsanalys och tidig dialog").check()
    page.get_by_label("Dialogmöte med leverantörer").check()
    page.get_by_role("button", name="Skicka förfrågan").click()
    page.wait_for_url(re.compile(r".*/stod/\d+$"))
    assert "registrerad med diarienummer UM " in page.locator(".messages").inner_text()
    assert axe_violations(page) == []

    page.goto(f"/stod/{granted}/boka")
    assert axe_violations(page) == []
    for _press in range(80):  # Tab through the page until a free time has focus, as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('slot')"):
            break
    else:
        pytest.fail("no free time reachable with Tab")
    chosen = page.evaluate("document.activeElement.textContent").strip()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Bekräfta bokningen").wait_for()  # what the booking will be, first
    assert chosen.split()[-1] in page.locator(".facts").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Boka tiden").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/stod/sessioner/\d+$"))
    assert "Sessionen är bokad." in page.locator(".messages").inner_text()
    assert chosen.split()[-1] in page.locator(".facts").inner_text()  # 09:00–12:00 and the like
    assert axe_violations(page) == []
    page.get_by_role("link", name="Boka om").first.click()
    page.wait_for_url(re.compile(r".*/omboka$"))
    assert axe_violations(page) == []
    heading_before = page.locator("#week-heading").inner_text()
    assert page.locator(".slot--current").count() == 1  # the session's own time, marked
    page.get_by_role("button", name="Nästa vecka").click()
    page.locator("#week .slot").first.wait_for()
    expect(page.locator("#week-heading")).to_be_focused()  # (a string predicate would need eval, which CSP forbids)
    assert page.locator("#week-heading").inner_text() != heading_before  # focus on the new week's heading
    assert axe_violations(page) == []
    page.goto("/stod/sessioner/")
    assert "Laddstolpar" in page.locator("main").inner_text()
    assert axe_violations(page) == []


@pytest.mark.parametrize("page", [1280, 375], indirect=True)
def test_staff_pages_and_the_feedback_page_pass_axe(app, page, people, make_request, make_session, working_week):
    waiting = make_request(title="Väntande förfrågan")
    granted = make_request(title="Pågående förfrågan", granted=True)
    held_id = make_session(granted, -timedelta(hours=3), hours=2, feedback_token="browser-token")
    log_in(page, "facilitator@example.org")
    page.goto("/stod/")
    page.get_by_label("Status").select_option(label="Inkommen")
    page.wait_for_url(re.compile(r".*status=inkommen.*"))
    assert "Väntande förfrågan" in page.locator("#results").inner_text()
    assert axe_violations(page) == []
    page.goto(f"/stod/{waiting}")
    page.locator("#bevilja").wait_for()  # the grant section with its suggestions, loaded by htmx after the page
    assert "Förslag på facilitator" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Avslå förfrågan").click()
    assert "Skriv varför förfrågan avslås." in page.locator(".error-summary").first.inner_text()
    assert axe_violations(page) == []
    page.goto(f"/stod/sessioner/{held_id}")
    page.get_by_label("Sessionen genomfördes").check()
    assert axe_violations(page) == []
    page.goto("/stod/tillganglighet")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Skapa kalenderlänk").click()
    assert "/kalender/" in page.locator("#feed-url").input_value()
    assert axe_violations(page) == []
    page.goto("/aterkoppling/browser-token")
    assert axe_violations(page) == []
    page.get_by_label("4 – Nöjd").check()
    page.get_by_role("button", name="Skicka").click()
    assert "Tack för din återkoppling!" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    page.goto("/aterkoppling/browser-token")
    assert axe_violations(page) == []
