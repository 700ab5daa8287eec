"""In Chromium: a reader without an account searches and reads an article; a facilitator writes one with the
live preview, attaches nothing, sends it for review, and a second facilitator publishes it; a member keeps a
network's knowledge page. axe-core (WCAG 2.1 A/AA) on every page and state, rendered Markdown included."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.commits]

RICH_BODY = (
    "# Bakgrund\n\nText med [en länk](https://example.org) och **fetstil**.\n\n### Tabell\n\n"
    "| Steg | Veckor |\n|---|--:|\n| Utmaning | 2 |\n\n- punkt ett\n- punkt två\n\n> Ett citat\n\n"
    "<script>alert(1)</script>"
)


@pytest.mark.parametrize("page", [1280, 375], indirect=True)
def test_a_reader_without_an_account_searches_and_reads(page, make_article):
    article_id = make_article(title="Tidig marknadsdialog i nätverk", body=RICH_BODY, phases=["driva"])
    make_article(title="Måltider i skolan", kind="gott_exempel")
    page.goto("/kunskap/")
    assert axe_violations(page) == []
    page.get_by_label("Sök i artiklarna").fill("marknadsdialog")
    expect(page.locator("#results")).not_to_contain_text("Måltider i skolan")  # htmx, as one types
    assert axe_violations(page) == []
    searches: list[str] = []
    page.on("request", lambda request: searches.append(request.url) if "/kunskap/?" in request.url else None)
    page.keyboard.press("Tab")  # leaving the field asks nothing again (a new request would cancel the click)
    page.wait_for_timeout(600)
    assert searches == []
    page.get_by_role("link", name="Tidig marknadsdialog i nätverk").click()
    page.wait_for_url(f"**/kunskap/{article_id}")
    expect(page.get_by_role("heading", level=2, name="Bakgrund")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Steg")).to_be_visible()
    assert page.get_by_role("link", name="en länk").get_attribute("rel") == "noopener noreferrer nofollow"
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_staff_write_preview_review_and_publish(page, people, reviewer, live_server, browser):
    log_in(page, "facilitator@example.org")
    page.goto("/kunskap/ny")
    page.get_by_role("button", name="Spara").click()  # nothing filled in: errors, announced and linked
    expect(page.locator(".field__error").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Gott exempel").check()
    page.get_by_label("Rubrik", exact=True).fill("Ett nätverk för laddning")
    page.get_by_label("Ingress").fill("Fem organisationer, en kravbild.")
    page.get_by_label("Text", exact=True).fill(RICH_BODY)
    expect(page.locator("#preview h2")).to_have_text("Bakgrund")  # the live preview (htmx)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/kunskap/*")
    page.get_by_role("button", name="Skicka för granskning").click()
    expect(page.get_by_text("Artikeln är skickad för granskning.")).to_be_visible()
    assert axe_violations(page) == []
    article_url = page.url

    second = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    log_in(second, "reviewer@example.org")
    second.goto(article_url)
    second.get_by_role("button", name="Publicera version 1").click()
    expect(second.get_by_text("Artikeln är publicerad.")).to_be_visible()
    second.get_by_role("link", name="Alla versioner").click()
    assert axe_violations(second) == []
    second.get_by_role("link", name="Version 1").click()
    assert axe_violations(second) == []
    second.goto("/kunskap/redaktion")
    assert axe_violations(second) == []
    second.context.close()


def test_a_member_keeps_the_networks_knowledge_page(app, page, make_network):
    network_id = make_network(members=[("home", "aktiv")], is_open=False)
    log_in(page, "buyer@example.org")
    page.goto(f"/natverk/{network_id}/kunskap")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Spara anteckning").click()
    expect(page.locator(".field__error").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Priser och kostnader").check()
    page.get_by_label("Rubrik", exact=True).fill("Prisnivåer för elbussar")
    page.get_by_label("Anteckning", exact=True).fill("- dyrare i inköp\n- billigare i drift")
    page.get_by_role("button", name="Spara anteckning").click()
    expect(page.get_by_role("heading", name="Prisnivåer för elbussar")).to_be_visible()
    page.get_by_role("button", name=re.compile("Föreslå som artikel")).click()
    expect(page.get_by_text("Föreslagen för publicering.")).to_be_visible()
    assert axe_violations(page) == []
