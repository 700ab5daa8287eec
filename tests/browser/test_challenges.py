"""In Chromium: the CPV picker by keyboard alone, proposing without JavaScript, the active search, and
axe-core (WCAG 2.1 A/AA) on every challenge page in its states: empty list, errors shown, picker open."""

import re

import pytest
import sqlalchemy as sa

from blueprints.challenges.models import Challenge
from blueprints.core.db import db
from blueprints.vocabulary.models import NeedArea
from tests.browser.conftest import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.commits]


@pytest.fixture
def need_area(app):
    with app.app_context():
        area = NeedArea(name="Fossilfria transporter")
        db.session.add(area)
        db.session.commit()
        return area.id


def _stored(app, title):
    with app.app_context():
        return db.session.scalar(
            sa.select(Challenge).where(Challenge.title == title).options(sa.orm.selectinload(Challenge.cpv_codes))
        )


def _fill_required(page):
    page.get_by_label("Beskrivning av behovet").fill("Elbussar för skolskjuts på landsbygden.")
    page.get_by_label("Behovsområde").select_option(label="Fossilfria transporter")
    page.get_by_label("Planerad upphandling: år").select_option("2027")
    page.get_by_label("Anpassning behövs").check()
    page.get_by_label("Ja", exact=True).check()


def test_cpv_picker_with_the_keyboard_only(app, page, need_area):
    log_in(page, "buyer@example.org")
    page.goto("/utmaningar/ny")
    page.get_by_label("Titel").fill("Fossilfri skolskjuts")
    combo = page.get_by_role("combobox", name="CPV-koder")
    combo.focus()
    combo.press_sequentially("skolskjuts", delay=20)
    listbox = page.get_by_role("listbox")
    listbox.get_by_role("option").first.wait_for()
    assert combo.get_attribute("aria-expanded") == "true"
    assert axe_violations(page) == []  # picker open
    page.keyboard.press("ArrowDown")
    active = combo.get_attribute("aria-activedescendant")
    assert active == "cpv-option-60130000"
    page.keyboard.press("Enter")
    assert combo.get_attribute("aria-expanded") == "false"
    chosen = page.get_by_role("list", name="Valda CPV-koder")
    assert "60130000" in chosen.inner_text()
    combo.press_sequentially("städ", delay=20)
    listbox.get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert "90910000" in chosen.inner_text()
    # Remove the second code again with the keyboard.
    page.get_by_role("button", name=re.compile("Ta bort 90910000")).focus()
    page.keyboard.press("Enter")
    assert "90910000" not in chosen.inner_text()
    _fill_required(page)
    page.get_by_role("button", name="Skicka in").click()
    page.wait_for_url(re.compile(r".*/utmaningar/\d+$"))
    challenge = _stored(app, "Fossilfri skolskjuts")
    assert challenge.status == "submitted" and [c.code for c in challenge.cpv_codes] == ["60130000"]


def test_propose_without_javascript(app, browser, live_server, need_area):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    log_in(page, "buyer@example.org")
    page.goto("/utmaningar/ny")
    page.get_by_label("Titel").fill("Städning utan JavaScript")
    page.get_by_label("CPV-koder").fill("90910000, 4523312")
    _fill_required(page)
    page.get_by_role("button", name="Skicka in").click()
    page.get_by_text("Ingen giltig CPV-kod: 4523312").first.wait_for()
    assert page.get_by_text("Ingen giltig CPV-kod: 4523312").first.is_visible()
    page.get_by_label("CPV-koder").fill("90910000 45233120-6")
    page.get_by_role("button", name="Skicka in").click()
    page.wait_for_url(re.compile(r".*/utmaningar/\d+$"))
    assert sorted(c.code for c in _stored(app, "Städning utan JavaScript").cpv_codes) == ["45233120", "90910000"]
    context.close()


def test_inline_validation_as_the_field_is_left(page, need_area):
    log_in(page, "buyer@example.org")
    page.goto("/utmaningar/ny")
    volume = page.get_by_label("Uppskattad årlig volym i kronor")
    volume.fill("en miljon")
    page.get_by_label("Planerad upphandling: år").focus()
    page.get_by_text("Skriv volymen som ett heltal i kronor").wait_for()
    assert page.get_by_label("Uppskattad årlig volym i kronor").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []


@pytest.mark.parametrize("page", [1280, 375], indirect=True)
def test_active_search_and_every_page_passes_axe(app, page, make_organisation, need_area):
    from blueprints.challenges.demo import seed_demo_challenges

    log_in(page, "facilitator@example.org")
    failures = {}

    def check(label):
        violations = axe_violations(page)
        if violations:
            failures[label] = violations

    page.goto("/utmaningar/")
    check("empty list")
    with app.app_context():
        for number, name in [("2120002627", "Umeå kommun"), ("2120002726", "Älvsbyns kommun")]:
            make_organisation(name=name, org_number=number, county_code="24")
        seed_demo_challenges()
        db.session.commit()
        challenge_id = db.session.scalar(sa.select(Challenge.id).where(Challenge.status == "submitted"))
    page.goto("/utmaningar/")
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Sök i titel, beskrivning och CPV").press_sequentially("skolskjuts", delay=20)
    page.get_by_role("status").filter(has_text=re.compile(r"\d+ träff")).wait_for()
    page.wait_for_url(re.compile(r".*q=skolskjuts.*"))
    rows = page.locator("#results tbody tr")
    assert rows.count() >= 2 and page.evaluate("window.__sameDocument") is True
    check("list with results")
    for path in [
        "/utmaningar/ny",
        f"/utmaningar/{challenge_id}",
        "/utmaningar/granskning",
        "/utmaningar/import",
        f"/utmaningar/{challenge_id}/redigera",
    ]:
        page.goto(path)
        check(path)
    page.goto("/utmaningar/ny")
    page.get_by_role("button", name="Skicka in").click()
    check("form with errors")
    page.goto(f"/utmaningar/{challenge_id}")
    page.locator("#forslag, #matchning p").first.wait_for()  # the lazily loaded suggestions settle first
    page.get_by_role("button", name="Återlämna för komplettering").click()
    page.get_by_text("Skriv vad som behöver kompletteras.").first.wait_for()  # the 422 page has arrived
    assert page.get_by_text("Skriv vad som behöver kompletteras.").first.is_visible()
    check("review with errors")
    page.goto("/utmaningar/import")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(
        files=[
            {
                "name": "fel.csv",
                "mimeType": "text/csv",
                "buffer": "titel,beskrivning,organisationsnummer,organisation,cpv,behovsområde\n,x,1,,1,\n".encode(),
            }
        ]
    )
    page.get_by_role("button", name="Granska filen").click()
    page.get_by_text("rader har fel").first.wait_for()
    assert page.get_by_text("rader har fel").first.is_visible() or page.get_by_text("1 rader har fel").is_visible()
    check("import preview with errors")
    assert failures == {}


def test_proposed_cpv_codes_appear_as_one_types_and_one_is_added_to_the_picker(app, page):
    from tests.networks.test_learning import _store_statistics

    _store_statistics(app)
    assert app.test_cli_runner().invoke(args=["matching", "train"]).exit_code == 0
    log_in(page, "buyer@example.org")
    page.goto("/utmaningar/ny")
    page.get_by_label("Titel").press_sequentially("Lokalvård och fönsterputs", delay=10)
    proposals = page.locator("#cpv-proposals")
    proposals.get_by_text("Föreslagna koder").wait_for()
    assert "90900000" in proposals.inner_text() and "%" in proposals.inner_text()
    assert page.locator("#cpv_codes-value").input_value() == ""  # proposed, never chosen for the buyer
    assert axe_violations(page) == []
    proposals.get_by_role("button", name=re.compile(r"^Lägg till 90900000")).click()
    assert "90900000" in page.get_by_role("list", name="Valda CPV-koder").inner_text()
    assert page.locator("#cpv_codes-value").input_value() == "90900000"
    assert page.console_errors == []


def test_the_model_page_with_a_trained_model_passes_axe(app, page):
    from tests.networks.test_learning import _store_statistics

    _store_statistics(app)
    assert app.test_cli_runner().invoke(args=["matching", "train"]).exit_code == 0
    log_in(page, "admin@example.org")
    page.goto("/admin/matchningsmodell")
    page.get_by_role("heading", name="Träffsäkerhet på köpare som hölls utanför").wait_for()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert axe_violations(page) == []


def test_a_refused_return_keeps_its_error_in_view_and_focused(app, page, make_organisation, need_area):
    from blueprints.challenges.demo import seed_demo_challenges

    with app.app_context():
        for number, name in [("2120002627", "Umeå kommun"), ("2120002726", "Älvsbyns kommun")]:
            make_organisation(name=name, org_number=number, county_code="24")
        seed_demo_challenges()
        db.session.commit()
        challenge_id = db.session.scalar(sa.select(Challenge.id).where(Challenge.status == "submitted"))
    log_in(page, "facilitator@example.org")
    page.goto(f"/utmaningar/{challenge_id}")
    page.get_by_role("button", name="Återlämna för komplettering").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    page.locator("#matchning .suggestion, #matchning p").first.wait_for()  # the suggestions have loaded
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]  # in view, not 2,700 px below
    assert "Skriv vad som behöver kompletteras." in summary.inner_text()
    assert page.url.endswith(f"/utmaningar/{challenge_id}/beslut")
    page.goto(page.url)  # the address bar's Enter: a GET of the decision's address leads back to the review box
    assert page.url.endswith(f"/utmaningar/{challenge_id}#granskning")
    assert page.get_by_role("heading", name="Granskning").is_visible()
