"""In Chromium: from a challenge's suggestions to a network, an activity, the buyer's answer on the start page,
similar challenges appearing beside the form, API tokens; axe-core (WCAG 2.1 A/AA) on every page of networks."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from blueprints.challenges.models import Challenge, challenge_search_text
from blueprints.core.db import db
from blueprints.networks.models import Network
from blueprints.vocabulary.models import CpvCode
from tests.browser.conftest import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.commits]


def _challenge(app, people, title, organisation):
    with app.app_context():
        cpv = [db.session.get(CpvCode, "60130000")]
        challenge = Challenge(
            title=title,
            organisation_id=people[organisation].id,
            status="submitted",
            cpv_codes=cpv,
            search_text=challenge_search_text(title, "", cpv),
        )
        db.session.add(challenge)
        db.session.commit()
        return challenge.id


@pytest.mark.parametrize("page", [1280, 375], indirect=True)
def test_staff_create_a_network_from_suggestions_and_plan_an_activity(app, page, people):
    mine = _challenge(app, people, "Fossilfri skolskjuts", "home")
    _challenge(app, people, "Skolskjutsar med elbuss", "other")
    log_in(page, "facilitator@example.org")
    page.goto(f"/utmaningar/{mine}")
    suggestions = page.locator("#forslag")  # loaded by htmx after the page
    suggestions.get_by_label("Välj Skolskjutsar med elbuss").wait_for()
    assert "Samma CPV-kod: 60130000" in suggestions.inner_text()
    assert axe_violations(page) == []

    page.get_by_label("Välj Skolskjutsar med elbuss").check()
    page.get_by_role("button", name="Skapa nätverk av valda utmaningar").click()
    page.wait_for_url("**/natverk/ny?**")
    assert axe_violations(page) == []
    page.get_by_label("Namn").fill("Skolskjutsnätverket")
    page.get_by_role("button", name="Skapa nätverk").click()
    page.wait_for_url("**/natverk/*")
    assert "Nätverket är skapat." in page.locator(".messages").inner_text()
    assert "Malmö kommun" in page.locator("#medlemmar").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Planera aktivitet").click()
    assert axe_violations(page) == []
    page.get_by_label("Rubrik").fill("Första nätverksmötet")
    page.get_by_label("Datum").fill("2026-12-03")
    page.get_by_label("Starttid").fill("09:00")
    page.get_by_label("Sluttid").fill("08:00")
    page.get_by_role("button", name="Spara aktivitet").click()
    assert "Sluttiden måste vara efter starttiden." in page.locator(".error-summary").inner_text()
    assert axe_violations(page) == []  # errors shown
    page.get_by_label("Sluttid").fill("11:00")
    page.get_by_role("button", name="Spara aktivitet").click()
    page.wait_for_url("**/aktiviteter/*")
    assert "09:00–11:00" in page.locator(".facts").inner_text()
    assert axe_violations(page) == []

    page.goto("/natverk/")
    page.get_by_label("Fas").select_option(label="Initiera")
    page.wait_for_url(re.compile(r".*phase=initiera.*"))
    assert "Skolskjutsnätverket" in page.locator("#results").inner_text()
    assert axe_violations(page) == []


def test_buyer_sees_similar_challenges_while_writing_and_answers_an_invitation(app, page, people):
    _challenge(app, people, "Skolskjutsar med elbuss", "other")
    with app.app_context():
        network = Network(name="Elbussnätverket", common_challenge="Elbussar", host_organisation_id=people["other"].id)
        from blueprints.networks.models import NetworkMember

        network.members.append(NetworkMember(organisation_id=people["home"].id, role="medlem", status="inbjuden"))
        db.session.add(network)
        db.session.commit()
    log_in(page, "buyer@example.org")
    invitations = page.get_by_role("region", name="Inbjudningar till beställarnätverk")
    assert "Elbussnätverket" in invitations.inner_text()
    assert axe_violations(page) == []
    invitations.get_by_role("button", name="Tacka ja").click()
    page.wait_for_url(page.url)
    assert "Välkommen i nätverket Elbussnätverket!" in page.locator(".messages").inner_text()

    page.goto("/utmaningar/ny")
    page.get_by_label("Titel").fill("Fossilfri skolskjuts")
    similar = page.locator("#similar")
    similar.get_by_text("Skolskjutsar med elbuss").wait_for()
    assert axe_violations(page) == []


def test_staff_create_and_revoke_an_api_token(app, page, people):
    log_in(page, "facilitator@example.org")
    page.goto("/profil")
    page.get_by_label("Vad ska nyckeln användas till?").fill("Rapportering")
    page.get_by_role("button", name="Skapa API-nyckel").click()
    assert page.locator("#new-api-token").inner_text().startswith("kk_")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Återkalla Rapportering").click()
    assert "API-nyckeln är återkallad" in page.locator(".messages").inner_text()
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM api_token WHERE revoked_at IS NOT NULL")) == 1


def test_ticking_the_checklist_keeps_the_page_and_moves_focus_to_the_phase(app, page, people):
    with app.app_context():
        network = Network(name="Checklistnätverket", common_challenge="x", host_organisation_id=people["home"].id)
        db.session.add(network)
        db.session.commit()
        network_id = network.id
    log_in(page, "facilitator@example.org")
    page.goto(f"/natverk/{network_id}")
    page.evaluate("window.__samePage = true")
    page.locator("#checklista button").first.click()
    page.locator("#checklista .checklist__done").first.wait_for()
    expect(page.locator("#checklist-initiera")).to_be_focused()
    assert page.evaluate("window.__samePage") is True  # no reload: the checklist alone was swapped
    assert page.locator("#checklista [role=status]").inner_text() == "Checklistan är uppdaterad."
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 375])
def test_a_buyer_acts_on_what_they_find_with_axe_at_zero(app, browser, live_server, people, width):
    theirs = _challenge(app, people, "Elbussar för skolskjuts", "other")
    with app.app_context():
        network = Network(
            name="Öppna skolskjutsnätverket", common_challenge="Skolskjuts", host_organisation_id=people["other"].id
        )
        db.session.add(network)
        db.session.commit()
        network_id = network.id
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    try:
        log_in(page, "buyer@example.org")
        page.goto(f"/utmaningar/{theirs}")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Vi har samma behov").click()
        page.wait_for_url(re.compile(r".*/utmaningar/\d+/redigera$"))
        assert "Anpassa utkastet och skicka in det." in page.locator(".messages").inner_text()
        assert page.get_by_label("Titel").input_value() == "Elbussar för skolskjuts"
        assert axe_violations(page) == []
        page.goto(f"/natverk/{network_id}")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Ansök om att gå med").click()
        page.wait_for_url(re.compile(rf".*/natverk/{network_id}.*"))
        assert "Er ansökan är skickad." in page.locator(".messages").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing sideways
        assert axe_violations(page) == []
    finally:
        context.close()
