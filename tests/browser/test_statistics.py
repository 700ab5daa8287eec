"""In Chromium: an admin uploads an export and watches the worker import it (htmx polling, no reload); staff
find who bought a branch, see the map and the years, and start a network from the organisations chosen; the
evidence on network, organisation and challenge pages. axe-core (WCAG 2.1 A/AA) on every new page and state,
and the figures fit their cards at 1280 and 320 px."""

import re
import threading

import pytest

from blueprints.challenges.models import Challenge, challenge_search_text
from blueprints.core.db import db
from blueprints.core.jobs import run_next_job
from blueprints.networks.models import Network, NetworkMember
from blueprints.vocabulary.models import CpvCode
from tests.browser.conftest import axe_violations, log_in
from tests.conftest import create_organisation
from tests.statistics.conftest import procurement, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.commits]


@pytest.fixture
def bought(app, people, make_procurement):
    skane = create_organisation(app, name="Region Skåne", org_number="2321000255", kind="region", county_code="12")
    make_procurement(people["home"], "60130000", 2021, 2_300_000_000, title="Skolskjuts Göteborg")
    make_procurement(people["home"], "60130000", 2020, 480_000_000, title="Skolskjuts Hisingen")
    make_procurement(people["other"], "60130000", 2021, 48_500_000, title="Skolskjutsar med elbuss")
    make_procurement(skane, "60112000", 2021, 950_000, title="Sjukresor")
    return skane


def _check(page, failures, label):
    violations = axe_violations(page)
    if violations:
        failures[label] = violations


