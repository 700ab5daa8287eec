"""In Chromium: every role signs in, the organisation search works with and without JavaScript, sessions
warn before they time out, and every page of the foundation passes axe-core (WCAG 2.1 A/AA) with 0 violations."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blueprints.accounts.models import UserSession
from blueprints.core.db import db, utcnow
from tests.browser.conftest import axe_violations, log_in
from tests.conftest import ROLE_EMAILS

pytestmark = [pytest.mark.browser, pytest.mark.commits]


@pytest.mark.parametrize("role", ["buyer", "facilitator", "manager", "admin"])
def test_each_role_signs_in_and_sees_its_areas(page, role):
    log_in(page, ROLE_EMAILS[role])
    nav = page.get_by_role("navigation", name="Huvudmeny")
    assert nav.get_by_role("link", name="Start").is_visible()
    assert nav.get_by_role("link", name="Organisationer").count() == (0 if role == "buyer" else 1)
    assert nav.get_by_role("link", name="Administration").count() == (1 if role == "admin" else 0)
    assert page.get_by_role("status").filter(has_text="Du är inloggad.").is_visible()
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/login")
    assert page.get_by_text("Du är utloggad.").is_visible()


def test_organisation_search_with_javascript(page, make_organisation):
    make_organisation(name="Östersunds kommun", org_number="2120002411", county_code="23")
    log_in(page, "facilitator@example.org")
    page.goto("/organisationer/")
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Sök på namn eller organisationsnummer").press_sequentially("öster", delay=30)
    page.get_by_role("status").filter(has_text="1 träff").wait_for()
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1 and "Östersunds kommun" in rows.inner_text()
    assert page.evaluate("window.__sameDocument") is True  # no full reload
    assert re.search(r"q=%C3%B6ster|q=öster", page.url)
    page.get_by_label("Län").select_option("12")  # Skåne: nothing matches "öster" there
    page.get_by_role("status").filter(has_text="Inga träffar").wait_for()
    assert "county=12" in page.url


def test_organisation_search_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    log_in(page, "manager@example.org")
    page.goto("/organisationer/")
    page.get_by_label("Sök på namn eller organisationsnummer").fill("malmö")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.wait_for_url(re.compile(r".*q=malm.*"))
    assert page.locator("#results tbody tr").count() == 1
    assert "Malmö kommun" in page.locator("#results").inner_text()
    context.close()


def test_expired_session_sends_htmx_requests_to_the_login_page(app, page):
    log_in(page, "facilitator@example.org")
    page.goto("/organisationer/")
    with app.app_context():
        db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    page.get_by_label("Sök på namn eller organisationsnummer").fill("x")
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    assert page.get_by_role("heading", name="Logga in").is_visible()
    assert page.locator("#results").count() == 0


def test_session_warning_can_extend_the_session(app, page):
    app.config.update(SESSION_IDLE_MINUTES=0.25, SESSION_WARNING_MINUTES=0.2)  # warn after 3 of 15 seconds
    log_in(page, "buyer@example.org")
    dialog = page.get_by_role("dialog", name="Du loggas snart ut")
    dialog.wait_for(timeout=10_000)
    button = dialog.get_by_role("button", name="Förläng sessionen")
    assert button.evaluate("element => element === document.activeElement")
    assert axe_violations(page) == []
    button.click()
    dialog.wait_for(state="hidden")
    page.reload()
    assert page.get_by_role("heading", name=re.compile("Välkommen")).is_visible()


def test_skip_link_is_first_and_works(page):
    log_in(page, "buyer@example.org")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hoppa till huvudinnehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def _pages_for(role, ids):
    common = ["/", "/profil", "/tillganglighet", "/finns-inte", "/utmaningar/", "/natverk/"]
    by_role = {
        "buyer": [f"/organisationer/{ids['home']}", "/admin/anvandare"],
        "facilitator": [
            "/organisationer/?q=kommun&county=14",
            f"/organisationer/{ids['home']}",
            "/organisationer/ny",
            f"/organisationer/{ids['home']}/redigera",
            "/anvandare/bjud-in",
        ],
        "manager": ["/organisationer/?kind=kommun", "/oversikt/", "/stod/"],
        "admin": [
            "/admin/anvandare",
            "/admin/anvandare?role=buyer",
            f"/admin/anvandare/{ids['buyer']}",
            "/admin/behovsomraden",
            f"/admin/behovsomraden/{ids['area']}",
            "/admin/logg",
            "/admin/logg?action=login",
            "/admin/e-post",
            "/admin/drift",
            "/admin/matchningsmodell",
        ],
    }
    return common + by_role[role]


@pytest.fixture
def ids(app, people):
    from blueprints.admin.services import add_need_area

    with app.app_context():
        area = add_need_area(name="Energi")
        db.session.commit()
        return {"home": people["home"].id, "buyer": people["buyer"], "area": area.id}


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("role", ["buyer", "facilitator", "manager", "admin"])
def test_axe_on_every_signed_in_page(page, ids, role, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, ROLE_EMAILS[role])
    failures = {}
    for path in _pages_for(role, ids):
        page.goto(path)
        violations = axe_violations(page)
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            violations.append({"id": "sideways-scroll", "help": "The page scrolls sideways", "nodes": []})
        if violations:
            failures[path] = violations
    assert failures == {}


def test_axe_on_public_pages_and_forms_with_errors(app, page, people):
    from blueprints.accounts.models import User
    from blueprints.accounts.services import _issue_token

    with app.test_request_context():
        user = db.session.get(User, people["buyer"])
        reset_token = _issue_token(user, "reset", hours=1)
        db.session.commit()
    failures = {}

    def check(label):
        violations = axe_violations(page)
        if violations:
            failures[label] = violations

    for path in [
        "/login",
        "/losenord/glomt",
        "/tillganglighet",
        f"/losenord/aterstall/{reset_token}",
        "/inbjudan/ogiltig",
        "/finns-inte",
    ]:
        page.goto(path)
        check(path)
    page.goto("/login")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("alert").first.wait_for()  # the answer with the errors has arrived (or the wait fails)
    assert page.get_by_role("alert").first.is_visible()
    check("login with errors")
    page.goto(f"/losenord/aterstall/{reset_token}")
    page.get_by_label("Nytt lösenord").fill("kort")
    page.get_by_role("button", name="Spara lösenordet").click()
    check("reset with errors")
    log_in(page, "admin@example.org")
    page.goto("/organisationer/ny")
    page.get_by_label("Organisationsnummer").fill("123")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Organisationsnumret är inte giltigt").first.wait_for()
    assert page.get_by_text("Organisationsnumret är inte giltigt").first.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    check("organisation form with errors")
    page.goto("/anvandare/bjud-in")
    page.get_by_role("button", name="Skicka inbjudan").click()
    check("invite form with errors")
    page.goto("/admin/behovsomraden")
    page.get_by_role("button", name="Lägg till").click()
    check("need area form with errors")
    page.goto("/profil")
    page.get_by_role("button", name="Byt lösenord").click()
    check("password change with errors")
    assert failures == {}


@pytest.mark.parametrize("path", ["/", "/organisationer/", "/admin/logg", "/profil"])
def test_works_at_320_px_without_horizontal_scrolling(browser, live_server, path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, base_url=live_server.url)
    page = context.new_page()
    log_in(page, "admin@example.org")
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_english_interface(page):
    page.goto("/login")
    page.get_by_role("button", name="In English").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert axe_violations(page) == []