def test_admin_uploads_an_export_and_follows_the_import(app, page, people):
    log_in(page, "admin@example.org")
    failures: dict = {}
    page.goto("/admin/anvandare")
    page.get_by_role("link", name="Upphandlingsstatistik").click()
    page.wait_for_url("**/statistik/import")
    _check(page, failures, "upload page")
    page.get_by_role("button", name="Importera").click()
    page.get_by_text("Välj en fil.").first.wait_for()
    _check(page, failures, "upload without a file")

    rows = [procurement("MT1"), procurement("MT2", **{"Upphandlingens titel": "Skolmat"})]
    page.get_by_label("Fil ur Statistikdatabasen (XLSX eller CSV)").set_input_files(
        files=[{"name": "antal.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx("procurements", rows)}]
    )
    page.get_by_role("button", name="Importera").click()
    page.wait_for_url(re.compile(r".*/jobb/\d+$"))
    page.get_by_text("I kö").wait_for()
    _check(page, failures, "job queued")
    page.evaluate("window.stillTheSamePage = true")
    worker = threading.Thread(target=run_next_job, args=(app,), kwargs={"worker": "browser-test", "heartbeat": False})
    worker.start()
    worker.join(timeout=30)
    page.get_by_text("Klart").wait_for(timeout=10_000)  # the polling brought the result
    assert page.evaluate("window.stillTheSamePage") is True
    assert "Nya organisationer" in page.locator("#job-status").inner_text()
    _check(page, failures, "job done")

    page.goto("/statistik/import")
    broken = [procurement("MT1"), procurement("MT1")]
    page.get_by_label("Fil ur Statistikdatabasen (XLSX eller CSV)").set_input_files(
        files=[{"name": "dubbel.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx("procurements", broken)}]
    )
    page.get_by_role("button", name="Importera").click()
    page.wait_for_url(re.compile(r".*/jobb/\d+$"))
    while run_next_job(app, worker="browser-test", heartbeat=False):  # the first import's training, then this
        pass
    page.get_by_text("samma upphandling som rad 2").wait_for(timeout=10_000)
    _check(page, failures, "job refused")
    assert failures == {}
    assert page.console_errors == [] or all("422" in error for error in page.console_errors)


def test_admin_maps_a_need_area_to_cpv_branches(app, page, people):
    log_in(page, "admin@example.org")
    page.goto("/admin/behovsomraden")
    page.get_by_label("Namn").fill("Skolskjuts")
    combo = page.get_by_role("combobox", name="CPV-grenar")
    combo.press_sequentially("skolskjuts", delay=20)
    page.get_by_role("listbox").get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Lägg till").click()
    page.get_by_text("Behovsområdet Skolskjuts är tillagt.").wait_for()
    assert "60130000" in page.get_by_role("row", name=re.compile("Skolskjuts")).inner_text()
    assert axe_violations(page) == []


def test_staff_discover_buyers_and_start_a_network(app, page, people, bought):
    log_in(page, "facilitator@example.org")
    failures: dict = {}
    page.get_by_role("link", name="Statistik").click()
    page.wait_for_url("**/statistik/")
    _check(page, failures, "discovery, nothing asked")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Ord i upphandlingens titel").press_sequentially("skolskjuts", delay=20)
    page.get_by_role("cell", name=re.compile("Göteborgs kommun")).wait_for()
    assert page.evaluate("window.stillTheSamePage") is True  # the result came in place
    result = page.locator("#results").inner_text()
    assert "2 organisationer, 3 upphandlingar" in result and "Region Skåne" not in result
    assert page.locator("svg.county-map__svg").count() == 1 and page.locator("svg.chart__svg").count() == 1
    _check(page, failures, "discovery result")

    page.goto("/statistik/?cpv=60100000")
    page.get_by_label("Välj Göteborgs kommun").check()
    page.get_by_label("Välj Region Skåne").check()
    page.get_by_role("button", name="Skapa ett nätverk av dem").click()
    page.wait_for_url("**/natverk/ny**")
    assert page.get_by_label("Värdorganisation").locator("option:checked").inner_text() == "Göteborgs kommun"
    assert page.get_by_label("Region Skåne").is_checked()  # to be invited
    page.get_by_label("Namn", exact=True).fill("Vägtransporter Väst")
    page.get_by_label("Gemensam utmaning").fill("Samordnad upphandling av skolskjuts och sjukresor.")
    page.get_by_role("button", name="Skapa nätverk").click()
    page.wait_for_url(re.compile(r".*/natverk/\d+$"))
    with app.app_context():
        network = db.session.query(Network).one()
        assert {m.organisation.name: m.status for m in network.members} == {
            "Göteborgs kommun": "aktiv",
            "Region Skåne": "inbjuden",
        }
    assert failures == {}


def _fits(page, selector: str) -> bool:
    return page.evaluate(f"[...document.querySelectorAll('{selector}')].every(e => e.scrollWidth <= e.clientWidth + 1)")


@pytest.mark.parametrize("width", [1280, 320])
def test_evidence_pages_pass_axe_and_figures_fit_their_cards(app, browser, live_server, people, bought, width):
    with app.app_context():
        network = Network(name="Skolskjuts Väst", common_challenge="Skolskjuts", host_organisation_id=people["home"].id)
        network.cpv_codes = [db.session.get(CpvCode, "60100000")]
        network.members = [
            NetworkMember(organisation_id=people["home"].id, role="vard", status="aktiv"),
            NetworkMember(organisation_id=people["other"].id, role="medlem", status="aktiv"),
        ]
        cpv = [db.session.get(CpvCode, "60130000")]
        challenge = Challenge(
            title="Fossilfri skolskjuts",
            organisation_id=people["home"].id,
            status="submitted",
            cpv_codes=cpv,
            created_by_id=people["buyer"],
            search_text=challenge_search_text("Fossilfri skolskjuts", "", cpv),
        )
        db.session.add_all([network, challenge])
        db.session.commit()
        network_id, challenge_id = network.id, challenge.id
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    failures: dict = {}
    log_in(page, "facilitator@example.org")
    for path in (f"/natverk/{network_id}", f"/organisationer/{people['home'].id}", "/statistik/?cpv=60100000"):
        page.goto(path)
        _check(page, failures, path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert _fits(page, ".figure__value"), path
    page.goto(f"/natverk/{network_id}")
    # (2 300 + 480 + 48,5) mnkr over the two years held, at a readable scale.
    assert "1,4 mdkr" in page.locator("#kopkraft").inner_text().replace("\u00a0", " ")
    page.get_by_text("Så räknas samlad köpkraft").click()
    assert page.get_by_text("aldrig med hela sin budget").is_visible()
    page.context.clear_cookies()
    log_in(page, "buyer@example.org")
    page.goto(f"/utmaningar/{challenge_id}")
    assert page.get_by_role("heading", name="Andra som köpt detta").is_visible()
    _check(page, failures, "challenge evidence")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
    assert failures == {}
